// The seed study's analysis (Qin et al., BMC Cancer 2022;22:1149, DESIGN.md step 4) on plain
// long tables (stats/study_data.hpp):
//  1. baseline consistency: one-way ANOVA (+ Fisher LSD) of the pre-RT values of each feature
//     across the dose bands; features with p > alpha are kept;
//  2. pre vs post per band and sequence: paired t-test or Wilcoxon signed-rank test;
//  3. counts of significant features per class and band (the paper's Table 2);
//  4. common features: significant at every band;
//  5. PCA of z-standardised features of one sequence (FAT by default);
//  6. Delta-RF = (post - pre) / pre x 100 % per region, the dose-response curve (mean Delta-RF
//     per band) and its least-squares slope;
//  7. Delta blood counts against pre-RT, their median trends over mid, end and one month;
//  8. Pearson r of Delta-RF against Delta-count per band.
// Where the paper is ambiguous the choice is a field of StudyOptions (docs/study.md explains each).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "stats/correlation.hpp"
#include "stats/pca.hpp"
#include "stats/regression.hpp"
#include "stats/study_data.hpp"

namespace doseomics::stats {

// Which paired test decides "changed pre vs post".
enum class PairedTestChoice {
  shapiro_wilk_decides,  // paired t if Shapiro-Wilk does not reject normal differences, else
                         // Wilcoxon
  paired_t,              // always the paired t-test
  wilcoxon,              // always the Wilcoxon signed-rank test (SPSS asymptotic p)
};

// The x of the dose-response slope.
enum class SlopeAxis {
  band_index,        // 1..7, as the paper's slopes (10.09 % per band for FatFrac Energy) imply
  dose_midpoint_gy,  // the band's dose midpoint (open top band: lower bound + 5 Gy)
};

// Which points the dose-response line is fitted to.
enum class SlopeFit {
  band_means,   // the curve itself: one point per band (the mean Delta-RF), as the paper's figure
  all_regions,  // every region's Delta-RF (n = patients x bands)
};

// What the PCA's observations are.
enum class PcaInput {
  delta_percent,  // Delta-RF of each region (patient x band): the change the study is about
  post,           // post-RT values of each region
  pre,            // pre-RT values of each region
};

// Which features the PCA and the correlations use.
enum class FeatureSelection {
  common,       // significant at every band (the paper); PCA falls back to `significant`, then
                // `kept`, when fewer than two are common
  significant,  // significant at one band or more
  kept,         // every feature that passed the baseline check
};

// The analysis choices; defaults follow the paper.
struct StudyOptions {
  double alpha = 0.05;          // significance level of every test
  bool baseline_filter = true;  // keep only features with baseline ANOVA p > alpha
  PairedTestChoice paired_test = PairedTestChoice::shapiro_wilk_decides;  // pre vs post test
  double normality_alpha = 0.05;  // Shapiro-Wilk level when it decides
  bool fdr = false;               // Benjamini-Hochberg q < alpha instead of p < alpha
  // A common feature is significant at every tested band of its sequence but at most
  // `common_max_missed_bands` (the paper's results: T2fs and WATER features common "under
  // > 10 Gy", i.e. at six of seven bands), or, when `common_min_bands` > 0, at that many bands.
  int common_max_missed_bands = 1;
  int common_min_bands = 0;
  SlopeAxis slope_axis = SlopeAxis::band_index;              // x of the slope
  SlopeFit slope_fit = SlopeFit::band_means;                 // points of the slope fit
  std::string pca_sequence = "FAT";                          // sequence the PCA runs on
  PcaInput pca_input = PcaInput::delta_percent;              // observations of the PCA
  FeatureSelection pca_features = FeatureSelection::common;  // variables of the PCA
  double pca_variance_threshold = 0.80;                      // components to reach this share
  std::size_t pca_top_loadings = 5;                          // top loadings listed per component
  BloodTimepoint count_timepoint = BloodTimepoint::end;      // Delta-count = (this - pre) / pre
  FeatureSelection correlation_features = FeatureSelection::common;  // features correlated
  std::optional<int> setting_id;  // extraction setting analysed; unset = the lowest present
  std::size_t min_pairs = 3;      // fewest patients for a paired test or a correlation
};

// The common-feature rule of `options` in words ("significant at every band but at most one").
std::string common_feature_rule(const StudyOptions& options);

// A dose band.
struct DoseBand {
  int index = 0;             // 1-based band index
  double lower_gy = 0.0;     // lower bound
  double upper_gy = 0.0;     // upper bound, +inf for the open top band
  double midpoint_gy = 0.0;  // (lower + upper) / 2; lower + 5 Gy for the open top band
  std::string label;         // "5-10 Gy", ">50 Gy"
};

// The paper's seven bands: 5-10, 10-15, 15-20, 20-30, 30-40, 40-50, >50 Gy.
std::vector<DoseBand> default_dose_bands();

// Feature class from a PyRadiomics name ("original_glcm_Idm" -> "glcm"); "" when not parsable.
std::string feature_class_of(const std::string& feature);
// Feature name without image type and class ("original_glcm_Idm" -> "Idm").
std::string feature_short_name(const std::string& feature);

// Step 1, one feature of one sequence: ANOVA of pre-RT values across bands.
struct BaselineResult {
  std::string sequence;                   // MR sequence
  std::string feature;                    // full feature name
  std::size_t observations = 0;           // regions with a pre-RT value
  double anova_p = 0.0;                   // one-way ANOVA p across bands (NaN if undefined)
  std::size_t lsd_pairs_below_alpha = 0;  // Fisher LSD band pairs with p < alpha
  bool kept = false;                      // anova_p > alpha (or no filter)
};

// Step 2, one feature, one sequence, one band: pre vs post.
struct PairedResult {
  std::string sequence;      // MR sequence
  std::string feature;       // full feature name
  int band = 0;              // band index
  std::size_t pairs = 0;     // patients with both values
  double mean_pre = 0.0;     // mean pre-RT value
  double mean_post = 0.0;    // mean post-RT value
  double normality_p = 0.0;  // Shapiro-Wilk p of the differences (NaN if undefined)
  double t_test_p = 0.0;     // paired t-test p
  double wilcoxon_p = 0.0;   // Wilcoxon signed-rank p
  std::string test;          // "paired t" or "Wilcoxon": the test that decided
  double p_value = 0.0;      // p of that test (NaN when pairs < min_pairs)
  double q_value = 0.0;      // Benjamini-Hochberg q within the sequence
  bool significant = false;  // p (or q, with fdr) < alpha
};

// Step 3: counts of significant features of one sequence, per band (rows) and class (columns).
struct SignificanceTable {
  std::string sequence;                  // MR sequence
  std::vector<std::string> classes;      // column order: firstorder, glcm, gldm, glrlm, ...
  std::vector<std::vector<int>> counts;  // counts[band position][class position]
  // Total of a band row.
  int band_total(std::size_t band_position) const;
};

// Step 6: one region's change.
struct DeltaRow {
  std::string patient;                  // patient id
  std::string sequence;                 // MR sequence
  int band = 0;                         // band index
  std::string feature;                  // full feature name
  double pre = 0.0;                     // pre-RT value
  double post = 0.0;                    // post-RT value
  std::optional<double> delta_percent;  // (post - pre) / pre x 100; empty when pre == 0
};

// Step 6: a dose-response curve and its slope.
struct DoseResponse {
  std::string sequence;             // MR sequence
  std::string feature;              // full feature name
  bool common = false;              // a common feature of its sequence
  std::vector<double> band_mean;    // mean Delta-RF per band position (NaN if none)
  std::vector<double> band_sd;      // SD of Delta-RF per band position
  std::vector<std::size_t> band_n;  // defined Delta-RF per band position
  LinearRegressionResult fit;       // slope, its SE and p (x per StudyOptions::slope_axis)
};

// Step 5.
struct PcaSummary {
  bool ran = false;                   // whether a PCA was computed
  std::string note;                   // why not, or which fallback feature set was used
  std::string sequence;               // sequence analysed
  std::string feature_set;            // "common", "significant" or "kept"
  std::vector<std::string> features;  // variables (columns)
  std::size_t observations = 0;       // rows after listwise deletion
  PcaResult pca;                      // the decomposition
  std::size_t components_needed = 0;  // to reach the variance threshold
  std::vector<std::vector<std::string>> top_loadings;  // per component (first two): features
};

// Step 7: one blood count over time.
struct BloodTrend {
  std::string count;                          // WBC, ANC, ...
  std::vector<double> median_percent_of_pre;  // per BloodTimepoint: median of value / pre x 100
  std::vector<std::size_t> n;                 // patients per time point with a defined ratio
  double median_delta_percent = 0.0;          // median Delta-count at the correlation time point
  double pre_vs_timepoint_p = 0.0;  // paired test (per paired_test) pre vs that time point
};

// Step 7: one patient's change of one count (pre -> StudyOptions::count_timepoint).
struct BloodDelta {
  std::string patient;                  // patient id
  std::string count;                    // WBC, ANC, ...
  std::optional<double> delta_percent;  // empty when a value is missing or pre == 0
};

// Step 8: one correlation.
struct CorrelationRow {
  std::string sequence;      // MR sequence
  int band = 0;              // band index
  std::string feature;       // full feature name
  std::string count;         // blood count
  std::size_t n = 0;         // patients with both changes defined
  double r = 0.0;            // Pearson r (NaN if undefined)
  double p_value = 0.0;      // two-sided p
  double q_value = 0.0;      // Benjamini-Hochberg q over all correlation rows
  bool significant = false;  // p (or q, with fdr) < alpha
};

// Cohort marrow dose-volume curve on a 1 Gy grid.
struct DoseVolumeSummary {
  std::size_t patients = 0;          // patients with a DVH
  std::vector<double> dose_gy;       // grid
  std::vector<double> mean_percent;  // mean volume % receiving >= dose
  std::vector<double> min_percent;   // smallest over patients
  std::vector<double> max_percent;   // largest over patients
  // Mean V_dose (interpolated), NaN without DVHs.
  double mean_volume_at(double dose_gy) const;
};

// Median and range of a sample.
struct MedianRange {
  std::size_t n = 0;     // values
  double median = 0.0;   // NaN when n == 0
  double minimum = 0.0;  // smallest
  double maximum = 0.0;  // largest
};

// Table 1 and region counts.
struct CohortSummary {
  std::size_t patients = 0;                                     // distinct patients in any table
  MedianRange age_years;                                        // from PatientRow
  std::vector<std::pair<std::string, std::size_t>> pathology;   // category, patients
  std::vector<std::pair<std::string, std::size_t>> figo_stage;  // category, patients
  MedianRange radiotherapy_days;                                // from PatientRow
  MedianRange prescription_dose_gy;                             // from PatientRow
  MedianRange fractions;                                        // from PatientRow
  std::vector<std::pair<std::string, MedianRange>> pre_counts;  // blood count, pre-RT values
  std::vector<std::size_t> regions_per_band;                    // usable regions per band position
  std::vector<MedianRange> region_volume_cc;                    // their volumes per band position
  std::size_t regions_excluded = 0;  // region rows whose status was not ok
};

// Everything the study computed, in the order the paper reports it.
struct StudyResults {
  StudyOptions options;                         // the choices used
  int setting_id = 0;                           // setting analysed
  std::string setting_label;                    // its label, when the data give one
  std::vector<int> settings_present;            // settings in the data
  std::vector<DoseBand> bands;                  // bands, in index order
  std::vector<std::string> sequences;           // sequences, in report order
  std::vector<std::string> patients;            // patient ids, sorted
  std::vector<std::string> notes;               // data problems and fallbacks, in plain words
  CohortSummary cohort;                         // Table 1
  DoseVolumeSummary dose_volume;                // marrow DVH
  std::vector<BaselineResult> baseline;         // step 1, per sequence x feature
  std::vector<PairedResult> paired;             // step 2, per sequence x kept feature x band
  std::size_t paired_significant_p = 0;         // pre/post tests with p < alpha
  std::size_t paired_significant_q = 0;         // of these, BH q < alpha
  std::vector<SignificanceTable> significance;  // step 3, one per sequence
  std::vector<std::pair<std::string, std::vector<std::string>>> common;  // step 4, per sequence
  PcaSummary pca;                                                        // step 5
  std::vector<DeltaRow> deltas;                // step 6, every region x feature with both values
  std::vector<DoseResponse> dose_response;     // step 6, per sequence x kept feature
  std::vector<BloodTrend> blood_trends;        // step 7
  std::vector<BloodDelta> blood_deltas;        // step 7
  std::vector<CorrelationRow> correlations;    // step 8
  std::size_t correlations_significant_p = 0;  // correlations with p < alpha
  std::size_t correlations_significant_q = 0;  // of these, BH q < alpha

  // Position of a band index in `bands`, or -1.
  int band_position(int band_index) const;
  // Label of a band index ("5-10 Gy").
  std::string band_label(int band_index) const;
  // Common features of a sequence (empty when none).
  const std::vector<std::string>& common_features(const std::string& sequence) const;
};

// Runs the whole analysis. Throws std::invalid_argument when there are no feature rows or an
// option is out of range; data problems (missing values, zero baselines, constant features) are
// handled and recorded in `notes`, never thrown.
StudyResults run_study(const StudyData& data, const StudyOptions& options = StudyOptions{});

// Option values as words, for reports and command lines.
const char* to_string(PairedTestChoice choice);
const char* to_string(SlopeAxis axis);
const char* to_string(SlopeFit fit);
const char* to_string(PcaInput input);
const char* to_string(FeatureSelection selection);

}  // namespace doseomics::stats
