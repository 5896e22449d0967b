// `doseomics run` end to end on synthetic cohorts: regions per patient, the planted FatFrac
// response, resumption after kill -9, and a bad file recorded while the others run.
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

#include <nlohmann/json.hpp>

#include "host/cohort_inputs.hpp"
#include "host/registration.hpp"
#include "host/synth.hpp"
#include "io/result_store.hpp"

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
  std::map<std::string, std::vector<RegistrationRecord>> registrations;
  for (const RegistrationRecord& record : whole.registrations())
    registrations[record.patient_id].push_back(record);
  for (const auto& patient : truth.at("patients")) {
    const std::string id = patient.at("id");
    const FloatImage3D::Pointer reference =
        read_float_image((root / "cohort" / id / "pre_T2fs.nii.gz").string());
    const MaskImage3D::Pointer body = body_mask(reference);
    REQUIRE(registrations[id].size() == 1 + kSequences * kTimepoints - 1);
    for (const RegistrationRecord& record : registrations[id]) {
      const auto& planted = record.moving_sequence == "CT"
                                ? patient.at("mr").at("pre").at("T2fs").at("mr_to_ct")
                                : patient.at("mr")
                                      .at(record.moving_timepoint)
                                      .at(record.moving_sequence)
                                      .at("reference_to_mr");
      const TransformDiscrepancy error = transform_discrepancy(
          RigidTransform::from_string(record.transform),
          RigidTransform::from_string(planted.at("text").get<std::string>()), body, 1);
      INFO(id << " " << record.moving_sequence << " " << record.moving_timepoint << ": "
              << error.max_mm << " mm");
      CHECK(error.max_mm < kRegistrationMaxErrorMm);
    }
  }

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

TEST_CASE("A patient's truncated image is recorded and the other patients still run",
          "[pipeline]") {
  const fs::path root = fresh_folder("bad-file");
  SynthOptions synth;
  synth.patients = 3;
  synth.seed = 11;
  synth.out_dir = (root / "cohort").string();
  synthesise_cohort(synth);
  // Truncate one patient's image to half its bytes.
  fs::path victim;
  for (const auto& entry : fs::recursive_directory_iterator(root / "cohort"))
    if (entry.path().filename() == "post_FatFrac.nii.gz") {
      victim = entry.path();
      break;
    }
  REQUIRE(!victim.empty());
  fs::resize_file(victim, fs::file_size(victim) / 2);

  REQUIRE(run_to_end(root / "cohort" / "cohort.yaml", root / "out") == 2);
  ResultStore store(store_path((root / "out").string()));
  int ok = 0, failed = 0;
  for (const PatientRecord& patient : store.patients()) {
    if (patient.status == "ok") ++ok;
    if (patient.status == "failed") {
      ++failed;
      CHECK(patient.error.find("post_FatFrac.nii.gz") != std::string::npos);
    }
  }
  CHECK(ok == 2);
  CHECK(failed == 1);
  fs::remove_all(root);
}
