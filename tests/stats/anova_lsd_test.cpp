// One-way ANOVA and Fisher LSD / Bonferroni against the PSPP (SPSS-style) table of
// ../shared/reference/stats-cases.md section 3.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "reference_checks.hpp"
#include "stats/anova.hpp"

namespace {

using doseomics::test::Published;
namespace stats = doseomics::stats;

// PSPP oneway.at "ONEWAY posthoc LSD and BONFERRONI": pigmentation by family.
const std::vector<std::vector<double>> kPigmentation = {
    {36, 39, 43, 38, 37}, {46, 47, 47, 47, 43}, {40, 50, 44, 48, 50}, {45, 53, 56, 52, 56}};

struct PublishedRow {
  std::size_t i, j;  // one-based family numbers as printed
  std::string difference, standard_error, lsd_p, lower, upper, bonferroni_p;
};

const std::vector<PublishedRow> kPublishedRows = {
    {1, 2, "-7.400", "2.223", ".004", "-12.112", "-2.688", ".025"},
    {1, 3, "-7.800", "2.223", ".003", "-12.512", "-3.088", ".017"},
    {1, 4, "-13.800", "2.223", ".000", "-18.512", "-9.088", ".000"},
    {2, 3, "-.400", "2.223", ".859", "-5.112", "4.312", "1.000"},
    {2, 4, "-6.400", "2.223", ".011", "-11.112", "-1.688", ".065"},
    {3, 4, "-6.000", "2.223", ".016", "-10.712", "-1.288", ".095"},
};

}  // namespace

TEST_CASE("The pigmentation ANOVA table matches PSPP", "[stats]") {
  const auto result = stats::one_way_anova(kPigmentation);
  CHECK_THAT(result.between_sum_of_squares, Published("478.950"));
  CHECK(result.between_degrees_of_freedom == 3.0);
  CHECK_THAT(result.between_mean_square, Published("159.650"));
  CHECK_THAT(result.within_sum_of_squares, Published("197.600"));
  CHECK(result.within_degrees_of_freedom == 16.0);
  CHECK_THAT(result.within_mean_square, Published("12.350"));
  CHECK_THAT(result.f_statistic, Published("12.927"));
  CHECK_THAT(result.p_value, Published(".000"));
}

TEST_CASE("Fisher LSD with Bonferroni reproduces every row of PSPP's post hoc table", "[stats]") {
  const auto lsd = stats::fisher_lsd(stats::one_way_anova(kPigmentation));
  CHECK_THAT(lsd.error_mean_square, Published("12.350"));
  CHECK(lsd.error_degrees_of_freedom == 16.0);
  REQUIRE(lsd.pairs.size() == kPublishedRows.size());
  for (std::size_t k = 0; k < kPublishedRows.size(); ++k) {
    const PublishedRow& row = kPublishedRows[k];
    const stats::PairwiseComparison& pair = lsd.pairs[k];
    INFO("families " << row.i << " vs " << row.j);
    REQUIRE(pair.group_i + 1 == row.i);
    REQUIRE(pair.group_j + 1 == row.j);
    CHECK_THAT(pair.mean_difference, Published(row.difference));
    CHECK_THAT(pair.standard_error, Published(row.standard_error));
    CHECK_THAT(pair.p_value, Published(row.lsd_p));
    CHECK_THAT(pair.confidence_lower, Published(row.lower));
    CHECK_THAT(pair.confidence_upper, Published(row.upper));
    CHECK_THAT(pair.bonferroni_p_value, Published(row.bonferroni_p));
  }
}

TEST_CASE("LSD p-values agree with the recomputed column of the reference table", "[stats]") {
  // stats-cases.md "recomputed p (here)" column, printed to 5 significant digits.
  const std::vector<std::string> recomputed = {"0.0042477", "0.0029054", "1.2517e-05",
                                               "0.8594369", "0.0108946", "0.0157873"};
  const auto lsd = stats::fisher_lsd(stats::one_way_anova(kPigmentation));
  for (std::size_t k = 0; k < recomputed.size(); ++k) {
    INFO("pair " << k);
    CHECK_THAT(lsd.pairs[k].p_value, Published(recomputed[k]));
    CHECK(lsd.pairs[k].bonferroni_p_value == Approx(std::min(1.0, 6.0 * lsd.pairs[k].p_value)));
  }
}
