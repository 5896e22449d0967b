// The synthetic cohort (host/synth.hpp): every file written and named by a manifest that
// validates, determinism from the seed, dose bands populated in the marrow, the planted MR
// transforms' convention, and the planted post-RT change visible in the images.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <itkImageFileReader.h>
#include <itkImageRegionConstIteratorWithIndex.h>
#include <nlohmann/json.hpp>

#include "host/registration.hpp"
#include "host/resample.hpp"
#include "host/synth.hpp"
#include "io/cohort_manifest.hpp"
#include "io/parameters.hpp"

using namespace doseomics;
namespace fs = std::filesystem;

namespace {

constexpr unsigned kSeed = 20221149;  // the seed paper's BMC Cancer page, any fixed number does
constexpr int kPatients = 2;
// A band counts as populated from this much marrow (the study's minimum region volume).
constexpr double kMinBandVolumeCc = 0.5;
// Band volumes recounted here vs truth.json: the same voxels summed in another order.
constexpr double kVolumeToleranceCc = 1e-6;
// Mean FatFrac change (percentage points of percent change) measured in the noisy images through
// the planted transforms vs the noise-free truth: noise, partial volume at the marrow's edge and
// nearest-neighbour mask resampling.
constexpr double kMeanChangeTolerancePercent = 6.0;

// A fresh folder under the system temp dir, removed at the end of the test.
struct SynthTempDir {
  fs::path path;
  SynthTempDir() {
    std::mt19937_64 random(std::random_device{}() ^
                           std::chrono::steady_clock::now().time_since_epoch().count());
    path = fs::temp_directory_path() / ("doseomics_synth_" + std::to_string(random()));
    fs::create_directories(path);
  }
  ~SynthTempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

void synthesise(const fs::path& dir, unsigned seed, int patients = kPatients) {
  SynthOptions options;
  options.patients = patients;
  options.seed = seed;
  options.out_dir = dir.string();
  synthesise_cohort(options);
}

std::string file_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

nlohmann::json read_truth(const fs::path& dir) {
  return nlohmann::json::parse(file_bytes(dir / "truth.json"));
}

template <typename ImageType>
typename ImageType::Pointer read_image(const fs::path& path) {
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetFileName(path.string());
  reader->Update();
  return reader->GetOutput();
}

template <typename ImageType>
std::vector<double> voxels(const ImageType* image) {
  std::vector<double> values;
  itk::ImageRegionConstIteratorWithIndex<ImageType> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) values.push_back(it.Get());
  return values;
}

RigidTransform transform_from_truth(const nlohmann::json& t) {
  const auto p = t.at("itk_affine_parameters").get<std::vector<double>>();
  const auto c = t.at("itk_fixed_parameters").get<std::vector<double>>();
  std::array<double, 12> parameters;
  std::copy(p.begin(), p.end(), parameters.begin());
  return RigidTransform::from_parameters(parameters, {c[0], c[1], c[2]});
}

double voxel_volume_cc(const itk::ImageBase<3>* image) {
  const auto s = image->GetSpacing();
  return s[0] * s[1] * s[2] / 1000.0;
}

}  // namespace

TEST_CASE("A synthetic cohort writes every file its manifest names, and the manifest validates",
          "[synth]") {
  SynthTempDir dir;
  synthesise(dir.path, kSeed);

  CHECK(fs::is_regular_file(dir.path / "truth.json"));
  CHECK(fs::is_regular_file(dir.path / "params.yaml"));
  const CohortManifest manifest = read_cohort_manifest((dir.path / "cohort.yaml").string());
  REQUIRE(manifest.patients.size() == static_cast<std::size_t>(kPatients));
  CHECK(manifest.study.dose_bands == default_dose_bands());
  CHECK(manifest.study.min_region_volume_cc == kMinBandVolumeCc);
  CHECK(manifest.study.registration.reference_sequence == "T2fs");
  CHECK(manifest.study.bin_widths == std::vector<double>{25.0});

  // The parameter file is one the extractor accepts.
  const ExtractionParameters parameters = read_parameter_file(manifest.study.parameter_file);
  CHECK(parameters.settings.bin_width == 25.0);

  for (const PatientEntry& patient : manifest.patients) {
    INFO("patient " << patient.id);
    CHECK(fs::is_regular_file(patient.planning_ct.path));
    CHECK(fs::is_regular_file(patient.dose.path));
    CHECK(fs::is_regular_file(patient.marrow.mask.path));
    // CT, dose and mask share the CT's frame; the MR acquisitions have frames of their own.
    CHECK(patient.dose.frame_of_reference_uid == patient.planning_ct.frame_of_reference_uid);
    CHECK(patient.mr_pre.at("T2fs").frame_of_reference_uid !=
          patient.planning_ct.frame_of_reference_uid);
    for (const std::string& sequence : synth_sequence_names()) {
      CHECK(fs::is_regular_file(patient.mr_pre.at(sequence).path));
      CHECK(fs::is_regular_file(patient.mr_post.at(sequence).path));
    }
    REQUIRE(patient.blood_counts.has_value());
    for (const char* count : BloodCounts::names()) {
      const BloodCountSeries& series = *patient.blood_counts->find(count);
      CHECK(series.pre.has_value());
      CHECK(series.mid.has_value());
      CHECK(series.end.has_value());
      CHECK(series.one_month.has_value());
    }
    // ANC and ALC are part of the white cells.
    const BloodCounts& c = *patient.blood_counts;
    CHECK(*c.anc.pre + *c.alc.pre <= *c.wbc.pre);
    CHECK(*c.anc.end + *c.alc.end <= *c.wbc.end);
  }

  // Images carry a real geometry: the MR grid as synthesised, centred on its frame's origin.
  const auto mr = read_image<FloatImage3D>(manifest.patients[0].mr_pre.at("FatFrac").path);
  const SynthOptions defaults;
  for (unsigned i = 0; i < 3; ++i) {
    CHECK(mr->GetLargestPossibleRegion().GetSize()[i] == defaults.mr_size[i]);
    CHECK(mr->GetSpacing()[i] == Approx(defaults.mr_spacing_mm[i]));
    CHECK(mr->GetOrigin()[i] ==
          Approx(-(defaults.mr_size[i] - 1.0) / 2 * defaults.mr_spacing_mm[i]));
  }

  // truth.json has a record per patient with the planted figures.
  const auto truth = read_truth(dir.path);
  CHECK(truth.at("seed").get<unsigned>() == kSeed);
  REQUIRE(truth.at("patients").size() == static_cast<std::size_t>(kPatients));
  CHECK(truth.at("planted").at("marrow_mean_change_percent_by_band").at("FatFrac").size() == 7);
  CHECK(truth.at("planted").at("mean_change_slope_percent_per_band").at("FatFrac").get<double>() ==
        Approx(10.0));
  CHECK(truth.at("planted").at("correlation_targets").size() == 4);
}

TEST_CASE("The same seed gives byte-identical output and another seed differs", "[synth]") {
  SynthTempDir first, second, other;
  synthesise(first.path, kSeed);
  synthesise(second.path, kSeed);
  synthesise(other.path, kSeed + 1);

  CHECK(file_bytes(first.path / "truth.json") == file_bytes(second.path / "truth.json"));
  CHECK(file_bytes(first.path / "cohort.yaml") == file_bytes(second.path / "cohort.yaml"));
  CHECK(file_bytes(first.path / "truth.json") != file_bytes(other.path / "truth.json"));

  const fs::path image = fs::path("SYN002") / "post_FatFrac.nii.gz";
  const auto a = voxels(read_image<FloatImage3D>(first.path / image).GetPointer());
  const auto b = voxels(read_image<FloatImage3D>(second.path / image).GetPointer());
  const auto c = voxels(read_image<FloatImage3D>(other.path / image).GetPointer());
  CHECK(a == b);
  CHECK(a != c);
  CHECK(file_bytes(first.path / image) == file_bytes(second.path / image));
}

TEST_CASE("The synthetic dose populates every dose band of the marrow", "[synth]") {
  SynthTempDir dir;
  synthesise(dir.path, kSeed);
  const auto truth = read_truth(dir.path);
  const CohortManifest manifest = read_cohort_manifest((dir.path / "cohort.yaml").string());
  const std::vector<DoseBand> bands = default_dose_bands();

  for (std::size_t p = 0; p < manifest.patients.size(); ++p) {
    const PatientEntry& patient = manifest.patients[p];
    const auto& patient_truth = truth.at("patients").at(p);
    const auto dose = read_image<FloatImage3D>(patient.dose.path);
    const auto mask = read_image<MaskImage3D>(patient.marrow.mask.path);
    std::vector<double> volume_cc(bands.size(), 0.0);
    itk::ImageRegionConstIteratorWithIndex<MaskImage3D> it(mask, mask->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it) {
      if (it.Get() == 0) continue;
      const double dose_gy = dose->GetPixel(it.GetIndex());
      for (std::size_t b = 0; b < bands.size(); ++b)
        if (bands[b].contains(dose_gy)) volume_cc[b] += voxel_volume_cc(mask);
    }
    const double prescription_gy = patient_truth.at("prescription_gy").get<double>();
    for (std::size_t b = 0; b < bands.size(); ++b) {
      INFO("patient " << patient.id << " (" << prescription_gy << " Gy), band " << bands[b].label()
                      << ": " << volume_cc[b] << " cc");
      CHECK(volume_cc[b] == Approx(patient_truth.at("band_marrow_volume_cc").at(b).get<double>())
                                .margin(kVolumeToleranceCc));
      // Plans of 45 Gy have no marrow at 50 Gy or more; every other band is populated.
      if (std::isinf(bands[b].upper_gy) && prescription_gy < bands[b].lower_gy) continue;
      CHECK(volume_cc[b] >= kMinBandVolumeCc);
    }
  }
}

TEST_CASE("The planted MR transforms map MR points to CT points (fixed to moving)", "[synth]") {
  SynthTempDir dir;
  synthesise(dir.path, kSeed);
  const auto truth = read_truth(dir.path);
  const CohortManifest manifest = read_cohort_manifest((dir.path / "cohort.yaml").string());
  const PatientEntry& patient = manifest.patients[0];
  const auto& mr_truth = truth.at("patients").at(0).at("mr");

  const auto ct = read_image<FloatImage3D>(patient.planning_ct.path);
  const RigidTransform reference =
      transform_from_truth(mr_truth.at("pre").at("T2fs").at("mr_to_ct"));
  for (const char* time_point : {"pre", "post"}) {
    for (const std::string& sequence : synth_sequence_names()) {
      INFO(time_point << " " << sequence);
      const auto& t = mr_truth.at(time_point).at(sequence);
      const RigidTransform mr_to_ct = transform_from_truth(t.at("mr_to_ct"));
      // A few degrees and millimetres.
      CHECK(mr_to_ct.rotation_angle_deg() <= 3.0 * std::sqrt(3.0) + 1e-9);
      for (double x : mr_to_ct.translation_mm) CHECK(std::abs(x) <= 5.0);
      // reference_to_mr = mr_to_ct^-1 after the reference's mr_to_ct.
      const RigidTransform reference_to_mr = transform_from_truth(t.at("reference_to_mr"));
      const RigidTransform expected = reference.followed_by(mr_to_ct.inverse());
      for (const Point3D& q : {Point3D{0, 0, 0}, Point3D{80, -40, 30}, Point3D{-60, 70, -50}}) {
        const Point3D a = reference_to_mr.apply(q), b = expected.apply(q);
        for (int i = 0; i < 3; ++i) CHECK(a[i] == Approx(b[i]).margin(1e-9));
      }
    }
  }

  // The CT seen through the planted transform lines up with the MR better than through its
  // inverse or the identity: the convention is fixed (MR) -> moving (CT).
  const auto mr = read_image<FloatImage3D>(patient.mr_pre.at("T2fs").path);
  const AlignmentQuality planted = measure_alignment(mr, ct, reference);
  const AlignmentQuality inverse = measure_alignment(mr, ct, reference.inverse());
  const AlignmentQuality identity = measure_alignment(mr, ct, RigidTransform::identity());
  INFO("NMI planted " << planted.normalised_mutual_information << ", inverse "
                      << inverse.normalised_mutual_information << ", identity "
                      << identity.normalised_mutual_information);
  CHECK(planted.normalised_mutual_information > inverse.normalised_mutual_information);
  CHECK(planted.normalised_mutual_information > identity.normalised_mutual_information);
}

TEST_CASE("The planted fat-fraction rise is measurable in the synthetic MR by dose band",
          "[synth]") {
  SynthTempDir dir;
  synthesise(dir.path, kSeed);
  const auto truth = read_truth(dir.path);
  const CohortManifest manifest = read_cohort_manifest((dir.path / "cohort.yaml").string());
  const std::vector<DoseBand> bands = default_dose_bands();

  for (std::size_t p = 0; p < manifest.patients.size(); ++p) {
    const PatientEntry& patient = manifest.patients[p];
    const auto& patient_truth = truth.at("patients").at(p);
    const auto dose = read_image<FloatImage3D>(patient.dose.path);
    const auto mask = read_image<MaskImage3D>(patient.marrow.mask.path);
    // Mean FatFrac per band at each time point, mask and dose carried onto that MR's grid.
    std::vector<double> mean[2];
    for (int post = 0; post < 2; ++post) {
      const auto& images = post ? patient.mr_post : patient.mr_pre;
      const auto fat_fraction = read_image<FloatImage3D>(images.at("FatFrac").path);
      const RigidTransform mr_to_ct = transform_from_truth(
          patient_truth.at("mr").at(post ? "post" : "pre").at("FatFrac").at("mr_to_ct"));
      const auto mr_mask = resample_mask_onto_grid(mask, fat_fraction, mr_to_ct);
      const auto mr_dose = resample_dose_onto_grid(dose, fat_fraction, mr_to_ct);
      std::vector<double> sum(bands.size(), 0.0), count(bands.size(), 0.0);
      itk::ImageRegionConstIteratorWithIndex<MaskImage3D> it(mr_mask,
                                                             mr_mask->GetLargestPossibleRegion());
      for (; !it.IsAtEnd(); ++it) {
        if (it.Get() == 0) continue;
        for (std::size_t b = 0; b < bands.size(); ++b) {
          if (!bands[b].contains(mr_dose->GetPixel(it.GetIndex()))) continue;
          sum[b] += fat_fraction->GetPixel(it.GetIndex());
          count[b] += 1;
        }
      }
      for (std::size_t b = 0; b < bands.size(); ++b)
        mean[post].push_back(count[b] > 0 ? sum[b] / count[b] : std::nan(""));
    }
    const auto& expected = patient_truth.at("noise_free_mean_change_percent_by_band").at("FatFrac");
    for (std::size_t b = 0; b < bands.size(); ++b) {
      if (expected.at(b).is_null() || std::isnan(mean[0][b]) || std::isnan(mean[1][b])) continue;
      const double measured = (mean[1][b] / mean[0][b] - 1.0) * 100.0;
      INFO("patient " << patient.id << ", band " << bands[b].label() << ": measured " << measured
                      << " %, planted " << expected.at(b).get<double>() << " %");
      CHECK(measured == Approx(expected.at(b).get<double>()).margin(kMeanChangeTolerancePercent));
    }
  }
}
