// One-way analysis of variance and Fisher's least-significant-difference post hoc test.
//
// Numerics: every observation is first shifted by one observation of the data (an exact
// subtraction when the data share their leading digits, Sterbenz), group means are compensated
// means with a correction pass, and the between / within sums of squares are centred sums
// (corrected two-pass), so NIST's SmLs sets with 13 constant leading digits keep all the digits
// the binary input carries.
//
// Post hoc (SPSS ONEWAY /POSTHOC=LSD BONFERRONI): each pair uses the pooled within-group mean
// square of the ANOVA and its N - k degrees of freedom, SE = sqrt(MSE (1/n_i + 1/n_j)) with the
// actual group sizes, an unadjusted two-sided t p-value, and Bonferroni p = min(1, m p) with
// m = k (k - 1) / 2.
#pragma once

#include <cstddef>
#include <vector>

namespace doseomics::stats {

// The one-way ANOVA table and the group summaries it was built from.
struct OneWayAnovaResult {
  std::vector<std::size_t> group_sizes;   // n_i per group, in input order
  std::vector<double> group_means;        // mean per group, in input order
  std::size_t total_count = 0;            // N, all observations
  double between_sum_of_squares = 0.0;    // sum n_i (mean_i - grand mean)^2
  double within_sum_of_squares = 0.0;     // sum over groups of sum (y - mean_i)^2
  double total_sum_of_squares = 0.0;      // sum (y - grand mean)^2
  double between_degrees_of_freedom = 0;  // k - 1
  double within_degrees_of_freedom = 0;   // N - k
  double between_mean_square = 0.0;       // between SS / (k - 1)
  double within_mean_square = 0.0;        // within SS / (N - k), the pooled error variance
  double f_statistic = 0.0;               // between MS / within MS (+inf when within MS is 0)
  double p_value = 0.0;                   // upper tail of F(k - 1, N - k); NaN if undefined
  // Share of the total sum of squares explained by the groups (eta squared, NIST "R-Squared").
  double r_squared() const { return between_sum_of_squares / total_sum_of_squares; }
};

// One-way ANOVA of k >= 2 groups. Throws std::invalid_argument for fewer than two groups or an
// empty group. When N == k (every group a single value) the within terms, F and p are NaN; when
// the within MS is 0 with group means that differ, F = +inf and p = 0; with all data equal F and
// p are NaN.
OneWayAnovaResult one_way_anova(const std::vector<std::vector<double>>& groups);

// One row of the post hoc table: group I against group J (zero-based, I < J).
struct PairwiseComparison {
  std::size_t group_i = 0;          // first group (I)
  std::size_t group_j = 0;          // second group (J)
  double mean_difference = 0.0;     // mean_I - mean_J
  double standard_error = 0.0;      // sqrt(MSE (1/n_I + 1/n_J))
  double t_statistic = 0.0;         // mean difference / standard error
  double p_value = 0.0;             // LSD: unadjusted two-sided p on N - k df
  double bonferroni_p_value = 0.0;  // min(1, m * p_value), m = number of pairs
  double confidence_lower = 0.0;    // mean difference - t_{1-alpha/2, N-k} SE
  double confidence_upper = 0.0;    // mean difference + t_{1-alpha/2, N-k} SE
};

// Fisher LSD table for every pair I < J (SPSS also prints J, I: negate difference and CI).
struct FisherLsdResult {
  double error_mean_square = 0.0;         // pooled within MS used for every pair
  double error_degrees_of_freedom = 0.0;  // N - k
  double confidence_level = 0.95;         // level of the intervals
  std::vector<PairwiseComparison> pairs;  // (0,1), (0,2), ..., (k-2,k-1)
};

// Fisher's LSD (with Bonferroni-adjusted p) from a one-way ANOVA result. Throws
// std::invalid_argument when confidence_level is outside (0, 1).
FisherLsdResult fisher_lsd(const OneWayAnovaResult& anova, double confidence_level = 0.95);

}  // namespace doseomics::stats
