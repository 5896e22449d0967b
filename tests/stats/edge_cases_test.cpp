// Degenerate inputs: all-zero differences, single-observation groups, constant data, too few
// values, mismatched lengths.
#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/anova.hpp"
#include "stats/correlation.hpp"
#include "stats/descriptive.hpp"
#include "stats/paired_comparison.hpp"
#include "stats/regression.hpp"
#include "stats/shapiro_wilk.hpp"
#include "stats/t_test.hpp"
#include "stats/wilcoxon.hpp"

namespace {
namespace stats = doseomics::stats;
}

TEST_CASE("All-zero differences leave t, Wilcoxon and the paired choice undefined", "[stats]") {
  const std::vector<double> before = {1.5, 2.5, 3.5, 4.5};
  const auto t = stats::paired_t_test(before, before);
  CHECK(t.mean_difference == 0.0);
  CHECK(std::isnan(t.t_statistic));
  CHECK(std::isnan(t.p_value));
  const auto w = stats::wilcoxon_signed_rank(before, before);
  CHECK(w.count == 0);
  CHECK(w.zero_count == 4);
  CHECK(w.statistic == 0.0);
  CHECK(std::isnan(w.p_value));
  const auto pratt_options = [] {
    stats::WilcoxonOptions options = stats::WilcoxonOptions::spss();
    options.zero_method = stats::WilcoxonZeroMethod::pratt;
    return options;
  }();
  CHECK(std::isnan(stats::wilcoxon_signed_rank(before, before, pratt_options).p_value));
  const auto choice = stats::compare_paired(before, before);
  CHECK(std::isnan(choice.normality_of_differences.w));
  CHECK(choice.chosen_test == stats::PairedTestKind::wilcoxon_signed_rank);
  CHECK(std::isnan(choice.p_value));
}

TEST_CASE("Constant non-zero differences give an infinite t and p = 0", "[stats]") {
  const auto t = stats::paired_t_test({2, 3, 4}, {1, 2, 3});
  CHECK(std::isinf(t.t_statistic));
  CHECK(t.t_statistic > 0);
  CHECK(t.p_value == 0.0);
  CHECK(t.confidence_lower == 1.0);
  CHECK(t.confidence_upper == 1.0);
}

TEST_CASE("ANOVA with only single-observation groups has no within-group error", "[stats]") {
  const auto result = stats::one_way_anova({{1.0}, {2.0}, {4.0}});
  CHECK(result.within_degrees_of_freedom == 0.0);
  CHECK(result.between_sum_of_squares == Approx(14.0 / 3.0));
  CHECK(std::isnan(result.within_mean_square));
  CHECK(std::isnan(result.f_statistic));
  CHECK(std::isnan(result.p_value));
  const auto lsd = stats::fisher_lsd(result);
  REQUIRE(lsd.pairs.size() == 3);
  CHECK(std::isnan(lsd.pairs[0].p_value));
  CHECK(std::isnan(lsd.pairs[0].bonferroni_p_value));
}

TEST_CASE("A single-observation group still enters ANOVA and the LSD table", "[stats]") {
  const auto result = stats::one_way_anova({{5.0}, {1.0, 2.0, 3.0}});
  CHECK(result.within_degrees_of_freedom == 2.0);
  CHECK(result.within_mean_square == Approx(1.0));
  CHECK(result.group_means[0] == 5.0);
  const auto lsd = stats::fisher_lsd(result);
  CHECK(lsd.pairs[0].standard_error == Approx(std::sqrt(1.0 + 1.0 / 3.0)));
  CHECK(lsd.pairs[0].mean_difference == Approx(3.0));
}

TEST_CASE("ANOVA on constant data is undefined; constant groups with different means are not",
          "[stats]") {
  const auto constant = stats::one_way_anova({{3, 3, 3}, {3, 3}});
  CHECK(constant.between_sum_of_squares == 0.0);
  CHECK(constant.within_sum_of_squares == 0.0);
  CHECK(std::isnan(constant.f_statistic));
  CHECK(std::isnan(constant.p_value));
  const auto separated = stats::one_way_anova({{3, 3, 3}, {4, 4}});
  CHECK(std::isinf(separated.f_statistic));
  CHECK(separated.p_value == 0.0);
}

TEST_CASE("ANOVA rejects fewer than two groups and empty groups", "[stats]") {
  CHECK_THROWS_AS(stats::one_way_anova({{1, 2, 3}}), std::invalid_argument);
  CHECK_THROWS_AS(stats::one_way_anova({{1, 2}, {}}), std::invalid_argument);
}

TEST_CASE("Constant data have zero SD and undefined normality, correlation and slope", "[stats]") {
  const std::vector<double> constant(6, 2.5);
  const std::vector<double> varying = {1, 2, 3, 4, 5, 6};
  CHECK(stats::mean(constant) == 2.5);
  CHECK(stats::sample_standard_deviation(constant) == 0.0);
  CHECK(std::isnan(stats::shapiro_wilk(constant).w));
  CHECK(std::isnan(stats::pearson_correlation(constant, varying).coefficient));
  CHECK(std::isnan(stats::pearson_correlation(constant, varying).p_value));
  CHECK(std::isnan(stats::linear_regression(constant, varying).slope));
  const auto flat = stats::linear_regression(varying, constant);
  CHECK(flat.slope == Approx(0.0).margin(1e-15));
  CHECK(std::isnan(flat.r_squared));
}

TEST_CASE("Too few values give NaN rather than an exception", "[stats]") {
  CHECK(std::isnan(stats::mean({})));
  CHECK(std::isnan(stats::sample_standard_deviation({4.0})));
  CHECK(std::isnan(stats::median({})));
  CHECK(std::isnan(stats::shapiro_wilk({1.0, 2.0}).p_value));
  CHECK(std::isnan(stats::paired_t_test({1.0}, {2.0}).p_value));
  const auto two_points = stats::pearson_correlation({1, 2}, {3, 5});
  CHECK(two_points.coefficient == Approx(1.0));
  CHECK(std::isnan(two_points.p_value));
  CHECK(std::isnan(two_points.confidence_lower));
  const auto line = stats::linear_regression({1, 2}, {3, 5});
  CHECK(line.slope == Approx(2.0));
  CHECK(std::isnan(line.slope_standard_error));
}

TEST_CASE("A perfect correlation has p = 0 and a degenerate interval", "[stats]") {
  const auto result = stats::pearson_correlation({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10});
  CHECK(result.coefficient == 1.0);
  CHECK(result.p_value == 0.0);
  CHECK(result.confidence_lower == 1.0);
}

TEST_CASE("Mismatched pair lengths are rejected", "[stats]") {
  CHECK_THROWS_AS(stats::paired_t_test({1, 2}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(stats::wilcoxon_signed_rank({1, 2}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(stats::pearson_correlation({1, 2}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(stats::linear_regression({1, 2}, {1}), std::invalid_argument);
}
