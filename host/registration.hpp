// Rigid multi-modal registration (CT -> MR, MR -> MR) with ITK's v4 framework, and the rigid
// transform it produces in a form a store can keep.
//
// Convention, as ITK's ImageRegistrationMethodv4 has it: the transform maps FIXED-image physical
// points to MOVING-image physical points. Resampling the moving image (or a dose on the moving
// grid) onto the fixed grid uses it as it comes (see host/resample.hpp); inverting it is the
// classic 1-2 cm error.
//
// Recipe: ../shared/reference/rt-io-and-registration.md section 3 (its measured defaults). Choices
// made here: the sampling fraction is of the full-resolution fixed grid and coarse levels sample
// as many points (capped at all of theirs), so a coarse level is not starved of samples; the
// transform is stored as ITK's AffineTransform parameters (12 + centre), exact to round-trip.
// Measured (tests/data/test_registration.cpp, 64x64x32 MR-like vs 80x80x40 CT-like phantom,
// 4/-3/5 deg and 6/-4/3 mm planted, 25 % sampling): max error 0.20 mm over the body, ~1-2 s.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <itkImage.h>

namespace doseomics {

// Images the host works with: intensities and doses in float, masks as 0/1 (or small labels).
using FloatImage3D = itk::Image<float, 3>;
using MaskImage3D = itk::Image<unsigned char, 3>;

// A physical point or vector in millimetres (LPS, ITK's world frame).
using Point3D = std::array<double, 3>;

// A rigid 3D transform kept as ITK's MatrixOffsetTransformBase keeps it: 12 parameters (the
// rotation matrix, row-major, then the translation) and 3 fixed parameters (the centre), mapping
//   p -> matrix * (p - centre_mm) + centre_mm + translation_mm.
// These are exactly the Parameters / FixedParameters of an ITK AffineTransform_double_3_3.
struct RigidTransform {
  std::array<double, 9> matrix = {1, 0, 0, 0, 1, 0, 0, 0, 1};  // rotation, row-major
  std::array<double, 3> translation_mm = {0, 0, 0};
  Point3D centre_mm = {0, 0, 0};

  // The identity (the default-constructed value).
  static RigidTransform identity() { return RigidTransform{}; }

  // Rotation by Euler angles (radians, applied Z after X after Y as ITK's Euler3DTransform does:
  // R = Rz * Rx * Ry) about `centre_mm`, then `translation_mm`.
  static RigidTransform from_euler_zxy(const Point3D& angles_rad, const Point3D& translation_mm,
                                       const Point3D& centre_mm);

  // Where `point_mm` goes.
  Point3D apply(const Point3D& point_mm) const;

  // The inverse mapping (same centre).
  RigidTransform inverse() const;

  // `this` first, then `next`: p -> next.apply(this->apply(p)). Keeps this transform's centre.
  RigidTransform followed_by(const RigidTransform& next) const;

  // Angle of the rotation, in degrees (0 to 180).
  double rotation_angle_deg() const;

  // Whether it is the identity within `tolerance` (matrix entries and translation in mm).
  bool is_identity(double tolerance = 1e-9) const;

  // 12 parameters then 3 fixed parameters, for a store or ITK's transform file.
  std::array<double, 12> parameters() const;
  Point3D fixed_parameters() const { return centre_mm; }

  // Rebuilds from `parameters()` and `fixed_parameters()`. Throws InputError when the matrix is
  // not a rotation (orthonormal, determinant +1) within `kRotationTolerance`.
  static RigidTransform from_parameters(const std::array<double, 12>& parameters,
                                        const Point3D& centre_mm);

  // One line, round-trip exact: "rigid3d m00 m01 ... m22 tx ty tz cx cy cz" (%.17g).
  std::string to_string() const;

  // Parses `to_string()`'s output. Throws InputError naming what is wrong (word, count, number,
  // not a rotation).
  static RigidTransform from_string(const std::string& text);

  // Largest deviation of the matrix from a rotation that from_parameters/from_string accept.
  static constexpr double kRotationTolerance = 1e-6;
};

// How the transform is initialised before optimisation.
enum class RegistrationInitialisation {
  geometry_centres,  // centre of the moving grid over centre of the fixed grid (ITK GeometryOn)
  identity,          // start from the scanner frames as they are
};

// Settings of register_rigid(). The defaults are the recipe measured in the reference notes.
struct RegistrationOptions {
  int histogram_bins = 50;          // Mattes mutual information bins (32-64 is usual)
  int iterations_per_level = 200;   // upper bound on optimiser iterations at each level
  double sampling_fraction = 0.05;  // (0, 1]: share of the full-resolution fixed voxels sampled
                                    // at random at every level (coarser levels sample the same
                                    // number, capped at all of theirs); 1 = every voxel, no
                                    // random sampling
  std::vector<unsigned> shrink_factors = {4, 2, 1};           // one per level, coarse to fine
  std::vector<double> smoothing_sigmas_mm = {2.0, 1.0, 0.0};  // one per level, in mm
  int random_seed = 121212;    // sampling seed: the same seed gives the same result
  double learning_rate = 2.0;  // RegularStepGradientDescent initial step (estimated once)
  double minimum_step_length = 1e-4;
  double relaxation_factor = 0.5;
  double gradient_magnitude_tolerance = 1e-6;
  unsigned metric_work_units = 0;  // metric work units; 0 = ITK's default (one per core). With 1
                                   // a seed gives the same transform bit for bit; with more,
                                   // ITK's Mattes metric adds thread results in arrival order,
                                   // so repeated runs agree to rounding (~1e-9 mm) only.
  RegistrationInitialisation initialisation = RegistrationInitialisation::geometry_centres;
};

// How well two images line up on the fixed grid, after the moving one is resampled through the
// transform (linear interpolation), over the fixed mask (or every fixed voxel).
struct AlignmentQuality {
  double normalised_mutual_information = 0.0;  // Studholme (H(F)+H(M))/H(F,M), in [1, 2]
  double correlation = 0.0;                    // Pearson r of intensities (negative when the
                                               // contrast is inverted, e.g. CT vs T2)
  double overlap_fraction = 0.0;  // share of the region whose mapped point lies in the moving image
  std::size_t voxel_count = 0;    // voxels that entered the figures
};

// What register_rigid() (or skip_registration_same_frame()) found.
struct RegistrationResult {
  RigidTransform transform;  // fixed point -> moving point
  bool skipped = false;      // same frame of reference: identity, no optimisation
  std::string method;        // what produced it, for the store ("mattes-mi versor-rigid ...")
  double final_metric_value = 0.0;        // Mattes MI cost at the end (negative MI)
  std::vector<int> iterations_per_level;  // optimiser iterations at each level
  int total_iterations = 0;
  std::string stop_condition;      // the optimiser's, at the last level
  AlignmentQuality quality;        // after registration, inside the fixed mask
  AlignmentQuality start_quality;  // at the starting transform, inside the fixed mask
  int attempts = 1;                // optimisations run (see register_rigid)
  bool improved_on_start = true;   // quality >= start_quality (within kDivergenceMarginNmi)
  double seconds = 0.0;            // wall time of the optimisation(s)
};

// A registration counts as diverged when it leaves the normalised mutual information this much
// below where it started. Converging registrations on the synthetic cohorts raise it by 0.05-0.1;
// one that diverged (64 mm off) had dropped it by 0.08; one started at the truth moves it by
// about 1e-4.
constexpr double kDivergenceMarginNmi = 0.01;

// Registers `moving` to `fixed` rigidly: Mattes MI, VersorRigid3DTransform, regular-step gradient
// descent with physical-shift scales, multi-resolution, seeded random sampling. `fixed_mask`
// (optional, same grid as `fixed`, non-zero = inside) restricts the metric and the quality
// figures. Should the optimisation leave the images worse aligned than at its start (normalised
// mutual information down by more than kDivergenceMarginNmi), it is tried again from the other
// starting transform, then with a coarser first level; `improved_on_start` is false when no
// attempt succeeded (the best one is returned). Throws InputError for bad options, a mask off the
// fixed grid, or an image ITK refuses (a constant image, no overlap: the message carries ITK's
// reason).
RegistrationResult register_rigid(const FloatImage3D* fixed, const FloatImage3D* moving,
                                  const RegistrationOptions& options = {},
                                  const MaskImage3D* fixed_mask = nullptr);

// Whether two series share a frame of reference: both DICOM FrameOfReferenceUIDs non-empty and
// equal (after trimming DICOM padding). Then their coordinates already agree.
bool same_frame_of_reference(const std::string& fixed_frame_uid,
                             const std::string& moving_frame_uid);

// The identity result for series in the same frame of reference (no optimisation), with the
// quality figures computed so that a store still records how well the images line up.
RegistrationResult skip_registration_same_frame(const FloatImage3D* fixed,
                                                const FloatImage3D* moving,
                                                const MaskImage3D* fixed_mask = nullptr);

// Alignment figures of `moving` seen through `fixed_to_moving` on the fixed grid, over
// `fixed_mask` (or every fixed voxel). `histogram_bins` for the normalised mutual information.
AlignmentQuality measure_alignment(const FloatImage3D* fixed, const FloatImage3D* moving,
                                   const RigidTransform& fixed_to_moving,
                                   const MaskImage3D* fixed_mask = nullptr,
                                   int histogram_bins = 32);

// How far apart two transforms send the same points.
struct TransformDiscrepancy {
  double max_mm = 0.0;
  double mean_mm = 0.0;
  std::size_t point_count = 0;
};

// Distances |a(p) - b(p)| over the centres of the non-zero voxels of `region` (every `stride`-th
// voxel along each axis, stride >= 1). Use it to score a registration against a planted truth.
TransformDiscrepancy transform_discrepancy(const RigidTransform& a, const RigidTransform& b,
                                           const MaskImage3D* region, unsigned stride = 1);

}  // namespace doseomics
