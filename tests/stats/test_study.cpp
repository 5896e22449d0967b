// The study (stats/study.hpp) and its report (stats/report.hpp) on a seeded synthetic cohort with
// planted effects taken from the seed paper: dose-response slopes, a correlation with a blood
// count, null features, a feature that differs between bands at baseline, zero baselines.
//
// Set DOSEOMICS_STUDY_REPORT_DIR to keep the example report (tests/report/render_report.sh does).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/core/feature_names.hpp"
#include "stats/report.hpp"
#include "stats/study.hpp"

namespace {
namespace stats = doseomics::stats;

// Seed of the synthetic cohort (every run draws the same data).
constexpr std::uint64_t kCohortSeed = 20221149;
constexpr double kPi = 3.14159265358979323846;
constexpr int kPatients = 54;
constexpr int kBands = 7;
// Noise of a planted feature's per-region Delta-RF, percentage points.
constexpr double kPlantedNoisePercent = 10.0;
// Noise of a null feature's per-region Delta-RF, percentage points (mean change 0).
constexpr double kNullNoisePercent = 8.0;
// A recovered slope must lie within this relative distance of the planted one.
constexpr double kSlopeRelativeTolerance = 0.10;
// The null features' significant share must lie within this many binomial standard deviations
// of the nominal level (4 SD: a false alarm about once in 16 000 draws).
constexpr double kBinomialSdBound = 4.0;
// Planted correlation of Delta-Range (FAT, 5-10 Gy) with Delta-ANC.
constexpr double kPlantedCorrelation = 0.8;

// Deterministic across standard libraries: uniform from the top 53 bits, normal by Box-Muller.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  double normal() {
    double u = uniform();
    while (u <= 0.0) u = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * kPi * uniform());
  }

 private:
  std::mt19937_64 engine_;
};

// Mean Delta-RF (%) of a planted feature at band b: intercept + slope * b.
struct PlantedEffect {
  double intercept = 0.0;
  double slope = 0.0;
};

struct SyntheticCohort {
  stats::StudyData data;
  std::map<std::string, std::map<std::string, PlantedEffect>> planted;  // sequence -> feature
  std::set<std::pair<std::string, std::string>> null_features;          // (sequence, feature)
};

// Every first-order column name, from the engine's catalogue.
std::vector<std::string> firstorder_columns() {
  std::vector<std::string> columns;
  for (const auto& info : doseomics::feature_catalogue())
    if (info.feature_class == doseomics::FeatureClass::firstorder)
      columns.push_back(info.column_name());
  return columns;
}

// A few texture features per class (null in every sequence).
const std::vector<std::string>& texture_names() {
  static const std::vector<std::string> names = {
      "original_glcm_Autocorrelation",
      "original_glcm_Contrast",
      "original_glcm_Correlation",
      "original_glcm_Idm",
      "original_glcm_JointEntropy",
      "original_gldm_DependenceEntropy",
      "original_gldm_LargeDependenceHighGrayLevelEmphasis",
      "original_gldm_SmallDependenceEmphasis",
      "original_glrlm_RunEntropy",
      "original_glrlm_LongRunEmphasis",
      "original_glrlm_RunPercentage",
      "original_glszm_ZoneEntropy",
      "original_glszm_SmallAreaEmphasis",
      "original_glszm_GrayLevelNonUniformity",
      "original_ngtdm_Coarseness",
      "original_ngtdm_Contrast"};
  return names;
}

// The seed paper's cohort in miniature: five sequences, planted curves where the paper reports
// them, everything else null.
SyntheticCohort make_cohort() {
  SyntheticCohort cohort;
  Random random(kCohortSeed);
  auto& planted = cohort.planted;
  planted["FAT"]["original_firstorder_10Percentile"] = {40.0, 8.0};
  planted["FAT"]["original_firstorder_Mean"] = {35.0, 7.5};
  planted["FAT"]["original_firstorder_Median"] = {38.0, 7.0};
  planted["FAT"]["original_firstorder_RootMeanSquared"] = {30.0, 6.5};
  planted["FAT"]["original_firstorder_Range"] = {30.0, -3.6};
  planted["FatFrac"]["original_firstorder_Energy"] = {10.0, 10.09};
  planted["FatFrac"]["original_firstorder_TotalEnergy"] = {5.0, 9.74};
  planted["R2star"]["original_firstorder_TotalEnergy"] = {25.0, -6.12};
  planted["WATER"]["original_firstorder_10Percentile"] = {-13.0, -7.93};
  planted["T2fs"]["original_gldm_LargeDependenceHighGrayLevelEmphasis"] = {8.0, -12.54};
  planted["T2fs"]["original_firstorder_10Percentile"] = {-20.0, 2.0};
  const std::vector<std::string> sequences = {"FAT", "FatFrac", "R2star", "WATER", "T2fs"};
  // Features whose pre-RT level depends on the band (must fail the baseline check) and whose
  // pre-RT value is sometimes exactly 0 (Delta undefined).
  const std::string band_dependent = "original_firstorder_Maximum";
  const std::string zero_baseline = "original_firstorder_Minimum";

  std::vector<std::string> patients;
  for (int p = 0; p < kPatients; ++p) {
    std::ostringstream id;
    id << "P" << (p < 9 ? "0" : "") << p + 1;
    patients.push_back(id.str());
  }
  // Latent blood-count changes: z_anc drives Delta-ANC and, partly, Delta-WBC and the planted
  // correlations.
  std::vector<double> z_anc(kPatients), z_wbc(kPatients);
  for (int p = 0; p < kPatients; ++p) {
    z_anc[static_cast<std::size_t>(p)] = random.normal();
    z_wbc[static_cast<std::size_t>(p)] = random.normal();
  }

  const auto bands = stats::default_dose_bands();
  for (int p = 0; p < kPatients; ++p) {
    for (const auto& band : bands) {
      stats::RegionRow region;
      region.patient = patients[static_cast<std::size_t>(p)];
      region.band = band.index;
      region.lower_gy = band.lower_gy;
      region.upper_gy = band.upper_gy;
      region.volume_cc = random.uniform(0.6, 12.0);
      region.status = (p == 0 && band.index == kBands) ? "too_small" : "ok";
      cohort.data.regions.push_back(region);
    }
  }

  for (const auto& sequence : sequences) {
    std::vector<std::string> features;
    for (const auto& column : firstorder_columns()) features.push_back(column);
    for (const auto& name : texture_names()) features.push_back(name);
    for (const auto& feature : features) {
      const double level = random.uniform(10.0, 1000.0);
      const auto effect_it = planted[sequence].find(feature);
      const bool is_planted = effect_it != planted[sequence].end();
      if (!is_planted && feature != zero_baseline) cohort.null_features.insert({sequence, feature});
      for (int p = 0; p < kPatients; ++p) {
        const auto ps = static_cast<std::size_t>(p);
        for (int b = 1; b <= kBands; ++b) {
          double pre = level * (1.0 + 0.15 * random.normal());
          if (feature == band_dependent)
            pre = level * (1.0 + 0.3 * b) * (1.0 + 0.05 * random.normal());
          if (feature == zero_baseline && p % 10 == 0) pre = 0.0;
          double delta = kNullNoisePercent * random.normal();
          if (is_planted) {
            const PlantedEffect& effect = effect_it->second;
            double noise = random.normal();
            if (b == 1 && sequence == "FAT" && feature == "original_firstorder_Range") {
              noise = kPlantedCorrelation * z_anc[ps] +
                      std::sqrt(1.0 - kPlantedCorrelation * kPlantedCorrelation) * noise;
            }
            if (b == 1 && sequence == "T2fs" && feature == "original_firstorder_10Percentile") {
              noise = -0.7 * z_anc[ps] + std::sqrt(1.0 - 0.49) * noise;
            }
            delta = effect.intercept + effect.slope * b + kPlantedNoisePercent * noise;
          }
          const double post = pre == 0.0 ? level * 0.01 : pre * (1.0 + delta / 100.0);
          for (auto [timepoint, value] : {std::pair{stats::ScanTimepoint::pre, pre},
                                          std::pair{stats::ScanTimepoint::post, post}}) {
            stats::FeatureRow row;
            row.patient = patients[ps];
            row.band = b;
            row.sequence = sequence;
            row.timepoint = timepoint;
            row.setting_id = 1;
            row.feature = feature;
            row.value = value;
            cohort.data.features.push_back(row);
          }
        }
      }
    }
  }

  // Blood counts: pre-RT around the paper's medians; planned changes (%) at mid, end, one month.
  struct CountPlan {
    const char* name;
    double pre_median, pre_spread, mid, end, one_month;
  };
  const CountPlan plans[] = {{"WBC", 6.0, 0.25, -40.0, -49.4, -25.0},
                             {"ANC", 4.0, 0.3, -41.4, -49.4, -20.0},
                             {"ALC", 1.4, 0.3, -76.3, -70.0, -50.0},
                             {"PLT", 244.0, 0.25, -20.0, -25.0, -5.0},
                             {"HGB", 120.0, 0.1, -5.0, -8.0, -3.0}};
  for (int p = 0; p < kPatients; ++p) {
    const auto ps = static_cast<std::size_t>(p);
    for (const auto& plan : plans) {
      const double pre = plan.pre_median * std::exp(plan.pre_spread * random.normal());
      double end_change = plan.end + 8.0 * random.normal();
      if (std::string(plan.name) == "ANC") end_change = plan.end + 12.0 * z_anc[ps];
      if (std::string(plan.name) == "WBC")
        end_change = plan.end + 10.0 * (0.6 * z_anc[ps] + 0.8 * z_wbc[ps]);
      const std::pair<stats::BloodTimepoint, double> values[] = {
          {stats::BloodTimepoint::pre, pre},
          {stats::BloodTimepoint::mid, pre * (1.0 + (plan.mid + 8.0 * random.normal()) / 100.0)},
          {stats::BloodTimepoint::end, pre * (1.0 + end_change / 100.0)},
          {stats::BloodTimepoint::one_month,
           pre * (1.0 + (plan.one_month + 8.0 * random.normal()) / 100.0)}};
      for (const auto& [timepoint, value] : values) {
        cohort.data.blood_counts.push_back({patients[ps], plan.name, timepoint, value});
      }
    }
    // Cumulative marrow DVH V(d) = 100 exp(-(d / d0)^k).
    const double d0 = 32.0 * (1.0 + 0.08 * random.normal()), k = 2.6;
    for (double dose = 0.0; dose <= 56.0; dose += 2.0) {
      cohort.data.dose_volume.push_back(
          {patients[ps], dose, 100.0 * std::exp(-std::pow(dose / d0, k))});
    }
    stats::PatientRow patient;
    patient.patient = patients[ps];
    patient.age_years = std::round(random.uniform(20.0, 65.0));
    patient.pathology = random.uniform() < 0.8 ? "SCC" : "CAC";
    const char* stages[] = {"I", "II", "III", "IV"};
    patient.figo_stage = stages[std::min(3, static_cast<int>(random.uniform() * 4.0))];
    patient.radiotherapy_days = std::round(random.uniform(31.0, 45.0));
    patient.prescription_dose_gy = random.uniform() < 0.5 ? 50.0 : 45.0;
    cohort.data.patients.push_back(patient);
  }
  return cohort;
}

const SyntheticCohort& cohort() {
  static const SyntheticCohort instance = make_cohort();
  return instance;
}

const stats::StudyResults& default_results() {
  static const stats::StudyResults results = stats::run_study(cohort().data);
  return results;
}

const stats::DoseResponse* find_curve(const stats::StudyResults& results,
                                      const std::string& sequence, const std::string& feature) {
  for (const auto& curve : results.dose_response) {
    if (curve.sequence == sequence && curve.feature == feature) return &curve;
  }
  return nullptr;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The <svg ...>...</svg> element whose data-figure attribute is `id`, or "" if absent.
std::string figure_svg(const std::string& html, const std::string& id) {
  const auto start =
      html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" data-figure=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const auto end = html.find("</svg>", start);
  return end == std::string::npos ? "" : html.substr(start, end - start);
}

// Number of drawn marks (paths, circles, rects beyond the white background) in an SVG.
std::size_t drawn_marks(const std::string& svg) {
  std::size_t count = 0;
  for (const char* tag : {"<path", "<circle", "<rect"}) {
    for (auto at = svg.find(tag); at != std::string::npos; at = svg.find(tag, at + 1)) ++count;
  }
  return count > 0 ? count - 1 : 0;  // less the background rectangle
}

std::filesystem::path report_directory() {
  if (const char* dir = std::getenv("DOSEOMICS_STUDY_REPORT_DIR"); dir && *dir) return dir;
  return std::filesystem::temp_directory_path() / "doseomics_test_study_report";
}

}  // namespace

TEST_CASE("The study recovers planted dose-response slopes within 10 percent", "[study]") {
  const auto& results = default_results();
  for (const auto& [sequence, feature] : std::vector<std::pair<std::string, std::string>>{
           {"FatFrac", "original_firstorder_Energy"},
           {"FatFrac", "original_firstorder_TotalEnergy"},
           {"WATER", "original_firstorder_10Percentile"},
           {"T2fs", "original_gldm_LargeDependenceHighGrayLevelEmphasis"},
           {"FAT", "original_firstorder_Range"}}) {
    INFO(sequence << " " << feature << " seed " << kCohortSeed);
    const auto* curve = find_curve(results, sequence, feature);
    REQUIRE(curve != nullptr);
    const double planted = cohort().planted.at(sequence).at(feature).slope;
    CHECK(std::fabs(curve->fit.slope - planted) <= kSlopeRelativeTolerance * std::fabs(planted));
    CHECK(curve->fit.slope_p_value < 0.05);
    CHECK(curve->band_mean.size() == static_cast<std::size_t>(kBands));
  }
  // The steep planted curves are significant at every band: common features.
  const auto& common = results.common_features("FatFrac");
  CHECK(std::count(common.begin(), common.end(), "original_firstorder_Energy") == 1);
  CHECK(std::count(common.begin(), common.end(), "original_firstorder_TotalEnergy") == 1);
}

TEST_CASE("The slope's x can be the band index or the dose midpoint", "[study]") {
  stats::StudyOptions options;
  options.slope_axis = stats::SlopeAxis::dose_midpoint_gy;
  const auto results = stats::run_study(cohort().data, options);
  const auto* by_dose = find_curve(results, "FatFrac", "original_firstorder_Energy");
  const auto* by_band = find_curve(default_results(), "FatFrac", "original_firstorder_Energy");
  REQUIRE(by_dose != nullptr);
  REQUIRE(by_band != nullptr);
  // Midpoints 7.5 ... 55 Gy span 47.5 Gy where the indices span 6: the slope per Gy is smaller.
  CHECK(by_dose->fit.slope > 0.0);
  CHECK(by_dose->fit.slope < by_band->fit.slope / 4.0);
  CHECK(results.bands.back().midpoint_gy == Approx(55.0));
  // Fitting every region instead of the band means keeps the slope (balanced design).
  options = stats::StudyOptions{};
  options.slope_fit = stats::SlopeFit::all_regions;
  const auto regions = stats::run_study(cohort().data, options);
  const auto* by_region = find_curve(regions, "FatFrac", "original_firstorder_Energy");
  REQUIRE(by_region != nullptr);
  CHECK(by_region->fit.count > static_cast<std::size_t>(kBands * (kPatients - 2)));
  CHECK(by_region->fit.slope == Approx(by_band->fit.slope).epsilon(0.05));
}

TEST_CASE("A planted correlation of Delta-RF with Delta-ANC is detected", "[study]") {
  const auto& results = default_results();
  const stats::CorrelationRow* found = nullptr;
  for (const auto& row : results.correlations) {
    if (row.sequence == "FAT" && row.band == 1 && row.feature == "original_firstorder_Range" &&
        row.count == "ANC") {
      found = &row;
    }
  }
  REQUIRE(found != nullptr);
  INFO("r = " << found->r << ", p = " << found->p_value << ", n = " << found->n);
  CHECK(found->p_value < 0.05);
  CHECK(found->significant);
  CHECK(found->r == Approx(kPlantedCorrelation).margin(0.15));
  CHECK(found->n == static_cast<std::size_t>(kPatients));
}

TEST_CASE("Null features are significant pre vs post at about the nominal rate", "[study]") {
  const auto& results = default_results();
  std::size_t tests = 0, significant = 0;
  for (const auto& row : results.paired) {
    if (!cohort().null_features.count({row.sequence, row.feature})) continue;
    if (!std::isfinite(row.p_value)) continue;
    ++tests;
    significant += row.p_value < results.options.alpha;
  }
  const double expected = results.options.alpha * static_cast<double>(tests);
  const double sd = std::sqrt(expected * (1.0 - results.options.alpha));
  INFO(significant << " of " << tests << " null tests significant; expected " << expected << " +- "
                   << kBinomialSdBound << " x " << sd);
  REQUIRE(tests > 500);
  CHECK(std::fabs(static_cast<double>(significant) - expected) <= kBinomialSdBound * sd);
  // Benjamini-Hochberg keeps (almost) none of them.
  std::size_t surviving = 0;
  for (const auto& row : results.paired) {
    if (cohort().null_features.count({row.sequence, row.feature}) && row.q_value < 0.05) {
      ++surviving;
    }
  }
  CHECK(surviving <= 2);
}

TEST_CASE("Features that differ between bands before RT fail the baseline check", "[study]") {
  const auto& results = default_results();
  bool found = false;
  for (const auto& row : results.baseline) {
    if (row.feature != "original_firstorder_Maximum") continue;
    found = true;
    CHECK_FALSE(row.kept);
    CHECK(row.anova_p < 0.05);
    CHECK(row.lsd_pairs_below_alpha > 0);
  }
  CHECK(found);
  for (const auto& row : results.paired) CHECK(row.feature != "original_firstorder_Maximum");
  // Without the filter it is tested.
  stats::StudyOptions options;
  options.baseline_filter = false;
  const auto unfiltered = stats::run_study(cohort().data, options);
  CHECK(std::any_of(unfiltered.paired.begin(), unfiltered.paired.end(),
                    [](const auto& row) { return row.feature == "original_firstorder_Maximum"; }));
}

TEST_CASE("A zero pre-RT value gives an undefined Delta-RF, never inf", "[study]") {
  const auto& results = default_results();
  std::size_t zero_baselines = 0, defined_from_zero = 0, undefined_from_nonzero = 0;
  for (const auto& row : results.deltas) {
    if (row.pre == 0.0) {
      ++zero_baselines;
      defined_from_zero += row.delta_percent.has_value();
    } else if (!row.delta_percent || !std::isfinite(*row.delta_percent)) {
      ++undefined_from_nonzero;
    }
  }
  CHECK(defined_from_zero == 0);
  CHECK(undefined_from_nonzero == 0);
  CHECK(zero_baselines > 0);
  // The curve of that feature is still drawn from the defined changes.
  for (const auto& curve : results.dose_response) {
    if (curve.feature != "original_firstorder_Minimum") continue;
    for (double value : curve.band_mean) CHECK(std::isfinite(value));
  }
}

TEST_CASE("The paired test, FDR and common-band options change what counts", "[study]") {
  const auto& defaults = default_results();
  stats::StudyOptions options;
  options.paired_test = stats::PairedTestChoice::wilcoxon;
  options.fdr = true;
  const auto results = stats::run_study(cohort().data, options);
  for (const auto& row : results.paired) {
    if (std::isfinite(row.p_value)) CHECK(row.test == "Wilcoxon");
  }
  std::size_t significant_fdr = 0;
  for (const auto& row : results.paired) significant_fdr += row.significant;
  CHECK(significant_fdr == results.paired_significant_q);
  CHECK(results.paired_significant_q <= results.paired_significant_p);
  // Shapiro-Wilk decides by default: both tests occur.
  std::set<std::string> used;
  for (const auto& row : defaults.paired) used.insert(row.test);
  CHECK(used.count("paired t") == 1);
  CHECK(used.count("Wilcoxon") == 1);
  // Fewer required bands, at least as many common features.
  options = stats::StudyOptions{};
  options.common_min_bands = 5;
  const auto relaxed = stats::run_study(cohort().data, options);
  CHECK(relaxed.common_features("R2star").size() >= defaults.common_features("R2star").size());
}

TEST_CASE("A common feature is significant at every band but at most one, or at every band",
          "[study]") {
  // Significant bands per (sequence, feature) and tested bands per sequence, from the paired tests.
  const auto common_by_rule = [](const stats::StudyResults& results, int may_miss) {
    std::map<std::pair<std::string, std::string>, int> significant_bands;
    std::map<std::string, std::set<int>> tested;
    for (const auto& row : results.paired) {
      if (std::isfinite(row.p_value)) tested[row.sequence].insert(row.band);
      if (row.significant) ++significant_bands[{row.sequence, row.feature}];
    }
    std::set<std::pair<std::string, std::string>> common;
    for (const auto& [key, count] : significant_bands)
      if (count >= static_cast<int>(tested[key.first].size()) - may_miss) common.insert(key);
    return common;
  };
  const auto listed = [](const stats::StudyResults& results) {
    std::set<std::pair<std::string, std::string>> common;
    for (const auto& [sequence, features] : results.common)
      for (const auto& feature : features) common.insert({sequence, feature});
    return common;
  };
  const auto& defaults = default_results();
  CHECK(defaults.options.common_max_missed_bands == 1);
  CHECK(listed(defaults) == common_by_rule(defaults, 1));
  stats::StudyOptions strict;
  strict.common_max_missed_bands = 0;
  const auto every_band = stats::run_study(cohort().data, strict);
  CHECK(listed(every_band) == common_by_rule(every_band, 0));
  CHECK(listed(every_band).size() <= listed(defaults).size());
  CHECK(stats::common_feature_rule(strict) == "significant at every band");
}

TEST_CASE("PCA runs on the FAT features; blood counts fall as planted", "[study]") {
  const auto& results = default_results();
  REQUIRE(results.pca.ran);
  CHECK(results.pca.sequence == "FAT");
  CHECK(results.pca.features.size() >= 2);
  CHECK(results.pca.components_needed >= 1);
  CHECK(results.pca.top_loadings.size() == 2);
  CHECK(results.pca.observations > static_cast<std::size_t>(kPatients * (kBands - 1)));
  // ANC at end-RT: planted -49.4 % (median percent of pre about 50.6 %).
  const auto anc = std::find_if(results.blood_trends.begin(), results.blood_trends.end(),
                                [](const auto& trend) { return trend.count == "ANC"; });
  REQUIRE(anc != results.blood_trends.end());
  CHECK(anc->median_percent_of_pre[0] == Approx(100.0));
  CHECK(anc->median_percent_of_pre[2] == Approx(50.6).margin(6.0));
  CHECK(anc->pre_vs_timepoint_p < 1e-6);
  CHECK(results.cohort.patients == static_cast<std::size_t>(kPatients));
  CHECK(results.cohort.regions_excluded == 1);
  CHECK(results.dose_volume.mean_volume_at(5.0) > 99.0);
}

TEST_CASE("The report has every figure non-empty and the tables as specified", "[study][report]") {
  const auto& results = default_results();
  const auto dir = report_directory();
  std::filesystem::remove_all(dir / "tables");
  const auto files = stats::write_report(
      results, dir.string(),
      {"Synthetic cohort: dose-response radiomics",
       "synthetic data (tests/stats/test_study.cpp, seed " + std::to_string(kCohortSeed) + ")",
       "doseomics test_study"});
  REQUIRE(std::filesystem::exists(files.index_html));
  const std::string html = read_file(files.index_html);
  std::vector<std::string> figures = {"dose-volume", "blood-counts", "pca-scree"};
  for (const auto& sequence : results.sequences) {
    figures.push_back("manhattan-" + sequence);
    figures.push_back("dose-response-" + sequence);
  }
  for (const auto& id : figures) {
    INFO("figure " << id);
    const std::string svg = figure_svg(html, id);
    REQUIRE_FALSE(svg.empty());
    CHECK(drawn_marks(svg) >= 3);
    CHECK(svg.find("<text") != std::string::npos);  // axis titles, ticks, legend
  }
  CHECK(html.find("Table 1.") != std::string::npos);
  CHECK(html.find("Table 2.") != std::string::npos);
  CHECK(html.find("Main findings") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);  // self-contained, static
  CHECK(html.find("src=\"http") == std::string::npos);

  const auto tables = dir / "tables";
  CHECK(first_line((tables / "deltas.csv").string()) ==
        "patient,sequence,band,feature,pre,post,delta_percent");
  CHECK(first_line((tables / "correlations.csv").string()) ==
        "sequence,band,feature,blood_count,n,r,p,q,significant");
  const std::string dose_response_header = first_line((tables / "dose_response.csv").string());
  CHECK(dose_response_header.rfind("sequence,feature,slope,slope_se,slope_p,", 0) == 0);
  for (int band = 1; band <= kBands; ++band) {
    CHECK(dose_response_header.find("mean_delta_percent_band_" + std::to_string(band)) !=
          std::string::npos);
  }
  for (const char* name :
       {"bands.csv", "table1.csv", "baseline_anova.csv", "paired_tests.csv",
        "significant_counts.csv", "common_features.csv", "pca_variance.csv", "pca_loadings.csv",
        "blood_trends.csv", "blood_deltas.csv", "dose_volume.csv"}) {
    INFO(name);
    CHECK(std::filesystem::file_size(tables / name) > 0);
  }
  // Zero baselines are empty fields; no table holds inf or nan.
  const std::string deltas = read_file((tables / "deltas.csv").string());
  CHECK(deltas.find(",0,") != std::string::npos);
  bool empty_delta = false;
  std::istringstream lines(deltas);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == ',') empty_delta = true;
  }
  CHECK(empty_delta);
  for (const auto& path : files.tables) {
    const std::string text = read_file(path);
    INFO(path);
    CHECK(text.find("inf") == std::string::npos);
    CHECK(text.find("nan") == std::string::npos);
  }
}

TEST_CASE("The study rejects empty data and bad options", "[study]") {
  CHECK_THROWS_AS(stats::run_study(stats::StudyData{}), std::invalid_argument);
  stats::StudyOptions options;
  options.alpha = 1.5;
  CHECK_THROWS_AS(stats::run_study(cohort().data, options), std::invalid_argument);
  options = stats::StudyOptions{};
  options.setting_id = 99;
  CHECK_THROWS_AS(stats::run_study(cohort().data, options), std::invalid_argument);
}
