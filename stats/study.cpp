// The seed study's analysis; see study.hpp for the steps and docs/study.md for the choices.
#include "stats/study.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "stats/anova.hpp"
#include "stats/descriptive.hpp"
#include "stats/multiple_testing.hpp"
#include "stats/paired_comparison.hpp"
#include "stats/percent_change.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Half the width of the open top band's assumed extent (>50 Gy -> midpoint 55 Gy).
constexpr double kOpenBandHalfWidthGy = 5.0;
// Grid step of the cohort dose-volume curve.
constexpr double kDoseGridStepGy = 1.0;

// Sequences in the paper's order first; any other sequence follows alphabetically.
const std::vector<std::string>& preferred_sequence_order() {
  static const std::vector<std::string> order = {"FAT", "FatFrac", "R2star",
                                                 "R2*", "WATER",   "T2fs"};
  return order;
}

// Blood counts in the paper's order first.
const std::vector<std::string>& preferred_count_order() {
  static const std::vector<std::string> order = {"WBC", "ANC", "ALC", "PLT", "HGB"};
  return order;
}

// Feature classes in PyRadiomics' (and Table 2's) order.
const std::vector<std::string>& known_classes() {
  static const std::vector<std::string> order = {"firstorder", "glcm",  "gldm",
                                                 "glrlm",      "glszm", "ngtdm"};
  return order;
}

// Sorts `names` by their position in `preferred`, unknown names after, alphabetically.
void sort_by_preference(std::vector<std::string>& names,
                        const std::vector<std::string>& preferred) {
  auto rank = [&](const std::string& name) {
    const auto it = std::find(preferred.begin(), preferred.end(), name);
    return static_cast<std::size_t>(it - preferred.begin());
  };
  std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    const auto ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a < b;
  });
}

bool equals_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool region_usable(const std::string& status) {
  return status.empty() || equals_ignoring_case(status, "ok");
}

MedianRange median_range(std::vector<double> values) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  MedianRange summary;
  summary.n = values.size();
  if (values.empty()) {
    summary.median = summary.minimum = summary.maximum = kNaN;
    return summary;
  }
  summary.median = median(values);
  summary.minimum = *std::min_element(values.begin(), values.end());
  summary.maximum = *std::max_element(values.begin(), values.end());
  return summary;
}

std::string format_gy(double gy) {
  std::ostringstream out;
  out << gy;
  return out.str();
}

// The values of one feature of one sequence as a dense cube [band position][patient][pre|post].
struct FeatureCube {
  std::size_t band_count = 0;
  std::size_t patient_count = 0;
  std::vector<double> values;  // NaN = missing

  FeatureCube(std::size_t bands, std::size_t patients)
      : band_count(bands), patient_count(patients), values(bands * patients * 2, kNaN) {}
  double& at(std::size_t band, std::size_t patient, int timepoint) {
    return values[(band * patient_count + patient) * 2 + static_cast<std::size_t>(timepoint)];
  }
  double at(std::size_t band, std::size_t patient, int timepoint) const {
    return values[(band * patient_count + patient) * 2 + static_cast<std::size_t>(timepoint)];
  }
};

constexpr int kPre = 0;
constexpr int kPost = 1;

// The study's working state: indexes and cubes shared by the steps.
class StudyRun {
 public:
  StudyRun(const StudyData& data, const StudyOptions& options) : data_(data), options_(options) {
    results_.options = options;
  }

  StudyResults run() {
    validate_options();
    choose_setting();
    label_setting();
    index_bands_and_patients();
    build_cubes();
    summarise_cohort();
    summarise_dose_volume();
    test_baseline();
    test_pre_post();
    count_significant();
    find_common();
    compute_deltas_and_dose_response();
    run_pca();
    analyse_blood();
    correlate();
    return std::move(results_);
  }

 private:
  void validate_options() const {
    if (!(options_.alpha > 0.0 && options_.alpha < 1.0)) {
      throw std::invalid_argument("study: alpha must be in (0, 1)");
    }
    if (!(options_.normality_alpha > 0.0 && options_.normality_alpha < 1.0)) {
      throw std::invalid_argument("study: normality alpha must be in (0, 1)");
    }
    if (!(options_.pca_variance_threshold > 0.0 && options_.pca_variance_threshold <= 1.0)) {
      throw std::invalid_argument("study: PCA variance threshold must be in (0, 1]");
    }
    if (options_.common_min_bands < 0 || options_.common_max_missed_bands < 0) {
      throw std::invalid_argument(
          "study: common_min_bands and common_max_missed_bands must be >= 0");
    }
    if (data_.features.empty()) throw std::invalid_argument("study: no feature values");
  }

  void choose_setting() {
    std::set<int> settings;
    for (const auto& row : data_.features) settings.insert(row.setting_id);
    results_.settings_present.assign(settings.begin(), settings.end());
    if (options_.setting_id) {
      if (!settings.count(*options_.setting_id)) {
        throw std::invalid_argument("study: setting " + std::to_string(*options_.setting_id) +
                                    " has no feature values");
      }
      results_.setting_id = *options_.setting_id;
    } else {
      results_.setting_id = *settings.begin();
      if (settings.size() > 1) {
        results_.notes.push_back(
            "The data hold " + std::to_string(settings.size()) + " extraction settings; setting " +
            std::to_string(results_.setting_id) + " (the lowest id) was analysed.");
      }
    }
  }

  void label_setting() {
    for (const auto& setting : data_.settings) {
      if (setting.setting_id == results_.setting_id) results_.setting_label = setting.label;
    }
  }

  void index_bands_and_patients() {
    // Bands: the paper's by default, bounds from the region table where it has them.
    std::map<int, DoseBand> bands;
    for (const auto& band : default_dose_bands()) bands[band.index] = band;
    std::set<int> bands_seen;
    for (const auto& row : data_.features) {
      if (row.setting_id == results_.setting_id) bands_seen.insert(row.band);
    }
    std::map<int, bool> bounds_from_regions;
    for (const auto& region : data_.regions) {
      if (bounds_from_regions[region.band]) continue;
      DoseBand band;
      band.index = region.band;
      band.lower_gy = region.lower_gy;
      const bool open = !std::isfinite(region.upper_gy) || region.upper_gy <= region.lower_gy;
      band.upper_gy = open ? std::numeric_limits<double>::infinity() : region.upper_gy;
      band.midpoint_gy =
          open ? band.lower_gy + kOpenBandHalfWidthGy : 0.5 * (band.lower_gy + band.upper_gy);
      band.label = open ? ">" + format_gy(band.lower_gy) + " Gy"
                        : format_gy(band.lower_gy) + "-" + format_gy(band.upper_gy) + " Gy";
      bands[region.band] = band;
      bounds_from_regions[region.band] = true;
    }
    for (int index : bands_seen) {
      if (!bands.count(index)) {
        DoseBand band;
        band.index = index;
        band.lower_gy = band.upper_gy = band.midpoint_gy = kNaN;
        band.label = "band " + std::to_string(index);
        bands[index] = band;
        results_.notes.push_back("Band " + std::to_string(index) +
                                 " has no dose bounds; its dose midpoint is undefined.");
      }
    }
    for (const auto& [index, band] : bands) {
      if (bands_seen.count(index)) results_.bands.push_back(band);
    }
    for (std::size_t i = 0; i < results_.bands.size(); ++i) {
      band_position_[results_.bands[i].index] = i;
    }

    std::set<std::string> patients, sequences;
    for (const auto& row : data_.features) {
      if (row.setting_id != results_.setting_id) continue;
      patients.insert(row.patient);
      sequences.insert(row.sequence);
    }
    results_.patients.assign(patients.begin(), patients.end());
    for (std::size_t i = 0; i < results_.patients.size(); ++i) {
      patient_index_[results_.patients[i]] = i;
    }
    results_.sequences.assign(sequences.begin(), sequences.end());
    sort_by_preference(results_.sequences, preferred_sequence_order());

    for (const auto& region : data_.regions) {
      if (!region_usable(region.status)) excluded_regions_.insert({region.patient, region.band});
    }
  }

  void build_cubes() {
    std::size_t duplicates = 0, excluded = 0;
    for (const auto& row : data_.features) {
      if (row.setting_id != results_.setting_id) continue;
      if (excluded_regions_.count({row.patient, row.band})) {
        ++excluded;
        continue;
      }
      auto& features = cubes_[row.sequence];
      auto it = features.find(row.feature);
      if (it == features.end()) {
        it = features
                 .emplace(row.feature, FeatureCube(results_.bands.size(), results_.patients.size()))
                 .first;
      }
      double& slot = it->second.at(band_position_.at(row.band), patient_index_.at(row.patient),
                                   row.timepoint == ScanTimepoint::pre ? kPre : kPost);
      if (!std::isnan(slot)) ++duplicates;
      slot = row.value;
    }
    if (duplicates) {
      results_.notes.push_back(std::to_string(duplicates) +
                               " feature values were given twice; the last one was used.");
    }
    if (excluded) {
      results_.notes.push_back(std::to_string(excluded) +
                               " feature values belong to regions whose status is not ok and "
                               "were left out.");
    }
    // Features of each sequence in PyRadiomics' class order, then by name.
    for (const auto& sequence : results_.sequences) {
      auto& names = feature_order_[sequence];
      for (const auto& [name, cube] : cubes_[sequence]) names.push_back(name);
      auto class_rank = [](const std::string& name) {
        const auto& classes = known_classes();
        return std::find(classes.begin(), classes.end(), feature_class_of(name)) - classes.begin();
      };
      std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
        return class_rank(a) < class_rank(b);
      });
    }
  }

  void summarise_cohort() {
    CohortSummary& cohort = results_.cohort;
    std::set<std::string> all_patients(results_.patients.begin(), results_.patients.end());
    for (const auto& row : data_.blood_counts) all_patients.insert(row.patient);
    for (const auto& row : data_.patients) all_patients.insert(row.patient);
    for (const auto& row : data_.dose_volume) all_patients.insert(row.patient);
    cohort.patients = all_patients.size();

    std::vector<double> ages, days, doses, fractions;
    std::map<std::string, std::size_t> pathology, figo;
    for (const auto& row : data_.patients) {
      if (row.age_years) ages.push_back(*row.age_years);
      if (row.radiotherapy_days) days.push_back(*row.radiotherapy_days);
      if (row.prescription_dose_gy) doses.push_back(*row.prescription_dose_gy);
      if (row.fractions) fractions.push_back(*row.fractions);
      if (!row.pathology.empty()) ++pathology[row.pathology];
      if (!row.figo_stage.empty()) ++figo[row.figo_stage];
    }
    cohort.age_years = median_range(ages);
    cohort.radiotherapy_days = median_range(days);
    cohort.prescription_dose_gy = median_range(doses);
    cohort.fractions = median_range(fractions);
    cohort.pathology.assign(pathology.begin(), pathology.end());
    cohort.figo_stage.assign(figo.begin(), figo.end());

    std::map<std::string, std::vector<double>> pre_values;
    for (const auto& row : data_.blood_counts) {
      if (row.timepoint == BloodTimepoint::pre) pre_values[row.count].push_back(row.value);
    }
    std::vector<std::string> counts;
    for (const auto& [count, values] : pre_values) counts.push_back(count);
    sort_by_preference(counts, preferred_count_order());
    for (const auto& count : counts) {
      cohort.pre_counts.emplace_back(count, median_range(pre_values[count]));
    }

    cohort.regions_per_band.assign(results_.bands.size(), 0);
    std::vector<std::vector<double>> volumes(results_.bands.size());
    for (const auto& region : data_.regions) {
      const auto it = band_position_.find(region.band);
      if (!region_usable(region.status)) {
        ++cohort.regions_excluded;
        continue;
      }
      if (it == band_position_.end()) continue;
      ++cohort.regions_per_band[it->second];
      volumes[it->second].push_back(region.volume_cc);
    }
    for (auto& band_volumes : volumes)
      cohort.region_volume_cc.push_back(median_range(band_volumes));
  }

  void summarise_dose_volume() {
    std::map<std::string, std::vector<std::pair<double, double>>> curves;
    for (const auto& row : data_.dose_volume) {
      if (std::isfinite(row.dose_gy) && std::isfinite(row.volume_percent)) {
        curves[row.patient].emplace_back(row.dose_gy, row.volume_percent);
      }
    }
    DoseVolumeSummary& summary = results_.dose_volume;
    summary.patients = curves.size();
    if (curves.empty()) return;
    double max_dose = 0.0;
    for (auto& [patient, points] : curves) {
      std::sort(points.begin(), points.end());
      max_dose = std::max(max_dose, points.back().first);
    }
    for (double dose = 0.0; dose <= max_dose + 1e-9; dose += kDoseGridStepGy) {
      summary.dose_gy.push_back(dose);
    }
    for (double dose : summary.dose_gy) {
      std::vector<double> at_dose;
      for (const auto& [patient, points] : curves) at_dose.push_back(interpolate(points, dose));
      summary.mean_percent.push_back(mean(at_dose));
      summary.min_percent.push_back(*std::min_element(at_dose.begin(), at_dose.end()));
      summary.max_percent.push_back(*std::max_element(at_dose.begin(), at_dose.end()));
    }
  }

  // Cumulative DVH at `dose`: linear between points; 100 % below the first point if it is at
  // 0 Gy's side, the last value beyond the last point (normally 0 %).
  static double interpolate(const std::vector<std::pair<double, double>>& points, double dose) {
    if (dose <= points.front().first) return points.front().second;
    if (dose >= points.back().first) return points.back().second;
    const auto upper = std::lower_bound(points.begin(), points.end(), std::make_pair(dose, -1e300));
    const auto lower = upper - 1;
    const double span = upper->first - lower->first;
    if (span <= 0.0) return upper->second;
    const double t = (dose - lower->first) / span;
    return lower->second + t * (upper->second - lower->second);
  }

  void test_baseline() {
    for (const auto& sequence : results_.sequences) {
      for (const auto& feature : feature_order_[sequence]) {
        const FeatureCube& cube = cubes_[sequence].at(feature);
        BaselineResult result;
        result.sequence = sequence;
        result.feature = feature;
        std::vector<std::vector<double>> groups;
        for (std::size_t b = 0; b < cube.band_count; ++b) {
          std::vector<double> group;
          for (std::size_t p = 0; p < cube.patient_count; ++p) {
            const double value = cube.at(b, p, kPre);
            if (std::isfinite(value)) group.push_back(value);
          }
          result.observations += group.size();
          if (!group.empty()) groups.push_back(std::move(group));
        }
        result.anova_p = kNaN;
        if (groups.size() >= 2) {
          const OneWayAnovaResult anova = one_way_anova(groups);
          result.anova_p = anova.p_value;
          if (std::isfinite(anova.within_mean_square) && anova.within_mean_square > 0.0) {
            for (const auto& pair : fisher_lsd(anova).pairs) {
              if (pair.p_value < options_.alpha) ++result.lsd_pairs_below_alpha;
            }
          }
        }
        result.kept = !options_.baseline_filter ||
                      (std::isfinite(result.anova_p) && result.anova_p > options_.alpha);
        if (result.kept) kept_[sequence].push_back(feature);
        results_.baseline.push_back(result);
      }
    }
  }

  void test_pre_post() {
    WilcoxonOptions wilcoxon_options = WilcoxonOptions::spss();
    for (const auto& sequence : results_.sequences) {
      const std::size_t first = results_.paired.size();
      for (const auto& feature : kept_[sequence]) {
        const FeatureCube& cube = cubes_[sequence].at(feature);
        for (std::size_t b = 0; b < cube.band_count; ++b) {
          PairedResult result;
          result.sequence = sequence;
          result.feature = feature;
          result.band = results_.bands[b].index;
          std::vector<double> pre, post;
          for (std::size_t p = 0; p < cube.patient_count; ++p) {
            const double before = cube.at(b, p, kPre), after = cube.at(b, p, kPost);
            if (std::isfinite(before) && std::isfinite(after)) {
              pre.push_back(before);
              post.push_back(after);
            }
          }
          result.pairs = pre.size();
          result.mean_pre = mean(pre);
          result.mean_post = mean(post);
          result.normality_p = result.t_test_p = result.wilcoxon_p = result.p_value = kNaN;
          if (pre.size() >= options_.min_pairs) {
            const PairedComparisonResult comparison =
                compare_paired(pre, post, options_.normality_alpha, wilcoxon_options);
            result.normality_p = comparison.normality_of_differences.p_value;
            result.t_test_p = comparison.t_test.p_value;
            result.wilcoxon_p = comparison.wilcoxon.p_value;
            PairedTestKind kind = comparison.chosen_test;
            if (options_.paired_test == PairedTestChoice::paired_t) kind = PairedTestKind::paired_t;
            if (options_.paired_test == PairedTestChoice::wilcoxon) {
              kind = PairedTestKind::wilcoxon_signed_rank;
            }
            result.test = kind == PairedTestKind::paired_t ? "paired t" : "Wilcoxon";
            result.p_value = kind == PairedTestKind::paired_t ? result.t_test_p : result.wilcoxon_p;
          }
          results_.paired.push_back(result);
        }
      }
      // Benjamini-Hochberg within the sequence (its family: kept features x bands).
      std::vector<double> p_values;
      for (std::size_t i = first; i < results_.paired.size(); ++i) {
        p_values.push_back(results_.paired[i].p_value);
      }
      const std::vector<double> q_values = benjamini_hochberg(p_values);
      for (std::size_t i = first; i < results_.paired.size(); ++i) {
        PairedResult& result = results_.paired[i];
        result.q_value = q_values[i - first];
        const bool p_below = result.p_value < options_.alpha;
        const bool q_below = result.q_value < options_.alpha;
        results_.paired_significant_p += p_below;
        results_.paired_significant_q += p_below && q_below;
        result.significant = options_.fdr ? q_below : p_below;
      }
    }
  }

  void count_significant() {
    for (const auto& sequence : results_.sequences) {
      SignificanceTable table;
      table.sequence = sequence;
      table.classes = known_classes();
      for (const auto& feature : feature_order_[sequence]) {
        const std::string feature_class = feature_class_of(feature);
        if (std::find(table.classes.begin(), table.classes.end(), feature_class) ==
            table.classes.end()) {
          table.classes.push_back(feature_class);
        }
      }
      table.counts.assign(results_.bands.size(), std::vector<int>(table.classes.size(), 0));
      for (const auto& result : results_.paired) {
        if (result.sequence != sequence || !result.significant) continue;
        const auto column = std::find(table.classes.begin(), table.classes.end(),
                                      feature_class_of(result.feature)) -
                            table.classes.begin();
        ++table.counts[band_position_.at(result.band)][static_cast<std::size_t>(column)];
      }
      results_.significance.push_back(std::move(table));
    }
  }

  void find_common() {
    for (const auto& sequence : results_.sequences) {
      std::map<std::string, int> significant_bands;
      std::set<int> tested_bands;
      for (const auto& result : results_.paired) {
        if (result.sequence != sequence) continue;
        if (std::isfinite(result.p_value)) tested_bands.insert(result.band);
        if (result.significant) ++significant_bands[result.feature];
      }
      const int tested = static_cast<int>(tested_bands.size());
      // At least one band, even when a sequence was tested at fewer bands than may be missed.
      const int required =
          options_.common_min_bands == 0
              ? std::max(std::min(tested, 1), tested - options_.common_max_missed_bands)
              : std::min<int>(options_.common_min_bands, tested);
      std::vector<std::string> common;
      for (const auto& feature : kept_[sequence]) {
        const auto it = significant_bands.find(feature);
        if (required > 0 && it != significant_bands.end() && it->second >= required) {
          common.push_back(feature);
        }
        if (it != significant_bands.end()) significant_any_[sequence].push_back(feature);
      }
      results_.common.emplace_back(sequence, std::move(common));
    }
  }

  void compute_deltas_and_dose_response() {
    for (const auto& sequence : results_.sequences) {
      const auto& common = results_.common_features(sequence);
      // Delta-RF of every feature (deltas.csv lets anyone recompute), curves of kept features.
      for (const auto& feature : feature_order_[sequence]) {
        const FeatureCube& cube = cubes_[sequence].at(feature);
        auto& feature_deltas = deltas_[sequence][feature];
        feature_deltas.assign(cube.band_count * cube.patient_count, std::nullopt);
        for (std::size_t b = 0; b < cube.band_count; ++b) {
          for (std::size_t p = 0; p < cube.patient_count; ++p) {
            const double before = cube.at(b, p, kPre), after = cube.at(b, p, kPost);
            if (!std::isfinite(before) || !std::isfinite(after)) continue;
            DeltaRow row;
            row.patient = results_.patients[p];
            row.sequence = sequence;
            row.band = results_.bands[b].index;
            row.feature = feature;
            row.pre = before;
            row.post = after;
            row.delta_percent = percent_change(before, after);
            feature_deltas[b * cube.patient_count + p] = row.delta_percent;
            results_.deltas.push_back(std::move(row));
          }
        }
      }
      for (const auto& feature : kept_[sequence]) {
        results_.dose_response.push_back(dose_response(sequence, feature, common));
      }
    }
  }

  double band_x(std::size_t band_position) const {
    const DoseBand& band = results_.bands[band_position];
    return options_.slope_axis == SlopeAxis::band_index ? static_cast<double>(band.index)
                                                        : band.midpoint_gy;
  }

  DoseResponse dose_response(const std::string& sequence, const std::string& feature,
                             const std::vector<std::string>& common) {
    DoseResponse curve;
    curve.sequence = sequence;
    curve.feature = feature;
    curve.common = std::find(common.begin(), common.end(), feature) != common.end();
    const auto& feature_deltas = deltas_[sequence][feature];
    const std::size_t patient_count = results_.patients.size();
    std::vector<double> x_means, y_means, x_all, y_all;
    for (std::size_t b = 0; b < results_.bands.size(); ++b) {
      std::vector<double> values;
      for (std::size_t p = 0; p < patient_count; ++p) {
        const auto& delta = feature_deltas[b * patient_count + p];
        if (delta) values.push_back(*delta);
      }
      curve.band_n.push_back(values.size());
      curve.band_mean.push_back(mean(values));
      curve.band_sd.push_back(sample_standard_deviation(values));
      const double x = band_x(b);
      if (!values.empty() && std::isfinite(x)) {
        x_means.push_back(x);
        y_means.push_back(curve.band_mean.back());
        for (double value : values) {
          x_all.push_back(x);
          y_all.push_back(value);
        }
      }
    }
    curve.fit = options_.slope_fit == SlopeFit::band_means ? linear_regression(x_means, y_means)
                                                           : linear_regression(x_all, y_all);
    return curve;
  }

  // Features of a sequence for the PCA or the correlations.
  std::vector<std::string> select_features(const std::string& sequence,
                                           FeatureSelection selection) {
    switch (selection) {
      case FeatureSelection::common:
        return results_.common_features(sequence);
      case FeatureSelection::significant:
        return significant_any_[sequence];
      case FeatureSelection::kept:
        return kept_[sequence];
    }
    return {};
  }

  void run_pca() {
    PcaSummary& summary = results_.pca;
    std::string sequence;
    for (const auto& candidate : results_.sequences) {
      if (equals_ignoring_case(candidate, options_.pca_sequence)) sequence = candidate;
    }
    if (sequence.empty()) {
      summary.note = "No sequence named " + options_.pca_sequence + "; no PCA was run.";
      return;
    }
    summary.sequence = sequence;
    // The requested set, widened (common -> significant -> kept) until it has two variables.
    std::vector<FeatureSelection> ladder = {options_.pca_features};
    if (options_.pca_features == FeatureSelection::common) {
      ladder.push_back(FeatureSelection::significant);
    }
    if (options_.pca_features != FeatureSelection::kept) ladder.push_back(FeatureSelection::kept);
    std::vector<std::string> features;
    for (FeatureSelection selection : ladder) {
      features = select_features(sequence, selection);
      summary.feature_set = to_string(selection);
      if (features.size() >= 2) break;
    }
    if (summary.feature_set != to_string(options_.pca_features)) {
      summary.note = "Fewer than two " + std::string(to_string(options_.pca_features)) +
                     " features in " + sequence + "; the PCA used the " + summary.feature_set +
                     " features instead.";
    }
    if (features.size() < 2) {
      summary.note = "Fewer than two usable features in " + sequence + "; no PCA was run.";
      return;
    }
    // Rows: regions (patient x band) where every variable is defined (listwise deletion).
    const std::size_t patient_count = results_.patients.size();
    std::vector<std::vector<double>> rows;
    for (std::size_t b = 0; b < results_.bands.size(); ++b) {
      for (std::size_t p = 0; p < patient_count; ++p) {
        std::vector<double> row;
        for (const auto& feature : features) {
          double value = kNaN;
          if (options_.pca_input == PcaInput::delta_percent) {
            const auto& delta = deltas_[sequence][feature][b * patient_count + p];
            if (delta) value = *delta;
          } else {
            value = cubes_[sequence].at(feature).at(
                b, p, options_.pca_input == PcaInput::pre ? kPre : kPost);
          }
          if (!std::isfinite(value)) break;
          row.push_back(value);
        }
        if (row.size() == features.size()) rows.push_back(std::move(row));
      }
    }
    if (rows.size() < 2) {
      summary.note = "Fewer than two regions with every PCA variable defined; no PCA was run.";
      return;
    }
    Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows.size()),
                           static_cast<Eigen::Index>(features.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = 0; j < features.size(); ++j) {
        matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
      }
    }
    summary.pca = principal_components(matrix);
    summary.features = features;
    summary.observations = rows.size();
    summary.components_needed =
        components_for_variance(summary.pca, options_.pca_variance_threshold);
    const Eigen::Index components = std::min<Eigen::Index>(2, summary.pca.eigenvalues.size());
    for (Eigen::Index c = 0; c < components; ++c) {
      std::vector<std::string> top;
      for (Eigen::Index variable : top_loading_variables(
               summary.pca, c, std::min(options_.pca_top_loadings, features.size()))) {
        top.push_back(features[static_cast<std::size_t>(variable)]);
      }
      summary.top_loadings.push_back(std::move(top));
    }
    summary.ran = true;
  }

  void analyse_blood() {
    // values[count][patient][timepoint]
    std::map<std::string, std::map<std::string, std::vector<double>>> values;
    for (const auto& row : data_.blood_counts) {
      auto& series = values[row.count][row.patient];
      if (series.empty()) series.assign(kBloodTimepointCount, kNaN);
      series[static_cast<std::size_t>(row.timepoint)] = row.value;
    }
    std::vector<std::string> counts;
    for (const auto& [count, patients] : values) counts.push_back(count);
    sort_by_preference(counts, preferred_count_order());
    const auto target = static_cast<std::size_t>(options_.count_timepoint);
    for (const auto& count : counts) {
      BloodTrend trend;
      trend.count = count;
      std::vector<std::vector<double>> ratios(kBloodTimepointCount);
      std::vector<double> deltas, pre_paired, target_paired;
      for (const auto& [patient, series] : values[count]) {
        for (std::size_t t = 0; t < series.size(); ++t) {
          const auto change = percent_change(series[0], series[t]);
          if (change) ratios[t].push_back(100.0 + *change);
        }
        BloodDelta delta;
        delta.patient = patient;
        delta.count = count;
        delta.delta_percent = percent_change(series[0], series[target]);
        if (delta.delta_percent) deltas.push_back(*delta.delta_percent);
        if (std::isfinite(series[0]) && std::isfinite(series[target])) {
          pre_paired.push_back(series[0]);
          target_paired.push_back(series[target]);
        }
        results_.blood_deltas.push_back(delta);
        blood_delta_index_[count][patient] = delta.delta_percent;
      }
      for (const auto& at_time : ratios) {
        trend.median_percent_of_pre.push_back(median(at_time));
        trend.n.push_back(at_time.size());
      }
      trend.median_delta_percent = median(deltas);
      trend.pre_vs_timepoint_p = kNaN;
      if (pre_paired.size() >= options_.min_pairs && target != 0) {
        const auto comparison = compare_paired(pre_paired, target_paired, options_.normality_alpha);
        PairedTestKind kind = comparison.chosen_test;
        if (options_.paired_test == PairedTestChoice::paired_t) kind = PairedTestKind::paired_t;
        if (options_.paired_test == PairedTestChoice::wilcoxon) {
          kind = PairedTestKind::wilcoxon_signed_rank;
        }
        trend.pre_vs_timepoint_p = kind == PairedTestKind::paired_t ? comparison.t_test.p_value
                                                                    : comparison.wilcoxon.p_value;
      }
      results_.blood_trends.push_back(std::move(trend));
    }
    if (counts.empty()) results_.notes.push_back("No blood counts: no correlations were computed.");
  }

  void correlate() {
    const std::size_t patient_count = results_.patients.size();
    for (const auto& sequence : results_.sequences) {
      const auto features = select_features(sequence, options_.correlation_features);
      for (std::size_t b = 0; b < results_.bands.size(); ++b) {
        for (const auto& feature : features) {
          const auto& feature_deltas = deltas_[sequence][feature];
          for (const auto& trend : results_.blood_trends) {
            const auto& count_deltas = blood_delta_index_[trend.count];
            std::vector<double> x, y;
            for (std::size_t p = 0; p < patient_count; ++p) {
              const auto& delta_rf = feature_deltas[b * patient_count + p];
              const auto it = count_deltas.find(results_.patients[p]);
              if (!delta_rf || it == count_deltas.end() || !it->second) continue;
              x.push_back(*delta_rf);
              y.push_back(*it->second);
            }
            CorrelationRow row;
            row.sequence = sequence;
            row.band = results_.bands[b].index;
            row.feature = feature;
            row.count = trend.count;
            row.n = x.size();
            row.r = row.p_value = kNaN;
            if (x.size() >= std::max<std::size_t>(options_.min_pairs, 3)) {
              const CorrelationResult r = pearson_correlation(x, y);
              row.r = r.coefficient;
              row.p_value = r.p_value;
            }
            results_.correlations.push_back(row);
          }
        }
      }
    }
    std::vector<double> p_values;
    for (const auto& row : results_.correlations) p_values.push_back(row.p_value);
    const auto q_values = benjamini_hochberg(p_values);
    for (std::size_t i = 0; i < results_.correlations.size(); ++i) {
      CorrelationRow& row = results_.correlations[i];
      row.q_value = q_values[i];
      const bool p_below = row.p_value < options_.alpha;
      const bool q_below = row.q_value < options_.alpha;
      results_.correlations_significant_p += p_below;
      results_.correlations_significant_q += p_below && q_below;
      row.significant = options_.fdr ? q_below : p_below;
    }
  }

  const StudyData& data_;
  const StudyOptions& options_;
  StudyResults results_;
  std::map<int, std::size_t> band_position_;
  std::map<std::string, std::size_t> patient_index_;
  std::set<std::pair<std::string, int>> excluded_regions_;
  std::map<std::string, std::map<std::string, FeatureCube>> cubes_;  // sequence -> feature
  std::map<std::string, std::vector<std::string>> feature_order_;    // sequence -> features
  std::map<std::string, std::vector<std::string>> kept_;             // baseline-kept features
  std::map<std::string, std::vector<std::string>> significant_any_;  // significant at >= 1 band
  // sequence -> feature -> Delta-RF per [band position x patient]
  std::map<std::string, std::map<std::string, std::vector<std::optional<double>>>> deltas_;
  std::map<std::string, std::map<std::string, std::optional<double>>> blood_delta_index_;
};

}  // namespace

std::vector<DoseBand> default_dose_bands() {
  const double lower[] = {5, 10, 15, 20, 30, 40, 50};
  const double upper[] = {10, 15, 20, 30, 40, 50, std::numeric_limits<double>::infinity()};
  std::vector<DoseBand> bands;
  for (int i = 0; i < 7; ++i) {
    DoseBand band;
    band.index = i + 1;
    band.lower_gy = lower[i];
    band.upper_gy = upper[i];
    const bool open = !std::isfinite(upper[i]);
    band.midpoint_gy = open ? lower[i] + kOpenBandHalfWidthGy : 0.5 * (lower[i] + upper[i]);
    band.label = open ? ">" + format_gy(lower[i]) + " Gy"
                      : format_gy(lower[i]) + "-" + format_gy(upper[i]) + " Gy";
    bands.push_back(band);
  }
  return bands;
}

std::string feature_class_of(const std::string& feature) {
  const auto first = feature.find('_');
  if (first == std::string::npos) return "";
  const auto second = feature.find('_', first + 1);
  if (second == std::string::npos) return "";
  return feature.substr(first + 1, second - first - 1);
}

std::string feature_short_name(const std::string& feature) {
  const auto first = feature.find('_');
  const auto second = first == std::string::npos ? first : feature.find('_', first + 1);
  return second == std::string::npos ? feature : feature.substr(second + 1);
}

int SignificanceTable::band_total(std::size_t band_position) const {
  int total = 0;
  for (int count : counts.at(band_position)) total += count;
  return total;
}

double DoseVolumeSummary::mean_volume_at(double dose) const {
  if (dose_gy.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (dose <= dose_gy.front()) return mean_percent.front();
  if (dose >= dose_gy.back()) return mean_percent.back();
  const auto upper = std::lower_bound(dose_gy.begin(), dose_gy.end(), dose);
  const auto i = static_cast<std::size_t>(upper - dose_gy.begin());
  const double t = (dose - dose_gy[i - 1]) / (dose_gy[i] - dose_gy[i - 1]);
  return mean_percent[i - 1] + t * (mean_percent[i] - mean_percent[i - 1]);
}

int StudyResults::band_position(int band_index) const {
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (bands[i].index == band_index) return static_cast<int>(i);
  }
  return -1;
}

std::string StudyResults::band_label(int band_index) const {
  const int position = band_position(band_index);
  return position < 0 ? "band " + std::to_string(band_index)
                      : bands[static_cast<std::size_t>(position)].label;
}

const std::vector<std::string>& StudyResults::common_features(const std::string& sequence) const {
  static const std::vector<std::string> none;
  for (const auto& [name, features] : common) {
    if (name == sequence) return features;
  }
  return none;
}

StudyResults run_study(const StudyData& data, const StudyOptions& options) {
  return StudyRun(data, options).run();
}

const char* to_string(PairedTestChoice choice) {
  switch (choice) {
    case PairedTestChoice::shapiro_wilk_decides:
      return "auto";
    case PairedTestChoice::paired_t:
      return "t";
    case PairedTestChoice::wilcoxon:
      return "wilcoxon";
  }
  return "?";
}

const char* to_string(SlopeAxis axis) { return axis == SlopeAxis::band_index ? "band" : "dose"; }

const char* to_string(SlopeFit fit) { return fit == SlopeFit::band_means ? "means" : "regions"; }

const char* to_string(PcaInput input) {
  switch (input) {
    case PcaInput::delta_percent:
      return "delta";
    case PcaInput::post:
      return "post";
    case PcaInput::pre:
      return "pre";
  }
  return "?";
}

const char* to_string(FeatureSelection selection) {
  switch (selection) {
    case FeatureSelection::common:
      return "common";
    case FeatureSelection::significant:
      return "significant";
    case FeatureSelection::kept:
      return "kept";
  }
  return "?";
}

std::string common_feature_rule(const StudyOptions& options) {
  if (options.common_min_bands > 0)
    return "significant at " + std::to_string(options.common_min_bands) + " bands or more";
  if (options.common_max_missed_bands == 0) return "significant at every band";
  if (options.common_max_missed_bands == 1) return "significant at every band but at most one";
  return "significant at every band but at most " + std::to_string(options.common_max_missed_bands);
}

}  // namespace doseomics::stats
