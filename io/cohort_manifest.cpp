#include "cohort_manifest.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "kernels/core/errors.hpp"

namespace doseomics {

namespace fs = std::filesystem;

namespace {

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

// Shortest decimal text that reads back as the same double ("0.5", not "0.50000000000000000").
std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  char buffer[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

// Levenshtein distance, for "did you mean" hints on unknown keys.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest of `candidates` to `key` when it is close enough to be a typo; "" otherwise.
std::string closest_key(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(key, candidate);
    const std::size_t allowed = std::max<std::size_t>(2, candidate.size() / 4);
    if (distance <= allowed && (best.empty() || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

// Where a value sits in the manifest: its field path and, inside a patient, the patient id.
struct Field {
  std::string path;        // "patients[3].mr.post.FatFrac"
  std::string patient_id;  // "" outside patients or before the id is known

  Field child(const std::string& key) const {
    return {path.empty() ? key : path + "." + key, patient_id};
  }
  Field item(std::size_t index) const {
    return {path + "[" + std::to_string(index) + "]", patient_id};
  }
  std::string name() const {
    const std::string where = path.empty() ? "(top level)" : path;
    return patient_id.empty() ? where : where + " (patient " + patient_id + ")";
  }
};

// Collects every problem; the reader throws once, at the end, with all of them.
class Problems {
 public:
  void add(const Field& field, const std::string& what) {
    list_.push_back(field.name() + ": " + what);
  }
  void add(const Field& field, const YAML::Node& node, const std::string& what) {
    add(field, what + line_of(node));
  }
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  const std::vector<std::string>& list() const { return list_; }
  // Removes and returns the problems added since there were `count`.
  std::vector<std::string> take_since(std::size_t count) {
    std::vector<std::string> taken(list_.begin() + static_cast<std::ptrdiff_t>(count), list_.end());
    list_.resize(count);
    return taken;
  }

  static std::string line_of(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return "";
    return " (line " + std::to_string(mark.line + 1) + ")";
  }

 private:
  std::vector<std::string> list_;
};

// "ORIGIN: N problems:" and one indented line per problem.
std::string problems_message(const std::string& origin, const std::vector<std::string>& problems) {
  std::string message = origin + ": " + std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem:" : " problems:");
  for (const std::string& problem : problems) message += "\n  " + problem;
  return message;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return in_quotes(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

// Checks a mapping's keys: duplicates, unknown keys (with a "did you mean" hint) and missing
// required keys (unless an unknown key was taken for a typo of it). False when `node` is not a
// mapping.
bool check_mapping(const YAML::Node& node, const Field& field, Problems& problems,
                   const std::vector<std::string>& allowed,
                   const std::vector<std::string>& required) {
  if (!node.IsMap()) {
    problems.add(field, node, "expected a mapping, found " + describe(node));
    return false;
  }
  std::set<std::string> seen;
  std::set<std::string> suggested;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      problems.add(field.child(key), entry.first, "key given twice");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string hint = closest_key(key, allowed);
    std::string what = "unknown key";
    if (!hint.empty()) {
      what += " (did you mean " + in_quotes(hint) + "?)";
      suggested.insert(hint);
    } else {
      std::string known;
      for (const std::string& a : allowed) known += (known.empty() ? "" : ", ") + a;
      what += " (expected one of: " + known + ")";
    }
    problems.add(field.child(key), entry.first, what);
  }
  for (const std::string& key : required) {
    if (!seen.count(key) && !suggested.count(key)) problems.add(field.child(key), "missing");
  }
  return true;
}

// Typed scalar readers: on a bad value they record a problem and return nothing.
std::optional<std::string> read_text(const YAML::Node& node, const Field& field,
                                     Problems& problems) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    problems.add(field, node, "expected a non-empty text, found " + describe(node));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<double> read_number(const YAML::Node& node, const Field& field, Problems& problems) {
  if (node.IsScalar()) {
    try {
      const double value = node.as<double>();
      if (!std::isnan(value)) return value;
    } catch (const YAML::Exception&) {
    }
  }
  problems.add(field, node, "expected a number, found " + describe(node));
  return std::nullopt;
}

std::optional<long long> read_integer(const YAML::Node& node, const Field& field,
                                      Problems& problems) {
  if (node.IsScalar()) {
    try {
      return node.as<long long>();
    } catch (const YAML::Exception&) {
    }
  }
  problems.add(field, node, "expected a whole number, found " + describe(node));
  return std::nullopt;
}

std::optional<bool> read_flag(const YAML::Node& node, const Field& field, Problems& problems) {
  if (node.IsScalar()) {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
    }
  }
  problems.add(field, node, "expected true or false, found " + describe(node));
  return std::nullopt;
}

// Reads manifest files: resolves paths against the manifest's folder and checks they exist.
class ManifestReader {
 public:
  ManifestReader(fs::path base_dir, Problems& problems)
      : base_dir_(std::move(base_dir)), problems_(problems) {}

  CohortManifest read(const YAML::Node& root) {
    CohortManifest manifest;
    const Field top{};
    if (!check_mapping(root, top, problems_, {"version", "study", "patients"}, {"patients"}))
      return manifest;
    if (root["version"]) {
      const auto version = read_integer(root["version"], top.child("version"), problems_);
      if (version && *version != kCohortManifestVersion)
        problems_.add(top.child("version"), root["version"],
                      "version " + std::to_string(*version) + " is not supported (this reader " +
                          "reads version " + std::to_string(kCohortManifestVersion) + ")");
    }
    if (root["study"]) manifest.study = read_study(root["study"], top.child("study"));
    if (root["patients"])
      manifest.patients = read_patients(root["patients"], top.child("patients"));
    check_reference_sequence(manifest);
    return manifest;
  }

  // Patients whose entries had problems, left out of read()'s manifest.
  std::vector<RejectedPatient>& rejected() { return rejected_; }

 private:
  // An absolute, lexically normal path for `text` (relative to the manifest's folder).
  std::string resolve(const std::string& text) const {
    fs::path path(text);
    if (path.is_relative()) path = base_dir_ / path;
    return path.lexically_normal().string();
  }

  // A path field that must name an existing file (or, when `folder_ok`, a folder).
  std::optional<std::string> read_existing_path(const YAML::Node& node, const Field& field,
                                                bool folder_ok) {
    const auto text = read_text(node, field, problems_);
    if (!text) return std::nullopt;
    const std::string path = resolve(*text);
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
      problems_.add(field, "file " + in_quotes(*text) + " not found" +
                               (*text == path ? "" : " (looked for " + path + ")"));
    } else if (!fs::is_regular_file(status) && !(folder_ok && fs::is_directory(status))) {
      problems_.add(field, in_quotes(*text) + " is not a file");
    }
    return path;
  }

  // An image: `path` or {path: ..., frame_of_reference_uid: ...}. Files or DICOM folders.
  ImageEntry read_image(const YAML::Node& node, const Field& field) {
    ImageEntry image;
    if (node.IsMap()) {
      if (!check_mapping(node, field, problems_, {"path", "frame_of_reference_uid"}, {"path"}))
        return image;
      if (node["path"])
        image.path = read_existing_path(node["path"], field.child("path"), true).value_or("");
      if (node["frame_of_reference_uid"])
        image.frame_of_reference_uid = read_text(node["frame_of_reference_uid"],
                                                 field.child("frame_of_reference_uid"), problems_)
                                           .value_or("");
      return image;
    }
    image.path = read_existing_path(node, field, true).value_or("");
    return image;
  }

  StudySettings read_study(const YAML::Node& node, const Field& field) {
    StudySettings study;
    if (!check_mapping(node, field, problems_,
                       {"name", "dose_bands_gy", "min_region_volume_cc", "marrow_erosion_mm",
                        "registration", "parameter_file", "bin_widths"},
                       {}))
      return study;
    if (node["name"])
      study.name = read_text(node["name"], field.child("name"), problems_).value_or("");
    if (node["dose_bands_gy"])
      study.dose_bands = read_dose_bands(node["dose_bands_gy"], field.child("dose_bands_gy"));
    if (node["min_region_volume_cc"]) {
      const Field f = field.child("min_region_volume_cc");
      if (const auto v = read_number(node["min_region_volume_cc"], f, problems_)) {
        if (*v < 0 || std::isinf(*v))
          problems_.add(f, node["min_region_volume_cc"], "must be a finite number >= 0");
        else
          study.min_region_volume_cc = *v;
      }
    }
    if (node["marrow_erosion_mm"]) {
      const Field f = field.child("marrow_erosion_mm");
      if (const auto v = read_number(node["marrow_erosion_mm"], f, problems_)) {
        if (*v < 0 || std::isinf(*v))
          problems_.add(f, node["marrow_erosion_mm"], "must be a finite number >= 0");
        else
          study.marrow_erosion_mm = *v;
      }
    }
    if (node["registration"])
      study.registration = read_registration(node["registration"], field.child("registration"));
    if (node["parameter_file"])
      study.parameter_file =
          read_existing_path(node["parameter_file"], field.child("parameter_file"), false)
              .value_or("");
    if (node["bin_widths"])
      study.bin_widths = read_bin_widths(node["bin_widths"], field.child("bin_widths"));
    return study;
  }

  std::vector<DoseBand> read_dose_bands(const YAML::Node& node, const Field& field) {
    std::vector<DoseBand> bands;
    if (!node.IsSequence() || node.size() == 0) {
      problems_.add(field, node,
                    "expected a non-empty list of [lower, upper] pairs, found " + describe(node));
      return default_dose_bands();
    }
    bool all_read = true;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node pair = node[i];
      const Field f = field.item(i);
      if (!pair.IsSequence() || pair.size() != 2) {
        problems_.add(f, pair,
                      "expected [lower, upper] in Gy (upper null or .inf for an open band), "
                      "found " +
                          describe(pair));
        all_read = false;
        continue;
      }
      const auto lower = read_number(pair[0], f.item(0), problems_);
      std::optional<double> upper = std::numeric_limits<double>::infinity();
      if (!pair[1].IsNull()) upper = read_number(pair[1], f.item(1), problems_);
      if (!lower || !upper) {
        all_read = false;
        continue;
      }
      if (*lower < 0 || std::isinf(*lower)) {
        problems_.add(f, pair,
                      "lower bound " + format_number(*lower) + " Gy must be finite and >= 0");
        all_read = false;
      } else if (!(*upper > *lower)) {
        problems_.add(f, pair,
                      "upper bound " + format_number(*upper) + " Gy must exceed the lower bound " +
                          format_number(*lower) + " Gy");
        all_read = false;
      }
      bands.push_back({*lower, *upper});
    }
    if (!all_read) return bands;
    for (std::size_t i = 1; i < bands.size(); ++i) {
      if (bands[i].lower_gy < bands[i - 1].upper_gy)
        problems_.add(field.item(i), node[i],
                      "band " + bands[i].label() + " must start at or above the end of band " +
                          bands[i - 1].label() + " (bands are ascending and do not overlap)");
    }
    return bands;
  }

  ManifestRegistrationSettings read_registration(const YAML::Node& node, const Field& field) {
    ManifestRegistrationSettings registration;
    if (!check_mapping(node, field, problems_,
                       {"skip_same_frame_of_reference", "sampling_percent", "iterations", "seed",
                        "reference_sequence"},
                       {}))
      return registration;
    if (node["skip_same_frame_of_reference"])
      registration.skip_same_frame_of_reference =
          read_flag(node["skip_same_frame_of_reference"],
                    field.child("skip_same_frame_of_reference"), problems_)
              .value_or(registration.skip_same_frame_of_reference);
    if (node["sampling_percent"]) {
      const Field f = field.child("sampling_percent");
      if (const auto v = read_number(node["sampling_percent"], f, problems_)) {
        if (!(*v > 0 && *v <= 100))
          problems_.add(f, node["sampling_percent"], "must be in (0, 100]");
        else
          registration.sampling_percent = *v;
      }
    }
    if (node["iterations"]) {
      const Field f = field.child("iterations");
      if (const auto v = read_integer(node["iterations"], f, problems_)) {
        if (*v <= 0 || *v > 1000000)
          problems_.add(f, node["iterations"], "must be between 1 and 1000000");
        else
          registration.iterations = static_cast<int>(*v);
      }
    }
    if (node["seed"]) {
      const Field f = field.child("seed");
      if (const auto v = read_integer(node["seed"], f, problems_)) {
        if (*v < 0 || *v > 2147483647)
          problems_.add(f, node["seed"], "must be between 0 and 2147483647");
        else
          registration.seed = static_cast<int>(*v);
      }
    }
    if (node["reference_sequence"])
      registration.reference_sequence =
          read_text(node["reference_sequence"], field.child("reference_sequence"), problems_)
              .value_or(registration.reference_sequence);
    return registration;
  }

  std::vector<double> read_bin_widths(const YAML::Node& node, const Field& field) {
    std::vector<double> widths;
    if (!node.IsSequence() || node.size() == 0) {
      problems_.add(field, node,
                    "expected a non-empty list of bin widths, found " + describe(node));
      return {25.0};
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      const auto v = read_number(node[i], field.item(i), problems_);
      if (!v) continue;
      if (!(*v > 0) || std::isinf(*v))
        problems_.add(field.item(i), node[i], "a bin width must be a finite number > 0");
      else if (std::find(widths.begin(), widths.end(), *v) != widths.end())
        problems_.add(field.item(i), node[i], "bin width " + format_number(*v) + " given twice");
      else
        widths.push_back(*v);
    }
    return widths;
  }

  std::vector<PatientEntry> read_patients(const YAML::Node& node, const Field& field) {
    std::vector<PatientEntry> patients;
    if (!node.IsSequence() || node.size() == 0) {
      problems_.add(field, node, "expected a non-empty list of patients, found " + describe(node));
      return patients;
    }
    std::map<std::string, std::size_t> first_index_of_id;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::size_t problems_before = problems_.size();
      PatientEntry patient = read_patient(node[i], field.item(i));
      bool unique_id = false;
      if (!patient.id.empty()) {
        const auto [it, inserted] = first_index_of_id.emplace(patient.id, i);
        unique_id = inserted;
        if (!inserted)
          problems_.add(Field{field.item(i).child("id").path, patient.id}, node[i]["id"],
                        "id " + in_quotes(patient.id) + " is also patients[" +
                            std::to_string(it->second) + "]'s");
      }
      // Problems inside an entry with a usable id are that patient's alone.
      if (unique_id && problems_.size() > problems_before) {
        rejected_.push_back({patient.id, problems_.take_since(problems_before)});
        continue;
      }
      patients.push_back(std::move(patient));
      list_index_.push_back(i);
    }
    return patients;
  }

  PatientEntry read_patient(const YAML::Node& node, Field field) {
    PatientEntry patient;
    if (node.IsMap() && node["id"]) {
      patient.id = read_text(node["id"], field.child("id"), problems_).value_or("");
      field.patient_id = patient.id;
    }
    if (!check_mapping(node, field, problems_,
                       {"id", "planning_ct", "dose", "marrow_mask", "marrow_rtstruct", "mr",
                        "blood_counts", "clinical"},
                       {"id", "planning_ct", "dose", "mr"}))
      return patient;
    if (node["planning_ct"])
      patient.planning_ct = read_image(node["planning_ct"], field.child("planning_ct"));
    if (node["dose"]) patient.dose = read_image(node["dose"], field.child("dose"));
    const bool has_mask = static_cast<bool>(node["marrow_mask"]);
    const bool has_rtstruct = static_cast<bool>(node["marrow_rtstruct"]);
    if (has_mask && has_rtstruct) {
      problems_.add(field, node, "give marrow_mask or marrow_rtstruct, not both");
    } else if (has_mask) {
      patient.marrow.mask = read_image(node["marrow_mask"], field.child("marrow_mask"));
    } else if (has_rtstruct) {
      const YAML::Node rt = node["marrow_rtstruct"];
      const Field f = field.child("marrow_rtstruct");
      if (check_mapping(rt, f, problems_, {"path", "roi"}, {"path", "roi"})) {
        if (rt["path"])
          patient.marrow.rtstruct_path =
              read_existing_path(rt["path"], f.child("path"), false).value_or("");
        if (rt["roi"])
          patient.marrow.rtstruct_roi =
              read_text(rt["roi"], f.child("roi"), problems_).value_or("");
      }
    } else {
      problems_.add(field.child("marrow_mask"), "missing (give marrow_mask or marrow_rtstruct)");
    }
    if (node["mr"]) read_mr(node["mr"], field.child("mr"), patient);
    if (node["blood_counts"])
      patient.blood_counts = read_blood_counts(node["blood_counts"], field.child("blood_counts"));
    if (node["clinical"])
      patient.clinical = read_clinical(node["clinical"], field.child("clinical"));
    return patient;
  }

  void read_mr(const YAML::Node& node, const Field& field, PatientEntry& patient) {
    if (!check_mapping(node, field, problems_, {"pre", "post"}, {"pre", "post"})) return;
    if (node["pre"]) patient.mr_pre = read_sequences(node["pre"], field.child("pre"));
    if (node["post"]) patient.mr_post = read_sequences(node["post"], field.child("post"));
    if (!node["pre"] || !node["post"]) return;
    // Pre and post name the same sequences: a sequence on one side only is most often a typo.
    const auto report_unpaired = [&](const SequenceImages& side, const SequenceImages& other,
                                     const char* side_name, const char* other_name) {
      for (const auto& [name, image] : side) {
        if (other.count(name)) continue;
        std::vector<std::string> other_names;
        for (const auto& entry : other) other_names.push_back(entry.first);
        const std::string hint = closest_key(name, other_names);
        problems_.add(field.child(side_name).child(name),
                      "sequence " + in_quotes(name) + " has no " + other_name + " image" +
                          (hint.empty() ? "" : " (did you mean " + in_quotes(hint) + "?)"));
      }
    };
    report_unpaired(patient.mr_pre, patient.mr_post, "pre", "post");
    report_unpaired(patient.mr_post, patient.mr_pre, "post", "pre");
  }

  SequenceImages read_sequences(const YAML::Node& node, const Field& field) {
    SequenceImages sequences;
    if (!node.IsMap() || node.size() == 0) {
      problems_.add(field, node,
                    "expected a mapping of sequence name to image, found " + describe(node));
      return sequences;
    }
    for (const auto& entry : node) {
      const std::string name = entry.first.Scalar();
      if (name.empty()) {
        problems_.add(field, entry.first, "empty sequence name");
        continue;
      }
      if (sequences.count(name)) {
        problems_.add(field.child(name), entry.first, "sequence given twice");
        continue;
      }
      sequences[name] = read_image(entry.second, field.child(name));
    }
    return sequences;
  }

  ClinicalData read_clinical(const YAML::Node& node, const Field& field) {
    ClinicalData clinical;
    if (!check_mapping(node, field, problems_, {"age_years", "prescription_dose_gy", "fractions"},
                       {}))
      return clinical;
    const auto in_range = [&](const char* key, double low, bool low_open, double high,
                              const char* range) -> std::optional<double> {
      if (!node[key] || node[key].IsNull()) return std::nullopt;
      const auto v = read_number(node[key], field.child(key), problems_);
      if (!v) return std::nullopt;
      if (!(low_open ? *v > low : *v >= low) || !(*v <= high)) {
        problems_.add(field.child(key), node[key], std::string("must be in ") + range);
        return std::nullopt;
      }
      return v;
    };
    clinical.age_years = in_range("age_years", 0, false, 130, "[0, 130]");
    clinical.prescription_dose_gy = in_range("prescription_dose_gy", 0, true, 200, "(0, 200]");
    if (node["fractions"] && !node["fractions"].IsNull()) {
      const auto v = read_integer(node["fractions"], field.child("fractions"), problems_);
      if (v && (*v < 1 || *v > 100))
        problems_.add(field.child("fractions"), node["fractions"], "must be in [1, 100]");
      else if (v)
        clinical.fractions = static_cast<int>(*v);
    }
    return clinical;
  }

  std::optional<BloodCounts> read_blood_counts(const YAML::Node& node, const Field& field) {
    BloodCounts counts;
    std::vector<std::string> names(BloodCounts::names().begin(), BloodCounts::names().end());
    if (!check_mapping(node, field, problems_, names, {})) return std::nullopt;
    for (const std::string& name : names) {
      if (!node[name]) continue;
      const YAML::Node series = node[name];
      const Field f = field.child(name);
      if (!check_mapping(series, f, problems_, {"pre", "mid", "end", "one_month"}, {})) continue;
      BloodCountSeries& out = *counts.find(name);
      const std::pair<const char*, std::optional<double>*> points[] = {
          {"pre", &out.pre}, {"mid", &out.mid}, {"end", &out.end}, {"one_month", &out.one_month}};
      for (const auto& [key, target] : points) {
        if (!series[key] || series[key].IsNull()) continue;  // not measured
        const auto v = read_number(series[key], f.child(key), problems_);
        if (!v) continue;
        if (!(*v >= 0) || std::isinf(*v))
          problems_.add(f.child(key), series[key], "a count must be a finite number >= 0");
        else
          *target = *v;
      }
    }
    return counts;
  }

  // Every patient has the registration reference (pre-RT image of reference_sequence); one
  // without it is rejected.
  void check_reference_sequence(CohortManifest& manifest) {
    const std::string& reference = manifest.study.registration.reference_sequence;
    std::vector<PatientEntry> accepted;
    for (std::size_t i = 0; i < manifest.patients.size(); ++i) {
      PatientEntry& patient = manifest.patients[i];
      if (patient.mr_pre.empty() || patient.mr_pre.count(reference)) {
        accepted.push_back(std::move(patient));
        continue;
      }
      const std::size_t problems_before = problems_.size();
      problems_.add(
          Field{"patients[" + std::to_string(list_index_[i]) + "].mr.pre", patient.id},
          "no " + in_quotes(reference) +
              " image, the registration reference (study.registration.reference_sequence)");
      rejected_.push_back({patient.id, problems_.take_since(problems_before)});
    }
    manifest.patients = std::move(accepted);
  }

  fs::path base_dir_;
  Problems& problems_;
  std::vector<RejectedPatient> rejected_;
  std::vector<std::size_t> list_index_;  // each read patient's position in the manifest's list
};

// ---- Writing ---------------------------------------------------------------------------------

class ManifestWriter {
 public:
  explicit ManifestWriter(fs::path base_dir) : base_dir_(std::move(base_dir)) {}

  std::string write(const CohortManifest& manifest) {
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << kCohortManifestVersion;
    write_study(out, manifest.study);
    out << YAML::Key << "patients" << YAML::Value << YAML::BeginSeq;
    for (const PatientEntry& patient : manifest.patients) write_patient(out, patient);
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  }

 private:
  // `path` relative to the manifest's folder when it lies below a common root; else as it is.
  std::string relative(const std::string& path) const {
    if (path.empty()) return path;
    const fs::path absolute = fs::path(path).lexically_normal();
    if (absolute.is_relative()) return absolute.string();
    const fs::path rel = absolute.lexically_relative(base_dir_);
    if (rel.empty()) return absolute.string();
    // Climbing to the file-system root is not a useful relative path.
    std::size_t climbs = 0;
    for (const auto& part : rel)
      if (part == "..") ++climbs;
    std::size_t depth = 0;
    for (const auto& part : base_dir_.relative_path()) {
      (void)part;
      ++depth;
    }
    return climbs >= depth && depth > 0 ? absolute.string() : rel.string();
  }

  void write_image(YAML::Emitter& out, const ImageEntry& image) const {
    if (image.frame_of_reference_uid.empty()) {
      out << relative(image.path);
      return;
    }
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "path" << YAML::Value << relative(image.path);
    out << YAML::Key << "frame_of_reference_uid" << YAML::Value << YAML::DoubleQuoted
        << image.frame_of_reference_uid;
    out << YAML::EndMap;
  }

  void write_study(YAML::Emitter& out, const StudySettings& study) const {
    out << YAML::Key << "study" << YAML::Value << YAML::BeginMap;
    if (!study.name.empty()) out << YAML::Key << "name" << YAML::Value << study.name;
    out << YAML::Key << "dose_bands_gy" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const DoseBand& band : study.dose_bands) {
      out << YAML::Flow << YAML::BeginSeq << number(band.lower_gy) << number(band.upper_gy)
          << YAML::EndSeq;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "min_region_volume_cc" << YAML::Value << number(study.min_region_volume_cc);
    out << YAML::Key << "marrow_erosion_mm" << YAML::Value << number(study.marrow_erosion_mm);
    const ManifestRegistrationSettings& r = study.registration;
    out << YAML::Key << "registration" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "reference_sequence" << YAML::Value << r.reference_sequence;
    out << YAML::Key << "skip_same_frame_of_reference" << YAML::Value << YAML::TrueFalseBool
        << r.skip_same_frame_of_reference;
    out << YAML::Key << "sampling_percent" << YAML::Value << number(r.sampling_percent);
    out << YAML::Key << "iterations" << YAML::Value << r.iterations;
    out << YAML::Key << "seed" << YAML::Value << r.seed;
    out << YAML::EndMap;
    if (!study.parameter_file.empty())
      out << YAML::Key << "parameter_file" << YAML::Value << relative(study.parameter_file);
    out << YAML::Key << "bin_widths" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (double width : study.bin_widths) out << number(width);
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }

  void write_patient(YAML::Emitter& out, const PatientEntry& patient) const {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << patient.id;
    out << YAML::Key << "planning_ct" << YAML::Value;
    write_image(out, patient.planning_ct);
    out << YAML::Key << "dose" << YAML::Value;
    write_image(out, patient.dose);
    if (patient.marrow.is_rtstruct()) {
      out << YAML::Key << "marrow_rtstruct" << YAML::Value << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "path" << YAML::Value << relative(patient.marrow.rtstruct_path);
      out << YAML::Key << "roi" << YAML::Value << patient.marrow.rtstruct_roi;
      out << YAML::EndMap;
    } else {
      out << YAML::Key << "marrow_mask" << YAML::Value;
      write_image(out, patient.marrow.mask);
    }
    out << YAML::Key << "mr" << YAML::Value << YAML::BeginMap;
    for (const auto& [time_point, images] :
         {std::pair<const char*, const SequenceImages*>{"pre", &patient.mr_pre},
          std::pair<const char*, const SequenceImages*>{"post", &patient.mr_post}}) {
      out << YAML::Key << time_point << YAML::Value << YAML::BeginMap;
      for (const auto& [sequence, image] : *images) {
        out << YAML::Key << sequence << YAML::Value;
        write_image(out, image);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
    if (patient.blood_counts) {
      out << YAML::Key << "blood_counts" << YAML::Value << YAML::BeginMap;
      for (const char* name : BloodCounts::names()) {
        const BloodCountSeries& series = *patient.blood_counts->find(name);
        if (!series.pre && !series.mid && !series.end && !series.one_month) continue;
        out << YAML::Key << name << YAML::Value << YAML::Flow << YAML::BeginMap;
        const std::pair<const char*, const std::optional<double>*> points[] = {
            {"pre", &series.pre},
            {"mid", &series.mid},
            {"end", &series.end},
            {"one_month", &series.one_month}};
        for (const auto& [key, value] : points)
          if (*value) out << YAML::Key << key << YAML::Value << number(**value);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    const ClinicalData& clinical = patient.clinical;
    if (clinical.age_years || clinical.prescription_dose_gy || clinical.fractions) {
      out << YAML::Key << "clinical" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (clinical.age_years)
        out << YAML::Key << "age_years" << YAML::Value << number(*clinical.age_years);
      if (clinical.prescription_dose_gy)
        out << YAML::Key << "prescription_dose_gy" << YAML::Value
            << number(*clinical.prescription_dose_gy);
      if (clinical.fractions) out << YAML::Key << "fractions" << YAML::Value << *clinical.fractions;
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }

  // A number as a plain YAML scalar, shortest round-trip text.
  static std::string number(double value) { return format_number(value); }

  fs::path base_dir_;
};

}  // namespace

std::string DoseBand::label() const {
  if (std::isinf(upper_gy)) return ">=" + format_number(lower_gy) + "Gy";
  return format_number(lower_gy) + "-" + format_number(upper_gy) + "Gy";
}

std::vector<DoseBand> default_dose_bands() {
  return {{5, 10},
          {10, 15},
          {15, 20},
          {20, 30},
          {30, 40},
          {40, 50},
          {50, std::numeric_limits<double>::infinity()}};
}

bool ManifestRegistrationSettings::operator==(const ManifestRegistrationSettings& other) const {
  return skip_same_frame_of_reference == other.skip_same_frame_of_reference &&
         sampling_percent == other.sampling_percent && iterations == other.iterations &&
         seed == other.seed && reference_sequence == other.reference_sequence;
}

bool StudySettings::operator==(const StudySettings& other) const {
  return name == other.name && dose_bands == other.dose_bands &&
         min_region_volume_cc == other.min_region_volume_cc &&
         marrow_erosion_mm == other.marrow_erosion_mm && registration == other.registration &&
         parameter_file == other.parameter_file && bin_widths == other.bin_widths;
}

bool PatientEntry::operator==(const PatientEntry& other) const {
  return id == other.id && planning_ct == other.planning_ct && dose == other.dose &&
         marrow == other.marrow && mr_pre == other.mr_pre && mr_post == other.mr_post &&
         blood_counts == other.blood_counts && clinical == other.clinical;
}

const std::array<const char*, 5>& BloodCounts::names() {
  static const std::array<const char*, 5> kNames = {"WBC", "ANC", "ALC", "PLT", "HGB"};
  return kNames;
}

BloodCountSeries* BloodCounts::find(const std::string& name) {
  if (name == "WBC") return &wbc;
  if (name == "ANC") return &anc;
  if (name == "ALC") return &alc;
  if (name == "PLT") return &plt;
  if (name == "HGB") return &hgb;
  return nullptr;
}

const BloodCountSeries* BloodCounts::find(const std::string& name) const {
  return const_cast<BloodCounts*>(this)->find(name);
}

CohortManifestReading read_cohort_manifest_for_run(const std::string& path) {
  const std::string origin = "cohort manifest " + in_quotes(path);
  std::error_code error;
  if (!fs::is_regular_file(path, error)) throw InputError(origin + ": file not found");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::ParserException& e) {
    throw InputError(origin + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) +
                     ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const YAML::Exception& e) {
    throw InputError(origin + ": cannot read: " + e.what());
  }
  Problems problems;
  ManifestReader reader(fs::absolute(path).parent_path(), problems);
  CohortManifestReading reading;
  reading.manifest = reader.read(root);
  reading.rejected = std::move(reader.rejected());
  if (!problems.empty()) {
    // Every problem at once, the rejected patients' too.
    std::vector<std::string> all = problems.list();
    for (const RejectedPatient& patient : reading.rejected)
      all.insert(all.end(), patient.problems.begin(), patient.problems.end());
    throw InputError(problems_message(origin, all));
  }
  reading.manifest.source_path = fs::absolute(path).lexically_normal().string();
  return reading;
}

CohortManifest read_cohort_manifest(const std::string& path) {
  CohortManifestReading reading = read_cohort_manifest_for_run(path);
  if (!reading.rejected.empty()) {
    std::vector<std::string> all;
    for (const RejectedPatient& patient : reading.rejected)
      all.insert(all.end(), patient.problems.begin(), patient.problems.end());
    throw InputError(problems_message("cohort manifest " + in_quotes(path), all));
  }
  return std::move(reading.manifest);
}

void write_cohort_manifest(const CohortManifest& manifest, const std::string& path) {
  const fs::path base_dir = fs::absolute(path).lexically_normal().parent_path();
  const std::string text = ManifestWriter(base_dir).write(manifest);
  std::ofstream file(path, std::ios::binary);
  file << "# doseomics cohort manifest (docs/cohort-manifest.md); paths relative to this file\n"
       << text;
  file.close();
  if (!file) throw InputError("cohort manifest " + in_quotes(path) + ": cannot write the file");
}

}  // namespace doseomics
