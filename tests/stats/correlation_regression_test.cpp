// Simple regression (R1-R3 of ../shared/reference/stats-cases.md) and Pearson / Spearman
// correlation (R cor.test tuna example, Hollander & Wolfe 1973 p. 187).
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "nist_reader.hpp"
#include "reference_checks.hpp"
#include "stats/correlation.hpp"
#include "stats/regression.hpp"
#include "support/test_paths.hpp"

namespace {
using doseomics::test::AgreesToDigits;
using doseomics::test::kNistSignificantDigits;
using doseomics::test::Published;
namespace stats = doseomics::stats;

const std::vector<double> kTunaHunterL = {44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1};
const std::vector<double> kTunaPanelScore = {2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8};
}  // namespace

TEST_CASE("R1 regression matches R's lm: slope, intercept, SEs, R squared and p", "[stats]") {
  const std::vector<double> x = {151, 174, 138, 186, 128, 136, 179, 163, 152, 131};
  const std::vector<double> y = {63, 81, 56, 91, 47, 57, 76, 72, 62, 48};
  const auto fit = stats::linear_regression(x, y);
  CHECK_THAT(fit.slope, Published("0.6746104491292"));
  CHECK_THAT(fit.intercept, Published("-38.4550870760770"));
  CHECK_THAT(fit.r_squared, Published("0.95478224775"));
  CHECK_THAT(fit.slope_p_value, Published("1.16440531074e-06"));
  CHECK_THAT(fit.slope_standard_error, Published("0.0519051424731"));
  CHECK_THAT(fit.intercept_standard_error, Published("8.0490133029927"));
  // Pearson's p equals the slope's t-test p.
  CHECK_THAT(stats::pearson_correlation(x, y).p_value, Published("1.16440531074e-06"));
}

TEST_CASE("R2 regression on a symmetric perturbation matches scipy's linregress", "[stats]") {
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 0; i <= 10; ++i) {
    x.push_back(i);
    y.push_back(i + 5);
  }
  y[1] -= 1;
  y[9] -= 1;
  y[0] += 1;
  y[10] += 1;
  const auto fit = stats::linear_regression(x, y);
  CHECK_THAT(fit.slope, AgreesToDigits(1.0, 13));
  CHECK_THAT(fit.intercept, AgreesToDigits(5.0, 13));
  CHECK_THAT(fit.correlation, Published("0.98229948625750"));
  // scipy's literal 7.45259691e-08 is truncated, not rounded (the value is 7.452596917e-08), so
  // it is held to the nine significant digits it shows.
  CHECK_THAT(fit.slope_p_value, AgreesToDigits(7.45259691e-08, 9));
  CHECK_THAT(fit.slope_standard_error, Published("0.063564172616372733"));
  CHECK_THAT(fit.intercept_standard_error, Published("0.37605071654517686"));
  const auto pearson = stats::pearson_correlation(x, y);
  CHECK_THAT(pearson.coefficient, Published("0.98229948625750"));
  CHECK_THAT(pearson.p_value, AgreesToDigits(7.45259691e-08, 9));
}

TEST_CASE("R3 NIST Norris matches the certified slope, intercept, SE and R squared", "[stats]") {
  const auto set = doseomics::test::read_nist_linear_regression(
      doseomics::test::shared_data("nist-strd/linear-regression/Norris.dat"), "Norris");
  const auto fit = stats::linear_regression(set.x, set.y);
  CHECK_THAT(fit.slope, AgreesToDigits(1.00211681802045, kNistSignificantDigits));
  CHECK_THAT(fit.slope_standard_error,
             AgreesToDigits(4.29796848199937E-04, kNistSignificantDigits));
  CHECK_THAT(fit.intercept, AgreesToDigits(-0.262323073774029, kNistSignificantDigits));
  CHECK_THAT(fit.r_squared, AgreesToDigits(0.999993745883712, kNistSignificantDigits));
}

TEST_CASE("Pearson r on the tuna data matches R cor.test with its Fisher z interval", "[stats]") {
  const auto result = stats::pearson_correlation(kTunaHunterL, kTunaPanelScore);
  CHECK_THAT(result.coefficient, Published("0.5711816"));
  CHECK_THAT(result.t_statistic, Published("1.841083"));
  CHECK(result.degrees_of_freedom == 7.0);
  CHECK_THAT(result.p_value, Published("0.1081731"));
  CHECK_THAT(result.confidence_lower, Published("-0.1497426"));
  CHECK_THAT(result.confidence_upper, Published("0.8955795"));
}

TEST_CASE("Spearman rho on the tuna data is 0.6 with the t-approximation p", "[stats]") {
  // rho as R cor.test(method = "spearman"); p as smile's CorTest / scipy spearmanr (t on n - 2).
  const auto result = stats::spearman_correlation(kTunaHunterL, kTunaPanelScore);
  CHECK_THAT(result.coefficient, AgreesToDigits(0.6, 14));
  CHECK_THAT(result.p_value, Published("0.08762"));
}

TEST_CASE("Spearman rho averages tied ranks", "[stats]") {
  // x has a tie; with mid-ranks rho is the Pearson r of the ranks (2.5 shared by two).
  const std::vector<double> x = {1, 2, 2, 4};
  const std::vector<double> y = {1, 3, 2, 4};
  const auto rho = stats::spearman_correlation(x, y);
  const auto pearson_of_ranks = stats::pearson_correlation({1, 2.5, 2.5, 4}, {1, 3, 2, 4});
  CHECK_THAT(rho.coefficient, AgreesToDigits(pearson_of_ranks.coefficient, 15));
}
