// Reading an image and its mask (NRRD, NIfTI, anything ITK reads) into an engine region.
#pragma once

#include <cstddef>
#include <string>

#include <itkImageBase.h>

#include "kernels/core/roi_batch.hpp"

namespace doseomics {

// Where a region came from in its image, for PyRadiomics' diagnostics columns.
struct RegionSource {
  std::size_t region_index = 0;       // index in the batch
  int box_origin_xyz[3] = {0, 0, 0};  // image index of the box's first voxel (ITK x, y, z order)
  int box_size_xyz[3] = {0, 0, 0};
  double spacing_xyz_mm[3] = {1.0, 1.0, 1.0};
  long long voxel_count = 0;
};

// Geometry tolerance between image and mask (origin, spacing in mm; direction cosines),
// SimpleITK's default as PyRadiomics uses it.
constexpr double kGeometryTolerance = 1e-6;

// The first geometric difference of `other` from `image` ("size [3, 4, 6] instead of
// [3, 4, 5]"), or "" when they share a grid within kGeometryTolerance.
std::string geometry_difference(const itk::ImageBase<3>* image, const itk::ImageBase<3>* other);

// Read `image_path` and `mask_path`, check they share a grid, select voxels equal to `label`,
// crop both to the label's bounding box and append it to `batch` under `region_name`.
// Throws InputError naming the file for: unreadable file, geometry mismatch (what differs),
// label absent (and which labels are present), or a non-3D image.
RegionSource add_image_region(RoiBatch& batch, const std::string& image_path,
                              const std::string& mask_path, int label,
                              const std::string& region_name);

}  // namespace doseomics
