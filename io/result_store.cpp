#include "io/result_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unordered_map>
#include <utility>

#include "io/batch_csv.hpp"
#include "io/feature_csv.hpp"
#include "kernels/core/errors.hpp"
#include "kernels/core/feature_names.hpp"

namespace doseomics {

namespace {

// The whole schema, created in one transaction. See the header for what each table means.
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE schema_version (
  application TEXT PRIMARY KEY CHECK (application = 'doseomics'),
  version INTEGER NOT NULL
);
CREATE TABLE runs (
  run_id INTEGER PRIMARY KEY,
  started_utc TEXT NOT NULL,
  finished_utc TEXT,
  command_line TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed'))
);
CREATE TABLE patients (
  patient_id TEXT PRIMARY KEY CHECK (patient_id <> ''),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'failed')),
  error TEXT NOT NULL DEFAULT '',
  age_years REAL,
  prescription_dose_gy REAL,
  fractions INTEGER
);
CREATE TABLE images (
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  role TEXT NOT NULL CHECK (role <> ''),
  sequence TEXT NOT NULL DEFAULT '',
  timepoint TEXT NOT NULL DEFAULT '' CHECK (timepoint IN ('', 'pre', 'post')),
  path TEXT NOT NULL,
  size TEXT NOT NULL DEFAULT '',
  spacing_mm TEXT NOT NULL DEFAULT '',
  origin_mm TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (patient_id, role, sequence, timepoint)
);
CREATE TABLE registrations (
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  moving_sequence TEXT NOT NULL CHECK (moving_sequence <> ''),
  moving_timepoint TEXT NOT NULL CHECK (moving_timepoint IN ('', 'pre', 'post')),
  fixed_sequence TEXT NOT NULL CHECK (fixed_sequence <> ''),
  fixed_timepoint TEXT NOT NULL CHECK (fixed_timepoint IN ('', 'pre', 'post')),
  method TEXT NOT NULL DEFAULT '',
  transform TEXT NOT NULL DEFAULT '',
  final_metric REAL,
  quality_metric REAL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (patient_id, moving_sequence, moving_timepoint, fixed_sequence, fixed_timepoint)
);
CREATE TABLE settings (
  setting_id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  description TEXT NOT NULL
);
CREATE TABLE regions (
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  band_index INTEGER NOT NULL CHECK (band_index >= 0),
  band_lower_gy REAL NOT NULL,
  band_upper_gy REAL,
  volume_cc REAL NOT NULL,
  voxel_count INTEGER NOT NULL CHECK (voxel_count >= 0),
  status TEXT NOT NULL CHECK (status IN ('ok', 'excluded', 'failed')),
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (patient_id, band_index)
);
CREATE TABLE features (
  patient_id TEXT NOT NULL,
  band_index INTEGER NOT NULL,
  sequence TEXT NOT NULL CHECK (sequence <> ''),
  timepoint TEXT NOT NULL CHECK (timepoint IN ('pre', 'post')),
  setting_id INTEGER NOT NULL REFERENCES settings (setting_id),
  feature TEXT NOT NULL CHECK (feature <> ''),
  value REAL,
  PRIMARY KEY (patient_id, band_index, sequence, timepoint, setting_id, feature),
  FOREIGN KEY (patient_id, band_index) REFERENCES regions (patient_id, band_index)
) WITHOUT ROWID;
CREATE TABLE completed_units (
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  sequence TEXT NOT NULL CHECK (sequence <> ''),
  timepoint TEXT NOT NULL CHECK (timepoint IN ('pre', 'post')),
  setting_id INTEGER NOT NULL REFERENCES settings (setting_id),
  feature_rows INTEGER NOT NULL,
  run_id INTEGER REFERENCES runs (run_id),
  completed_utc TEXT NOT NULL,
  PRIMARY KEY (patient_id, sequence, timepoint, setting_id)
);
CREATE TABLE blood_counts (
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  count_name TEXT NOT NULL CHECK (count_name <> ''),
  timepoint TEXT NOT NULL CHECK (timepoint IN ('pre', 'mid', 'end', 'one_month')),
  value REAL NOT NULL,
  PRIMARY KEY (patient_id, count_name, timepoint)
);
CREATE TABLE dose_volume (
  patient_id TEXT NOT NULL REFERENCES patients (patient_id),
  dose_gy REAL NOT NULL,
  volume_percent REAL NOT NULL,
  PRIMARY KEY (patient_id, dose_gy)
);
)sql";

void require_one_of(const std::string& value, std::initializer_list<const char*> allowed,
                    const char* what) {
  std::string list;
  for (const char* option : allowed) {
    if (value == option) return;
    list += (list.empty() ? "" : ", ") + std::string("'") + option + "'";
  }
  throw InputError(std::string("invalid ") + what + " '" + value + "' (expected one of " + list +
                   ")");
}

void require_non_empty(const std::string& value, const char* what) {
  if (value.empty()) throw InputError(std::string("empty ") + what);
}

std::string escape_dump_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string store_path(const std::string& out_dir) {
  return (std::filesystem::path(out_dir) / "results.sqlite").string();
}

std::string tuple_text(const std::vector<double>& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + python_float(values[i]);
  return out + ")";
}

std::string integer_tuple_text(const std::vector<long long>& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + std::to_string(values[i]);
  return out + ")";
}

std::string settings_json(const Settings& s) {
  std::string out = "{";
  const auto field = [&out](const char* key, const std::string& value) {
    out += (out.size() > 1 ? ", \"" : "\"") + std::string(key) + "\": " + value;
  };
  field("binWidth", python_float(s.bin_width));
  field("binCount", s.bin_count > 0 ? std::to_string(s.bin_count) : "null");
  field("voxelArrayShift", python_float(s.voxel_array_shift));
  field("label", std::to_string(s.label));
  std::string distances = "[";
  for (int d = 0; d < s.distance_count; ++d)
    distances += (d ? ", " : "") + std::to_string(s.distances[d]);
  field("distances", distances + "]");
  field("symmetricalGLCM", s.symmetrical_glcm ? "true" : "false");
  field("weightingNorm", s.weighting_norm == WeightingNorm::none
                             ? "null"
                             : "\"" + weighting_norm_name(s.weighting_norm) + "\"");
  field("gldm_a", std::to_string(s.gldm_a));
  field("force2D", s.force2d ? "true" : "false");
  field("force2Ddimension", std::to_string(s.force2d_dimension));
  field("minimumROIDimensions", std::to_string(s.minimum_roi_dimensions));
  field("minimumROISize", s.minimum_roi_size > 0 ? std::to_string(s.minimum_roi_size) : "null");
  return out + "}";
}

// ---- statements -----------------------------------------------------------------------------

void ResultStore::DatabaseCloser::operator()(sqlite3* db) const { sqlite3_close(db); }

void ResultStore::StatementFinalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

// A cached prepared statement in use: binds 1-based parameters in order, steps, reads columns,
// and on destruction resets it (a SELECT left un-reset would hold its read snapshot open).
class ResultStore::Statement {
 public:
  Statement(sqlite3_stmt* statement, const ResultStore* store)
      : statement_(statement), store_(store) {}
  ~Statement() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(const std::string& value) {
    check(sqlite3_bind_text(statement_, ++bound_, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(const char* value) { return bind(std::string(value)); }
  Statement& bind(double value) {
    // SQLite has no NaN: it is stored as NULL (and read back as NaN by real()).
    if (std::isnan(value)) return bind_null();
    check(sqlite3_bind_double(statement_, ++bound_, value));
    return *this;
  }
  Statement& bind(int value) { return bind(static_cast<std::int64_t>(value)); }
  Statement& bind(std::int64_t value) {
    check(sqlite3_bind_int64(statement_, ++bound_, value));
    return *this;
  }
  template <typename T>
  Statement& bind(const std::optional<T>& value) {
    return value ? bind(*value) : bind_null();
  }
  Statement& bind_null() {
    check(sqlite3_bind_null(statement_, ++bound_));
    return *this;
  }
  template <typename... Values>
  Statement& bind_all(const Values&... values) {
    (bind(values), ...);
    return *this;
  }

  // Step once: true when a row is available, false when done.
  bool step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    store_->fail(std::string("executing ") + sqlite3_sql(statement_));
  }
  // Step to the end (a write).
  void run() {
    while (step()) {
    }
  }

  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    const int size = sqlite3_column_bytes(statement_, column);
    return data ? std::string(reinterpret_cast<const char*>(data), size) : std::string();
  }
  double real(int column) const {
    return is_null(column) ? std::numeric_limits<double>::quiet_NaN()
                           : sqlite3_column_double(statement_, column);
  }
  std::optional<double> optional_real(int column) const {
    if (is_null(column)) return std::nullopt;
    return sqlite3_column_double(statement_, column);
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  int type(int column) const { return sqlite3_column_type(statement_, column); }
  int column_count() const { return sqlite3_column_count(statement_); }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) store_->fail(std::string("binding ") + sqlite3_sql(statement_));
  }

  sqlite3_stmt* statement_;
  const ResultStore* store_;
  int bound_ = 0;
};

ResultStore::Statement ResultStore::prepare(const char* sql) const {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
        SQLITE_OK)
      fail(std::string("preparing ") + sql);
    found = statements_.emplace(sql, std::unique_ptr<sqlite3_stmt, StatementFinalizer>(raw)).first;
  }
  return Statement(found->second.get(), this);
}

void ResultStore::execute(const char* sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    fail(std::string("executing ") + sql);
  }
}

void ResultStore::fail(const std::string& what) const {
  const int code = sqlite3_extended_errcode(db_.get());
  throw StoreError("results store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_.get()) +
                   " (SQLite code " + std::to_string(code) + ")");
}

// ---- opening --------------------------------------------------------------------------------

ResultStore::ResultStore(const std::string& path, const StoreOptions& options) : path_(path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db_.reset(raw);  // closed even when opening failed
  if (rc != SQLITE_OK)
    throw InputError("cannot open results store " + path + ": " +
                     (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  open_schema();
  execute(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  execute("PRAGMA foreign_keys = ON");
}

ResultStore::~ResultStore() = default;
ResultStore::ResultStore(ResultStore&&) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&&) noexcept = default;

void ResultStore::open_schema() {
  // Read the header and the table list first, changing nothing: a file that is not ours must be
  // left exactly as it was.
  std::int64_t application_id = 0;
  std::set<std::string> tables;
  try {
    {
      Statement statement = prepare("PRAGMA application_id");
      if (statement.step()) application_id = statement.integer(0);
    }
    Statement statement = prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
    while (statement.step()) tables.insert(statement.text(0));
  } catch (const StoreError&) {
    const int code = sqlite3_errcode(db_.get());
    statements_.clear();
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
      throw InputError(path_ + " is not a doseomics results store: not an SQLite database (" +
                       sqlite3_errmsg(db_.get()) + ")");
    throw InputError("cannot read results store " + path_ + ": " + sqlite3_errmsg(db_.get()));
  }

  const auto check_existing = [this](std::int64_t app_id, const std::set<std::string>& names) {
    if ((app_id != 0 && app_id != kResultStoreApplicationId) || !names.count("schema_version"))
      throw InputError(path_ +
                       " is not a doseomics results store: an SQLite database without "
                       "doseomics' schema_version table");
    const int version = schema_version();
    if (version > kResultStoreSchemaVersion)
      throw InputError(path_ + " was written by a newer doseomics (results store schema version " +
                       std::to_string(version) + "; this build reads up to version " +
                       std::to_string(kResultStoreSchemaVersion) + ")");
  };

  if (!tables.empty() || application_id != 0) check_existing(application_id, tables);

  // WAL: readers never block the writer, and a commit is one append to the WAL.
  {
    Statement statement = prepare("PRAGMA journal_mode = WAL");
    const std::string mode = statement.step() ? statement.text(0) : "";
    if (mode != "wal")
      throw InputError("results store " + path_ + ": cannot use SQLite's WAL journal (got '" +
                       mode + "'); is the folder on a network file system?");
  }
  if (!tables.empty()) return;

  // A new store: create the schema in one transaction, rechecking under the write lock in case
  // another process created it meanwhile.
  Transaction transaction(*this);
  tables.clear();
  {
    Statement statement = prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
    while (statement.step()) tables.insert(statement.text(0));
  }
  if (!tables.empty()) {
    check_existing(kResultStoreApplicationId, tables);
    transaction.commit();
    return;
  }
  execute(kSchemaSql);
  prepare("INSERT INTO schema_version (application, version) VALUES ('doseomics', ?)")
      .bind(kResultStoreSchemaVersion)
      .run();
  execute(("PRAGMA application_id = " + std::to_string(kResultStoreApplicationId)).c_str());
  transaction.commit();
}

int ResultStore::schema_version() const {
  Statement statement =
      prepare("SELECT version FROM schema_version WHERE application = 'doseomics'");
  if (!statement.step())
    throw InputError(path_ +
                     " is not a doseomics results store: its schema_version table has no "
                     "doseomics row");
  return static_cast<int>(statement.integer(0));
}

// ---- transactions ---------------------------------------------------------------------------

Transaction::Transaction(ResultStore& store)
    : store_(&store), depth_(store.transaction_depth_ + 1) {
  if (depth_ == 1)
    store_->execute("BEGIN IMMEDIATE");
  else
    store_->execute(("SAVEPOINT doseomics_" + std::to_string(depth_)).c_str());
  store_->transaction_depth_ = depth_;
}

void Transaction::commit() {
  DOSEOMICS_ASSERT(open_ && store_->transaction_depth_ == depth_);
  if (depth_ == 1)
    store_->execute("COMMIT");
  else
    store_->execute(("RELEASE doseomics_" + std::to_string(depth_)).c_str());
  open_ = false;
  store_->transaction_depth_ = depth_ - 1;
}

Transaction::~Transaction() {
  if (!open_) return;
  // Errors are ignored: SQLite may already have rolled back (e.g. after SQLITE_FULL).
  if (depth_ == 1) {
    sqlite3_exec(store_->db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  } else {
    const std::string name = "doseomics_" + std::to_string(depth_);
    sqlite3_exec(store_->db_.get(), ("ROLLBACK TO " + name + "; RELEASE " + name).c_str(), nullptr,
                 nullptr, nullptr);
  }
  store_->transaction_depth_ = depth_ - 1;
}

// ---- runs -----------------------------------------------------------------------------------

std::int64_t ResultStore::begin_run(const std::string& command_line, const std::string& version) {
  prepare(
      "INSERT INTO runs (started_utc, command_line, version, status) "
      "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, 'running')")
      .bind_all(command_line, version)
      .run();
  current_run_id_ = sqlite3_last_insert_rowid(db_.get());
  return *current_run_id_;
}

void ResultStore::finish_run(std::int64_t run_id, const std::string& status) {
  require_one_of(status, {"finished", "failed"}, "run status");
  prepare(
      "UPDATE runs SET finished_utc = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), status = ? "
      "WHERE run_id = ?")
      .bind_all(status, run_id)
      .run();
  if (current_run_id_ == run_id) current_run_id_.reset();
}

// ---- writes ---------------------------------------------------------------------------------

void ResultStore::upsert_patient(const PatientRecord& p) {
  require_non_empty(p.patient_id, "patient id");
  require_one_of(p.status, {"pending", "ok", "failed"}, "patient status");
  prepare(
      "INSERT INTO patients (patient_id, status, error, age_years, prescription_dose_gy, "
      "fractions) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id) DO UPDATE SET "
      "status = excluded.status, error = excluded.error, age_years = excluded.age_years, "
      "prescription_dose_gy = excluded.prescription_dose_gy, fractions = excluded.fractions")
      .bind_all(p.patient_id, p.status, p.error, p.age_years, p.prescription_dose_gy, p.fractions)
      .run();
}

void ResultStore::set_patient_status(const std::string& patient_id, const std::string& status,
                                     const std::string& error) {
  require_non_empty(patient_id, "patient id");
  require_one_of(status, {"pending", "ok", "failed"}, "patient status");
  prepare(
      "INSERT INTO patients (patient_id, status, error) VALUES (?, ?, ?) "
      "ON CONFLICT (patient_id) DO UPDATE SET status = excluded.status, error = excluded.error")
      .bind_all(patient_id, status, error)
      .run();
}

void ResultStore::record_patient_failure(const std::string& patient_id, const std::string& error) {
  set_patient_status(patient_id, "failed", error);
}

void ResultStore::upsert_image(const ImageRecord& i) {
  require_non_empty(i.role, "image role");
  require_one_of(i.timepoint, {"", "pre", "post"}, "image time point");
  prepare(
      "INSERT INTO images (patient_id, role, sequence, timepoint, path, size, spacing_mm, "
      "origin_mm, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (patient_id, role, sequence, timepoint) DO UPDATE SET path = excluded.path, "
      "size = excluded.size, spacing_mm = excluded.spacing_mm, origin_mm = excluded.origin_mm, "
      "direction = excluded.direction")
      .bind_all(i.patient_id, i.role, i.sequence, i.timepoint, i.path, i.size, i.spacing_mm,
                i.origin_mm, i.direction)
      .run();
}

void ResultStore::upsert_registration(const RegistrationRecord& r) {
  require_non_empty(r.moving_sequence, "moving image");
  require_non_empty(r.fixed_sequence, "fixed image");
  require_one_of(r.moving_timepoint, {"", "pre", "post"}, "moving image time point");
  require_one_of(r.fixed_timepoint, {"", "pre", "post"}, "fixed image time point");
  require_one_of(r.status, {"ok", "failed"}, "registration status");
  prepare(
      "INSERT INTO registrations (patient_id, moving_sequence, moving_timepoint, fixed_sequence, "
      "fixed_timepoint, method, transform, final_metric, quality_metric, status, error) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id, moving_sequence, "
      "moving_timepoint, fixed_sequence, fixed_timepoint) DO UPDATE SET method = excluded.method, "
      "transform = excluded.transform, final_metric = excluded.final_metric, "
      "quality_metric = excluded.quality_metric, status = excluded.status, error = excluded.error")
      .bind_all(r.patient_id, r.moving_sequence, r.moving_timepoint, r.fixed_sequence,
                r.fixed_timepoint, r.method, r.transform, r.final_metric, r.quality_metric,
                r.status, r.error)
      .run();
}

void ResultStore::upsert_region(const RegionRecord& r) {
  require_one_of(r.status, {"ok", "excluded", "failed"}, "region status");
  if (r.band_index < 0) throw InputError("negative band index " + std::to_string(r.band_index));
  Statement statement = prepare(
      "INSERT INTO regions (patient_id, band_index, band_lower_gy, band_upper_gy, volume_cc, "
      "voxel_count, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (patient_id, band_index) DO UPDATE SET band_lower_gy = excluded.band_lower_gy, "
      "band_upper_gy = excluded.band_upper_gy, volume_cc = excluded.volume_cc, "
      "voxel_count = excluded.voxel_count, status = excluded.status, error = excluded.error");
  statement.bind_all(r.patient_id, r.band_index, r.band_lower_gy);
  // An open band (> 50 Gy) has no upper edge: NULL rather than SQLite's spelling of infinity.
  if (std::isinf(r.band_upper_gy))
    statement.bind_null();
  else
    statement.bind(r.band_upper_gy);
  statement.bind_all(r.volume_cc, r.voxel_count, r.status, r.error).run();
}

void ResultStore::upsert_blood_count(const BloodCountRecord& c) {
  require_non_empty(c.count_name, "blood count name");
  require_one_of(c.timepoint, {"pre", "mid", "end", "one_month"}, "blood count time point");
  prepare(
      "INSERT INTO blood_counts (patient_id, count_name, timepoint, value) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (patient_id, count_name, timepoint) DO UPDATE SET value = excluded.value")
      .bind_all(c.patient_id, c.count_name, c.timepoint, c.value)
      .run();
}

void ResultStore::upsert_dose_volume(const DoseVolumePoint& p) {
  prepare(
      "INSERT INTO dose_volume (patient_id, dose_gy, volume_percent) VALUES (?, ?, ?) "
      "ON CONFLICT (patient_id, dose_gy) DO UPDATE SET volume_percent = excluded.volume_percent")
      .bind_all(p.patient_id, p.dose_gy, p.volume_percent)
      .run();
}

void ResultStore::upsert_setting(const SettingRecord& s) {
  Transaction transaction(*this);
  prepare(
      "INSERT INTO settings (setting_id, label, description) VALUES (?, ?, ?) "
      "ON CONFLICT (setting_id) DO UPDATE SET label = excluded.label "
      "WHERE description = excluded.description")
      .bind_all(s.setting_id, s.label, s.description)
      .run();
  Statement statement = prepare("SELECT description FROM settings WHERE setting_id = ?");
  statement.bind(s.setting_id);
  if (statement.step() && statement.text(0) != s.description)
    throw InputError("results store " + path_ + " holds setting " + std::to_string(s.setting_id) +
                     " as " + statement.text(0) + ", not " + s.description +
                     "; resume with the same settings or write to a new output folder");
  transaction.commit();
}

void ResultStore::upsert_setting(int setting_id, const Settings& settings) {
  upsert_setting(SettingRecord{setting_id, describe(settings), settings_json(settings)});
}

void ResultStore::upsert_feature(const UnitKey& unit, const BandFeature& value) {
  require_non_empty(unit.sequence, "sequence");
  require_one_of(unit.timepoint, {"pre", "post"}, "feature time point");
  require_non_empty(value.feature, "feature name");
  prepare(
      "INSERT INTO features (patient_id, band_index, sequence, timepoint, setting_id, feature, "
      "value) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (patient_id, band_index, sequence, "
      "timepoint, setting_id, feature) DO UPDATE SET value = excluded.value")
      .bind_all(unit.patient_id, value.band_index, unit.sequence, unit.timepoint, unit.setting_id,
                value.feature, value.value)
      .run();
}

void ResultStore::mark_unit_complete(const UnitKey& unit) {
  require_one_of(unit.timepoint, {"pre", "post"}, "feature time point");
  prepare(
      "INSERT INTO completed_units (patient_id, sequence, timepoint, setting_id, feature_rows, "
      "run_id, completed_utc) SELECT ?1, ?2, ?3, ?4, count(*), ?5, "
      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM features WHERE patient_id = ?1 AND "
      "sequence = ?2 AND timepoint = ?3 AND setting_id = ?4 "
      "ON CONFLICT (patient_id, sequence, timepoint, setting_id) DO UPDATE SET "
      "feature_rows = excluded.feature_rows, run_id = excluded.run_id, "
      "completed_utc = excluded.completed_utc")
      .bind_all(unit.patient_id, unit.sequence, unit.timepoint, unit.setting_id, current_run_id_)
      .run();
}

void ResultStore::store_unit(const UnitKey& unit, const std::vector<BandFeature>& values) {
  Transaction transaction(*this);
  // Replace, not merge: after this the unit holds exactly `values`.
  prepare(
      "DELETE FROM features WHERE patient_id = ? AND sequence = ? AND timepoint = ? AND "
      "setting_id = ?")
      .bind_all(unit.patient_id, unit.sequence, unit.timepoint, unit.setting_id)
      .run();
  for (const BandFeature& value : values) upsert_feature(unit, value);
  mark_unit_complete(unit);
  transaction.commit();
}

// ---- resumption -----------------------------------------------------------------------------

bool ResultStore::unit_done(const UnitKey& unit) const {
  return unit_feature_rows(unit).has_value();
}

std::optional<std::int64_t> ResultStore::unit_feature_rows(const UnitKey& unit) const {
  Statement statement = prepare(
      "SELECT feature_rows FROM completed_units WHERE patient_id = ? AND sequence = ? AND "
      "timepoint = ? AND setting_id = ?");
  statement.bind_all(unit.patient_id, unit.sequence, unit.timepoint, unit.setting_id);
  if (!statement.step()) return std::nullopt;
  return statement.integer(0);
}

std::set<UnitKey> ResultStore::completed_units() const {
  std::set<UnitKey> units;
  Statement statement =
      prepare("SELECT patient_id, sequence, timepoint, setting_id FROM completed_units");
  while (statement.step())
    units.insert(UnitKey{statement.text(0), statement.text(1), statement.text(2),
                         static_cast<int>(statement.integer(3))});
  return units;
}

// ---- queries --------------------------------------------------------------------------------

std::vector<RunRecord> ResultStore::runs() const {
  std::vector<RunRecord> out;
  Statement statement = prepare(
      "SELECT run_id, started_utc, finished_utc, command_line, version, status FROM runs "
      "ORDER BY run_id");
  while (statement.step())
    out.push_back(RunRecord{statement.integer(0), statement.text(1), statement.text(2),
                            statement.text(3), statement.text(4), statement.text(5)});
  return out;
}

std::vector<PatientRecord> ResultStore::patients() const {
  std::vector<PatientRecord> out;
  Statement statement = prepare(
      "SELECT patient_id, status, error, age_years, prescription_dose_gy, fractions FROM patients "
      "ORDER BY patient_id");
  while (statement.step()) {
    PatientRecord p{statement.text(0),          statement.text(1),          statement.text(2),
                    statement.optional_real(3), statement.optional_real(4), std::nullopt};
    if (!statement.is_null(5)) p.fractions = static_cast<int>(statement.integer(5));
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<PatientRecord> ResultStore::patient(const std::string& patient_id) const {
  Statement statement = prepare(
      "SELECT patient_id, status, error, age_years, prescription_dose_gy, fractions FROM patients "
      "WHERE patient_id = ?");
  statement.bind(patient_id);
  if (!statement.step()) return std::nullopt;
  PatientRecord p{statement.text(0),          statement.text(1),          statement.text(2),
                  statement.optional_real(3), statement.optional_real(4), std::nullopt};
  if (!statement.is_null(5)) p.fractions = static_cast<int>(statement.integer(5));
  return p;
}

std::vector<ImageRecord> ResultStore::images() const {
  std::vector<ImageRecord> out;
  Statement statement = prepare(
      "SELECT patient_id, role, sequence, timepoint, path, size, spacing_mm, origin_mm, "
      "direction FROM images ORDER BY patient_id, role, sequence, timepoint");
  while (statement.step())
    out.push_back(ImageRecord{statement.text(0), statement.text(1), statement.text(2),
                              statement.text(3), statement.text(4), statement.text(5),
                              statement.text(6), statement.text(7), statement.text(8)});
  return out;
}

std::vector<RegistrationRecord> ResultStore::registrations() const {
  std::vector<RegistrationRecord> out;
  Statement statement = prepare(
      "SELECT patient_id, moving_sequence, moving_timepoint, fixed_sequence, fixed_timepoint, "
      "method, transform, final_metric, quality_metric, status, error FROM registrations "
      "ORDER BY patient_id, moving_sequence, moving_timepoint, fixed_sequence, fixed_timepoint");
  while (statement.step())
    out.push_back(RegistrationRecord{
        statement.text(0), statement.text(1), statement.text(2), statement.text(3),
        statement.text(4), statement.text(5), statement.text(6), statement.optional_real(7),
        statement.optional_real(8), statement.text(9), statement.text(10)});
  return out;
}

std::vector<SettingRecord> ResultStore::settings() const {
  std::vector<SettingRecord> out;
  Statement statement =
      prepare("SELECT setting_id, label, description FROM settings ORDER BY setting_id");
  while (statement.step())
    out.push_back(SettingRecord{static_cast<int>(statement.integer(0)), statement.text(1),
                                statement.text(2)});
  return out;
}

std::vector<RegionRecord> ResultStore::regions() const {
  std::vector<RegionRecord> out;
  Statement statement = prepare(
      "SELECT patient_id, band_index, band_lower_gy, band_upper_gy, volume_cc, voxel_count, "
      "status, error FROM regions ORDER BY patient_id, band_index");
  while (statement.step())
    out.push_back(RegionRecord{
        statement.text(0), static_cast<int>(statement.integer(1)), statement.real(2),
        statement.is_null(3) ? std::numeric_limits<double>::infinity() : statement.real(3),
        statement.real(4), statement.integer(5), statement.text(6), statement.text(7)});
  return out;
}

std::vector<FeatureRow> ResultStore::features() const {
  std::vector<FeatureRow> out;
  Statement statement = prepare(
      "SELECT patient_id, band_index, sequence, timepoint, setting_id, feature, value "
      "FROM features ORDER BY patient_id, band_index, sequence, timepoint, setting_id, feature");
  while (statement.step())
    out.push_back(FeatureRow{statement.text(0), static_cast<int>(statement.integer(1)),
                             statement.text(2), statement.text(3),
                             static_cast<int>(statement.integer(4)), statement.text(5),
                             statement.real(6)});
  return out;
}

std::vector<BloodCountRecord> ResultStore::blood_counts() const {
  std::vector<BloodCountRecord> out;
  Statement statement = prepare(
      "SELECT patient_id, count_name, timepoint, value FROM blood_counts "
      "ORDER BY patient_id, count_name, timepoint");
  while (statement.step())
    out.push_back(BloodCountRecord{statement.text(0), statement.text(1), statement.text(2),
                                   statement.real(3)});
  return out;
}

std::vector<DoseVolumePoint> ResultStore::dose_volume() const {
  std::vector<DoseVolumePoint> out;
  Statement statement = prepare(
      "SELECT patient_id, dose_gy, volume_percent FROM dose_volume ORDER BY patient_id, dose_gy");
  while (statement.step())
    out.push_back(DoseVolumePoint{statement.text(0), statement.real(1), statement.real(2)});
  return out;
}

// ---- export ---------------------------------------------------------------------------------

namespace {

// A read snapshot for a multi-query read outside any transaction (WAL readers see one commit).
class ReadSnapshot {
 public:
  ReadSnapshot(sqlite3* db, bool needed) : db_(needed ? db : nullptr) {
    if (db_ && sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) db_ = nullptr;
  }
  ~ReadSnapshot() {
    if (db_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sqlite3* db_;
};

}  // namespace

void ResultStore::export_features_csv(const std::string& path) const {
  ReadSnapshot snapshot(db_.get(), transaction_depth_ == 0);

  // Feature columns: those present, in catalogue order, then unknown names sorted.
  std::unordered_map<std::string, int> catalogue_rank;
  const auto& catalogue = feature_catalogue();
  for (std::size_t i = 0; i < catalogue.size(); ++i)
    catalogue_rank.emplace(catalogue[i].column_name(), static_cast<int>(i));
  std::vector<std::string> names;
  {
    Statement statement = prepare("SELECT DISTINCT feature FROM features");
    while (statement.step()) names.push_back(statement.text(0));
  }
  const auto rank = [&catalogue_rank](const std::string& name) {
    const auto found = catalogue_rank.find(name);
    return found == catalogue_rank.end() ? std::numeric_limits<int>::max() : found->second;
  };
  std::sort(names.begin(), names.end(), [&rank](const std::string& a, const std::string& b) {
    return std::make_pair(rank(a), a) < std::make_pair(rank(b), b);
  });
  std::unordered_map<std::string, std::size_t> column_of;
  for (std::size_t i = 0; i < names.size(); ++i) column_of.emplace(names[i], i);

  const std::string temporary = path + ".tmp";
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) throw StoreError("cannot write " + temporary);
  const auto write_row = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_field(cells[i]);
    out << '\n';
  };
  const std::vector<std::string> key_columns = {"patient",       "band",     "band_lower_gy",
                                                "band_upper_gy", "sequence", "timepoint",
                                                "setting",       "volume_cc"};
  std::vector<std::string> header = key_columns;
  header.insert(header.end(), names.begin(), names.end());
  write_row(header);

  // Rows of complete units only, grouped by the feature table's key order.
  Statement statement = prepare(
      "SELECT f.patient_id, f.band_index, r.band_lower_gy, r.band_upper_gy, f.sequence, "
      "f.timepoint, f.setting_id, r.volume_cc, f.feature, f.value FROM features AS f "
      "JOIN regions AS r ON r.patient_id = f.patient_id AND r.band_index = f.band_index "
      "WHERE EXISTS (SELECT 1 FROM completed_units AS u WHERE u.patient_id = f.patient_id AND "
      "u.sequence = f.sequence AND u.timepoint = f.timepoint AND u.setting_id = f.setting_id) "
      "ORDER BY f.patient_id, f.band_index, f.sequence, f.timepoint, f.setting_id");
  std::vector<std::string> row;
  std::vector<std::string> key;
  const auto flush = [&]() {
    if (!row.empty()) write_row(row);
    row.clear();
  };
  while (statement.step()) {
    std::vector<std::string> this_key = {statement.text(0), statement.text(1), statement.text(4),
                                         statement.text(5), statement.text(6)};
    if (this_key != key) {
      flush();
      key = this_key;
      row = {statement.text(0),
             std::to_string(statement.integer(1)),
             python_float(statement.real(2)),
             statement.is_null(3) ? "inf" : python_float(statement.real(3)),
             statement.text(4),
             statement.text(5),
             std::to_string(statement.integer(6)),
             python_float(statement.real(7))};
      row.resize(key_columns.size() + names.size());
    }
    row[key_columns.size() + column_of.at(statement.text(8))] = python_float(statement.real(9));
  }
  flush();
  out.close();
  if (!out) throw StoreError("cannot write " + temporary);
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error)
    throw StoreError("cannot rename " + temporary + " to " + path + ": " + error.message());
}

// ---- dump and checks ------------------------------------------------------------------------

void ResultStore::dump_table(std::string& out, const char* table, const char* columns,
                             const char* order_by) const {
  const std::string sql =
      std::string("SELECT ") + columns + " FROM " + table + " ORDER BY " + order_by;
  Statement statement = prepare(sql.c_str());
  out += std::string("# ") + table + ": " + columns + "\n";
  while (statement.step()) {
    for (int c = 0; c < statement.column_count(); ++c) {
      if (c) out += '\t';
      switch (statement.type(c)) {
        case SQLITE_NULL:
          out += "NULL";
          break;
        case SQLITE_INTEGER:
          out += std::to_string(statement.integer(c));
          break;
        case SQLITE_FLOAT:
          out += python_float(statement.real(c));
          break;
        default:
          out += escape_dump_text(statement.text(c));
      }
    }
    out += '\n';
  }
}

std::string ResultStore::canonical_dump() const {
  ReadSnapshot snapshot(db_.get(), transaction_depth_ == 0);
  std::string out;
  dump_table(out, "schema_version", "application, version", "application");
  dump_table(out, "patients",
             "patient_id, status, error, age_years, prescription_dose_gy, fractions", "patient_id");
  dump_table(out, "images",
             "patient_id, role, sequence, timepoint, path, size, spacing_mm, origin_mm, direction",
             "patient_id, role, sequence, timepoint");
  dump_table(out, "registrations",
             "patient_id, moving_sequence, moving_timepoint, fixed_sequence, fixed_timepoint, "
             "method, transform, final_metric, quality_metric, status, error",
             "patient_id, moving_sequence, moving_timepoint, fixed_sequence, fixed_timepoint");
  dump_table(out, "settings", "setting_id, label, description", "setting_id");
  dump_table(out, "regions",
             "patient_id, band_index, band_lower_gy, band_upper_gy, volume_cc, voxel_count, "
             "status, error",
             "patient_id, band_index");
  dump_table(out, "features",
             "patient_id, band_index, sequence, timepoint, setting_id, feature, value",
             "patient_id, band_index, sequence, timepoint, setting_id, feature");
  dump_table(out, "completed_units", "patient_id, sequence, timepoint, setting_id, feature_rows",
             "patient_id, sequence, timepoint, setting_id");
  dump_table(out, "blood_counts", "patient_id, count_name, timepoint, value",
             "patient_id, count_name, timepoint");
  dump_table(out, "dose_volume", "patient_id, dose_gy, volume_percent", "patient_id, dose_gy");
  return out;
}

std::string ResultStore::check_integrity() const {
  std::string problems;
  {
    Statement statement = prepare("PRAGMA integrity_check");
    while (statement.step())
      if (statement.text(0) != "ok") problems += statement.text(0) + "\n";
  }
  {
    Statement statement = prepare("PRAGMA foreign_key_check");
    while (statement.step())
      problems += "foreign key violation in " + statement.text(0) + " (row " +
                  std::to_string(statement.integer(1)) + ") -> " + statement.text(2) + "\n";
  }
  return problems.empty() ? "ok" : problems;
}

}  // namespace doseomics
