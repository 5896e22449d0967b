// The study's input as plain long tables: what the results store holds, with no store inside, so
// the analysis (stats/study.hpp) and the report (stats/report.hpp) can be built and tested on data
// made in memory. host/study_command.cpp fills it from DIR/results.sqlite.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace doseomics::stats {

// Time point of an MR feature value.
enum class ScanTimepoint { pre, post };

// One feature value: one region (patient x dose band), one sequence, one time point, one setting.
struct FeatureRow {
  std::string patient;   // patient id
  int band = 0;          // dose band index, 1 = 5-10 Gy ... 7 = >50 Gy
  std::string sequence;  // MR sequence: FAT, FatFrac, R2star, WATER, T2fs, ...
  ScanTimepoint timepoint = ScanTimepoint::pre;  // pre-RT or post-RT scan
  int setting_id = 0;                            // extraction setting (bin width ...) of the value
  std::string feature;                           // PyRadiomics name, e.g. original_firstorder_Mean
  double value = 0.0;                            // the feature value
};

// One region of interest: a patient's marrow inside one dose band.
struct RegionRow {
  std::string patient;   // patient id
  int band = 0;          // dose band index (1-based)
  double lower_gy = 0;   // lower dose bound of the band
  double upper_gy = 0;   // upper dose bound; +inf (or <= lower) for the open top band
  double volume_cc = 0;  // region volume
  std::string status;    // "ok" (or empty) when the region was usable; otherwise why not
};

// Blood-count time points, in treatment order.
enum class BloodTimepoint { pre, mid, end, one_month };
constexpr int kBloodTimepointCount = 4;

// One blood count of one patient at one time point.
struct BloodCountRow {
  std::string patient;                             // patient id
  std::string count;                               // WBC, ANC, ALC, PLT or HGB
  BloodTimepoint timepoint = BloodTimepoint::pre;  // when it was drawn
  double value = 0.0;                              // x10^9/L (HGB g/L)
};

// One point of a patient's cumulative marrow dose-volume histogram.
struct DoseVolumeRow {
  std::string patient;          // patient id
  double dose_gy = 0.0;         // dose level
  double volume_percent = 0.0;  // % of the marrow volume receiving at least dose_gy
};

// Clinical characteristics for Table 1; every field is optional (the store may not hold them).
struct PatientRow {
  std::string patient;                         // patient id
  std::optional<double> age_years;             // age at treatment
  std::string pathology;                       // e.g. SCC, CAC; empty when unknown
  std::string figo_stage;                      // e.g. I, II, III, IV; empty when unknown
  std::optional<double> radiotherapy_days;     // overall treatment time
  std::optional<double> prescription_dose_gy;  // PTV prescription
  std::optional<double> fractions;             // number of fractions
};

// An extraction setting (a bin-width sweep has several).
struct SettingRow {
  int setting_id = 0;  // id used by FeatureRow::setting_id
  std::string label;   // human readable, e.g. "binWidth 25"
};

// Everything the study reads.
struct StudyData {
  std::vector<FeatureRow> features;         // long table of feature values
  std::vector<RegionRow> regions;           // regions (may be empty: every feature row counts)
  std::vector<BloodCountRow> blood_counts;  // long table of blood counts
  std::vector<DoseVolumeRow> dose_volume;   // marrow DVH points
  std::vector<PatientRow> patients;         // clinical characteristics (may be empty)
  std::vector<SettingRow> settings;         // labels of the settings (may be empty)
};

// Name of a blood-count time point: "pre", "mid", "end", "one_month".
inline const char* blood_timepoint_name(BloodTimepoint timepoint) {
  switch (timepoint) {
    case BloodTimepoint::pre:
      return "pre";
    case BloodTimepoint::mid:
      return "mid";
    case BloodTimepoint::end:
      return "end";
    case BloodTimepoint::one_month:
      return "one_month";
  }
  return "?";
}

}  // namespace doseomics::stats
