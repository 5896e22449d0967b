// Quantile definitions, summary and compensated arithmetic on small exact cases.
#include <vector>

#include <catch2/catch.hpp>

#include "stats/accurate_sum.hpp"
#include "stats/descriptive.hpp"
#include "stats/ranks.hpp"

namespace {
namespace stats = doseomics::stats;
const std::vector<double> kOneToTen = {7, 1, 10, 4, 2, 9, 3, 6, 8, 5};
}  // namespace

TEST_CASE("Linear quartiles of 1..10 are R type 7's 3.25 and 7.75", "[stats]") {
  const auto q = stats::quartiles(kOneToTen, stats::QuantileDefinition::linear);
  CHECK(q.first == 3.25);
  CHECK(q.median == 5.5);
  CHECK(q.third == 7.75);
  CHECK(q.interquartile_range() == 4.5);
}

TEST_CASE("SPSS weighted-average quartiles of 1..10 are 2.75 and 8.25", "[stats]") {
  const auto q = stats::quartiles(kOneToTen, stats::QuantileDefinition::weighted_average);
  CHECK(q.first == 2.75);
  CHECK(q.median == 5.5);
  CHECK(q.third == 8.25);
  // Outside [1/(n+1), n/(n+1)] the weighted average clamps to the extremes.
  CHECK(stats::quantile(kOneToTen, 0.05, stats::QuantileDefinition::weighted_average) == 1.0);
  CHECK(stats::quantile(kOneToTen, 0.95, stats::QuantileDefinition::weighted_average) == 10.0);
}

TEST_CASE("The median of an odd count is the middle value", "[stats]") {
  CHECK(stats::median({5, 1, 3}) == 3.0);
  CHECK(stats::median({4, 1, 3, 2}) == 2.5);
}

TEST_CASE("The summary collects count, mean, SD, extremes and quartiles", "[stats]") {
  const auto summary = stats::describe(kOneToTen);
  CHECK(summary.count == 10);
  CHECK(summary.mean == 5.5);
  CHECK(summary.standard_deviation == Approx(3.0276503540974917).epsilon(1e-15));
  CHECK(summary.minimum == 1.0);
  CHECK(summary.maximum == 10.0);
  CHECK(summary.quartiles.first == 3.25);
}

TEST_CASE("Compensated summation keeps terms that plain summation loses", "[stats]") {
  const std::vector<double> values = {1e16, 1.0, -1e16, 1.0};
  CHECK(stats::compensated_sum(values) == 2.0);
}

TEST_CASE("Mid-ranks average tied positions", "[stats]") {
  const auto ranks = stats::average_ranks({10, 20, 20, 5, 20});
  CHECK(ranks == std::vector<double>{2, 4, 4, 1, 4});
  CHECK(stats::tie_group_sizes({10, 20, 20, 5, 20, 5}) == std::vector<std::size_t>{2, 3});
}

TEST_CASE("A probability outside [0, 1] is rejected", "[stats]") {
  CHECK_THROWS_AS(stats::quantile(kOneToTen, 1.5), std::invalid_argument);
}
