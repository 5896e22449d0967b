// Wilcoxon signed-rank test on paired differences d = first - second.
//
// Procedure: differences equal to zero are handled by `zero_method` (dropped by default), the
// |d| are ranked with mid-ranks for ties, R+ / R- are the sums of the ranks of the positive /
// negative differences. The p-value is either
//  - exact: the distribution of R+ over all 2^n equally likely sign assignments of the observed
//    ranks (a dynamic programme on doubled ranks, so it stays exact with tied mid-ranks: this is
//    then the conditional permutation distribution scipy >= 1.15 uses for ties at n <= 13); or
//  - asymptotic: z = (R+ - mu - c) / sigma with mu = n(n+1)/4,
//    sigma^2 = n(n+1)(2n+1)/24 - sum(t^3 - t)/48 (tie-corrected), Pratt's zero adjustment of
//    mu and sigma (Cureton 1967) when zeros are kept, and c = 0.5 * sign for the optional
//    continuity correction (sign(z) two-sided, +1 greater, -1 less).
//
// Which combination matches which software:
//  - SPSS (NPAR TESTS /WILCOXON, "2 Related Samples", Related-Samples Wilcoxon) drops zero
//    differences, uses mid-ranks with the tie-corrected variance, NO continuity correction and
//    reports the asymptotic two-tailed p: WilcoxonOptions::spss() =
//    {zero_method = wilcox, continuity_correction = false, method = asymptotic}. This equals
//    scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=False, method='asymptotic');
//    |z_statistic| is SPSS's |Z|.
//  - scipy's default call wilcoxon(x, y) is zero_method='wilcox', correction=False,
//    method='auto': exact when n <= 50 with no ties and no zeros, otherwise asymptotic (scipy
//    >= 1.15 uses an exhaustive permutation instead when ties/zeros occur with n <= 13; ask for
//    method = exact to reproduce that). WilcoxonOptions::scipy_default() = {wilcox, false,
//    automatic, exact_max_count = 50}: our `automatic` is exact under exactly the no-ties,
//    no-zeros, n <= 50 rule and asymptotic otherwise.
//  - R wilcox.test(paired = TRUE) defaults to correct = TRUE (continuity correction on).
// scipy's reported two-sided `statistic` is min(R+, R-), the one-sided one is R+; R's V is R+.
#pragma once

#include <cstddef>
#include <vector>

#include "stats/hypothesis.hpp"

namespace doseomics::stats {

// What to do with differences that are exactly zero.
enum class WilcoxonZeroMethod {
  wilcox,  // drop them before ranking (SPSS, scipy default, R)
  pratt,   // rank them with the rest, then leave their ranks out of R+ and R- (Pratt 1959)
  zsplit,  // rank them and split their ranks half to R+, half to R-
};

// How the p-value is obtained.
enum class WilcoxonMethod {
  automatic,   // exact when n <= exact_max_count with no ties and no zeros, else asymptotic
  exact,       // exact (conditional) distribution of R+ over the 2^n sign assignments
  asymptotic,  // normal approximation with tie-corrected variance
};

// Options of the signed-rank test; the factories name the common conventions.
struct WilcoxonOptions {
  Alternative alternative = Alternative::two_sided;             // direction of H1 on d
  WilcoxonZeroMethod zero_method = WilcoxonZeroMethod::wilcox;  // zero differences
  bool continuity_correction = false;                           // +-0.5 on R+ (asymptotic only)
  WilcoxonMethod method = WilcoxonMethod::automatic;            // exact or normal p-value
  std::size_t exact_max_count = 50;                             // automatic: exact up to this n

  // SPSS-matching: zeros dropped, no continuity correction, asymptotic p.
  static WilcoxonOptions spss() {
    WilcoxonOptions options;
    options.method = WilcoxonMethod::asymptotic;
    return options;
  }
  // scipy.stats.wilcoxon defaults: zeros dropped, no correction, exact for n <= 50 untied.
  static WilcoxonOptions scipy_default() { return WilcoxonOptions{}; }
};

// Result of the signed-rank test.
struct WilcoxonResult {
  std::size_t count = 0;           // n used for ranking (excludes zeros under wilcox)
  std::size_t zero_count = 0;      // number of zero differences seen
  double positive_rank_sum = 0.0;  // R+ (R's V)
  double negative_rank_sum = 0.0;  // R-
  double statistic = 0.0;          // scipy's statistic: min(R+, R-) two-sided, else R+
  double z_statistic = 0.0;        // (R+ - mu - c) / sigma; NaN when the p-value is exact
  double p_value = 0.0;            // against options.alternative; NaN when n == 0
  bool exact = false;              // whether p_value came from the exact distribution
  bool has_ties = false;           // whether tied |d| (or tied zeros) were ranked
};

// Signed-rank test of first - second (same length; throws std::invalid_argument otherwise).
// With no non-zero difference left the statistic is 0 and z / p are NaN.
WilcoxonResult wilcoxon_signed_rank(const std::vector<double>& first,
                                    const std::vector<double>& second,
                                    const WilcoxonOptions& options = WilcoxonOptions::spss());

// Signed-rank test of one sample of differences against zero.
WilcoxonResult wilcoxon_signed_rank(const std::vector<double>& differences,
                                    const WilcoxonOptions& options = WilcoxonOptions::spss());

}  // namespace doseomics::stats
