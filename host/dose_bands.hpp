// Cutting the bone marrow into dose bands on the reference MR grid, carrying those regions onto
// the other MR images' grids, and the marrow's cumulative dose-volume curve.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/registration.hpp"
#include "io/cohort_manifest.hpp"
#include "kernels/core/roi_batch.hpp"

namespace doseomics {

// Marrow inside one dose band: the voxels of the grid where marrow = 1 and dose in [lower, upper).
struct BandRegion {
  int band_index = 0;  // 0-based index into the study's bands
  DoseBand band;
  std::int64_t voxel_count = 0;
  double volume_cc = 0.0;
  int box_start_xyz[3] = {0, 0, 0};  // bounding box on the grid (empty when voxel_count == 0)
  int box_size_xyz[3] = {0, 0, 0};
  std::vector<std::uint8_t> box_mask;  // the band's voxels inside the box, x fastest
};

// The marrow eroded by `radius_mm` (a ball, rounded to whole voxels per axis); 0 returns it as is.
MaskImage3D::Pointer erode_mask(const MaskImage3D* mask, double radius_mm);

// Most bands a label map holds (labels 1..255, 0 = no band).
constexpr std::size_t kMaxBands = 255;

// The band of every marrow voxel as a label map: band index + 1 where marrow = 1 and the dose
// falls in a band, 0 elsewhere. Marrow and dose share the grid (checked: InputError).
MaskImage3D::Pointer band_label_map(const MaskImage3D* marrow, const FloatImage3D* dose_gy,
                                    const std::vector<DoseBand>& bands);

// One region per band, in band order, from a label map of band_label_map()'s kind.
std::vector<BandRegion> regions_from_label_map(const MaskImage3D* labels,
                                               const std::vector<DoseBand>& bands);

// One region per band, in band order; marrow and dose share the grid (checked: InputError).
std::vector<BandRegion> cut_dose_bands(const MaskImage3D* marrow, const FloatImage3D* dose_gy,
                                       const std::vector<DoseBand>& bands);

// The regions drawn on the reference grid (`reference_labels`, from band_label_map()) carried
// onto another image's own grid, as the seed study carried its ROIs from the pre-RT T2fs onto
// every other MR: each voxel of `target_grid` takes, by nearest neighbour, the label of the
// reference point it shows (`reference_to_target` is the registration's fixed -> moving transform
// with the reference fixed). The image's own voxels are then measured, never interpolated ones.
std::vector<BandRegion> transfer_band_regions(const MaskImage3D* reference_labels,
                                              const std::vector<DoseBand>& bands,
                                              const itk::ImageBase<3>* target_grid,
                                              const RigidTransform& reference_to_target);

// V(d) in % of the marrow volume for d = 0, step, 2 step, ... up to the largest dose.
struct DoseVolumeCurvePoint {
  double dose_gy;
  double volume_percent;
};
std::vector<DoseVolumeCurvePoint> cumulative_dose_volume(const MaskImage3D* marrow,
                                                         const FloatImage3D* dose_gy,
                                                         double step_gy = 1.0);

// Append each region with voxels to `batch`, its intensities taken from `image` (same grid).
// Returns the batch index of each region (-1 for an empty one).
std::vector<int> add_band_regions(RoiBatch& batch, const FloatImage3D* image,
                                  const std::vector<BandRegion>& regions,
                                  const std::string& name_prefix);

}  // namespace doseomics
