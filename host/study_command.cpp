#include "study_command.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "io/result_store.hpp"
#include "kernels/core/errors.hpp"
#include "stats/report.hpp"

#ifndef DOSEOMICS_VERSION
#define DOSEOMICS_VERSION "0.1.0"
#endif

namespace doseomics {

namespace fs = std::filesystem;

CLI::App* add_study_command(CLI::App& app, StudyCommandOptions& options) {
  CLI::App* study = app.add_subcommand(
      "study",
      "Run the seed study (Qin et al. 2022) on DIR/results.sqlite: baseline ANOVA across dose\n"
      "bands, pre vs post tests per band and sequence, significant-feature counts, common\n"
      "features, PCA, dose-response curves and slopes, blood-count trends, correlations of\n"
      "feature changes with blood-count changes. Writes REPORT/index.html (self-contained) and\n"
      "REPORT/tables/*.csv. Choices where the paper is ambiguous are flags (docs/study.md).");
  stats::StudyOptions& o = options.study;
  study->add_option("dir", options.dir, "Output folder of `doseomics run` (holds results.sqlite)")
      ->required();
  study->add_option("--report", options.report_dir, "Report folder (default: DIR/report)");
  const std::map<std::string, stats::PairedTestChoice> paired_tests = {
      {"auto", stats::PairedTestChoice::shapiro_wilk_decides},
      {"t", stats::PairedTestChoice::paired_t},
      {"wilcoxon", stats::PairedTestChoice::wilcoxon}};
  study
      ->add_option(
          "--paired-test", o.paired_test,
          "Pre vs post test: auto (Shapiro-Wilk on the differences picks the paired t-test\n"
          "or the Wilcoxon signed-rank test), t, wilcoxon")
      ->transform(CLI::CheckedTransformer(paired_tests, CLI::ignore_case))
      ->default_str("auto")
      ->option_text("auto|t|wilcoxon (default auto)");
  study->add_flag("--fdr", o.fdr,
                  "Significance by Benjamini-Hochberg q < alpha instead of p < alpha (the report\n"
                  "always says how many findings survive FDR control)");
  study->add_option("--alpha", o.alpha, "Significance level")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  study->add_flag("!--no-baseline-filter", o.baseline_filter,
                  "Test every feature, not only those comparable across bands before RT");
  study
      ->add_option("--common-max-missed", o.common_max_missed_bands,
                   "Bands at which a common feature may be not significant (0 = none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  study
      ->add_option("--common-min-bands", o.common_min_bands,
                   "Bands a common feature must be significant in (overrides --common-max-missed; "
                   "0 = not used)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  const std::map<std::string, stats::SlopeAxis> slope_axes = {
      {"band", stats::SlopeAxis::band_index}, {"dose", stats::SlopeAxis::dose_midpoint_gy}};
  study
      ->add_option("--slope-x", o.slope_axis,
                   "x of the dose-response slope: band (index 1-7, as the paper) or dose (band\n"
                   "midpoint in Gy)")
      ->transform(CLI::CheckedTransformer(slope_axes, CLI::ignore_case))
      ->default_str("band")
      ->option_text("band|dose (default band)");
  const std::map<std::string, stats::SlopeFit> slope_fits = {
      {"means", stats::SlopeFit::band_means}, {"regions", stats::SlopeFit::all_regions}};
  study
      ->add_option("--slope-fit", o.slope_fit,
                   "Points of the slope fit: means (one per band) or regions (every region)")
      ->transform(CLI::CheckedTransformer(slope_fits, CLI::ignore_case))
      ->default_str("means")
      ->option_text("means|regions (default means)");
  study->add_option("--pca-sequence", o.pca_sequence, "Sequence of the PCA")->capture_default_str();
  const std::map<std::string, stats::PcaInput> pca_inputs = {
      {"delta", stats::PcaInput::delta_percent},
      {"post", stats::PcaInput::post},
      {"pre", stats::PcaInput::pre}};
  study
      ->add_option("--pca-input", o.pca_input,
                   "PCA observations: delta (each region's change), post or pre values")
      ->transform(CLI::CheckedTransformer(pca_inputs, CLI::ignore_case))
      ->default_str("delta")
      ->option_text("delta|post|pre (default delta)");
  const std::map<std::string, stats::FeatureSelection> selections = {
      {"common", stats::FeatureSelection::common},
      {"significant", stats::FeatureSelection::significant},
      {"kept", stats::FeatureSelection::kept}};
  study
      ->add_option("--pca-features", o.pca_features,
                   "PCA variables: common (significant at every band), significant (at any\n"
                   "band) or kept (passed the baseline check)")
      ->transform(CLI::CheckedTransformer(selections, CLI::ignore_case))
      ->default_str("common")
      ->option_text("common|significant|kept (default common)");
  study
      ->add_option("--correlate", o.correlation_features,
                   "Features correlated with blood counts: common, significant or kept")
      ->transform(CLI::CheckedTransformer(selections, CLI::ignore_case))
      ->default_str("common")
      ->option_text("common|significant|kept (default common)");
  const std::map<std::string, stats::BloodTimepoint> timepoints = {
      {"mid", stats::BloodTimepoint::mid},
      {"end", stats::BloodTimepoint::end},
      {"one_month", stats::BloodTimepoint::one_month}};
  study
      ->add_option("--count-timepoint", o.count_timepoint,
                   "Delta-count = (this - pre) / pre: mid, end or one_month")
      ->transform(CLI::CheckedTransformer(timepoints, CLI::ignore_case))
      ->default_str("end")
      ->option_text("mid|end|one_month (default end)");
  study->add_option("--setting", o.setting_id,
                    "Extraction setting id to analyse (default: the lowest in the store)");
  return study;
}

namespace {

stats::ScanTimepoint scan_timepoint(const std::string& text, const std::string& origin) {
  if (text == "pre") return stats::ScanTimepoint::pre;
  if (text == "post") return stats::ScanTimepoint::post;
  throw InputError(origin + ": feature time point '" + text + "' is neither pre nor post");
}

std::optional<stats::BloodTimepoint> blood_timepoint(const std::string& text) {
  if (text == "pre") return stats::BloodTimepoint::pre;
  if (text == "mid") return stats::BloodTimepoint::mid;
  if (text == "end") return stats::BloodTimepoint::end;
  if (text == "one_month") return stats::BloodTimepoint::one_month;
  return std::nullopt;
}

}  // namespace

stats::StudyData load_study_data(const std::string& dir) {
  const std::string path = store_path(dir);
  if (!fs::exists(path)) {
    throw InputError(path + ": no results store (run `doseomics run` into " + dir + " first)");
  }
  const ResultStore store(path);
  stats::StudyData data;
  for (const auto& row : store.features()) {
    data.features.push_back({row.patient_id, row.band_index, row.sequence,
                             scan_timepoint(row.timepoint, path), row.setting_id, row.feature,
                             row.value});
  }
  for (const auto& region : store.regions()) {
    data.regions.push_back({region.patient_id, region.band_index, region.band_lower_gy,
                            region.band_upper_gy, region.volume_cc, region.status});
  }
  for (const auto& count : store.blood_counts()) {
    const auto timepoint = blood_timepoint(count.timepoint);
    if (!timepoint) continue;  // a time point the study does not use
    data.blood_counts.push_back({count.patient_id, count.count_name, *timepoint, count.value});
  }
  for (const auto& point : store.dose_volume()) {
    data.dose_volume.push_back({point.patient_id, point.dose_gy, point.volume_percent});
  }
  for (const auto& patient : store.patients()) {
    stats::PatientRow row;
    row.patient = patient.patient_id;
    row.age_years = patient.age_years;
    row.prescription_dose_gy = patient.prescription_dose_gy;
    if (patient.fractions) row.fractions = static_cast<double>(*patient.fractions);
    data.patients.push_back(row);
  }
  for (const auto& setting : store.settings()) {
    data.settings.push_back({setting.setting_id, setting.label});
  }
  return data;
}

int run_study_command(const std::string& dir, const std::string& report_dir,
                      const stats::StudyOptions& options, std::ostream& out, std::ostream& err) {
  try {
    const stats::StudyData data = load_study_data(dir);
    if (data.features.empty()) {
      err << "doseomics study: " << store_path(dir) << " holds no feature values\n";
      return 1;
    }
    const stats::StudyResults results = stats::run_study(data, options);
    const std::string target =
        report_dir.empty() ? (fs::path(dir) / "report").string() : report_dir;
    stats::ReportContext context;
    context.source = store_path(dir);
    context.generated_by = std::string("doseomics ") + DOSEOMICS_VERSION + " study";
    const stats::ReportFiles files = stats::write_report(results, target, context);
    out << "report: " << files.index_html << " (" << files.tables.size() << " tables in "
        << (fs::path(target) / "tables").string() << ")\n";
    for (const auto& finding : stats::main_findings(results)) out << "- " << finding << "\n";
    for (const auto& note : results.notes) err << "note: " << note << "\n";
    return 0;
  } catch (const InputError& e) {
    err << "doseomics study: " << e.what() << "\n";
    return 1;
  } catch (const StoreError& e) {
    err << "doseomics study: " << e.what() << "\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    err << "doseomics study: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "doseomics study: internal error: " << e.what() << "\n";
    return 3;
  }
}

int run_study_command(const std::string& dir, const std::string& report_dir,
                      const stats::StudyOptions& options) {
  return run_study_command(dir, report_dir, options, std::cout, std::cerr);
}

}  // namespace doseomics
