// `doseomics run` end to end on synthetic cohorts: regions per patient, the planted FatFrac
// response, resumption after kill -9, and each kind of bad input recorded against its patient
// while the others run.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <itkCastImageFilter.h>
#include <itkImageFileWriter.h>
#include <nlohmann/json.hpp>

#include "host/cohort_inputs.hpp"
#include "host/registration.hpp"
#include "host/synth.hpp"
#include "io/result_store.hpp"
#include "io/rtdose.hpp"
#include "support/planted_registrations.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

constexpr int kSequences = 5;   // T2fs, FatFrac, R2star, WATER, FAT
constexpr int kTimepoints = 2;  // pre, post
// The bar for registration: largest error over points inside the body.
constexpr double kRegistrationMaxErrorMm = 1.0;

fs::path fresh_folder(const std::string& name) {
  // The process id keeps concurrent runs of this test (other build folders) apart.
  const fs::path folder =
      fs::temp_directory_path() / ("doseomics-pipeline-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

// Start `doseomics run` as a child process; returns its pid.
pid_t start_run(const fs::path& cohort, const fs::path& out) {
  std::fflush(nullptr);  // the child must not repeat the parent's buffered output
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cohort_text = cohort.string(), out_text = out.string();
    // Quiet child: its progress lines are not the test's output.
    std::freopen("/dev/null", "w", stdout);
    std::freopen((out_text + ".log").c_str(), "w", stderr);
    execl(DOSEOMICS_CLI_PATH, DOSEOMICS_CLI_PATH, "run", cohort_text.c_str(), "--out",
          out_text.c_str(), "--backend", "cpu", "-j", "2", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_to_end(const fs::path& cohort, const fs::path& out) {
  return wait_exit_code(start_run(cohort, out));
}

}  // namespace

TEST_CASE("A synthetic cohort runs end to end and a killed run resumes to the same store",
          "[pipeline]") {
  const fs::path root = fresh_folder("resume");
  SynthOptions synth;
  synth.patients = 6;
  synth.seed = 7;
  synth.out_dir = (root / "cohort").string();
  synthesise_cohort(synth);
  const fs::path cohort = root / "cohort" / "cohort.yaml";

  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run_to_end(cohort, root / "whole") == 0);
  const auto whole_run = std::chrono::steady_clock::now() - start;
  REQUIRE(fs::exists(root / "whole" / "features.csv"));

  ResultStore whole(store_path((root / "whole").string()));
  const auto units = whole.completed_units();
  std::map<std::string, int> ok_regions;
  for (const RegionRecord& region : whole.regions()) {
    if (region.status == "ok") ++ok_regions[region.patient_id];
    if (region.status == "excluded") CHECK(region.volume_cc < 0.5);
  }
  const auto settings = whole.settings().size();
  REQUIRE(settings >= 1);
  for (const PatientRecord& patient : whole.patients()) {
    INFO(patient.patient_id << ": " << patient.error);
    REQUIRE(patient.status == "ok");
    int patient_units = 0;
    for (const UnitKey& unit : units) {
      if (unit.patient_id != patient.patient_id) continue;
      ++patient_units;
      // Every unit holds every ok band of the patient (bands x features rows).
      const auto rows = whole.unit_feature_rows(unit);
      REQUIRE(rows);
      CHECK(*rows % ok_regions[patient.patient_id] == 0);
      CHECK(*rows / ok_regions[patient.patient_id] >= 93);
    }
    // Regions per patient = bands x sequences x time points, minus exclusions (per unit).
    CHECK(patient_units == kSequences * kTimepoints * static_cast<int>(settings));
    CHECK(ok_regions[patient.patient_id] >= 5);
  }

  // Registration recovers the planted transforms: compare each stored transform with truth.json
  // at every body voxel of the reference grid.
  std::ifstream truth_file(root / "cohort" / "truth.json");
  const nlohmann::json truth = nlohmann::json::parse(truth_file);
  std::map<std::string, int> registrations_per_patient;
  for (const auto& error : test::planted_registration_errors(whole, truth, root / "cohort")) {
    ++registrations_per_patient[error.patient];
    INFO(error.patient << " " << error.sequence << " " << error.timepoint << ": " << error.max_mm
                       << " mm");
    CHECK(error.max_mm < kRegistrationMaxErrorMm);
  }
  for (const auto& patient : truth.at("patients"))  // the CT and every MR but the reference
    CHECK(registrations_per_patient[patient.at("id")] == 1 + kSequences * kTimepoints - 1);

  // The planted response: post-treatment FatFrac rises with the dose band.
  std::map<int, std::pair<double, int>> post_fat_fraction;  // band -> (sum, count)
  for (const FeatureRow& row : whole.features())
    if (row.sequence == "FatFrac" && row.timepoint == "post" &&
        row.feature == "original_firstorder_Mean" && row.setting_id == 0) {
      post_fat_fraction[row.band_index].first += row.value;
      post_fat_fraction[row.band_index].second += 1;
    }
  REQUIRE(post_fat_fraction.size() >= 5);
  int rises = 0, steps = 0;
  double previous = -1.0;
  for (const auto& [band, sum_count] : post_fat_fraction) {
    const double mean = sum_count.first / sum_count.second;
    if (previous >= 0.0) {
      ++steps;
      rises += mean > previous;
    }
    previous = mean;
  }
  INFO("post-treatment FatFrac mean rose at " << rises << " of " << steps << " band steps");
  CHECK(rises == steps);

  // kill -9 part-way through, then run again: the same content as the uninterrupted run.
  const pid_t killed = start_run(cohort, root / "resumed");
  std::this_thread::sleep_for(whole_run * 2 / 5);
  kill(killed, SIGKILL);
  wait_exit_code(killed);
  {
    ResultStore interrupted(store_path((root / "resumed").string()));
    CHECK(interrupted.check_integrity() == "ok");
    CHECK(interrupted.completed_units().size() < units.size());
  }
  REQUIRE(run_to_end(cohort, root / "resumed") == 0);
  ResultStore resumed(store_path((root / "resumed").string()));
  CHECK(resumed.canonical_dump() == whole.canonical_dump());
  fs::remove_all(root);
}

namespace {

void write_mask(const MaskImage3D* mask, const fs::path& path) {
  auto writer = itk::ImageFileWriter<MaskImage3D>::New();
  writer->SetInput(mask);
  writer->SetFileName(path.string());
  writer->Update();
}

void replace_in_file(const fs::path& path, const std::string& from, const std::string& to) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("Each kind of bad input fails only its patient, with an error naming file and fault",
          "[pipeline]") {
  const fs::path root = fresh_folder("bad-input");
  SynthOptions synth;
  synth.patients = 7;
  synth.seed = 11;
  synth.out_dir = (root / "cohort").string();
  synthesise_cohort(synth);
  const fs::path cohort = root / "cohort";
  const fs::path manifest = cohort / "cohort.yaml";

  // SYN001: a missing file.
  fs::remove(cohort / "SYN001" / "post_R2star.nii.gz");
  // SYN002: a marrow mask on another grid than its CT (spacing stretched).
  {
    MaskImage3D::Pointer marrow = read_mask_image((cohort / "SYN002" / "marrow.nii.gz").string());
    auto spacing = marrow->GetSpacing();
    spacing[0] *= 1.1;
    marrow->SetSpacing(spacing);
    write_mask(marrow, cohort / "SYN002" / "marrow.nii.gz");
  }
  // SYN003: the dose as an RTDOSE in RELATIVE units.
  {
    const FloatImage3D::Pointer dose =
        read_float_image((cohort / "SYN003" / "dose.nii.gz").string());
    auto cast = itk::CastImageFilter<FloatImage3D, DoseImage>::New();
    cast->SetInput(dose);
    cast->Update();
    RtDoseWriteOptions relative;
    relative.dose_units = "RELATIVE";
    write_rtdose((cohort / "SYN003" / "dose_relative.dcm").string(), *cast->GetOutput(), relative);
    replace_in_file(manifest, "SYN003/dose.nii.gz", "SYN003/dose_relative.dcm");
  }
  // SYN004: a typo in its manifest entry.
  replace_in_file(manifest, "marrow_mask: {path: SYN004", "marow_mask: {path: SYN004");
  // SYN005: a truncated NIfTI (half its bytes).
  const fs::path truncated = cohort / "SYN005" / "post_FatFrac.nii.gz";
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  // SYN006: no marrow voxel in the 5-10 Gy band (a valid patient with empty bands): the marrow
  // below 20 Gy is removed, with a margin so that no MR voxel interpolates a dose under 10 Gy.
  {
    MaskImage3D::Pointer marrow = read_mask_image((cohort / "SYN006" / "marrow.nii.gz").string());
    const FloatImage3D::Pointer dose =
        read_float_image((cohort / "SYN006" / "dose.nii.gz").string());
    const std::size_t voxels = marrow->GetLargestPossibleRegion().GetNumberOfPixels();
    for (std::size_t i = 0; i < voxels; ++i) {
      const float gy = dose->GetBufferPointer()[i];
      if (gy < 20.0f) marrow->GetBufferPointer()[i] = 0;
    }
    write_mask(marrow, cohort / "SYN006" / "marrow.nii.gz");
  }
  // SYN007: untouched.

  REQUIRE(run_to_end(manifest, root / "out") == 2);
  ResultStore store(store_path((root / "out").string()));
  std::map<std::string, PatientRecord> patients;
  for (const PatientRecord& patient : store.patients()) patients[patient.patient_id] = patient;
  REQUIRE(patients.size() == 7);
  const std::map<std::string, std::vector<std::string>> expected_errors = {
      {"SYN001", {"post_R2star.nii.gz", "not found"}},
      {"SYN002", {"marrow.nii.gz", "not on the planning CT's grid", "spacing"}},
      {"SYN003", {"dose_relative.dcm", "RELATIVE"}},
      {"SYN004", {"marow_mask", "did you mean 'marrow_mask'"}},
      {"SYN005", {"post_FatFrac.nii.gz"}},
  };
  for (const auto& [id, fragments] : expected_errors) {
    INFO(id << ": " << patients[id].error);
    CHECK(patients[id].status == "failed");
    CHECK_THAT(patients[id].error, Catch::Contains(id));
    for (const std::string& fragment : fragments)
      CHECK_THAT(patients[id].error, Catch::Contains(fragment));
  }
  CHECK(patients["SYN006"].status == "ok");
  CHECK(patients["SYN007"].status == "ok");
  bool empty_band_recorded = false;
  for (const RegionRecord& region : store.regions())
    if (region.patient_id == "SYN006" && region.band_index == 0) {
      CHECK(region.status == "excluded");
      CHECK(region.voxel_count == 0);
      CHECK_THAT(region.error, Catch::Contains("no marrow voxel receives 5-10Gy"));
      empty_band_recorded = true;
    }
  CHECK(empty_band_recorded);
  // The two good patients have all their units.
  std::set<std::string> with_units;
  for (const UnitKey& unit : store.completed_units()) with_units.insert(unit.patient_id);
  CHECK(with_units == std::set<std::string>{"SYN006", "SYN007"});
  fs::remove_all(root);
}
