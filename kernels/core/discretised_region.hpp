// A region after discretisation: what every texture class builds its matrix from.
#pragma once

#include "platform.hpp"

namespace doseomics {

// The region's tight bounding box (PyRadiomics crops to it with no padding), its bins and geometry.
// Plain pointers so the same view works on host and device memory.
struct DiscretisedRegion {
  const int* bins = nullptr;    // z-major box; 0 outside the region, 1..max_bin inside
  int size_zyx[3] = {0, 0, 0};  // tight box size in voxels
  double spacing_zyx_mm[3] = {1.0, 1.0, 1.0};
  int max_bin = 0;            // Ng: the largest bin index present
  long long voxel_count = 0;  // Np: voxels inside the region

  DOSEOMICS_HD long long box_voxel_count() const {
    return static_cast<long long>(size_zyx[0]) * size_zyx[1] * size_zyx[2];
  }
  DOSEOMICS_HD long long index(int z, int y, int x) const {
    return (static_cast<long long>(z) * size_zyx[1] + y) * size_zyx[2] + x;
  }
};

// Largest number of distinct grey levels a region may have after discretisation. Texture matrices
// are kept over present levels only, but GLCM is levels x levels per angle, so a cap keeps memory
// bounded; beyond it the region gets a clear error asking for a wider bin.
constexpr int kMaxPresentGrayLevels = 4096;

}  // namespace doseomics
