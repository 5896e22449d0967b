// Percent change with an explicit "undefined" for a zero baseline.
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/percent_change.hpp"

namespace {
namespace stats = doseomics::stats;
}

TEST_CASE("Percent change is the relative difference times one hundred", "[stats]") {
  CHECK(*stats::percent_change(100.0, 110.0) == Approx(10.0));
  CHECK(*stats::percent_change(6.0, 3.036) == Approx(-49.4));
  // The signed baseline is the denominator, as in the paper's formula.
  CHECK(*stats::percent_change(-5.0, -10.0) == Approx(100.0));
}

TEST_CASE("A zero baseline makes the percent change undefined, never infinite", "[stats]") {
  CHECK_FALSE(stats::percent_change(0.0, 5.0).has_value());
  CHECK_FALSE(stats::percent_change(0.0, 0.0).has_value());
  CHECK_FALSE(stats::percent_change(-0.0, 1.0).has_value());
  CHECK_FALSE(stats::percent_change(std::numeric_limits<double>::denorm_min(), 1e300).has_value());
  CHECK_FALSE(stats::percent_change(1.0, std::numeric_limits<double>::quiet_NaN()).has_value());
}

TEST_CASE("Percent changes of two series flag only the zero baselines", "[stats]") {
  const auto changes = stats::percent_changes({2.0, 0.0, 4.0}, {3.0, 1.0, 2.0});
  REQUIRE(changes.size() == 3);
  CHECK(*changes[0] == Approx(50.0));
  CHECK_FALSE(changes[1].has_value());
  CHECK(*changes[2] == Approx(-50.0));
  CHECK_THROWS_AS(stats::percent_changes({1.0}, {1.0, 2.0}), std::invalid_argument);
}
