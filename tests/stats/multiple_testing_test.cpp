// Benjamini-Hochberg and Bonferroni adjustments.
#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/multiple_testing.hpp"

namespace {
namespace stats = doseomics::stats;

// Benjamini & Hochberg (1995), section 4.2: 15 p-values; at q = 0.05 the first four are
// rejected. The adjusted values follow from q_(i) = min_{j >= i} 15 p_(j) / j.
const std::vector<double> kBenjaminiHochberg1995 = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201,
                                                    0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
                                                    0.4262, 0.5719, 0.6528, 0.7590, 1.000};
}  // namespace

TEST_CASE("Benjamini-Hochberg on the 1995 paper's example rejects four at q = 0.05", "[stats]") {
  const auto adjusted = stats::benjamini_hochberg(kBenjaminiHochberg1995);
  const std::vector<double> expected = {
      0.0015,           0.003,           0.0095,           0.035625,         0.0603,
      0.0298 * 15 / 7,  0.0298 * 15 / 7, 0.0645,           0.0765,           0.486,
      0.4262 * 15 / 11, 0.714875,        0.6528 * 15 / 13, 0.7590 * 15 / 14, 1.0};
  REQUIRE(adjusted.size() == expected.size());
  int rejected = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("p-value " << i);
    CHECK(adjusted[i] == Approx(expected[i]).epsilon(1e-14));
    if (adjusted[i] <= 0.05) ++rejected;
  }
  CHECK(rejected == 4);
}

TEST_CASE("Benjamini-Hochberg keeps the input order and the NaN entries", "[stats]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto adjusted = stats::benjamini_hochberg({0.04, nan, 0.01, 0.03});
  CHECK(adjusted[0] == Approx(0.04));
  CHECK(std::isnan(adjusted[1]));
  CHECK(adjusted[2] == Approx(0.03));
  CHECK(adjusted[3] == Approx(0.04));
}

TEST_CASE("Bonferroni multiplies by the number of tests and caps at one", "[stats]") {
  const auto adjusted = stats::bonferroni({0.01, 0.2, 0.5});
  CHECK(adjusted[0] == Approx(0.03));
  CHECK(adjusted[1] == Approx(0.6));
  CHECK(adjusted[2] == 1.0);
  CHECK_THROWS_AS(stats::bonferroni({1.5}), std::invalid_argument);
}
