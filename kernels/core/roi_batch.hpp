// RoiBatch: many regions of interest in flat arrays, the seam between host and engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace doseomics {

// Where one region's bounding box lies in the batch's flat arrays, and its geometry.
// Arrays are z-major: index = (z * size_y + y) * size_x + x, as numpy orders a SimpleITK image.
struct RegionGeometry {
  std::int64_t voxel_offset = 0;  // first voxel of the box in RoiBatch::voxels / mask
  int size_zyx[3] = {0, 0, 0};    // box size in voxels
  double spacing_zyx_mm[3] = {1.0, 1.0, 1.0};
  std::int64_t voxel_count() const {
    return static_cast<std::int64_t>(size_zyx[0]) * size_zyx[1] * size_zyx[2];
  }
};

// A batch of regions. The engine finds each region's tight bounding box inside the given box
// itself, so callers may pass a box with margin; voxels outside the mask are never read as values.
struct RoiBatch {
  std::vector<double> voxels;      // intensities of every region's box, back to back
  std::vector<std::uint8_t> mask;  // 1 inside the region, 0 outside; same layout
  std::vector<RegionGeometry> regions;
  std::vector<std::string> region_names;  // free text used in reports and error messages

  // Append one region; `values` and `in_region` hold size_z*size_y*size_x entries.
  // Returns the region's index.
  std::size_t add_region(const std::string& name, const int size_zyx[3],
                         const double spacing_zyx_mm[3], const double* values,
                         const std::uint8_t* in_region);
  std::size_t size() const { return regions.size(); }
};

}  // namespace doseomics
