// The results store (io/result_store.hpp): schema, idempotent writes, atomic units, resumption
// after SIGKILL, the features CSV and clear errors on files that are not a store.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/batch_csv.hpp"
#include "io/result_store.hpp"
#include "kernels/core/errors.hpp"
#include "kernels/core/feature_names.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

// The synthetic cohort every test writes: small, but with every kind of row and edge value.
const std::vector<std::string> kPatients = {"P01", "P02", "P10"};
const std::vector<std::string> kSequences = {"FatFrac", "T2fs"};
const std::vector<std::string> kTimepoints = {"pre", "post"};
const std::vector<int> kSettingIds = {0, 1};
const std::vector<double> kBandEdgesGy = {5, 10, 15, 20, 30, 40, 50};  // last band is > 50 Gy
constexpr int kBandCount = 7;
// Rows written inside the killed transaction of the large-unit scenario: beyond SQLite's default
// 2 MB page cache, so uncommitted pages spill into the WAL file before the kill (the WAL then
// exceeds kSpillWalBytes; the committed units of the other scenarios keep it under 0.5 MiB).
constexpr int kSpillRows = 60000;
constexpr std::uintmax_t kSpillWalBytes = 1u << 20;

struct TempDir {
  fs::path path;
  TempDir() {
    std::mt19937_64 random(std::random_device{}() ^
                           std::chrono::steady_clock::now().time_since_epoch().count());
    path = fs::temp_directory_path() / ("doseomics_store_" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// Every 6th catalogue feature, so the CSV's column order is checked against a sparse subset.
std::vector<std::string> feature_subset() {
  std::vector<std::string> names;
  const auto& catalogue = feature_catalogue();
  for (std::size_t i = 0; i < catalogue.size(); i += 6) names.push_back(catalogue[i].column_name());
  return names;
}

// P02's top band is below 0.5 cc: excluded, so it has no features.
bool band_ok(const std::string& patient, int band) { return !(patient == "P02" && band == 6); }

std::vector<UnitKey> all_units() {
  std::vector<UnitKey> units;
  for (const auto& patient : kPatients)
    for (const auto& sequence : kSequences)
      for (const auto& timepoint : kTimepoints)
        for (int setting : kSettingIds)
          units.push_back(UnitKey{patient, sequence, timepoint, setting});
  return units;
}

// A deterministic value with all 17 digits in use; one NaN, one tiny and one huge value.
double feature_value(const UnitKey& unit, int band, std::size_t feature) {
  if (unit.patient_id == "P01" && band == 2 && feature == 1) return std::nan("");
  if (unit.patient_id == "P10" && band == 0 && feature == 0) return 4.9406564584124654e-320;
  if (unit.patient_id == "P10" && band == 1 && feature == 0) return -1.7976931348623157e308;
  std::uint64_t hash = std::hash<std::string>{}(unit.patient_id + unit.sequence + unit.timepoint);
  hash ^= (static_cast<std::uint64_t>(unit.setting_id) << 40) ^ (band << 20) ^ feature;
  std::mt19937_64 random(hash);
  return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(random), band * 3 - 8);
}

std::vector<BandFeature> unit_values(const UnitKey& unit) {
  std::vector<BandFeature> values;
  const auto names = feature_subset();
  // Written in reverse catalogue order: the CSV must not depend on insertion order.
  for (int band = 0; band < kBandCount; ++band) {
    if (!band_ok(unit.patient_id, band)) continue;
    for (std::size_t f = names.size(); f-- > 0;)
      values.push_back(BandFeature{band, names[f], feature_value(unit, band, f)});
  }
  return values;
}

std::int64_t expected_rows(const UnitKey& unit) {
  return static_cast<std::int64_t>(unit_values(unit).size());
}

// Everything but the features: patients, settings, regions, images, registrations, counts, DVH.
void write_prelude(ResultStore& store) {
  Transaction transaction(store);
  store.upsert_setting(0, Settings{});
  Settings fine;
  fine.bin_width = 10.0;
  store.upsert_setting(1, fine);
  for (std::size_t p = 0; p < kPatients.size(); ++p) {
    const std::string& patient = kPatients[p];
    PatientRecord record{patient, "ok", "", 40.0 + p, 50.4, 28};
    store.upsert_patient(record);
    for (int band = 0; band < kBandCount; ++band) {
      RegionRecord region;
      region.patient_id = patient;
      region.band_index = band;
      region.band_lower_gy = kBandEdgesGy[band];
      region.band_upper_gy =
          band + 1 < kBandCount ? kBandEdgesGy[band + 1] : std::numeric_limits<double>::infinity();
      region.voxel_count = band_ok(patient, band) ? 1000 + 37 * band : 12;
      region.volume_cc = region.voxel_count * 0.0234375;
      region.status = band_ok(patient, band) ? "ok" : "excluded";
      region.error = band_ok(patient, band) ? "" : "volume below 0.5 cc";
      store.upsert_region(region);
    }
    store.upsert_image(ImageRecord{patient, "CT", "", "", "/data/" + patient + "/ct.nrrd",
                                   integer_tuple_text({512, 512, 90}), tuple_text({0.98, 0.98, 3}),
                                   tuple_text({-250, -250, 100}),
                                   tuple_text({1, 0, 0, 0, 1, 0, 0, 0, 1})});
    store.upsert_image(
        ImageRecord{patient, "MR", "T2fs", "pre", "/data/" + patient + "/t2.nii", "", "", "", ""});
    store.upsert_registration(RegistrationRecord{patient, "CT", "", "T2fs", "pre", "mattes-mi",
                                                 "1 0 0 0 1 0 0 0 1 0.5 -1 2", -0.61, 1.23, "ok",
                                                 ""});
    const char* counts[] = {"WBC", "ANC", "ALC", "PLT", "HGB"};
    const char* times[] = {"pre", "mid", "end", "one_month"};
    for (int c = 0; c < 5; ++c)
      for (int t = 0; t < 4; ++t)
        store.upsert_blood_count(BloodCountRecord{patient, counts[c], times[t], 6.1 - t + 0.1 * c});
    for (double dose = 0; dose <= 50; dose += 5)
      store.upsert_dose_volume(DoseVolumePoint{patient, dose, 100.0 - dose * 1.7});
  }
  store.record_patient_failure("P99", "/data/P99/ct.nrrd: cannot read: truncated file");
  transaction.commit();
}

// A whole uninterrupted run into a fresh store.
void write_everything(ResultStore& store) {
  write_prelude(store);
  for (const UnitKey& unit : all_units()) store.store_unit(unit, unit_values(unit));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Feature rows of the store grouped by unit.
std::map<UnitKey, std::int64_t> rows_per_unit(const ResultStore& store) {
  std::map<UnitKey, std::int64_t> rows;
  for (const FeatureRow& row : store.features())
    ++rows[UnitKey{row.patient_id, row.sequence, row.timepoint, row.setting_id}];
  return rows;
}

// Every completed unit has all its rows, and no unit has rows without being complete.
void require_whole_units_only(const ResultStore& store) {
  const auto completed = store.completed_units();
  const auto rows = rows_per_unit(store);
  for (const UnitKey& unit : completed) {
    INFO("unit " << unit.patient_id << " " << unit.sequence << " " << unit.timepoint << " "
                 << unit.setting_id);
    const auto found = rows.find(unit);
    REQUIRE(found != rows.end());
    REQUIRE(found->second == expected_rows(unit));
    REQUIRE(store.unit_feature_rows(unit) == expected_rows(unit));
  }
  for (const auto& [unit, count] : rows) {
    INFO("unit with rows " << unit.patient_id << " " << unit.sequence << " " << unit.timepoint
                           << " " << unit.setting_id << " (" << count << " rows)");
    REQUIRE(completed.count(unit) == 1);
  }
}

// Where the child stops and waits for its SIGKILL.
enum class KillPoint {
  before_unit,       // between two committed units
  mid_unit,          // inside a unit's transaction, half its rows written
  before_commit,     // all rows and the completion row written, not committed
  mid_unit_spilled,  // inside a unit's transaction with pages spilled into the WAL
  free_running,      // not stopped: killed wherever it is after a few commits
  during_prelude,    // inside the first transaction (patients, regions, ...)
};

const char* kill_point_name(KillPoint point) {
  switch (point) {
    case KillPoint::before_unit:
      return "before_unit";
    case KillPoint::mid_unit:
      return "mid_unit";
    case KillPoint::before_commit:
      return "before_commit";
    case KillPoint::mid_unit_spilled:
      return "mid_unit_spilled";
    case KillPoint::free_running:
      return "free_running";
    case KillPoint::during_prelude:
      return "during_prelude";
  }
  return "?";
}

[[noreturn]] void wait_for_kill(int signal_fd) {
  const char blocked = 'B';
  (void)!write(signal_fd, &blocked, 1);
  for (;;) pause();
}

// The child: writes the cohort unit by unit, telling the parent 'C' after each commit, and
// stops at `point` in unit `stop_at` (writing 'B' once stopped).
[[noreturn]] void child_writer(const std::string& path, KillPoint point, std::size_t stop_at,
                               int signal_fd) {
  try {
    ResultStore store(path);
    store.begin_run("doseomics cohort (child)", "test");
    if (point == KillPoint::during_prelude) {
      Transaction transaction(store);
      write_prelude(store);  // nested: a savepoint inside this transaction
      wait_for_kill(signal_fd);
    }
    write_prelude(store);
    const auto units = all_units();
    const char committed = 'C';
    for (std::size_t i = 0; i < units.size(); ++i) {
      const auto values = unit_values(units[i]);
      if (i == stop_at && point == KillPoint::before_unit) wait_for_kill(signal_fd);
      if (i == stop_at && (point == KillPoint::mid_unit || point == KillPoint::before_commit ||
                           point == KillPoint::mid_unit_spilled)) {
        Transaction transaction(store);
        const std::size_t half = values.size() / 2;
        const std::size_t count = point == KillPoint::mid_unit ? half : values.size();
        for (std::size_t v = 0; v < count; ++v) store.upsert_feature(units[i], values[v]);
        if (point == KillPoint::before_commit) store.mark_unit_complete(units[i]);
        if (point == KillPoint::mid_unit_spilled)
          for (int r = 0; r < kSpillRows; ++r)
            store.upsert_feature(units[i],
                                 BandFeature{0, "original_spill_Row" + std::to_string(r), 1.0 * r});
        wait_for_kill(signal_fd);
      }
      store.store_unit(units[i], values);
      (void)!write(signal_fd, &committed, 1);
    }
    const char done = 'D';
    (void)!write(signal_fd, &done, 1);
    for (;;) pause();
  } catch (...) {
    const char error = 'E';
    (void)!write(signal_fd, &error, 1);
    _exit(3);
  }
}

struct KillOutcome {
  std::size_t commits_seen = 0;
  std::uintmax_t wal_bytes_at_kill = 0;
};

// Fork a writer, wait for it to reach its stop point (or `free_commits` commits), SIGKILL it.
KillOutcome run_and_kill(const std::string& path, KillPoint point, std::size_t stop_at,
                         std::size_t free_commits) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child_writer(path, point, stop_at, fds[1]);
  }
  close(fds[1]);
  KillOutcome outcome;
  char message = 0;
  for (;;) {
    const ssize_t got = read(fds[0], &message, 1);
    if (got != 1) break;  // the child died early: the checks below fail
    if (message == 'C') ++outcome.commits_seen;
    if (message == 'B' || message == 'E' || message == 'D') break;
    if (point == KillPoint::free_running && outcome.commits_seen == free_commits) break;
  }
  std::error_code ignored;
  outcome.wal_bytes_at_kill = fs::file_size(path + "-wal", ignored);
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  close(fds[0]);
  INFO("child's last message " << message);
  REQUIRE(message != 'E');
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return outcome;
}

// Execute SQL on a raw connection (to forge files that are not valid stores).
void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("The store lives in the output folder as results.sqlite", "[store]") {
  CHECK(store_path("/runs/cohort") == "/runs/cohort/results.sqlite");
  CHECK(store_path("out/") == "out/results.sqlite");
}

TEST_CASE("A store keeps its completed units and rows when reopened", "[store]") {
  TempDir dir;
  const std::string path = store_path(dir.path.string());
  const auto units = all_units();
  std::int64_t run_id = 0;
  {
    ResultStore store(path);
    CHECK(store.schema_version() == kResultStoreSchemaVersion);
    run_id = store.begin_run("doseomics cohort --out x", "0.1.0");
    write_prelude(store);
    for (std::size_t i = 0; i < 5; ++i) store.store_unit(units[i], unit_values(units[i]));
    store.finish_run(run_id);
  }
  ResultStore store(path);
  CHECK(store.check_integrity() == "ok");
  const std::set<UnitKey> expected(units.begin(), units.begin() + 5);
  CHECK(store.completed_units() == expected);
  for (std::size_t i = 0; i < units.size(); ++i) CHECK(store.unit_done(units[i]) == (i < 5));
  require_whole_units_only(store);

  const auto runs = store.runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].run_id == run_id);
  CHECK(runs[0].status == "finished");
  CHECK(runs[0].command_line == "doseomics cohort --out x");
  CHECK_FALSE(runs[0].finished_utc.empty());

  // Fields read back as written: NaN, an open band, optional values, a failed patient.
  const auto regions = store.regions();
  REQUIRE(regions.size() == kPatients.size() * kBandCount);
  CHECK(std::isinf(regions[6].band_upper_gy));
  CHECK(regions[5].band_upper_gy == 50.0);
  CHECK(regions[0].volume_cc == 1000 * 0.0234375);
  bool saw_nan = false;
  for (const FeatureRow& row : store.features()) {
    const double expected_value =
        feature_value(UnitKey{row.patient_id, row.sequence, row.timepoint, row.setting_id},
                      row.band_index, [&row] {
                        const auto names = feature_subset();
                        return static_cast<std::size_t>(
                            std::find(names.begin(), names.end(), row.feature) - names.begin());
                      }());
    if (std::isnan(expected_value)) {
      saw_nan = true;
      CHECK(std::isnan(row.value));
    } else {
      CHECK(row.value == expected_value);
    }
  }
  CHECK(saw_nan);
  const auto failed = store.patient("P99");
  REQUIRE(failed);
  CHECK(failed->status == "failed");
  CHECK(failed->error == "/data/P99/ct.nrrd: cannot read: truncated file");
  CHECK_FALSE(failed->age_years);
  const auto p01 = store.patient("P01");
  REQUIRE(p01);
  CHECK(p01->age_years == 40.0);
  CHECK(p01->fractions == 28);
  CHECK(store.blood_counts().size() == kPatients.size() * 20);
  CHECK(store.dose_volume().size() == kPatients.size() * 11);
  CHECK(store.images().size() == kPatients.size() * 2);
  REQUIRE(store.registrations().size() == kPatients.size());
  CHECK(store.registrations()[0].quality_metric == 1.23);
  const auto settings = store.settings();
  REQUIRE(settings.size() == 2);
  CHECK(settings[1].description.find("\"binWidth\": 10.0") != std::string::npos);
}

TEST_CASE("Storing the same unit and records again creates no duplicate rows", "[store]") {
  TempDir dir;
  ResultStore store(store_path(dir.path.string()));
  write_everything(store);
  const std::string once = store.canonical_dump();
  const std::size_t rows = store.features().size();
  write_everything(store);
  store.store_unit(all_units()[3], unit_values(all_units()[3]));
  CHECK(store.features().size() == rows);
  CHECK(store.canonical_dump() == once);

  // Storing a unit replaces its rows: a shorter unit leaves no stale rows behind.
  const UnitKey unit = all_units()[0];
  auto values = unit_values(unit);
  values.resize(3);
  store.store_unit(unit, values);
  CHECK(rows_per_unit(store)[unit] == 3);
  CHECK(store.unit_feature_rows(unit) == 3);
}

TEST_CASE("A transaction left by an exception leaves nothing behind", "[store]") {
  TempDir dir;
  ResultStore store(store_path(dir.path.string()));
  write_prelude(store);
  const std::string before = store.canonical_dump();
  const UnitKey unit = all_units()[0];

  SECTION("an outermost transaction rolls back entirely") {
    try {
      Transaction transaction(store);
      for (const BandFeature& value : unit_values(unit)) store.upsert_feature(unit, value);
      store.mark_unit_complete(unit);
      store.record_patient_failure("P01", "should vanish");
      throw std::runtime_error("extraction failed");
    } catch (const std::runtime_error&) {
    }
    CHECK_FALSE(store.unit_done(unit));
    CHECK(store.features().empty());
    CHECK(store.canonical_dump() == before);
  }
  SECTION("a nested transaction rolls back only its own writes") {
    const UnitKey other = all_units()[1];
    {
      Transaction outer(store);
      store.store_unit(other, unit_values(other));  // itself a nested transaction, committed
      try {
        Transaction inner(store);
        store.upsert_feature(unit, unit_values(unit)[0]);
        throw std::runtime_error("band failed");
      } catch (const std::runtime_error&) {
      }
      outer.commit();
    }
    CHECK(store.completed_units() == std::set<UnitKey>{other});
    require_whole_units_only(store);
  }
  SECTION("a failing write inside store_unit stores none of the unit") {
    auto values = unit_values(unit);
    values.back().band_index = 42;  // no such region: the foreign key refuses it
    CHECK_THROWS_AS(store.store_unit(unit, values), StoreError);
    CHECK_FALSE(store.unit_done(unit));
    CHECK(store.canonical_dump() == before);
  }
}

TEST_CASE("A writer killed with SIGKILL leaves whole units, and resuming matches a clean run",
          "[store]") {
  TempDir dir;
  const auto units = all_units();
  std::string reference_dump;
  std::string reference_csv;
  {
    ResultStore reference(dir.file("reference.sqlite"));
    reference.begin_run("reference", "test");
    write_everything(reference);
    reference_dump = reference.canonical_dump();
    reference.export_features_csv(dir.file("reference.csv"));
    reference_csv = read_text(dir.file("reference.csv"));
  }

  const KillPoint point =
      GENERATE(KillPoint::before_unit, KillPoint::mid_unit, KillPoint::before_commit,
               KillPoint::mid_unit_spilled, KillPoint::free_running, KillPoint::during_prelude);
  const std::size_t stop_at = GENERATE(std::size_t{0}, std::size_t{7});
  INFO("killed at " << kill_point_name(point) << ", unit " << stop_at);
  const std::string path = dir.file(std::string("killed_") + kill_point_name(point) + "_" +
                                    std::to_string(stop_at) + ".sqlite");

  const KillOutcome outcome = run_and_kill(path, point, stop_at, stop_at + 3);
  // The spilled scenario really put uncommitted pages into the WAL: without them the WAL of
  // this cohort stays well under the bound.
  INFO("WAL bytes at the kill " << outcome.wal_bytes_at_kill);
  if (point == KillPoint::mid_unit_spilled)
    CHECK(outcome.wal_bytes_at_kill > kSpillWalBytes);
  else if (point != KillPoint::free_running)
    CHECK(outcome.wal_bytes_at_kill < kSpillWalBytes);

  std::size_t recomputed = 0;
  {
    ResultStore store(path);  // opens cleanly: SQLite drops the unfinished transaction
    CHECK(store.check_integrity() == "ok");
    require_whole_units_only(store);
    const auto done = store.completed_units();
    if (point == KillPoint::during_prelude) {
      CHECK(done.empty());
      CHECK(store.patients().empty());
      CHECK(store.regions().empty());
    } else if (point != KillPoint::free_running) {
      CHECK(done.size() == stop_at);
      CHECK(outcome.commits_seen == stop_at);
    } else {
      CHECK(done.size() >= outcome.commits_seen);
    }

    // Resume: everything upserted again, only the missing units computed.
    const auto run = store.begin_run("resume", "test");
    write_prelude(store);
    for (const UnitKey& unit : units) {
      if (store.unit_done(unit)) continue;
      store.store_unit(unit, unit_values(unit));
      ++recomputed;
    }
    store.finish_run(run);
    CHECK(recomputed == units.size() - done.size());
    CHECK(store.runs().size() == 2);
  }
  ResultStore resumed(path);
  CHECK(resumed.check_integrity() == "ok");
  CHECK(resumed.canonical_dump() == reference_dump);
  resumed.export_features_csv(path + ".csv");
  CHECK(read_text(path + ".csv") == reference_csv);
}

TEST_CASE("features.csv has PyRadiomics columns in catalogue order and one row per unit and band",
          "[store]") {
  TempDir dir;
  ResultStore store(store_path(dir.path.string()));
  write_everything(store);
  const std::string csv = dir.file("features.csv");
  store.export_features_csv(csv);
  CHECK_FALSE(fs::exists(csv + ".tmp"));

  const auto records = parse_csv(read_text(csv), csv);
  REQUIRE(!records.empty());
  std::vector<std::string> expected_header = {"patient",       "band",     "band_lower_gy",
                                              "band_upper_gy", "sequence", "timepoint",
                                              "setting",       "volume_cc"};
  const auto names = feature_subset();
  expected_header.insert(expected_header.end(), names.begin(), names.end());
  CHECK(records[0].fields == expected_header);
  CHECK(names.front() == "original_firstorder_10Percentile");

  std::size_t ok_bands = 0;
  for (const auto& patient : kPatients)
    for (int band = 0; band < kBandCount; ++band) ok_bands += band_ok(patient, band);
  const std::size_t expected_rows =
      ok_bands * kSequences.size() * kTimepoints.size() * kSettingIds.size();
  REQUIRE(records.size() == 1 + expected_rows);

  // Sorted by patient, band, sequence, time point, setting; values round-trip exactly.
  bool saw_nan = false;
  bool saw_open_band = false;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& fields = records[r].fields;
    REQUIRE(fields.size() == expected_header.size());
    if (r > 1) {
      const auto& previous = records[r - 1].fields;
      const auto key = [](const std::vector<std::string>& f) {
        return std::make_tuple(f[0], std::stoi(f[1]), f[4], f[5], std::stoi(f[6]));
      };
      CHECK(key(previous) < key(fields));
    }
    const UnitKey unit{fields[0], fields[4], fields[5], std::stoi(fields[6])};
    const int band = std::stoi(fields[1]);
    CHECK(band_ok(unit.patient_id, band));
    CHECK(std::strtod(fields[2].c_str(), nullptr) == kBandEdgesGy[band]);
    if (band == kBandCount - 1) {
      saw_open_band = true;
      CHECK(fields[3] == "inf");
    }
    CHECK(std::strtod(fields[7].c_str(), nullptr) == (1000 + 37 * band) * 0.0234375);
    for (std::size_t f = 0; f < names.size(); ++f) {
      const double expected = feature_value(unit, band, f);
      const std::string& cell = fields[8 + f];
      if (std::isnan(expected)) {
        saw_nan = true;
        CHECK(cell == "nan");
      } else {
        INFO(names[f] << " = " << cell);
        CHECK(std::strtod(cell.c_str(), nullptr) == expected);
      }
    }
  }
  CHECK(saw_nan);
  CHECK(saw_open_band);
}

TEST_CASE("A store refuses files that are not doseomics stores and names them", "[store]") {
  TempDir dir;
  SECTION("a text file") {
    const std::string path = dir.file("notes.sqlite");
    const std::string text =
        "patient,band\nP01,0\nthis is not a database, but long enough to be "
        "mistaken for one's header if nobody checks it properly\n";
    std::ofstream(path, std::ios::binary) << text;
    try {
      ResultStore store(path);
      FAIL("opened a text file as a store");
    } catch (const InputError& error) {
      const std::string message = error.what();
      CHECK(message.find(path) != std::string::npos);
      CHECK(message.find("not an SQLite database") != std::string::npos);
    }
    CHECK(read_text(path) == text);  // left as it was
  }
  SECTION("an SQLite database of something else") {
    const std::string path = dir.file("other.db");
    raw_sql(path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    try {
      ResultStore store(path);
      FAIL("opened another application's database");
    } catch (const InputError& error) {
      const std::string message = error.what();
      CHECK(message.find(path) != std::string::npos);
      CHECK(message.find("not a doseomics results store") != std::string::npos);
    }
  }
  SECTION("a store written by a newer doseomics") {
    const std::string path = dir.file("newer.sqlite");
    { ResultStore store(path); }
    raw_sql(path, "UPDATE schema_version SET version = 99");
    try {
      ResultStore store(path);
      FAIL("opened a newer store");
    } catch (const InputError& error) {
      const std::string message = error.what();
      CHECK(message.find(path) != std::string::npos);
      CHECK(message.find("newer") != std::string::npos);
      CHECK(message.find("99") != std::string::npos);
    }
  }
  SECTION("a folder that does not exist") {
    const std::string path = dir.file("missing/results.sqlite");
    try {
      ResultStore store(path);
      FAIL("opened a store in a missing folder");
    } catch (const InputError& error) {
      CHECK(std::string(error.what()).find(path) != std::string::npos);
    }
  }
}

TEST_CASE("A resumed run with different settings under the same id is refused", "[store]") {
  TempDir dir;
  ResultStore store(store_path(dir.path.string()));
  store.upsert_setting(0, Settings{});
  CHECK_NOTHROW(store.upsert_setting(0, Settings{}));
  Settings other;
  other.bin_width = 5.0;
  CHECK_THROWS_AS(store.upsert_setting(0, other), InputError);
  CHECK(store.settings().size() == 1);
}

TEST_CASE("Invalid time points and statuses are input errors", "[store]") {
  TempDir dir;
  ResultStore store(store_path(dir.path.string()));
  write_prelude(store);
  CHECK_THROWS_AS(store.store_unit(UnitKey{"P01", "T2fs", "during", 0}, {}), InputError);
  CHECK_THROWS_AS(store.upsert_blood_count(BloodCountRecord{"P01", "WBC", "week3", 1.0}),
                  InputError);
  CHECK_THROWS_AS(store.set_patient_status("P01", "done"), InputError);
  CHECK(store.completed_units().empty());
}
