// Paired t-test against the published cases T1-T3 of ../shared/reference/stats-cases.md.
#include <vector>

#include <catch2/catch.hpp>

#include "reference_checks.hpp"
#include "stats/t_test.hpp"

namespace {
using doseomics::test::Published;
namespace stats = doseomics::stats;
}  // namespace

TEST_CASE("T1 Student's sleep data give R's paired t = -4.0621 on 9 df", "[stats]") {
  const std::vector<double> group1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  const std::vector<double> group2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
  const auto result = stats::paired_t_test(group1, group2);
  CHECK_THAT(result.t_statistic, Published("-4.0621"));
  CHECK(result.degrees_of_freedom == 9.0);
  CHECK_THAT(result.p_value, Published("0.002833"));
  CHECK_THAT(result.mean_difference, Published("-1.58"));
}

TEST_CASE("T2 scipy's linspace pair gives t = 0.81248591389165692 and the one-sided p", "[stats]") {
  // numpy.linspace(start, stop, 100): start + i * step with the last point set to stop.
  std::vector<double> a(100);
  std::vector<double> b(100);
  const double step_a = (100.0 - 1.0) / 99.0;
  const double step_b = (99.989 - 1.01) / 99.0;
  for (int i = 0; i < 100; ++i) {
    a[i] = i * step_a + 1.0;
    b[i] = i * step_b + 1.01;
  }
  a[99] = 100.0;
  b[99] = 99.989;
  const auto two_sided = stats::paired_t_test(a, b);
  CHECK(two_sided.degrees_of_freedom == 99.0);
  CHECK_THAT(two_sided.t_statistic, Published("0.81248591389165692"));
  CHECK_THAT(two_sided.p_value, Published("0.41846234511362157"));
  const auto less = stats::paired_t_test(a, b, stats::Alternative::less);
  CHECK_THAT(less.p_value, Published("0.7907688274431892"));  // 1 - p/2, as the case states
}

TEST_CASE("T3 the 85 percent interval of the mean difference matches R and scipy", "[stats]") {
  const std::vector<double> x = {1.22825792,  1.63950485, 4.39025641, 0.68609437, 2.03813481,
                                 -1.20040109, 1.81997937, 1.86854636, 2.94694282, 3.94291373};
  const std::vector<double> y = {3.49961496, 1.53192536, 5.53620083, 2.91687718, 0.04858043,
                                 3.78505943, 3.3077496,  2.30468892, 3.42168074, 0.56797592};
  const auto result = stats::paired_t_test(x, y, stats::Alternative::two_sided, 0.85);
  CHECK(result.degrees_of_freedom == 9.0);
  CHECK_THAT(result.confidence_lower, Published("-1.912194489914035"));
  CHECK_THAT(result.confidence_upper, Published("0.400169725914035"));
}
