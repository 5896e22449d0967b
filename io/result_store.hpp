// The cohort results store: DIR/results.sqlite, resumable after a kill at any point.
//
// One SQLite file per output folder (store_path(DIR)). Opened in WAL journal mode with
// synchronous=NORMAL and foreign keys on. Every write happens inside a transaction, and an
// extraction unit (patient x sequence x time point x setting, all bands) is stored by one
// transaction that writes its feature rows and its completed_units row together: a kill -9 at
// any instant leaves either the whole unit or nothing of it, and a re-run skips exactly the
// units in completed_units.
//
// Durability. In WAL mode a transaction is committed once its commit frame is in the WAL file.
// kill -9 ends the process, not the kernel, so a committed frame already handed to write()
// survives it whatever `synchronous` says; the next opener replays the WAL and drops frames of
// the unfinished transaction. synchronous=NORMAL therefore loses nothing to kill -9 and never
// corrupts the file; on power loss or an OS crash it may forget the last few commits, which a
// re-run then recomputes, because a unit's completion row is in the same transaction as its
// features. synchronous=FULL (StoreOptions::synchronous_full) adds an fsync per commit, so
// commits also survive power loss, at the cost of one fsync per unit.
//
// Schema (version kResultStoreSchemaVersion). Text keys use '' rather than NULL for "not
// applicable", because NULLs are distinct in SQLite keys and would admit duplicates.
//
//   schema_version(application TEXT PK = 'doseomics', version INTEGER)        one row
//   runs(run_id INTEGER PK, started_utc, finished_utc NULL, command_line, version,
//        status 'running'|'finished'|'failed')        one row per invocation
//   patients(patient_id TEXT PK, status 'pending'|'ok'|'failed', error, age_years NULL,
//            prescription_dose_gy NULL, fractions NULL)
//   images(patient_id, role, sequence, timepoint, path, size, spacing_mm, origin_mm, direction)
//          PK (patient_id, role, sequence, timepoint); role 'CT'|'dose'|'marrow'|'MR'|...,
//          sequence '' unless MR, timepoint ''|'pre'|'post'
//   registrations(patient_id, moving_sequence, moving_timepoint, fixed_sequence,
//          fixed_timepoint, method, transform, final_metric NULL, quality_metric NULL,
//          status 'ok'|'failed', error)
//          PK (patient_id, moving_sequence, moving_timepoint, fixed_sequence, fixed_timepoint);
//          the CT is moving_sequence 'CT', moving_timepoint ''
//   settings(setting_id INTEGER PK, label, description)   description: the Settings as JSON
//   regions(patient_id, band_index, band_lower_gy, band_upper_gy NULL = open, volume_cc,
//           voxel_count, status 'ok'|'excluded'|'failed', error)   PK (patient_id, band_index);
//           one region per band serves both time points
//   features(patient_id, band_index, sequence, timepoint 'pre'|'post', setting_id, feature,
//            value REAL NULL = NaN)   PK (all but value), WITHOUT ROWID;
//            feature is PyRadiomics' column name, e.g. original_firstorder_Mean;
//            FK (patient_id, band_index) -> regions, setting_id -> settings
//   completed_units(patient_id, sequence, timepoint, setting_id, feature_rows, run_id NULL,
//            completed_utc)   PK (patient_id, sequence, timepoint, setting_id)
//   blood_counts(patient_id, count_name 'WBC'|'ANC'|'ALC'|'PLT'|'HGB'|..., timepoint
//            'pre'|'mid'|'end'|'one_month', value)   PK (patient_id, count_name, timepoint)
//   dose_volume(patient_id, dose_gy, volume_percent)   PK (patient_id, dose_gy): share of the
//            marrow volume receiving at least dose_gy
//
// Errors: a file that is not a doseomics store, or one written by a newer schema, is an
// InputError naming the file. A failure of SQLite itself (disk full, I/O error, a constraint a
// caller broke) is a StoreError: it should stop the run rather than be recorded against a
// patient.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/core/settings.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace doseomics {

// The schema this build writes; it opens stores of this version or older.
constexpr int kResultStoreSchemaVersion = 1;

// SQLite's application_id header field of a doseomics store ("DOSE").
constexpr std::int32_t kResultStoreApplicationId = 0x444F5345;

// SQLite itself failed (I/O, disk full, a broken constraint); the message names the file.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// DIR/results.sqlite.
std::string store_path(const std::string& out_dir);

// "(1.0, 0.5, 3.0)": numbers as a tuple of shortest round-trip floats, for image geometry text.
std::string tuple_text(const std::vector<double>& values);
// "(512, 512, 40)": integers as a tuple, for image sizes.
std::string integer_tuple_text(const std::vector<long long>& values);

// The Settings as a one-line JSON object with every field (round-trip numbers), keys in
// PyRadiomics' spelling; the settings table's description.
std::string settings_json(const Settings& settings);

struct StoreOptions {
  bool synchronous_full = false;  // fsync every commit (survive power loss, not only kill -9)
  int busy_timeout_ms = 10000;    // wait this long for another process's write lock
};

// One invocation of the program.
struct RunRecord {
  std::int64_t run_id = 0;
  std::string started_utc;   // ISO 8601, e.g. 2024-05-01T10:00:00.000Z
  std::string finished_utc;  // empty while running or when the run was killed
  std::string command_line;
  std::string version;
  std::string status;  // running | finished | failed
};

struct PatientRecord {
  std::string patient_id;
  std::string status = "pending";  // pending | ok | failed
  std::string error;               // why it failed; empty otherwise
  std::optional<double> age_years;
  std::optional<double> prescription_dose_gy;
  std::optional<int> fractions;
};

// One input image of a patient, as read.
struct ImageRecord {
  std::string patient_id;
  std::string role;       // CT | dose | marrow | MR | ...
  std::string sequence;   // MR sequence (T2fs, FatFrac, R2star, WATER, FAT); '' otherwise
  std::string timepoint;  // pre | post | '' (not applicable)
  std::string path;
  std::string size;        // tuple_text of the voxel counts (x, y, z)
  std::string spacing_mm;  // tuple_text
  std::string origin_mm;   // tuple_text
  std::string direction;   // tuple_text of the 9 direction cosines
};

// One rigid registration: moving image onto fixed image.
struct RegistrationRecord {
  std::string patient_id;
  std::string moving_sequence;   // 'CT' for the planning CT
  std::string moving_timepoint;  // pre | post | '' for the CT
  std::string fixed_sequence;
  std::string fixed_timepoint;
  std::string method;                    // what produced it
  std::string transform;                 // the transform's parameters as text
  std::optional<double> final_metric;    // the optimiser's metric at the end
  std::optional<double> quality_metric;  // e.g. normalised mutual information after alignment
  std::string status = "ok";             // ok | failed
  std::string error;
};

// One extraction setting of the run (a bin-width sweep has several).
struct SettingRecord {
  int setting_id = 0;
  std::string label;        // short, human readable: describe(Settings)
  std::string description;  // settings_json(Settings)
};

// Bone marrow inside one dose band of one patient (the same region pre and post).
struct RegionRecord {
  std::string patient_id;
  int band_index = 0;
  double band_lower_gy = 0.0;
  double band_upper_gy = 0.0;  // +infinity for an open band (> 50 Gy); stored as NULL
  double volume_cc = 0.0;
  std::int64_t voxel_count = 0;
  std::string status = "ok";  // ok | excluded (e.g. < 0.5 cc) | failed
  std::string error;          // why excluded or failed
};

// The work unit of extraction and of resumption: all bands of a patient, for one sequence, one
// time point and one setting.
struct UnitKey {
  std::string patient_id;
  std::string sequence;
  std::string timepoint;  // pre | post
  int setting_id = 0;

  bool operator<(const UnitKey& other) const {
    return std::tie(patient_id, sequence, timepoint, setting_id) <
           std::tie(other.patient_id, other.sequence, other.timepoint, other.setting_id);
  }
  bool operator==(const UnitKey& other) const {
    return std::tie(patient_id, sequence, timepoint, setting_id) ==
           std::tie(other.patient_id, other.sequence, other.timepoint, other.setting_id);
  }
};

// One feature value of one band within a unit.
struct BandFeature {
  int band_index = 0;
  std::string feature;  // PyRadiomics column name, e.g. original_glcm_Contrast
  double value = 0.0;   // NaN is stored as NULL and read back as NaN
};

// One feature value, long format.
struct FeatureRow {
  std::string patient_id;
  int band_index = 0;
  std::string sequence;
  std::string timepoint;
  int setting_id = 0;
  std::string feature;
  double value = 0.0;
};

struct BloodCountRecord {
  std::string patient_id;
  std::string count_name;  // WBC | ANC | ALC | PLT | HGB
  std::string timepoint;   // pre | mid | end | one_month
  double value = 0.0;      // x10^9/L (HGB g/L)
};

// One point of a patient's bone-marrow cumulative dose-volume curve.
struct DoseVolumePoint {
  std::string patient_id;
  double dose_gy = 0.0;
  double volume_percent = 0.0;  // share of the marrow receiving >= dose_gy, in %
};

class ResultStore;

// An open transaction; rolls back when destroyed uncommitted (an exception went past it).
// The outermost one is BEGIN IMMEDIATE (takes the write lock at once); one opened inside another
// is a SAVEPOINT, so a nested failure undoes only its own writes. Destroy in reverse order, and
// do not move the store while one is open (it keeps a pointer to it).
class Transaction {
 public:
  explicit Transaction(ResultStore& store);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Make the writes durable (outermost) or part of the enclosing transaction (nested).
  void commit();

 private:
  ResultStore* store_;
  int depth_;  // 1 for the outermost
  bool open_ = true;
};

// The results store of one output folder. Not thread-safe: one store per thread.
class ResultStore {
 public:
  // Open or create the store at `path` (see store_path). Throws InputError naming the file when
  // it cannot be opened, is not an SQLite database, is an SQLite database of something else, or
  // was written by a newer doseomics.
  explicit ResultStore(const std::string& path, const StoreOptions& options = {});
  ~ResultStore();
  ResultStore(ResultStore&&) noexcept;
  ResultStore& operator=(ResultStore&&) noexcept;

  // The file this store lives in.
  const std::string& path() const { return path_; }
  // The schema version of the file.
  int schema_version() const;

  // ---- runs ----
  // Record the start of an invocation; later completed units carry its id.
  std::int64_t begin_run(const std::string& command_line, const std::string& version);
  // Record the end of a run: status finished | failed.
  void finish_run(std::int64_t run_id, const std::string& status = "finished");

  // ---- writes (each is atomic on its own; group several in a Transaction) ----
  // Insert or update every field of a patient.
  void upsert_patient(const PatientRecord& patient);
  // Mark a patient failed with its error (created if absent); the run goes on.
  void record_patient_failure(const std::string& patient_id, const std::string& error);
  // Set a patient's status (pending | ok | failed) and error, creating the patient if absent.
  void set_patient_status(const std::string& patient_id, const std::string& status,
                          const std::string& error = "");
  void upsert_image(const ImageRecord& image);
  void upsert_registration(const RegistrationRecord& registration);
  void upsert_region(const RegionRecord& region);
  void upsert_blood_count(const BloodCountRecord& count);
  void upsert_dose_volume(const DoseVolumePoint& point);
  // Record a setting. Throws InputError when setting_id is already stored with a different
  // description (a resumed run must use the same settings as the run it resumes).
  void upsert_setting(const SettingRecord& setting);
  // The same from Settings: label describe(settings), description settings_json(settings).
  void upsert_setting(int setting_id, const Settings& settings);

  // Store one unit in one transaction: replace the unit's feature rows by `values` and record the
  // unit complete. After a crash either all of it is stored or none of it.
  void store_unit(const UnitKey& unit, const std::vector<BandFeature>& values);
  // Lower level, for writing a unit piecewise inside a caller's Transaction: one feature value...
  void upsert_feature(const UnitKey& unit, const BandFeature& value);
  // ...and the completion row (feature_rows counted from the stored rows), in the same
  // Transaction as the values.
  void mark_unit_complete(const UnitKey& unit);

  // ---- resumption ----
  bool unit_done(const UnitKey& unit) const;
  std::set<UnitKey> completed_units() const;
  // Feature rows recorded for a completed unit at its completion; nullopt if not complete.
  std::optional<std::int64_t> unit_feature_rows(const UnitKey& unit) const;

  // ---- queries (rows sorted by their keys) ----
  std::vector<RunRecord> runs() const;
  std::vector<PatientRecord> patients() const;
  std::optional<PatientRecord> patient(const std::string& patient_id) const;
  std::vector<ImageRecord> images() const;
  std::vector<RegistrationRecord> registrations() const;
  std::vector<SettingRecord> settings() const;
  std::vector<RegionRecord> regions() const;
  std::vector<FeatureRow> features() const;
  std::vector<BloodCountRecord> blood_counts() const;
  std::vector<DoseVolumePoint> dose_volume() const;

  // Write the wide features CSV (DIR/features.csv): one row per patient x band x sequence x
  // time point x setting that has features, sorted in that order; columns patient, band,
  // band_lower_gy, band_upper_gy (inf when open), sequence, timepoint, setting (setting_id),
  // volume_cc, then the features present with PyRadiomics names in feature_catalogue() order
  // (names outside the catalogue after them, sorted). Values are shortest round-trip text, NaN
  // `nan`, a missing value an empty cell. Written to PATH.tmp and renamed, so a kill never leaves
  // a half-written file behind under PATH.
  void export_features_csv(const std::string& path) const;

  // Every table but runs, rows sorted by key, without provenance (run ids, timestamps); doubles
  // as round-trip text. Two stores with equal dumps hold the same results.
  std::string canonical_dump() const;

  // "ok", or what PRAGMA integrity_check and foreign_key_check report.
  std::string check_integrity() const;

 private:
  friend class Transaction;
  struct DatabaseCloser {
    void operator()(sqlite3* db) const;
  };
  struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  class Statement;  // a bound, stepping view of a cached prepared statement (result_store.cpp)

  // The cached prepared statement for `sql`, reset and with bindings cleared.
  Statement prepare(const char* sql) const;
  void execute(const char* sql) const;
  [[noreturn]] void fail(const std::string& what) const;
  void open_schema();
  void dump_table(std::string& out, const char* table, const char* columns,
                  const char* order_by) const;

  std::string path_;
  std::unique_ptr<sqlite3, DatabaseCloser> db_;
  // Declared after db_ so that statements are finalised before the connection closes.
  mutable std::map<std::string, std::unique_ptr<sqlite3_stmt, StatementFinalizer>> statements_;
  int transaction_depth_ = 0;
  std::optional<std::int64_t> current_run_id_;
};

}  // namespace doseomics
