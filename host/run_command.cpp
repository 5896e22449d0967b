#include "host/run_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "host/cohort_inputs.hpp"
#include "host/dose_bands.hpp"
#include "host/registration.hpp"
#include "host/resample.hpp"
#include "io/cohort_manifest.hpp"
#include "io/parameters.hpp"
#include "io/result_store.hpp"
#include "kernels/backend_factory.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

namespace fs = std::filesystem;

using ImageKey = std::pair<std::string, std::string>;  // (sequence, timepoint)

// One MR image as acquired, and the dose-band regions carried onto its grid (band order).
struct MrOnOwnGrid {
  FloatImage3D::Pointer image;
  std::vector<BandRegion> bands;
};

// Everything about one patient that is ready for the engine and the store.
struct PreparedPatient {
  std::vector<ImageRecord> images;
  std::vector<RegistrationRecord> registrations;
  std::vector<BandRegion> bands;
  std::vector<DoseVolumeCurvePoint> dose_volume;
  std::map<ImageKey, MrOnOwnGrid> mr;  // every MR with the bands carried onto its grid
};

ImageRecord image_record(const std::string& patient, const std::string& role,
                         const std::string& sequence, const std::string& timepoint,
                         const std::string& path, const itk::ImageBase<3>* image) {
  ImageRecord record{patient, role, sequence, timepoint, path, "", "", "", ""};
  const auto size = image->GetLargestPossibleRegion().GetSize();
  record.size =
      integer_tuple_text({static_cast<long long>(size[0]), static_cast<long long>(size[1]),
                          static_cast<long long>(size[2])});
  record.spacing_mm =
      tuple_text({image->GetSpacing()[0], image->GetSpacing()[1], image->GetSpacing()[2]});
  record.origin_mm =
      tuple_text({image->GetOrigin()[0], image->GetOrigin()[1], image->GetOrigin()[2]});
  std::vector<double> direction;
  for (unsigned r = 0; r < 3; ++r)
    for (unsigned c = 0; c < 3; ++c) direction.push_back(image->GetDirection()[r][c]);
  record.direction = tuple_text(direction);
  return record;
}

RegistrationOptions registration_options(const ManifestRegistrationSettings& settings) {
  RegistrationOptions options;
  options.sampling_fraction = settings.sampling_percent / 100.0;
  options.iterations_per_level = settings.iterations;
  options.random_seed = settings.seed;
  // One work unit: the same seed gives the same transform bit for bit, so a resumed run that has
  // to register again stores exactly what an uninterrupted run stores.
  options.metric_work_units = 1;
  return options;
}

// The transform mapping reference-grid points to `moving` points: stored, skipped (same frame of
// reference) or registered now.
RegistrationRecord align(
    const std::string& patient, const FloatImage3D* reference, const std::string& reference_frame,
    const MaskImage3D* reference_body, const FloatImage3D* moving, const std::string& moving_frame,
    const std::string& moving_sequence, const std::string& moving_timepoint,
    const std::string& fixed_sequence, const StudySettings& study,
    const std::map<std::pair<std::string, std::string>, RegistrationRecord>& stored) {
  const auto known = stored.find({moving_sequence, moving_timepoint});
  if (known != stored.end() && known->second.status == "ok") return known->second;
  RegistrationRecord record;
  record.patient_id = patient;
  record.moving_sequence = moving_sequence;
  record.moving_timepoint = moving_timepoint;
  record.fixed_sequence = fixed_sequence;
  record.fixed_timepoint = "pre";
  RegistrationResult result;
  if (study.registration.skip_same_frame_of_reference &&
      same_frame_of_reference(reference_frame, moving_frame))
    result = skip_registration_same_frame(reference, moving);
  else
    result =
        register_rigid(reference, moving, registration_options(study.registration), reference_body);
  if (!result.improved_on_start) {
    char why[256];
    std::snprintf(why, sizeof why,
                  "registering %s%s%s to the reference diverged in %d attempts (normalised mutual "
                  "information %.4f at the start, %.4f after)",
                  moving_sequence.c_str(), moving_timepoint.empty() ? "" : " ",
                  moving_timepoint.c_str(), result.attempts,
                  result.start_quality.normalised_mutual_information,
                  result.quality.normalised_mutual_information);
    throw InputError("patient " + patient + ": " + why);
  }
  record.method = result.method;
  record.transform = result.transform.to_string();
  record.final_metric = result.final_metric_value;
  record.quality_metric = result.quality.normalised_mutual_information;
  return record;
}

// Which image of an acquisition is registered: the one that looks most like the reference (highest
// normalised mutual information over the reference's body, in the scanner frames as they are).
// Measured on synthetic IDEAL-IQ against T2fs: WATER every time, with errors about half those of
// FAT (benchmarks/RESULTS.md).
ImageKey registration_image(const std::vector<ImageKey>& keys,
                            const std::map<ImageKey, FloatImage3D::Pointer>& images,
                            const FloatImage3D* reference, const MaskImage3D* reference_body) {
  ImageKey best = keys.front();
  if (keys.size() == 1) return best;
  double best_similarity = -1.0;
  for (const ImageKey& key : keys) {
    const double similarity =
        measure_alignment(reference, images.at(key), RigidTransform::identity(), reference_body)
            .normalised_mutual_information;
    if (similarity > best_similarity) {
      best_similarity = similarity;
      best = key;
    }
  }
  return best;
}

// Read and register one patient, cut its bands on the reference grid and carry them onto every
// MR image's own grid. Runs on a worker thread; touches no store. Throws InputError (naming the
// patient) for bad input.
PreparedPatient prepare_patient(
    const PatientEntry& patient, const StudySettings& study,
    const std::map<std::pair<std::string, std::string>, RegistrationRecord>& stored) {
  PatientImages images = read_patient_images(patient);
  PreparedPatient prepared;
  const std::string& reference_sequence = study.registration.reference_sequence;
  const auto reference_entry = patient.mr_pre.find(reference_sequence);
  if (reference_entry == patient.mr_pre.end())
    throw InputError("patient " + patient.id + ": no pre-treatment '" + reference_sequence +
                     "' image, the registration reference");
  const FloatImage3D* reference = images.mr.at({reference_sequence, "pre"});
  const std::string& reference_frame = reference_entry->second.frame_of_reference_uid;
  // Air carries no anatomy: the metric samples the reference's body only (accuracy measured with
  // it: io/cohort_manifest.hpp, sampling_percent).
  const MaskImage3D::Pointer reference_body = body_mask(reference);

  prepared.images.push_back(
      image_record(patient.id, "CT", "", "", patient.planning_ct.path, images.planning_ct));
  prepared.images.push_back(
      image_record(patient.id, "dose", "", "", patient.dose.path, images.dose_gy));
  prepared.images.push_back(image_record(
      patient.id, "marrow", "", "",
      patient.marrow.is_rtstruct() ? patient.marrow.rtstruct_path : patient.marrow.mask.path,
      images.marrow));

  // CT frame (CT, dose, marrow) onto the reference MR.
  RegistrationRecord ct =
      align(patient.id, reference, reference_frame, reference_body, images.planning_ct,
            images.ct_frame_of_reference, "CT", "", reference_sequence, study, stored);
  prepared.registrations.push_back(ct);
  const RigidTransform reference_to_ct = RigidTransform::from_string(ct.transform);
  FloatImage3D::Pointer dose = resample_dose_onto_grid(images.dose_gy, reference, reference_to_ct);
  MaskImage3D::Pointer marrow = resample_mask_onto_grid(images.marrow, reference, reference_to_ct);
  marrow = erode_mask(marrow, study.marrow_erosion_mm);
  const MaskImage3D::Pointer band_labels = band_label_map(marrow, dose, study.dose_bands);
  prepared.bands = regions_from_label_map(band_labels, study.dose_bands);
  prepared.dose_volume = cumulative_dose_volume(marrow, dose);

  // The MR images by acquisition: images that share a frame of reference (e.g. the four IDEAL-IQ
  // maps) share one registration. An image without a frame UID is an acquisition of its own.
  std::map<std::string, std::vector<ImageKey>> acquisitions;
  for (const auto& [key, image] : images.mr) {
    const auto& [sequence, timepoint] = key;
    const SequenceImages& entries = timepoint == "pre" ? patient.mr_pre : patient.mr_post;
    prepared.images.push_back(
        image_record(patient.id, "MR", sequence, timepoint, entries.at(sequence).path, image));
    if (sequence == reference_sequence && timepoint == "pre") {
      prepared.mr[key] = {image, prepared.bands};
      continue;
    }
    const std::string& frame = entries.at(sequence).frame_of_reference_uid;
    acquisitions[frame.empty() ? "image " + sequence + " " + timepoint : "frame " + frame]
        .push_back(key);
  }
  for (const auto& [acquisition, keys] : acquisitions) {
    const ImageKey registered = registration_image(keys, images.mr, reference, reference_body);
    const auto& entries = registered.second == "pre" ? patient.mr_pre : patient.mr_post;
    const RegistrationRecord record =
        align(patient.id, reference, reference_frame, reference_body, images.mr.at(registered),
              entries.at(registered.first).frame_of_reference_uid, registered.first,
              registered.second, reference_sequence, study, stored);
    const RigidTransform reference_to_mr = RigidTransform::from_string(record.transform);
    for (const ImageKey& key : keys) {
      RegistrationRecord copy = record;
      if (key != registered) {
        copy.moving_sequence = key.first;
        copy.moving_timepoint = key.second;
        copy.method = "same frame of reference as " + registered.first + " " + registered.second;
      }
      prepared.registrations.push_back(std::move(copy));
      const FloatImage3D::Pointer& image = images.mr.at(key);
      prepared.mr[key] = {
          image, transfer_band_regions(band_labels, study.dose_bands, image, reference_to_mr)};
    }
  }
  return prepared;
}

// Progress on a terminal as one rewritten line; plain lines otherwise.
class Progress {
 public:
  Progress(std::ostream& err, std::size_t patients)
      : err_(err),
        patients_(patients),
        terminal_(isatty(STDERR_FILENO) != 0),
        start_(std::chrono::steady_clock::now()) {}

  void patient_done(std::size_t done, const std::string& patient, const std::string& status,
                    std::size_t regions) {
    regions_ += regions;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double per_patient = done ? seconds / static_cast<double>(done) : 0.0;
    const double left = per_patient * static_cast<double>(patients_ - done);
    char line[256];
    std::snprintf(line, sizeof line, "[%zu/%zu] %s %s | %.1f regions/s | %.0f s left", done,
                  patients_, patient.c_str(), status.c_str(),
                  seconds > 0 ? static_cast<double>(regions_) / seconds : 0.0, left);
    if (terminal_)
      err_ << '\r' << line << "\x1b[K" << (done == patients_ ? "\n" : "") << std::flush;
    else
      err_ << line << '\n';
  }

 private:
  std::ostream& err_;
  std::size_t patients_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::size_t regions_ = 0;
};

// Every unit (sequence x timepoint x setting) of a patient, and whether the store has them all.
std::vector<UnitKey> patient_units(const PatientEntry& patient, std::size_t setting_count) {
  std::vector<UnitKey> units;
  for (const auto* entries : {&patient.mr_pre, &patient.mr_post})
    for (const auto& [sequence, entry] : *entries)
      for (std::size_t s = 0; s < setting_count; ++s)
        units.push_back({patient.id, sequence, entries == &patient.mr_pre ? "pre" : "post",
                         static_cast<int>(s)});
  return units;
}

}  // namespace

int run_cohort(const RunOptions& options, std::ostream& out, std::ostream& err) {
  const char* prefix = "doseomics run: ";
  CohortManifest manifest;
  std::vector<RejectedPatient> rejected;  // manifest entries with problems: recorded as failed
  std::vector<Settings> settings;
  FeatureSelection features;
  std::unique_ptr<Backend> backend;
  std::optional<ResultStore> store;
  std::int64_t run_id = 0;
  try {
    CohortManifestReading reading = read_cohort_manifest_for_run(options.cohort_path);
    manifest = std::move(reading.manifest);
    rejected = std::move(reading.rejected);
    ExtractionParameters parameters = manifest.study.parameter_file.empty()
                                          ? default_parameters()
                                          : read_parameter_file(manifest.study.parameter_file);
    settings = expand_bin_widths(parameters.settings, manifest.study.bin_widths);
    features = parameters.features;
    backend = make_backend(options.backend, static_cast<unsigned>(options.jobs));
    fs::create_directories(options.out_dir);
    store.emplace(store_path(options.out_dir));
    for (std::size_t s = 0; s < settings.size(); ++s)
      store->upsert_setting(static_cast<int>(s), settings[s]);
    run_id = store->begin_run(options.command_line, "0.1.0");
  } catch (const std::exception& e) {
    err << prefix << "error: " << e.what() << '\n';
    return 1;
  }

  // Stored registrations, so a resumed run reuses transforms instead of registering again.
  std::map<std::string, std::map<std::pair<std::string, std::string>, RegistrationRecord>> stored;
  for (const RegistrationRecord& r : store->registrations())
    stored[r.patient_id][{r.moving_sequence, r.moving_timepoint}] = r;
  const std::set<UnitKey> completed = store->completed_units();

  const StudySettings& study = manifest.study;
  const std::size_t patient_count = manifest.patients.size() + rejected.size();
  auto pending = [&](const PatientEntry& patient) {
    const auto record = store->patient(patient.id);
    if (!record || record->status != "ok") return true;
    for (const UnitKey& unit : patient_units(patient, settings.size()))
      if (!completed.count(unit)) return true;
    return false;
  };
  auto launch = [&](std::size_t index) {
    const PatientEntry& patient = manifest.patients[index];
    return std::async(std::launch::async, [&patient, &study, known = stored[patient.id]]() {
      return prepare_patient(patient, study, known);
    });
  };

  Progress progress(err, patient_count);
  std::size_t failed = 0, regions_stored = 0, excluded = 0, skipped = 0;
  std::vector<std::size_t> work;
  for (std::size_t p = 0; p < manifest.patients.size(); ++p) {
    if (pending(manifest.patients[p]))
      work.push_back(p);
    else
      ++skipped;
  }
  // Reading and registration of the next patients overlap extraction of this one. Each
  // registration runs on one thread (bit-reproducible), so one patient is prepared per core.
  const std::size_t in_flight = std::max(1u, std::thread::hardware_concurrency());
  std::deque<std::future<PreparedPatient>> upcoming;
  std::size_t launched = 0;
  auto top_up = [&]() {
    while (launched < work.size() && upcoming.size() < in_flight)
      upcoming.push_back(launch(work[launched++]));
  };
  top_up();
  std::size_t done = skipped;
  // Patients whose manifest entries have problems: recorded, every problem named, and left out.
  for (const RejectedPatient& patient : rejected) {
    std::string why = "the cohort manifest's entry has problems:";
    for (const std::string& problem : patient.problems) why += "\n  " + problem;
    ++failed;
    store->record_patient_failure(patient.id, why);
    err << prefix << "patient " << patient.id << " failed: " << why << '\n';
    progress.patient_done(++done, patient.id, "FAILED", 0);
  }
  for (std::size_t w = 0; w < work.size(); ++w) {
    const PatientEntry& patient = manifest.patients[work[w]];
    std::future<PreparedPatient> current = std::move(upcoming.front());
    upcoming.pop_front();
    top_up();
    std::size_t patient_regions = 0;
    try {
      PreparedPatient prepared = current.get();
      {
        Transaction transaction(*store);
        store->upsert_patient(PatientRecord{patient.id, "pending", "", patient.clinical.age_years,
                                            patient.clinical.prescription_dose_gy,
                                            patient.clinical.fractions});
        for (const ImageRecord& image : prepared.images) store->upsert_image(image);
        for (const RegistrationRecord& registration : prepared.registrations)
          store->upsert_registration(registration);
        for (const BandRegion& band : prepared.bands) {
          RegionRecord region{patient.id,
                              band.band_index,
                              band.band.lower_gy,
                              band.band.upper_gy,
                              band.volume_cc,
                              band.voxel_count,
                              "ok",
                              ""};
          if (band.voxel_count == 0) {
            region.status = "excluded";
            region.error = "no marrow voxel receives " + band.band.label();
          } else if (band.volume_cc < study.min_region_volume_cc) {
            region.status = "excluded";
            char why[128];
            std::snprintf(why, sizeof why, "volume %.3f cc is below the minimum %.3f cc",
                          band.volume_cc, study.min_region_volume_cc);
            region.error = why;
          }
          store->upsert_region(region);
        }
        for (const DoseVolumeCurvePoint& point : prepared.dose_volume)
          store->upsert_dose_volume({patient.id, point.dose_gy, point.volume_percent});
        if (patient.blood_counts)
          for (const char* name : BloodCounts::names()) {
            const BloodCountSeries* series = patient.blood_counts->find(name);
            const std::pair<const char*, std::optional<double>> timepoints[] = {
                {"pre", series->pre},
                {"mid", series->mid},
                {"end", series->end},
                {"one_month", series->one_month}};
            for (const auto& [timepoint, value] : timepoints)
              if (value) store->upsert_blood_count({patient.id, name, timepoint, *value});
          }
        transaction.commit();
      }

      // Which bands are measured is decided on the reference grid, where they were drawn.
      std::vector<bool> measured(prepared.bands.size(), false);
      for (const BandRegion& band : prepared.bands) {
        measured[band.band_index] =
            band.volume_cc >= study.min_region_volume_cc && band.voxel_count > 0;
        if (!measured[band.band_index]) ++excluded;
      }
      for (const auto& [key, mr] : prepared.mr) {
        const auto& [sequence, timepoint] = key;
        std::vector<std::size_t> missing;
        for (std::size_t s = 0; s < settings.size(); ++s)
          if (!completed.count({patient.id, sequence, timepoint, static_cast<int>(s)}))
            missing.push_back(s);
        if (missing.empty()) continue;
        std::vector<BandRegion> included;
        for (const BandRegion& band : mr.bands)
          if (measured[band.band_index]) included.push_back(band);
        RoiBatch batch;
        const std::string image_name = patient.id + " " + sequence + " " + timepoint;
        const std::vector<int> index = add_band_regions(batch, mr.image, included, image_name);
        const FeatureTable table = backend->extract(batch, settings, features);
        const std::vector<std::string> names = table.column_names();
        for (std::size_t s : missing) {
          std::vector<BandFeature> values;
          for (std::size_t r = 0; r < included.size(); ++r) {
            if (index[r] < 0) {
              if (s == missing.front())
                err << prefix << "warning: patient " << image_name << " band "
                    << included[r].band.label()
                    << ": no voxel of the region falls on this image's grid\n";
              continue;
            }
            const auto region = static_cast<std::size_t>(index[r]);
            if (!table.errors[table.cell(region, s)].empty())
              err << prefix << "warning: patient " << image_name << " band "
                  << included[r].band.label() << ": " << table.errors[table.cell(region, s)]
                  << '\n';
            for (std::size_t c = 0; c < table.column_count(); ++c)
              values.push_back({included[r].band_index, names[c], table.at(region, s, c)});
          }
          store->store_unit({patient.id, sequence, timepoint, static_cast<int>(s)}, values);
        }
        patient_regions += included.size();
      }
      store->set_patient_status(patient.id, "ok");
      regions_stored += patient_regions;
      progress.patient_done(++done, patient.id, "ok", patient_regions);
    } catch (const StoreError&) {
      throw;  // the store itself failed: stop rather than record it against a patient
    } catch (const std::exception& e) {
      ++failed;
      store->record_patient_failure(patient.id, e.what());
      err << prefix << "patient " << patient.id << " failed: " << e.what() << '\n';
      progress.patient_done(++done, patient.id, "FAILED", 0);
    }
  }

  store->export_features_csv((fs::path(options.out_dir) / "features.csv").string());
  store->finish_run(run_id, failed ? "failed" : "finished");
  out << "doseomics run: " << patient_count << " patients (" << skipped << " already stored, "
      << failed << " failed), " << regions_stored << " region extractions stored, " << excluded
      << " bands excluded; results in " << store_path(options.out_dir) << " and "
      << (fs::path(options.out_dir) / "features.csv").string() << '\n';
  return failed ? 2 : 0;
}

}  // namespace doseomics
