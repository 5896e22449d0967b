// The cohort manifest: one YAML file that names, per patient, the planning CT, the dose, the
// bone-marrow mask (or an RTSTRUCT and ROI name), the pre- and post-treatment MR images by
// sequence name and the blood counts, plus the study settings (dose bands, minimum region volume,
// marrow erosion, registration options, the PyRadiomics parameter file and bin widths).
// The format, with a complete example, is docs/cohort-manifest.md.
//
// Paths in the file are relative to the manifest's folder (absolute ones are kept). In memory
// every path is absolute and lexically normal; write_cohort_manifest() writes them relative to
// the folder of the file it writes, so a manifest read and written elsewhere still names the
// same files.
//
// Validation collects every problem (a missing file, an unknown key, a bad value, a missing
// required field) before it throws one InputError listing all of them, each with its field path
// and patient id: "patients[3].mr.post.FatFrac (patient P004): file 'x.nii.gz' not found".
#pragma once

#include <array>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace doseomics {

// The manifest format version this reader understands (`version:` in the file).
constexpr int kCohortManifestVersion = 1;

// A dose band [lower_gy, upper_gy): half-open; upper_gy is infinity for the open top band.
struct DoseBand {
  double lower_gy = 0.0;
  double upper_gy = std::numeric_limits<double>::infinity();

  // Whether `dose_gy` lies in [lower_gy, upper_gy).
  bool contains(double dose_gy) const { return dose_gy >= lower_gy && dose_gy < upper_gy; }
  // "5-10Gy", or ">=50Gy" for an open band (numbers as %g).
  std::string label() const;
  bool operator==(const DoseBand& other) const {
    return lower_gy == other.lower_gy && upper_gy == other.upper_gy;
  }
};

// The seed study's bands: 5-10, 10-15, 15-20, 20-30, 30-40, 40-50 and >= 50 Gy.
std::vector<DoseBand> default_dose_bands();

// How images are registered (see host/registration.hpp for what each option does there).
struct ManifestRegistrationSettings {
  // Skip registration (identity) when two images declare the same frame of reference.
  bool skip_same_frame_of_reference = true;
  // (0, 100]: share of the fixed image's body voxels the metric samples. Measured on the demo's
  // 54-patient synthetic cohort (4.2 x 4.2 x 5 mm MR, body mask, IDEAL-IQ registered with WATER;
  // benchmarks/bench_registration, figures in benchmarks/RESULTS.md): 50 % gave a median error
  // of 0.33 mm and a worst of 0.75 mm; on smaller cohorts without the body mask 5 % gave 2.2 and
  // 6.9 mm.
  double sampling_percent = 50.0;
  int iterations = 200;  // optimiser iterations per resolution level (> 0)
  int seed = 121212;     // sampling seed
  // The pre-RT image of this sequence is the reference grid: the CT and every other MR are
  // registered to it and regions are drawn on it (the seed study used T2fs).
  std::string reference_sequence = "T2fs";

  bool operator==(const ManifestRegistrationSettings& other) const;
};

// Settings that apply to every patient.
struct StudySettings {
  std::string name;                                         // optional, for reports
  std::vector<DoseBand> dose_bands = default_dose_bands();  // ascending, non-overlapping
  double min_region_volume_cc = 0.5;                        // smaller regions are skipped
  double marrow_erosion_mm = 0.0;                           // erode the marrow mask first (>= 0)
  ManifestRegistrationSettings registration;
  std::string parameter_file;               // PyRadiomics parameters; "" = none
  std::vector<double> bin_widths = {25.0};  // one extraction per width (> 0)

  bool operator==(const StudySettings& other) const;
};

// An image file (NIfTI, NRRD, ...) or DICOM series folder, with the frame of reference it is in
// when the file cannot say (NIfTI has no FrameOfReferenceUID); "" = unknown.
struct ImageEntry {
  std::string path;
  std::string frame_of_reference_uid;

  bool operator==(const ImageEntry& other) const {
    return path == other.path && frame_of_reference_uid == other.frame_of_reference_uid;
  }
};

// The bone-marrow region: a mask image (non-zero = marrow) or an RTSTRUCT file and ROI name.
struct MarrowEntry {
  ImageEntry mask;            // set when the marrow is a mask image
  std::string rtstruct_path;  // set when the marrow is an RTSTRUCT ROI
  std::string rtstruct_roi;

  bool is_rtstruct() const { return !rtstruct_path.empty(); }
  bool operator==(const MarrowEntry& other) const {
    return mask == other.mask && rtstruct_path == other.rtstruct_path &&
           rtstruct_roi == other.rtstruct_roi;
  }
};

// One blood count at the study's four time points; a time point not measured is empty.
struct BloodCountSeries {
  std::optional<double> pre;        // before RT
  std::optional<double> mid;        // mid-RT
  std::optional<double> end;        // end of RT
  std::optional<double> one_month;  // one month after RT

  bool operator==(const BloodCountSeries& other) const {
    return pre == other.pre && mid == other.mid && end == other.end && one_month == other.one_month;
  }
};

// Blood counts: WBC, ANC, ALC and PLT in 10^9/L, HGB in g/L.
struct BloodCounts {
  BloodCountSeries wbc, anc, alc, plt, hgb;

  // The names as the manifest writes them, in order: WBC, ANC, ALC, PLT, HGB.
  static const std::array<const char*, 5>& names();
  // The series called `name` (one of names()); nullptr for another name.
  BloodCountSeries* find(const std::string& name);
  const BloodCountSeries* find(const std::string& name) const;
  bool operator==(const BloodCounts& other) const {
    return wbc == other.wbc && anc == other.anc && alc == other.alc && plt == other.plt &&
           hgb == other.hgb;
  }
};

// What the study's Table 1 reports of a patient, where the manifest gives it; all optional.
struct ClinicalData {
  std::optional<double> age_years;             // at treatment, [0, 130]
  std::optional<double> prescription_dose_gy;  // PTV prescription, (0, 200]
  std::optional<int> fractions;                // number of fractions, [1, 100]

  bool operator==(const ClinicalData& other) const {
    return age_years == other.age_years && prescription_dose_gy == other.prescription_dose_gy &&
           fractions == other.fractions;
  }
};

// MR images of one time point, by sequence name (any names: T2fs, FatFrac, R2star, WATER, ...).
using SequenceImages = std::map<std::string, ImageEntry>;

// One patient of the cohort.
struct PatientEntry {
  std::string id;  // unique in the cohort
  ImageEntry planning_ct;
  ImageEntry dose;  // Gy; an image file or an RTDOSE file
  MarrowEntry marrow;
  SequenceImages mr_pre;   // pre-RT; the same sequence names as mr_post
  SequenceImages mr_post;  // post-RT
  std::optional<BloodCounts> blood_counts;
  ClinicalData clinical;

  bool operator==(const PatientEntry& other) const;
};

// A whole cohort manifest.
struct CohortManifest {
  StudySettings study;
  std::vector<PatientEntry> patients;
  std::string source_path;  // the file it was read from ("" when built in memory)

  // Equal settings and patients (source_path is not compared).
  bool operator==(const CohortManifest& other) const {
    return study == other.study && patients == other.patients;
  }
};

// Read and validate a manifest. Throws one InputError that names the file and lists every
// problem found (unreadable file or YAML syntax error: that one problem).
CohortManifest read_cohort_manifest(const std::string& path);

// A patient whose manifest entry has problems (a missing file, a misspelt key, a bad count...).
struct RejectedPatient {
  std::string id;
  std::vector<std::string> problems;  // every one, each naming its field
};

// A manifest as a run reads it: `manifest.patients` holds the patients without problems.
struct CohortManifestReading {
  CohortManifest manifest;
  std::vector<RejectedPatient> rejected;
};

// Read a manifest for a run, where one bad patient must not stop the cohort. Problems in the
// study settings or the file's structure, or in a patient entry without a usable (present,
// unique) id, throw one InputError listing every problem, as read_cohort_manifest() does;
// problems inside a patient's entry only reject that patient.
CohortManifestReading read_cohort_manifest_for_run(const std::string& path);

// Write `manifest` as YAML to `path`, paths relative to `path`'s folder (absolute paths on
// another root stay absolute). Throws InputError when the file cannot be written.
void write_cohort_manifest(const CohortManifest& manifest, const std::string& path);

}  // namespace doseomics
