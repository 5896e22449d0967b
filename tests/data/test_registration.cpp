// Rigid registration and resampling (host/registration, host/resample, and the dose-band regions
// carried between grids in host/dose_bands) on a synthetic pelvis:
// ellipsoids for body fat, muscle, femoral heads, sacrum, bladder, uterus and a marker, painted
// with smooth edges and seeded noise in an "MR" contrast on the fixed grid and a "CT" contrast
// (a non-monotonic remap: fat bright -> dark, bone dark -> bright) on a different moving grid,
// moved by a known rigid transform. The registration must find that transform again.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include <itkImageRegionIteratorWithIndex.h>

#include "host/dose_bands.hpp"
#include "host/registration.hpp"
#include "host/resample.hpp"
#include "kernels/core/errors.hpp"

using namespace doseomics;

namespace {

// Largest distance (mm) between the found and the planted mapping over the body.
constexpr double kMaxPointErrorMm = 1.0;
// Resampling with the identity onto the input's own grid: interpolation weights are 1 and 0 up to
// the rounding of index <-> point conversions.
constexpr double kIdentityResampleTolerance = 1e-4;
// Round trip of a transform through inverse/compose, in mm.
constexpr double kCompositionToleranceMm = 1e-9;

// Trilinear interpolation of the smooth planted dose on 2-2.5 mm grids: h^2/8 * |f''| per axis.
constexpr double kDoseInterpolationToleranceGy = 0.3;

constexpr double kDegree = 3.14159265358979323846 / 180.0;
constexpr unsigned kNoiseSeed = 20240611;

enum Tissue { kAir, kFat, kMuscle, kBone, kBladder, kUterus, kMarker, kTissueCount };

// Intensities per tissue in the two modalities.
constexpr double kMrValue[kTissueCount] = {5, 180, 80, 30, 240, 120, 210};
constexpr double kCtValue[kTissueCount] = {-1000, -100, 50, 700, 10, 40, 300};
constexpr double kMrNoise = 6.0;
constexpr double kCtNoise = 15.0;
constexpr double kEdgeWidthMm = 0.7;

struct Ellipsoid {
  Point3D centre_mm;
  Point3D radii_mm;
  Tissue tissue;
};

// Painted in order, later over earlier. The first one is the body.
const std::vector<Ellipsoid> kPhantom = {
    {{0, 0, 0}, {56, 42, 40}, kFat},    {{0, 2, 0}, {50, 36, 38}, kMuscle},
    {{-30, 6, -12}, {9, 9, 16}, kBone}, {{30, 6, -12}, {9, 9, 16}, kBone},
    {{0, 26, 8}, {16, 7, 18}, kBone},   {{0, -16, -8}, {15, 11, 12}, kBladder},
    {{4, 4, 10}, {11, 9, 13}, kUterus}, {{-18, -14, 20}, {6, 6, 6}, kMarker},
};

// Normalised ellipsoid radius of `p` (1 on the surface).
double ellipsoid_radius(const Ellipsoid& e, const Point3D& p) {
  double sum = 0.0;
  for (int i = 0; i < 3; ++i) {
    const double d = (p[i] - e.centre_mm[i]) / e.radii_mm[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

// Noise-free phantom intensity at `p` in the modality `values`.
double phantom_value(const double (&values)[kTissueCount], const Point3D& p) {
  double value = values[kAir];
  for (const Ellipsoid& e : kPhantom) {
    const double mean_radius = (e.radii_mm[0] + e.radii_mm[1] + e.radii_mm[2]) / 3.0;
    const double inside = (1.0 - ellipsoid_radius(e, p)) * mean_radius / kEdgeWidthMm;
    const double weight = 1.0 / (1.0 + std::exp(-inside));
    value = value * (1.0 - weight) + values[e.tissue] * weight;
  }
  return value;
}

// An image of `size` voxels of `spacing_mm` whose grid centre is `centre_mm`.
template <typename ImageType>
typename ImageType::Pointer make_grid(const std::array<unsigned, 3>& size,
                                      const Point3D& spacing_mm, const Point3D& centre_mm) {
  auto image = ImageType::New();
  typename ImageType::SizeType itk_size;
  typename ImageType::SpacingType spacing;
  typename ImageType::PointType origin;
  for (unsigned i = 0; i < 3; ++i) {
    itk_size[i] = size[i];
    spacing[i] = spacing_mm[i];
    origin[i] = centre_mm[i] - (size[i] - 1) / 2.0 * spacing_mm[i];
  }
  image->SetRegions(typename ImageType::RegionType(itk_size));
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->Allocate(true);
  return image;
}

Point3D physical_point(const itk::ImageBase<3>* image, const itk::Index<3>& index) {
  itk::Point<double, 3> point;
  image->TransformIndexToPhysicalPoint(index, point);
  return {point[0], point[1], point[2]};
}

// The phantom in modality `values` seen through `grid_to_phantom`, with seeded Gaussian noise.
void paint(FloatImage3D* image, const double (&values)[kTissueCount],
           const RigidTransform& grid_to_phantom, double noise_sigma, unsigned seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> noise(0.0, noise_sigma);
  itk::ImageRegionIteratorWithIndex<FloatImage3D> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const Point3D p = grid_to_phantom.apply(physical_point(image, it.GetIndex()));
    it.Set(static_cast<float>(phantom_value(values, p) + noise(generator)));
  }
}

// A smooth planted dose (Gy) in phantom coordinates: a Gaussian peak of 50 Gy, sigma 25 mm.
double planted_dose_gy(const Point3D& p) {
  const Point3D peak = {10, -5, 4};
  double distance2 = 0.0;
  for (int i = 0; i < 3; ++i) distance2 += (p[i] - peak[i]) * (p[i] - peak[i]);
  return 50.0 * std::exp(-distance2 / (2.0 * 25.0 * 25.0));
}

// The planted dose seen through `grid_to_phantom`.
void paint_dose(FloatImage3D* image, const RigidTransform& grid_to_phantom) {
  itk::ImageRegionIteratorWithIndex<FloatImage3D> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
    it.Set(static_cast<float>(
        planted_dose_gy(grid_to_phantom.apply(physical_point(image, it.GetIndex())))));
}

// The body (first ellipsoid) on the grid of `like`.
MaskImage3D::Pointer body_mask(const FloatImage3D* like) {
  auto mask = MaskImage3D::New();
  mask->CopyInformation(like);
  mask->SetRegions(like->GetLargestPossibleRegion());
  mask->Allocate(true);
  itk::ImageRegionIteratorWithIndex<MaskImage3D> it(mask, mask->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
    it.Set(ellipsoid_radius(kPhantom.front(), physical_point(mask, it.GetIndex())) < 1.0 ? 1 : 0);
  return mask;
}

struct PlantedPair {
  FloatImage3D::Pointer fixed;   // "MR", 64 x 64 x 32 at 2 x 2 x 3 mm
  FloatImage3D::Pointer moving;  // "CT", 80 x 80 x 40 at 2 x 2 x 2.5 mm, off-centre
  MaskImage3D::Pointer body;     // on the fixed grid
  RigidTransform fixed_to_moving;
};

PlantedPair make_planted_pair(const RigidTransform& fixed_to_moving) {
  PlantedPair pair;
  pair.fixed_to_moving = fixed_to_moving;
  pair.fixed = make_grid<FloatImage3D>({64, 64, 32}, {2, 2, 3}, {0, 0, 0});
  pair.moving = make_grid<FloatImage3D>({80, 80, 40}, {2, 2, 2.5}, {3, -4, 2});
  paint(pair.fixed, kMrValue, RigidTransform::identity(), kMrNoise, kNoiseSeed);
  // moving(y) = CT(T^-1(y)), so that moving(T(x)) shows what fixed(x) shows.
  paint(pair.moving, kCtValue, fixed_to_moving.inverse(), kCtNoise, kNoiseSeed + 1);
  pair.body = body_mask(pair.fixed);
  return pair;
}

RigidTransform planted_transform() {
  return RigidTransform::from_euler_zxy({4 * kDegree, -3 * kDegree, 5 * kDegree}, {6, -4, 3},
                                        {5, -3, 2});
}

// Voxels that differ between two masks with the same grid.
template <typename ImageType>
std::vector<typename ImageType::PixelType> values_of(const ImageType* image) {
  const auto count = image->GetLargestPossibleRegion().GetNumberOfPixels();
  return {image->GetBufferPointer(), image->GetBufferPointer() + count};
}

}  // namespace

TEST_CASE("Rigid registration recovers a planted transform between two modalities",
          "[registration]") {
  const RigidTransform truth = planted_transform();
  const PlantedPair pair = make_planted_pair(truth);

  RegistrationOptions options;
  options.sampling_fraction = 0.25;
  const RegistrationResult result =
      register_rigid(pair.fixed, pair.moving, options, pair.body.GetPointer());

  const TransformDiscrepancy error =
      transform_discrepancy(result.transform, truth, pair.body.GetPointer());
  const TransformDiscrepancy before =
      transform_discrepancy(RigidTransform::identity(), truth, pair.body.GetPointer());
  INFO("found " << result.transform.to_string() << "\nplanted " << truth.to_string()
                << "\nmax error " << error.max_mm << " mm, mean " << error.mean_mm
                << " mm (before: max " << before.max_mm << " mm)\niterations "
                << result.total_iterations << ", " << result.seconds
                << " s, stop: " << result.stop_condition << "\nmetric " << result.final_metric_value
                << ", NMI " << result.quality.normalised_mutual_information << ", r "
                << result.quality.correlation);
  WARN("registration: max error " << error.max_mm << " mm, mean " << error.mean_mm << " mm, "
                                  << result.total_iterations << " iterations, " << result.seconds
                                  << " s");
  CHECK_FALSE(result.skipped);
  CHECK(error.point_count > 10000);
  CHECK(error.max_mm < kMaxPointErrorMm);
  CHECK(result.iterations_per_level.size() == options.shrink_factors.size());
  CHECK(result.total_iterations > 0);
  CHECK(result.final_metric_value < 0.0);
  // A converging registration needs one attempt and says it improved on its start.
  CHECK(result.attempts == 1);
  CHECK(result.improved_on_start);
  CHECK(result.quality.normalised_mutual_information >
        result.start_quality.normalised_mutual_information);

  // Aligned, the images share more information than they did at the identity.
  const AlignmentQuality unregistered = measure_alignment(
      pair.fixed, pair.moving, RigidTransform::identity(), pair.body.GetPointer());
  CHECK(result.quality.normalised_mutual_information > unregistered.normalised_mutual_information);
  CHECK(result.quality.overlap_fraction == Approx(1.0));
}

TEST_CASE("Rigid registration on one work unit is reproducible bit for bit with the same seed",
          "[registration]") {
  const PlantedPair pair = make_planted_pair(planted_transform());
  RegistrationOptions options;  // a short run: two coarse levels
  options.shrink_factors = {4, 2};
  options.smoothing_sigmas_mm = {2, 1};
  options.iterations_per_level = 40;
  options.sampling_fraction = 0.1;
  options.metric_work_units = 1;
  const RegistrationResult first = register_rigid(pair.fixed, pair.moving, options);
  const RegistrationResult second = register_rigid(pair.fixed, pair.moving, options);
  CHECK(first.transform.to_string() == second.transform.to_string());
  CHECK(first.total_iterations == second.total_iterations);
}

TEST_CASE("Series in one frame of reference skip registration with the identity",
          "[registration]") {
  CHECK(same_frame_of_reference("1.2.840.1.5", "1.2.840.1.5 "));
  CHECK(same_frame_of_reference("1.2.840.1.5", std::string("1.2.840.1.5\0", 12)));
  CHECK_FALSE(same_frame_of_reference("1.2.840.1.5", "1.2.840.1.6"));
  CHECK_FALSE(same_frame_of_reference("", ""));

  const PlantedPair pair = make_planted_pair(RigidTransform::identity());
  const RegistrationResult result =
      skip_registration_same_frame(pair.fixed, pair.moving, pair.body.GetPointer());
  CHECK(result.skipped);
  CHECK(result.transform.is_identity(0.0));
  CHECK(result.total_iterations == 0);
  CHECK(result.quality.overlap_fraction == Approx(1.0));
  CHECK(result.quality.normalised_mutual_information > 1.0);
}

TEST_CASE("A rigid transform survives its string form, inversion and composition",
          "[registration]") {
  const RigidTransform transform = planted_transform();
  const RigidTransform parsed = RigidTransform::from_string(transform.to_string());
  CHECK(parsed.parameters() == transform.parameters());
  CHECK(parsed.centre_mm == transform.centre_mm);
  CHECK(transform.rotation_angle_deg() > 5.0);
  CHECK(transform.rotation_angle_deg() < 12.0);

  const RigidTransform round_trip = transform.followed_by(transform.inverse());
  CHECK(round_trip.is_identity(kCompositionToleranceMm));

  const RigidTransform other =
      RigidTransform::from_euler_zxy({-2 * kDegree, 1 * kDegree, 0}, {1, 2, 3}, {-10, 0, 4});
  const Point3D p = {12.5, -7.0, 30.0};
  const Point3D expected = other.apply(transform.apply(p));
  const Point3D composed = transform.followed_by(other).apply(p);
  for (int i = 0; i < 3; ++i) CHECK(composed[i] == Approx(expected[i]).margin(1e-9));

  CHECK_THROWS_AS(RigidTransform::from_string("affine 1 0 0"), InputError);
  CHECK_THROWS_AS(RigidTransform::from_string("rigid3d 1 0 0 0 1 0 0 0 1 0 0 0"), InputError);
  CHECK_THROWS_AS(RigidTransform::from_string("rigid3d 2 0 0 0 1 0 0 0 1 0 0 0 0 0 0"), InputError);
  CHECK_THROWS_AS(RigidTransform::from_string("rigid3d 1 0 0 0 1 0 0 0 1 0 0 x 0 0 0"), InputError);
}

TEST_CASE("Registration rejects bad options and a mask off the fixed grid", "[registration]") {
  auto fixed = make_grid<FloatImage3D>({8, 8, 8}, {1, 1, 1}, {0, 0, 0});
  auto moving = make_grid<FloatImage3D>({8, 8, 8}, {1, 1, 1}, {0, 0, 0});
  RegistrationOptions options;
  options.smoothing_sigmas_mm = {1.0};
  CHECK_THROWS_AS(register_rigid(fixed, moving, options), InputError);
  options = {};
  options.sampling_fraction = 0.0;
  CHECK_THROWS_AS(register_rigid(fixed, moving, options), InputError);
  auto mask = make_grid<MaskImage3D>({8, 8, 8}, {1, 1, 1}, {0.5, 0, 0});
  CHECK_THROWS_AS(register_rigid(fixed, moving, {}, mask), InputError);
  CHECK_THROWS_AS(register_rigid(nullptr, moving), InputError);
}

TEST_CASE("Resampling a dose with the identity onto its own grid returns the same values",
          "[registration]") {
  auto dose = make_grid<FloatImage3D>({20, 18, 12}, {2.5, 2.5, 3}, {1, -2, 3});
  paint(dose, kCtValue, RigidTransform::identity(), kCtNoise, kNoiseSeed);
  const auto resampled = resample_dose_onto_grid(dose, dose, RigidTransform::identity());
  const auto expected = values_of(dose.GetPointer());
  const auto actual = values_of(resampled.GetPointer());
  REQUIRE(actual.size() == expected.size());
  double largest_difference = 0.0;
  for (std::size_t i = 0; i < actual.size(); ++i)
    largest_difference = std::max(largest_difference, std::abs(double(actual[i]) - expected[i]));
  CHECK(largest_difference <= kIdentityResampleTolerance);
}

TEST_CASE("Resampled images have exactly the reference grid", "[registration]") {
  auto dose = make_grid<FloatImage3D>({30, 30, 20}, {3, 3, 3}, {0, 0, 0});
  auto reference = make_grid<MaskImage3D>({17, 23, 11}, {1.1, 0.9, 2.7}, {4, -5, 6});
  MaskImage3D::DirectionType direction;
  direction.SetIdentity();
  direction(0, 0) = 0.0;  // an oblique-free permutation with a flip: x <- y, y <- -x
  direction(0, 1) = 1.0;
  direction(1, 0) = -1.0;
  direction(1, 1) = 0.0;
  reference->SetDirection(direction);
  const auto resampled = resample_dose_onto_grid(
      dose, reference, RigidTransform::from_euler_zxy({0.1, 0, 0}, {1, 2, 3}, {0, 0, 0}));
  CHECK(resampled->GetLargestPossibleRegion() == reference->GetLargestPossibleRegion());
  CHECK(resampled->GetOrigin() == reference->GetOrigin());
  CHECK(resampled->GetSpacing() == reference->GetSpacing());
  CHECK(resampled->GetDirection() == reference->GetDirection());
  const auto mask = resample_mask_onto_grid(reference, dose, RigidTransform::identity());
  CHECK(mask->GetLargestPossibleRegion() == dose->GetLargestPossibleRegion());
  CHECK(mask->GetOrigin() == dose->GetOrigin());
}

TEST_CASE("A dose on the moving grid reaches the fixed grid through the transform as it comes",
          "[registration]") {
  // The registration transform maps fixed points to moving points; resampling a dose from the
  // moving (CT) grid onto the fixed (MR) grid uses it uninverted. Inverting it is pitfall 5.
  const RigidTransform fixed_to_moving = planted_transform();
  auto dose_on_moving = make_grid<FloatImage3D>({80, 80, 40}, {2, 2, 2.5}, {3, -4, 2});
  paint_dose(dose_on_moving, fixed_to_moving.inverse());
  auto expected = make_grid<FloatImage3D>({64, 64, 32}, {2, 2, 3}, {0, 0, 0});
  paint_dose(expected, RigidTransform::identity());
  const MaskImage3D::Pointer body = body_mask(expected);

  const auto largest_error = [&](const RigidTransform& transform) {
    const auto resampled = resample_dose_onto_grid(dose_on_moving, expected, transform);
    double largest = 0.0;
    itk::ImageRegionIteratorWithIndex<FloatImage3D> it(expected,
                                                       expected->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it)
      if (body->GetPixel(it.GetIndex()) != 0)
        largest =
            std::max(largest, std::abs(double(resampled->GetPixel(it.GetIndex())) - it.Get()));
    return largest;
  };
  CHECK(largest_error(fixed_to_moving) < kDoseInterpolationToleranceGy);
  CHECK(largest_error(fixed_to_moving.inverse()) > 10 * kDoseInterpolationToleranceGy);
}

TEST_CASE("A resampled mask stays binary", "[registration]") {
  const PlantedPair pair = make_planted_pair(RigidTransform::identity());
  auto target = make_grid<FloatImage3D>({50, 45, 37}, {2.3, 2.7, 2.2}, {2, 1, -3});
  const auto moved = resample_mask_onto_grid(pair.body, target, planted_transform());
  std::size_t inside = 0;
  for (unsigned char value : values_of(moved.GetPointer())) {
    CHECK((value == 0 || value == 1));
    inside += value;
  }
  CHECK(inside > 0);
}

TEST_CASE("A known translation moves a block by the right number of voxels", "[registration]") {
  // out(p) = in(p + t): a block at index i in the input shows at i - t / spacing in the output.
  const Point3D spacing = {2, 2, 3};
  const Point3D translation = {4, -6, 3};  // (2, -3, 1) voxels
  const int shift[3] = {2, -3, 1};
  auto dose = make_grid<FloatImage3D>({24, 24, 16}, spacing, {0, 0, 0});
  auto mask = make_grid<MaskImage3D>({24, 24, 16}, spacing, {0, 0, 0});
  const itk::Index<3> low = {{8, 9, 5}};
  const itk::Index<3> high = {{13, 15, 9}};  // inclusive
  const auto in_block = [&](const itk::Index<3>& index, const int(&offset)[3]) {
    for (int i = 0; i < 3; ++i)
      if (index[i] + offset[i] < low[i] || index[i] + offset[i] > high[i]) return false;
    return true;
  };
  const int none[3] = {0, 0, 0};
  itk::ImageRegionIteratorWithIndex<FloatImage3D> d(dose, dose->GetLargestPossibleRegion());
  for (; !d.IsAtEnd(); ++d) d.Set(in_block(d.GetIndex(), none) ? 50.0f : 0.0f);
  itk::ImageRegionIteratorWithIndex<MaskImage3D> m(mask, mask->GetLargestPossibleRegion());
  for (; !m.IsAtEnd(); ++m) m.Set(in_block(m.GetIndex(), none) ? 1 : 0);

  RigidTransform move;
  move.translation_mm = translation;
  const auto moved_dose = resample_dose_onto_grid(dose, dose, move);
  const auto moved_mask = resample_mask_onto_grid(mask, mask, move);
  std::size_t mismatches = 0;
  itk::ImageRegionIteratorWithIndex<FloatImage3D> out(moved_dose,
                                                      moved_dose->GetLargestPossibleRegion());
  for (; !out.IsAtEnd(); ++out) {
    const bool expected = in_block(out.GetIndex(), shift);
    if (std::abs(out.Get() - (expected ? 50.0f : 0.0f)) > kIdentityResampleTolerance) ++mismatches;
    if (moved_mask->GetPixel(out.GetIndex()) != (expected ? 1 : 0)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("Dose-band regions carried onto another grid move with the transform, labels intact",
          "[registration]") {
  // Marrow: a block; dose: rising along x, so the bands are slabs. The target grid shows the
  // reference point p at p + t (t whole voxels), so a region voxel at index i appears at i + t.
  const Point3D spacing = {2, 2, 3};
  auto marrow = make_grid<MaskImage3D>({30, 20, 12}, spacing, {0, 0, 0});
  auto dose = make_grid<FloatImage3D>({30, 20, 12}, spacing, {0, 0, 0});
  itk::ImageRegionIteratorWithIndex<MaskImage3D> m(marrow, marrow->GetLargestPossibleRegion());
  for (; !m.IsAtEnd(); ++m) {
    const auto index = m.GetIndex();
    const bool inside = index[0] >= 4 && index[0] < 26 && index[1] >= 5 && index[1] < 14 &&
                        index[2] >= 3 && index[2] < 9;
    m.Set(inside ? 1 : 0);
    dose->SetPixel(index, static_cast<float>(2.5 * index[0]));  // 0 .. 72.5 Gy
  }
  const std::vector<DoseBand> bands = {{10, 20}, {20, 40}, {50, 1e9}};
  const MaskImage3D::Pointer labels = band_label_map(marrow, dose, bands);
  const std::vector<BandRegion> on_reference = regions_from_label_map(labels, bands);
  REQUIRE(on_reference.size() == bands.size());
  CHECK(on_reference[0].voxel_count == 4 * 9 * 6);  // x 4..7 (10-17.5 Gy)
  CHECK(on_reference[1].voxel_count == 8 * 9 * 6);  // x 8..15
  CHECK(on_reference[2].voxel_count == 6 * 9 * 6);  // x 20..25 (marrow ends at 25)

  RigidTransform reference_to_target;
  reference_to_target.translation_mm = {4, -6, 3};  // (2, -3, 1) voxels
  const int shift[3] = {2, -3, 1};
  auto target = make_grid<FloatImage3D>({30, 20, 12}, spacing, {0, 0, 0});  // same grid as marrow
  const std::vector<BandRegion> on_target =
      transfer_band_regions(labels, bands, target, reference_to_target);
  REQUIRE(on_target.size() == bands.size());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    INFO("band " << bands[b].label());
    CHECK(on_target[b].band_index == static_cast<int>(b));
    CHECK(on_target[b].voxel_count == on_reference[b].voxel_count);
    for (int axis = 0; axis < 3; ++axis) {
      CHECK(on_target[b].box_start_xyz[axis] == on_reference[b].box_start_xyz[axis] + shift[axis]);
      CHECK(on_target[b].box_size_xyz[axis] == on_reference[b].box_size_xyz[axis]);
    }
    CHECK(on_target[b].box_mask == on_reference[b].box_mask);
  }

  // With the identity the regions are those cut on the reference itself.
  const std::vector<BandRegion> same = cut_dose_bands(marrow, dose, bands);
  const std::vector<BandRegion> identity =
      transfer_band_regions(labels, bands, marrow, RigidTransform::identity());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    CHECK(identity[b].voxel_count == same[b].voxel_count);
    CHECK(identity[b].box_mask == same[b].box_mask);
  }
}
