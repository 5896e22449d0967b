// Pre vs post comparison that picks the paired t-test or the Wilcoxon signed-rank test from the
// normality (Shapiro-Wilk) of the paired differences, as in the study's step 4.
#pragma once

#include <vector>

#include "stats/shapiro_wilk.hpp"
#include "stats/t_test.hpp"
#include "stats/wilcoxon.hpp"

namespace doseomics::stats {

// Which test a paired comparison used.
enum class PairedTestKind { paired_t, wilcoxon_signed_rank };

// Both tests, the normality check that chose between them, and the chosen p-value.
struct PairedComparisonResult {
  ShapiroWilkResult normality_of_differences;             // Shapiro-Wilk on first - second
  PairedTestKind chosen_test = PairedTestKind::paired_t;  // t if differences look normal
  PairedTTestResult t_test;                               // always computed
  WilcoxonResult wilcoxon;                                // always computed
  double p_value = 0.0;                                   // p of the chosen test
};

// Runs Shapiro-Wilk on the differences; the paired t-test is chosen when its p exceeds
// normality_alpha (normality not rejected), otherwise the Wilcoxon test (also when normality
// cannot be assessed: fewer than 3 pairs or constant differences). Throws
// std::invalid_argument on a length mismatch.
PairedComparisonResult compare_paired(
    const std::vector<double>& first, const std::vector<double>& second,
    double normality_alpha = 0.05,
    const WilcoxonOptions& wilcoxon_options = WilcoxonOptions::spss());

}  // namespace doseomics::stats
