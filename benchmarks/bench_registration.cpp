// Registration accuracy and time on a synthetic cohort (`doseomics synth`): every registration
// `doseomics run` performs (planning CT and each MR acquisition onto the pre-treatment reference
// MR) is done with the given options and scored against the transforms planted in truth.json,
// over the reference MR's body voxels. Prints one line per registration and a summary.
//
//   bench_registration COHORT_DIR [--patients N | --patient ID] [--sampling-percent P]
//                      [--acquisitions CT pre:WATER ...] [--shrink ...] [--sigmas ...] ...
//
// Used to choose the defaults of host/registration.hpp and io/cohort_manifest.hpp; the figures
// are in benchmarks/RESULTS.md.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "host/cohort_inputs.hpp"
#include "host/registration.hpp"

namespace {

using namespace doseomics;

struct Task {
  std::string patient;
  std::string moving_file;      // relative to the cohort
  const nlohmann::json* truth;  // the planted transform's record (has "text")
  std::string label;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Registration accuracy against a synthetic cohort's planted transforms"};
  std::string cohort;
  int patient_limit = 0;
  RegistrationOptions options;
  options.metric_work_units = 1;  // as `doseomics run` registers
  double sampling_percent = 50.0;
  std::string reference_sequence = "T2fs";
  std::vector<std::string> acquisitions = {"CT", "pre:FAT", "post:T2fs", "post:FAT"};
  app.add_option("cohort", cohort, "folder written by doseomics synth")->required();
  app.add_option("--patients", patient_limit, "first N patients only (0 = all)");
  std::string only_patient;
  app.add_option("--patient", only_patient, "this patient only (its id)");
  app.add_option("--sampling-percent", sampling_percent, "share of body voxels sampled");
  app.add_option("--iterations", options.iterations_per_level, "iterations per level");
  app.add_option("--shrink", options.shrink_factors, "shrink factors, coarse to fine");
  app.add_option("--sigmas", options.smoothing_sigmas_mm, "smoothing sigmas in mm");
  app.add_option("--bins", options.histogram_bins, "Mattes MI histogram bins");
  app.add_option("--min-step", options.minimum_step_length, "optimiser minimum step");
  app.add_option("--relaxation", options.relaxation_factor, "optimiser relaxation factor");
  app.add_option("--seed", options.random_seed, "sampling seed");
  app.add_option("--acquisitions", acquisitions, "CT and/or timepoint:sequence to register");
  CLI11_PARSE(app, argc, argv);
  options.sampling_fraction = sampling_percent / 100.0;

  std::ifstream truth_file(cohort + "/truth.json");
  if (!truth_file) {
    std::cerr << "bench_registration: cannot open " << cohort << "/truth.json\n";
    return 1;
  }
  const nlohmann::json truth = nlohmann::json::parse(truth_file);

  std::vector<double> worst_per_patient;
  std::vector<double> all_max;
  double total_seconds = 0.0;
  int count = 0;
  for (const auto& patient : truth.at("patients")) {
    if (patient_limit > 0 && count++ >= patient_limit) break;
    const std::string id = patient.at("id");
    if (!only_patient.empty() && id != only_patient) continue;
    const std::string dir = cohort + "/" + id + "/";
    FloatImage3D::Pointer reference =
        read_float_image(dir + "pre_" + reference_sequence + ".nii.gz");
    MaskImage3D::Pointer body = body_mask(reference);
    double patient_worst = 0.0;
    for (const std::string& acquisition : acquisitions) {
      std::string moving_file;
      RigidTransform planted;
      if (acquisition == "CT") {
        moving_file = dir + "ct.nii.gz";
        planted = RigidTransform::from_string(
            patient.at("mr").at("pre").at(reference_sequence).at("mr_to_ct").at("text"));
      } else {
        const auto colon = acquisition.find(':');
        const std::string timepoint = acquisition.substr(0, colon);
        const std::string sequence = acquisition.substr(colon + 1);
        moving_file = dir + timepoint + "_" + sequence + ".nii.gz";
        planted = RigidTransform::from_string(
            patient.at("mr").at(timepoint).at(sequence).at("reference_to_mr").at("text"));
      }
      FloatImage3D::Pointer moving = read_float_image(moving_file);
      const RegistrationResult result = register_rigid(reference, moving, options, body);
      const TransformDiscrepancy error = transform_discrepancy(result.transform, planted, body);
      std::printf(
          "%s %-10s max %.3f mm mean %.3f mm  %5.2f s  it %d  NMI %.4f (start %.4f)  attempts "
          "%d%s\n",
          id.c_str(), acquisition.c_str(), error.max_mm, error.mean_mm, result.seconds,
          result.total_iterations, result.quality.normalised_mutual_information,
          result.start_quality.normalised_mutual_information, result.attempts,
          result.improved_on_start ? "" : "  DIVERGED");
      std::fflush(stdout);
      patient_worst = std::max(patient_worst, error.max_mm);
      all_max.push_back(error.max_mm);
      total_seconds += result.seconds;
    }
    worst_per_patient.push_back(patient_worst);
  }
  std::sort(all_max.begin(), all_max.end());
  const auto over_1mm = std::count_if(worst_per_patient.begin(), worst_per_patient.end(),
                                      [](double e) { return e >= 1.0; });
  std::printf(
      "registrations %zu: median of max error %.3f mm, worst %.3f mm; patients >= 1 mm: "
      "%td of %zu; registration time %.1f s\n",
      all_max.size(), all_max.empty() ? 0.0 : all_max[all_max.size() / 2],
      all_max.empty() ? 0.0 : all_max.back(), over_1mm, worst_per_patient.size(), total_seconds);
  return 0;
}
