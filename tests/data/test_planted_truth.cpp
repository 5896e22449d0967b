// The whole chain on the demo's cohort: `doseomics synth` (54 patients, the demo's seed) ->
// `doseomics run` -> the study, checked against the truth the synthesiser planted (truth.json):
// every registration, the dose-response slopes, the planted correlations with blood counts, and
// the share of correlations called significant where nothing is planted. About two minutes on
// two cores.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "host/cohort_inputs.hpp"
#include "host/demo_command.hpp"
#include "host/registration.hpp"
#include "host/run_command.hpp"
#include "host/study_command.hpp"
#include "host/synth.hpp"
#include "io/result_store.hpp"
#include "stats/study.hpp"
#include "support/planted_registrations.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

// The cohort pipeline issue's bar: largest error over points inside the body, every patient.
constexpr double kRegistrationMaxErrorMm = 1.0;
// The study issue's bar: each planted slope recovered within 10 % (relative).
constexpr double kSlopeRelativeTolerance = 0.10;
constexpr double kAlpha = 0.05;
// Where nothing is planted about 5 % of the tests come out significant. The features of a
// sequence are strongly correlated with one another, so the share scatters far more than a
// binomial count of independent tests would; these bounds only catch a gross excess or a
// test that can never reject.
constexpr double kNullShareMinimum = 0.01;
constexpr double kNullShareMaximum = 0.10;

// The cohort, its truth and its store as the study reads it; the folder goes when the tests end.
struct PlantedCohort {
  fs::path root;  // empty until the chain has run
  nlohmann::json truth;
  stats::StudyData data;
  ~PlantedCohort() {
    std::error_code ignored;
    if (!root.empty()) fs::remove_all(root, ignored);
  }
};

// Synthesise and run once for every section (Catch2 re-enters the test case per SECTION).
const PlantedCohort& planted_cohort() {
  static PlantedCohort cohort;
  if (!cohort.root.empty()) return cohort;
  const fs::path root =
      fs::temp_directory_path() / ("doseomics-planted-" + std::to_string(getpid()));
  fs::remove_all(root);
  SynthOptions synth;
  synth.patients = DemoOptions{}.patients;
  synth.seed = DemoOptions{}.seed;
  synth.out_dir = (root / "cohort").string();
  synthesise_cohort(synth);
  RunOptions run;
  run.cohort_path = (root / "cohort" / "cohort.yaml").string();
  run.out_dir = (root / "results").string();
  run.backend = "cpu";
  std::ostringstream out, err;
  const int code = run_cohort(run, out, err);
  INFO(err.str());
  REQUIRE(code == 0);
  std::ifstream truth_file(root / "cohort" / "truth.json");
  cohort.truth = nlohmann::json::parse(truth_file);
  cohort.data = load_study_data(run.out_dir);
  cohort.root = root;
  return cohort;
}

// "FAT original_firstorder_Range" -> ("FAT", "original_firstorder_Range").
std::pair<std::string, std::string> split_feature(const std::string& text) {
  const auto space = text.find(' ');
  return {text.substr(0, space), text.substr(space + 1)};
}

}  // namespace

TEST_CASE("The demo chain recovers the planted truth: registrations, slopes, correlations",
          "[pipeline][planted]") {
  const PlantedCohort& cohort = planted_cohort();
  const nlohmann::json& truth = cohort.truth;

  SECTION("every registration is within 1 mm of the planted transform over the body") {
    ResultStore store(store_path((cohort.root / "results").string()));
    const auto errors = test::planted_registration_errors(store, truth, cohort.root / "cohort");
    std::set<std::string> patients;
    for (const auto& error : errors) {
      patients.insert(error.patient);
      INFO(error.patient << " " << error.sequence << " " << error.timepoint << ": " << error.max_mm
                         << " mm");
      CHECK(error.max_mm < kRegistrationMaxErrorMm);
    }
    CHECK(patients.size() == truth.at("patients").size());
  }

  SECTION("a registration that diverges is detected and tried again until it converges") {
    // SYN041's post-RT FAT map sampled at 100 % of the body diverges (64 mm off, normalised
    // mutual information down to 1.008 from 1.088) from either starting transform; the coarser
    // pyramid of the third attempt recovers it. (The run registers WATER at 50 %, which
    // converges at once; this case exists to exercise the safety net.)
    const fs::path dir = cohort.root / "cohort" / "SYN041";
    const FloatImage3D::Pointer reference = read_float_image((dir / "pre_T2fs.nii.gz").string());
    const FloatImage3D::Pointer moving = read_float_image((dir / "post_FAT.nii.gz").string());
    const MaskImage3D::Pointer body = body_mask(reference);
    RegistrationOptions options;
    options.sampling_fraction = 1.0;
    options.metric_work_units = 1;
    const RegistrationResult result = register_rigid(reference, moving, options, body);
    const auto& planted = truth.at("patients").at(40).at("mr").at("post").at("FAT");
    REQUIRE(truth.at("patients").at(40).at("id") == "SYN041");
    const TransformDiscrepancy error = transform_discrepancy(
        result.transform,
        RigidTransform::from_string(planted.at("reference_to_mr").at("text").get<std::string>()),
        body, 1);
    INFO("attempts " << result.attempts << ", NMI "
                     << result.start_quality.normalised_mutual_information << " -> "
                     << result.quality.normalised_mutual_information << ", error " << error.max_mm
                     << " mm");
    CHECK(result.attempts > 1);
    CHECK(result.improved_on_start);
    CHECK(error.max_mm < kRegistrationMaxErrorMm);
  }

  const stats::StudyResults results = stats::run_study(cohort.data);

  SECTION("Table 1 has every patient's age, prescription and fractions from the manifest") {
    CHECK(results.cohort.patients == truth.at("patients").size());
    CHECK(results.cohort.age_years.n == truth.at("patients").size());
    CHECK(results.cohort.prescription_dose_gy.n == truth.at("patients").size());
    CHECK(results.cohort.fractions.n == truth.at("patients").size());
    CHECK(results.cohort.prescription_dose_gy.maximum <= 50.4);
  }

  SECTION("the planted dose-response slopes are recovered within 10 %") {
    // A multiplicative change moves the mean by the planted percentage (truth.json's note).
    for (const auto& [sequence, planted] :
         truth.at("planted").at("mean_change_slope_percent_per_band").items()) {
      const stats::DoseResponse* curve = nullptr;
      for (const auto& candidate : results.dose_response)
        if (candidate.sequence == sequence && candidate.feature == "original_firstorder_Mean")
          curve = &candidate;
      INFO(sequence);
      REQUIRE(curve != nullptr);
      const double slope = curve->fit.slope;
      INFO("measured " << slope << " %/band, planted " << planted.get<double>());
      CHECK(std::abs(slope / planted.get<double>() - 1.0) < kSlopeRelativeTolerance);
    }
  }

  SECTION("each planted correlation with a blood-count change is detected") {
    const auto band_labels = truth.at("planted").at("bands");
    // Range grows with a region's voxel count, and the bands' marrow volumes differ, so FAT
    // Range fails the baseline check (pre-RT values equal across bands) and the default study
    // does not test it further: it is looked for with the check off, as docs/study.md says.
    stats::StudyOptions unfiltered;
    unfiltered.baseline_filter = false;
    const stats::StudyResults all_features = stats::run_study(cohort.data, unfiltered);
    for (const auto& target : truth.at("planted").at("correlation_targets")) {
      if (target.at("mechanism").get<std::string>().rfind("not planted", 0) == 0) continue;
      const auto [sequence, feature] = split_feature(target.at("feature"));
      const std::string count = split_feature(target.at("count_change")).first;
      int band = -1;
      for (std::size_t b = 0; b < band_labels.size(); ++b)
        if (band_labels.at(b) == target.at("band")) band = static_cast<int>(b);
      REQUIRE(band >= 0);
      bool kept = false;
      for (const auto& baseline : results.baseline)
        if (baseline.sequence == sequence && baseline.feature == feature) kept = baseline.kept;
      const stats::StudyResults& searched = kept ? results : all_features;
      const stats::CorrelationRow* found = nullptr;
      for (const auto& row : searched.correlations)
        if (row.sequence == sequence && row.feature == feature && row.count == count &&
            row.band == band)
          found = &row;
      INFO(target.at("feature").get<std::string>()
           << " vs " << count << " at " << target.at("band").get<std::string>()
           << (kept ? "" : " (baseline check off)"));
      REQUIRE(found != nullptr);
      INFO("r = " << found->r << " (planted " << target.at("r_target").get<double>()
                  << "), p = " << found->p_value);
      CHECK(found->p_value < kAlpha);
      CHECK(found->r * target.at("r_target").get<double>() > 0.0);  // the planted sign
    }
  }

  SECTION("where nothing is planted, about 5 % of the correlations are significant") {
    // Only the lowest band's changes are tied to the counts (truth.json: low_dose_band), so
    // every correlation at the other bands is a null one.
    std::size_t tests = 0, significant = 0;
    for (const auto& row : results.correlations) {
      if (row.band == 0 || !std::isfinite(row.p_value)) continue;
      ++tests;
      if (row.p_value < kAlpha) ++significant;
    }
    REQUIRE(tests > 100);
    const double share = static_cast<double>(significant) / static_cast<double>(tests);
    INFO(significant << " of " << tests << " null correlations significant");
    CHECK(share > kNullShareMinimum);
    CHECK(share < kNullShareMaximum);
  }
}
