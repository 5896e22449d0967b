// Wilcoxon signed-rank test against the published cases W1-W14 of
// ../shared/reference/stats-cases.md (scipy test suite and docstring, R wilcox.test examples).
#include <vector>

#include <catch2/catch.hpp>

#include "reference_checks.hpp"
#include "stats/wilcoxon.hpp"

namespace {

using doseomics::test::AgreesToDigits;
using doseomics::test::Published;
namespace stats = doseomics::stats;
using stats::Alternative;
using stats::WilcoxonMethod;
using stats::WilcoxonOptions;
using stats::WilcoxonZeroMethod;

WilcoxonOptions options(WilcoxonMethod method, Alternative alternative = Alternative::two_sided,
                        bool correction = false,
                        WilcoxonZeroMethod zeros = WilcoxonZeroMethod::wilcox) {
  WilcoxonOptions result;
  result.method = method;
  result.alternative = alternative;
  result.continuity_correction = correction;
  result.zero_method = zeros;
  return result;
}

// Darwin's corn differences (scipy wilcoxon docstring), n = 15, no ties or zeros.
const std::vector<double> kDarwin = {6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};

// Hollander & Wolfe (1973) p. 29 depression scores (R wilcox.test example).
const std::vector<double> kDepressionX = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
const std::vector<double> kDepressionY = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};

}  // namespace

TEST_CASE("W1 scipy's default on Darwin's corn data is the exact two-sided p", "[stats]") {
  const auto result = stats::wilcoxon_signed_rank(kDarwin, WilcoxonOptions::scipy_default());
  CHECK(result.exact);
  CHECK_THAT(result.statistic, Published("24.0"));
  CHECK_THAT(result.p_value, Published("0.041259765625"));
}

TEST_CASE("W2 the exact one-sided greater test on Darwin's data reports R+ and its p", "[stats]") {
  const auto result =
      stats::wilcoxon_signed_rank(kDarwin, options(WilcoxonMethod::exact, Alternative::greater));
  CHECK_THAT(result.statistic, Published("96.0"));
  CHECK_THAT(result.p_value, Published("0.0206298828125"));
}

TEST_CASE("W3 the asymptotic test without continuity correction matches scipy and SPSS",
          "[stats]") {
  const auto result = stats::wilcoxon_signed_rank(kDarwin, WilcoxonOptions::spss());
  CHECK_FALSE(result.exact);
  CHECK_THAT(result.statistic, Published("24.0"));
  CHECK_THAT(result.p_value, Published("0.04088813291185591"));
}

TEST_CASE("W4 R's exact greater test on the depression data gives V = 40", "[stats]") {
  const auto result = stats::wilcoxon_signed_rank(
      kDepressionX, kDepressionY, options(WilcoxonMethod::automatic, Alternative::greater));
  CHECK(result.exact);
  CHECK_THAT(result.positive_rank_sum, Published("40"));
  CHECK_THAT(result.p_value, Published("0.01953"));
  CHECK(result.p_value == 10.0 / 512.0);
  const auto two_sided =
      stats::wilcoxon_signed_rank(kDepressionX, kDepressionY, WilcoxonOptions::scipy_default());
  CHECK(two_sided.p_value == 20.0 / 512.0);
}

TEST_CASE("W5 R's large-sample less test on the depression data gives V = 5", "[stats]") {
  const auto result = stats::wilcoxon_signed_rank(
      kDepressionY, kDepressionX, options(WilcoxonMethod::asymptotic, Alternative::less));
  CHECK_THAT(result.positive_rank_sum, Published("5"));
  CHECK_THAT(result.p_value, Published("0.01908"));
}

TEST_CASE("W6 and W7 match R with and without continuity correction", "[stats]") {
  const std::vector<double> x = {120, 114, 181, 188, 180, 146, 121, 191, 132, 113, 127, 112};
  const std::vector<double> y = {133, 143, 119, 189, 112, 199, 198, 113, 115, 121, 142, 187};
  const auto plain = stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::asymptotic));
  CHECK_THAT(plain.statistic, Published("34.0"));
  CHECK_THAT(plain.p_value, Published("0.6948866023724735"));
  const auto corrected = stats::wilcoxon_signed_rank(
      x, y, options(WilcoxonMethod::asymptotic, Alternative::two_sided, true));
  CHECK_THAT(corrected.statistic, Published("34.0"));
  CHECK_THAT(corrected.p_value, Published("0.7240816609153895"));
}

TEST_CASE("W8 ten tied differences use the tie-corrected variance", "[stats]") {
  const std::vector<double> d(10, 0.1);
  const auto plain = stats::wilcoxon_signed_rank(d, options(WilcoxonMethod::asymptotic));
  CHECK(plain.has_ties);
  CHECK_THAT(plain.statistic, Published("0.0"));
  CHECK_THAT(plain.p_value, Published("0.001565402258002551"));
  const auto corrected = stats::wilcoxon_signed_rank(
      d, options(WilcoxonMethod::asymptotic, Alternative::two_sided, true));
  CHECK_THAT(corrected.p_value, Published("0.00190419504300439"));
  // Automatic selection falls back to the normal approximation because of the ties.
  CHECK_FALSE(stats::wilcoxon_signed_rank(d, WilcoxonOptions::scipy_default()).exact);
}

TEST_CASE("W9 exact p-values for all three alternatives match R 4.0.3", "[stats]") {
  const std::vector<double> x = {1.81, 0.82, 1.56, -0.48, 0.81, 1.28, -1.04, 0.23, -0.75, 0.14};
  const std::vector<double> y = {0.71, 0.65, -0.2, 0.85, -1.1, -0.45, -0.84, -0.24, -0.68, -0.76};
  const auto two_sided = stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::exact));
  CHECK_THAT(two_sided.statistic, Published("11"));
  CHECK_THAT(two_sided.positive_rank_sum, Published("44"));
  CHECK_THAT(two_sided.p_value, Published("0.10546875"));
  const auto less =
      stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::exact, Alternative::less));
  // Published as 0.95800781256 (scipy's literal); the exact value is 981/1024 = 0.9580078125,
  // so the literal's last two digits are noise: compare to 10 digits and to the exact fraction.
  CHECK_THAT(less.p_value, AgreesToDigits(0.95800781256, 10.0));
  CHECK(less.p_value == 981.0 / 1024.0);
  const auto greater =
      stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::exact, Alternative::greater));
  CHECK_THAT(greater.p_value, Published("0.052734375"));
}

TEST_CASE("W10 exact p-values with n = 20 match scipy", "[stats]") {
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 0; i < 20; ++i) {
    x.push_back(i + 0.5);
    y.push_back(20 - i);
  }
  CHECK_THAT(stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::exact)).p_value,
             Published("0.8694877624511719"));
  CHECK_THAT(
      stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::exact, Alternative::less)).p_value,
      Published("0.4347438812255859"));
  CHECK_THAT(stats::wilcoxon_signed_rank(x, y, options(WilcoxonMethod::exact, Alternative::greater))
                 .p_value,
             Published("0.5795888900756836"));
}

TEST_CASE("W11 one-sided asymptotic tests drop the zero difference and correct for ties",
          "[stats]") {
  const std::vector<double> x = {125, 115, 130, 140, 140, 115, 140, 125, 140, 135};
  const std::vector<double> y = {110, 122, 125, 120, 140, 124, 123, 137, 135, 145};
  const auto run = [&](Alternative alternative, bool correction) {
    return stats::wilcoxon_signed_rank(
        x, y, options(WilcoxonMethod::asymptotic, alternative, correction));
  };
  const auto less = run(Alternative::less, false);
  CHECK(less.count == 9);
  CHECK(less.zero_count == 1);
  CHECK_THAT(less.statistic, Published("27.0"));
  CHECK_THAT(less.p_value, Published("0.7031847042787"));
  CHECK_THAT(run(Alternative::less, true).p_value, Published("0.72336564289"));
  CHECK_THAT(run(Alternative::greater, false).p_value, Published("0.2968152957213"));
  CHECK_THAT(run(Alternative::greater, true).p_value, Published("0.3176446594176"));
}

TEST_CASE("W12 Pratt, zero-split and Wilcoxon zero handling match scipy", "[stats]") {
  std::vector<double> d;
  const auto append = [&](double value, int times) { d.insert(d.end(), times, value); };
  append(-4, 1);
  append(-3, 4);
  append(-2, 16);
  append(-1, 15);
  append(0, 8);
  append(1, 4);
  append(2, 5);
  append(3, 1);
  append(4, 2);
  REQUIRE(d.size() == 56);
  const auto run = [&](WilcoxonZeroMethod zeros) {
    return stats::wilcoxon_signed_rank(
        d, options(WilcoxonMethod::asymptotic, Alternative::two_sided, false, zeros));
  };
  const auto pratt = run(WilcoxonZeroMethod::pratt);
  CHECK_THAT(pratt.statistic, Published("423"));
  CHECK_THAT(pratt.p_value, Published("0.0031724568006762576"));
  const auto zsplit = run(WilcoxonZeroMethod::zsplit);
  CHECK_THAT(zsplit.statistic, Published("441"));
  CHECK_THAT(zsplit.p_value, Published("0.0032145343172473055"));
  const auto wilcox = run(WilcoxonZeroMethod::wilcox);
  CHECK_THAT(wilcox.statistic, Published("327"));
  CHECK_THAT(wilcox.p_value, Published("0.00641346115861"));
}

TEST_CASE("W13 Pratt's method adjusts mean and variance for the ranked zeros", "[stats]") {
  const auto result =
      stats::wilcoxon_signed_rank({1, 2, 3, 4}, {1, 2, 3, 5},
                                  options(WilcoxonMethod::asymptotic, Alternative::two_sided, false,
                                          WilcoxonZeroMethod::pratt));
  CHECK_THAT(result.statistic, Published("0.0"));
  CHECK_THAT(result.p_value, Published("0.31731050786291415"));
}

TEST_CASE(
    "W14 the exact conditional distribution with ties and a zero matches scipy's "
    "permutation p",
    "[stats]") {
  std::vector<double> d;
  for (int v = -5; v <= 7; ++v) d.push_back(v);
  const auto result = stats::wilcoxon_signed_rank(d, options(WilcoxonMethod::exact));
  CHECK(result.exact);
  CHECK_THAT(result.statistic, Published("27.5"));
  CHECK_THAT(result.p_value, Published("0.3955078125"));
}

TEST_CASE("Automatic p-value selection is exact only for untied, zero-free samples up to 50",
          "[stats]") {
  std::vector<double> d;
  for (int i = 1; i <= 50; ++i) d.push_back(i % 3 == 0 ? -i : i);
  CHECK(stats::wilcoxon_signed_rank(d, WilcoxonOptions::scipy_default()).exact);
  d.push_back(51);
  CHECK_FALSE(stats::wilcoxon_signed_rank(d, WilcoxonOptions::scipy_default()).exact);
  CHECK_FALSE(stats::wilcoxon_signed_rank({1, 2, 0, 4}, WilcoxonOptions::scipy_default()).exact);
  CHECK_FALSE(stats::wilcoxon_signed_rank(kDarwin, WilcoxonOptions::spss()).exact);
}
