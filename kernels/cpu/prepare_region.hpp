// Crop a region of a batch to its tight box, check it, and discretise it under one setting.
#pragma once

#include <cstddef>
#include <vector>

#include "../core/discretised_region.hpp"
#include "../core/feature_table.hpp"
#include "../core/roi_batch.hpp"
#include "../core/settings.hpp"

namespace doseomics {

// A region ready for the feature classes; owns the arrays its view points into (move-only).
struct PreparedRegion {
  std::vector<int> bins;           // tight box, 0 outside the region, else 1..max_bin
  std::vector<double> roi_values;  // intensities of the region's voxels, in array order
  DiscretisedRegion view;          // points into bins
  RegionDiagnostics diagnostics;

  PreparedRegion() = default;
  PreparedRegion(const PreparedRegion&) = delete;
  PreparedRegion& operator=(const PreparedRegion&) = delete;
  PreparedRegion(PreparedRegion&&) = default;
  PreparedRegion& operator=(PreparedRegion&&) = default;
};

// Throws InputError (naming the region) for an empty or one-voxel region, NaN or infinite voxels,
// a region below minimumROIDimensions or minimumROISize, or too many grey levels.
PreparedRegion prepare_region(const RoiBatch& batch, std::size_t region_index,
                              const Settings& settings);

}  // namespace doseomics
