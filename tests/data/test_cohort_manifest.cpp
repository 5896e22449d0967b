// Cohort manifests (io/cohort_manifest.hpp): reading, validation that reports every problem at
// once, defaults, dose bands, and a write/read round trip.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "io/cohort_manifest.hpp"
#include "kernels/core/errors.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp dir holding a small cohort's (empty) files; removed at the
// end of the test.
struct CohortTempDir {
  fs::path path;
  CohortTempDir() {
    std::mt19937_64 random(std::random_device{}() ^
                           std::chrono::steady_clock::now().time_since_epoch().count());
    path = fs::temp_directory_path() / ("doseomics_cohort_" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~CohortTempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  // Creates `relative` (and its folders) with `text`; returns its absolute path.
  std::string touch(const std::string& relative, const std::string& text = "x") const {
    const fs::path file = path / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.lexically_normal().string();
  }
  std::string abs(const std::string& relative) const {
    return (path / relative).lexically_normal().string();
  }
  // Creates the files of patient `id` that the manifest text of patient_yaml() names.
  void touch_patient(const std::string& id) const {
    touch(id + "/ct.nii.gz");
    touch(id + "/dose.nii.gz");
    touch(id + "/marrow.nii.gz");
    for (const char* time_point : {"pre", "post"})
      for (const char* sequence : {"T2fs", "FatFrac"})
        touch(id + "/" + time_point + "_" + sequence + ".nii.gz");
  }
};

// One patient's manifest entry (files under `id`/).
std::string patient_yaml(const std::string& id) {
  return "  - id: " + id + "\n    planning_ct: " + id + "/ct.nii.gz\n    dose: " + id +
         "/dose.nii.gz\n    marrow_mask: " + id +
         "/marrow.nii.gz\n"
         "    mr:\n"
         "      pre: {T2fs: " +
         id + "/pre_T2fs.nii.gz, FatFrac: " + id +
         "/pre_FatFrac.nii.gz}\n"
         "      post: {T2fs: " +
         id + "/post_T2fs.nii.gz, FatFrac: " + id + "/post_FatFrac.nii.gz}\n";
}

// The InputError message of reading `yaml` as a manifest in `dir` ("" when it is accepted).
std::string manifest_error(const CohortTempDir& dir, const std::string& yaml) {
  const std::string path = dir.touch("cohort.yaml", yaml);
  try {
    read_cohort_manifest(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Three patients' files and manifest text ("patients:" and the list): P001 sound, P002's CT file
// missing, P003's "dose" key misspelt "doze".
std::string two_bad_of_three(const CohortTempDir& dir) {
  for (const char* id : {"P001", "P002", "P003"}) dir.touch_patient(id);
  fs::remove(dir.path / "P002/ct.nii.gz");
  std::string p3 = patient_yaml("P003");
  p3.replace(p3.find("    dose:"), 9, "    doze:");
  return "patients:\n" + patient_yaml("P001") + patient_yaml("P002") + p3;
}

// How many problems an error message lists ("N problems:").
int problem_count(const std::string& message) {
  const auto colon = message.find(" problem");
  if (colon == std::string::npos) return 0;
  auto start = message.rfind(' ', colon - 1);
  return std::stoi(message.substr(start + 1, colon - start - 1));
}

}  // namespace

TEST_CASE("A minimal cohort manifest reads with the study defaults", "[cohort]") {
  CohortTempDir dir;
  dir.touch_patient("P001");
  const std::string path = dir.touch("cohort.yaml", "patients:\n" + patient_yaml("P001"));
  const CohortManifest manifest = read_cohort_manifest(path);

  REQUIRE(manifest.patients.size() == 1);
  const PatientEntry& patient = manifest.patients[0];
  CHECK(patient.id == "P001");
  CHECK(patient.planning_ct.path == dir.abs("P001/ct.nii.gz"));
  CHECK(patient.dose.path == dir.abs("P001/dose.nii.gz"));
  CHECK_FALSE(patient.marrow.is_rtstruct());
  CHECK(patient.marrow.mask.path == dir.abs("P001/marrow.nii.gz"));
  CHECK(patient.mr_pre.at("FatFrac").path == dir.abs("P001/pre_FatFrac.nii.gz"));
  CHECK(patient.mr_post.size() == 2);
  CHECK_FALSE(patient.blood_counts.has_value());

  const StudySettings& study = manifest.study;
  CHECK(study.min_region_volume_cc == 0.5);
  CHECK(study.marrow_erosion_mm == 0.0);
  CHECK(study.bin_widths == std::vector<double>{25.0});
  CHECK(study.parameter_file.empty());
  CHECK(study.registration.skip_same_frame_of_reference);
  CHECK(study.registration.reference_sequence == "T2fs");
}

TEST_CASE("Dose bands default to the seed study's seven half-open bands", "[cohort]") {
  const std::vector<DoseBand> bands = default_dose_bands();
  REQUIRE(bands.size() == 7);
  const double expected[7][2] = {{5, 10},  {10, 15}, {15, 20}, {20, 30},
                                 {30, 40}, {40, 50}, {50, 0}};
  for (int i = 0; i < 6; ++i) {
    CHECK(bands[i].lower_gy == expected[i][0]);
    CHECK(bands[i].upper_gy == expected[i][1]);
  }
  CHECK(bands[6].lower_gy == 50.0);
  CHECK(std::isinf(bands[6].upper_gy));
  CHECK(bands[0].label() == "5-10Gy");
  CHECK(bands[6].label() == ">=50Gy");
  // Half-open: 10 Gy belongs to 10-15, not 5-10.
  CHECK_FALSE(bands[0].contains(10.0));
  CHECK(bands[1].contains(10.0));
  CHECK(bands[6].contains(1e6));
}

TEST_CASE("Dose bands must be ascending and must not overlap", "[cohort]") {
  CohortTempDir dir;
  dir.touch_patient("P001");
  const std::string patients = "patients:\n" + patient_yaml("P001");

  SECTION("an open top band written as null or .inf is accepted") {
    for (const char* top : {"null", ".inf"}) {
      const std::string path = dir.touch("cohort.yaml", "study:\n  dose_bands_gy: [[0, 20], [20, " +
                                                            std::string(top) + "]]\n" + patients);
      const CohortManifest manifest = read_cohort_manifest(path);
      REQUIRE(manifest.study.dose_bands.size() == 2);
      CHECK(std::isinf(manifest.study.dose_bands[1].upper_gy));
    }
  }
  SECTION("gaps between bands are allowed") {
    CHECK(manifest_error(dir, "study:\n  dose_bands_gy: [[5, 10], [20, 30]]\n" + patients) == "");
  }
  SECTION("overlapping bands are refused") {
    const std::string error =
        manifest_error(dir, "study:\n  dose_bands_gy: [[5, 10], [8, 15]]\n" + patients);
    CHECK_THAT(error, Catch::Contains("study.dose_bands_gy[1]"));
    CHECK_THAT(error, Catch::Contains("do not overlap"));
  }
  SECTION("descending bands are refused") {
    const std::string error =
        manifest_error(dir, "study:\n  dose_bands_gy: [[10, 15], [5, 10]]\n" + patients);
    CHECK_THAT(error, Catch::Contains("study.dose_bands_gy[1]"));
  }
  SECTION("an empty or inverted band is refused") {
    const std::string error =
        manifest_error(dir, "study:\n  dose_bands_gy: [[10, 10], [20, 15]]\n" + patients);
    CHECK(problem_count(error) == 2);
    CHECK_THAT(error, Catch::Contains("study.dose_bands_gy[0]"));
    CHECK_THAT(error, Catch::Contains("study.dose_bands_gy[1]"));
  }
  SECTION("only the last band may be open") {
    const std::string error =
        manifest_error(dir, "study:\n  dose_bands_gy: [[5, null], [10, 15]]\n" + patients);
    CHECK_THAT(error, Catch::Contains("study.dose_bands_gy[1]"));
  }
  SECTION("a band that is not a pair is refused") {
    const std::string error =
        manifest_error(dir, "study:\n  dose_bands_gy: [[5, 10, 15]]\n" + patients);
    CHECK_THAT(error, Catch::Contains("study.dose_bands_gy[0]"));
  }
}

TEST_CASE("Two missing files and a typo'd field are reported at once, naming patient and field",
          "[cohort]") {
  CohortTempDir dir;
  const std::string patients = two_bad_of_three(dir);
  fs::remove(dir.path / "P003/post_FatFrac.nii.gz");
  const std::string error = manifest_error(dir, patients);

  INFO(error);
  CHECK(problem_count(error) == 3);
  CHECK_THAT(error, Catch::Contains("patients[1].planning_ct (patient P002): file "
                                    "'P002/ct.nii.gz' not found"));
  CHECK_THAT(error, Catch::Contains("patients[2].mr.post.FatFrac (patient P003): file "
                                    "'P003/post_FatFrac.nii.gz' not found"));
  CHECK_THAT(error, Catch::Contains("patients[2].doze (patient P003): unknown key"));
  CHECK_THAT(error, Catch::Contains("did you mean 'dose'?"));
  // The message names the manifest file.
  CHECK_THAT(error, Catch::Contains("cohort.yaml"));
}

TEST_CASE("For a run, a patient's problems reject that patient only; settings problems stop all",
          "[cohort]") {
  CohortTempDir dir;
  const std::string patients = two_bad_of_three(dir);
  const CohortManifestReading reading =
      read_cohort_manifest_for_run(dir.touch("cohort.yaml", patients));
  REQUIRE(reading.manifest.patients.size() == 1);
  CHECK(reading.manifest.patients[0].id == "P001");
  REQUIRE(reading.rejected.size() == 2);
  CHECK(reading.rejected[0].id == "P002");
  REQUIRE(reading.rejected[0].problems.size() == 1);
  CHECK_THAT(
      reading.rejected[0].problems[0],
      Catch::Contains("patients[1].planning_ct (patient P002): file 'P002/ct.nii.gz' not found"));
  CHECK(reading.rejected[1].id == "P003");
  REQUIRE(reading.rejected[1].problems.size() == 1);
  CHECK_THAT(reading.rejected[1].problems[0],
             Catch::Contains("patients[2].doze (patient P003): unknown key"));
  CHECK_THAT(reading.rejected[1].problems[0], Catch::Contains("did you mean 'dose'?"));

  // A bad study setting concerns every patient: the whole manifest is refused, every problem
  // (the patients' too) listed at once.
  const std::string bad_settings = "study:\n  min_region_volume_cc: -1\n" + patients;
  try {
    read_cohort_manifest_for_run(dir.touch("cohort.yaml", bad_settings));
    FAIL("a bad study setting was accepted");
  } catch (const InputError& e) {
    CHECK(problem_count(e.what()) == 3);
    CHECK_THAT(e.what(), Catch::Contains("study.min_region_volume_cc"));
    CHECK_THAT(e.what(), Catch::Contains("P002/ct.nii.gz"));
  }
}

TEST_CASE("Unknown keys are errors at every level of the manifest", "[cohort]") {
  CohortTempDir dir;
  dir.touch_patient("P001");
  const std::string patients = "patients:\n" + patient_yaml("P001");

  CHECK_THAT(manifest_error(dir, "studdy: {}\n" + patients),
             Catch::Contains("studdy: unknown key (did you mean 'study'?)"));
  CHECK_THAT(manifest_error(dir, "study:\n  bin_width: [25]\n" + patients),
             Catch::Contains("study.bin_width: unknown key (did you mean 'bin_widths'?)"));
  CHECK_THAT(manifest_error(dir, "study:\n  registration: {sampling_pct: 5}\n" + patients),
             Catch::Contains("study.registration.sampling_pct: unknown key"));
  CHECK_THAT(manifest_error(dir, "study:\n  colour: blue\n" + patients),
             Catch::Contains("study.colour: unknown key (expected one of:"));
  CHECK_THAT(manifest_error(dir, patients + "    blood_counts: {WBC: {pre: 6, ends: 3}}\n"),
             Catch::Contains("patients[0].blood_counts.WBC.ends (patient P001): unknown key"));
  CHECK_THAT(manifest_error(dir, patients + "    blood_counts: {NEUT: {pre: 6}}\n"),
             Catch::Contains("patients[0].blood_counts.NEUT (patient P001): unknown key"));
  CHECK_THAT(manifest_error(dir, patients + "    extra: 1\n"),
             Catch::Contains("patients[0].extra (patient P001): unknown key"));
}

TEST_CASE("Bad values and missing fields name their field", "[cohort]") {
  CohortTempDir dir;
  dir.touch_patient("P001");
  const std::string patients = "patients:\n" + patient_yaml("P001");

  CHECK_THAT(manifest_error(dir, "study: {min_region_volume_cc: abc}\n" + patients),
             Catch::Contains("study.min_region_volume_cc: expected a number, found 'abc'"));
  CHECK_THAT(manifest_error(dir, "study: {marrow_erosion_mm: -2}\n" + patients),
             Catch::Contains("study.marrow_erosion_mm"));
  CHECK_THAT(manifest_error(dir, "study: {bin_widths: [25, 0]}\n" + patients),
             Catch::Contains("study.bin_widths[1]"));
  CHECK_THAT(manifest_error(dir, "study: {registration: {sampling_percent: 150}}\n" + patients),
             Catch::Contains("study.registration.sampling_percent: must be in (0, 100]"));
  CHECK_THAT(manifest_error(dir, "study: {registration: {iterations: 2.5}}\n" + patients),
             Catch::Contains("study.registration.iterations: expected a whole number"));
  CHECK_THAT(manifest_error(dir, "study: {parameter_file: params.yaml}\n" + patients),
             Catch::Contains("study.parameter_file: file 'params.yaml' not found"));
  CHECK_THAT(manifest_error(dir, "study: {registration: {reference_sequence: T1}}\n" + patients),
             Catch::Contains("patients[0].mr.pre (patient P001): no 'T1' image"));
  CHECK_THAT(manifest_error(dir, "version: 2\n" + patients), Catch::Contains("version 2"));
  CHECK_THAT(manifest_error(dir, "study: {}\n"), Catch::Contains("patients: missing"));
  CHECK_THAT(manifest_error(dir, patients + "    blood_counts: {ANC: {pre: -1}}\n"),
             Catch::Contains("patients[0].blood_counts.ANC.pre (patient P001)"));
  CHECK_THAT(manifest_error(dir, patients + "    clinical: {age_years: 200}\n"),
             Catch::Contains("patients[0].clinical.age_years (patient P001): must be in [0, 130]"));
  CHECK_THAT(manifest_error(dir, patients + "    clinical: {fractions: 2.5}\n"),
             Catch::Contains("patients[0].clinical.fractions (patient P001): expected a whole"));
  CHECK_THAT(manifest_error(dir, patients + "    clinical: {prescription_gy: 50}\n"),
             Catch::Contains("did you mean 'prescription_dose_gy'?"));

  std::string no_marrow = patient_yaml("P001");
  no_marrow.erase(no_marrow.find("    marrow_mask:"),
                  no_marrow.find("    mr:") - no_marrow.find("    marrow_mask:"));
  CHECK_THAT(manifest_error(dir, "patients:\n" + no_marrow),
             Catch::Contains("patients[0].marrow_mask (patient P001): missing"));

  // A sequence on one side only is most often a typo of the other side's name.
  std::string unpaired = patient_yaml("P001");
  unpaired.replace(unpaired.find("FatFrac: P001/post"), 7, "FatFac");
  dir.touch("P001/post_FatFrac.nii.gz");
  const std::string error = manifest_error(dir, "patients:\n" + unpaired);
  CHECK_THAT(error, Catch::Contains("patients[0].mr.post.FatFac (patient P001): sequence 'FatFac' "
                                    "has no pre image (did you mean 'FatFrac'?)"));
  CHECK_THAT(error, Catch::Contains("patients[0].mr.pre.FatFrac (patient P001)"));

  // Duplicate ids.
  CHECK_THAT(manifest_error(dir, "patients:\n" + patient_yaml("P001") + patient_yaml("P001")),
             Catch::Contains("patients[1].id (patient P001): id 'P001' is also patients[0]'s"));

  // YAML syntax errors give the line.
  CHECK_THAT(manifest_error(dir, "patients: [\n  - id: x\n"), Catch::Contains("YAML syntax error"));
}

TEST_CASE("A cohort manifest round-trips through write and read", "[cohort]") {
  CohortTempDir dir;
  dir.touch_patient("P001");
  dir.touch_patient("P002");
  dir.touch("P002/rs.dcm");
  dir.touch("P002/ct_dicom/1.dcm");
  dir.touch("params.yaml", "setting: {binWidth: 25}\n");

  CohortManifest manifest;
  manifest.study.name = "round trip";
  manifest.study.dose_bands = {{0, 5}, {5, 10.5}, {10.5, std::numeric_limits<double>::infinity()}};
  manifest.study.min_region_volume_cc = 0.25;
  manifest.study.marrow_erosion_mm = 2;
  manifest.study.registration.skip_same_frame_of_reference = false;
  manifest.study.registration.sampling_percent = 12.5;
  manifest.study.registration.iterations = 150;
  manifest.study.registration.seed = 7;
  manifest.study.registration.reference_sequence = "FatFrac";
  manifest.study.parameter_file = dir.abs("params.yaml");
  manifest.study.bin_widths = {5, 10, 25, 0.1};

  PatientEntry first;
  first.id = "P001";
  first.planning_ct = {dir.abs("P001/ct.nii.gz"), "1.2.3.4"};
  first.dose = {dir.abs("P001/dose.nii.gz"), "1.2.3.4"};
  first.marrow.mask = {dir.abs("P001/marrow.nii.gz"), ""};
  for (const char* sequence : {"T2fs", "FatFrac"}) {
    first.mr_pre[sequence] = {dir.abs(std::string("P001/pre_") + sequence + ".nii.gz"), "9.8"};
    first.mr_post[sequence] = {dir.abs(std::string("P001/post_") + sequence + ".nii.gz"), ""};
  }
  BloodCounts counts;
  counts.wbc.pre = 6.12;
  counts.wbc.end = 3.1;
  counts.anc = {4.0, 2.9, 2.34, 3.3};
  counts.hgb.pre = 120;
  counts.hgb.one_month = 0.1 + 0.2;  // not exactly 0.3: must round-trip exactly
  first.blood_counts = counts;
  first.clinical.age_years = 51.5;
  first.clinical.prescription_dose_gy = 50.4;
  first.clinical.fractions = 28;

  PatientEntry second = first;
  second.id = "P002";
  second.planning_ct = {dir.abs("P002/ct_dicom"), ""};
  second.dose = {dir.abs("P002/dose.nii.gz"), ""};
  second.marrow = MarrowEntry{};
  second.marrow.rtstruct_path = dir.abs("P002/rs.dcm");
  second.marrow.rtstruct_roi = "PBM (iliac)";
  for (const char* sequence : {"T2fs", "FatFrac"}) {
    second.mr_pre[sequence] = {dir.abs(std::string("P002/pre_") + sequence + ".nii.gz"), ""};
    second.mr_post[sequence] = {dir.abs(std::string("P002/post_") + sequence + ".nii.gz"), ""};
  }
  second.blood_counts.reset();
  second.clinical = ClinicalData{};
  second.clinical.age_years = 44;  // the others not known
  manifest.patients = {first, second};

  const std::string path = dir.abs("cohort.yaml");
  write_cohort_manifest(manifest, path);
  const CohortManifest read_back = read_cohort_manifest(path);
  CHECK(read_back == manifest);
  CHECK(read_back.source_path == path);

  // Paths are written relative to the manifest's folder.
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("P001/ct.nii.gz"));
  CHECK(text.find(dir.path.string()) == std::string::npos);

  // Written into a subfolder, the same files are named with '..'.
  fs::create_directories(dir.path / "manifests");
  const std::string nested = dir.abs("manifests/copy.yaml");
  write_cohort_manifest(read_back, nested);
  CHECK(read_cohort_manifest(nested) == manifest);
}
