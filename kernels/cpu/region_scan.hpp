// What several CPU texture classes need from a discretised region before counting.
#pragma once

#include <vector>

#include "../core/discretised_region.hpp"
#include "../core/neighbourhood.hpp"
#include "../core/settings.hpp"

namespace doseomics {

// Present grey levels of a region: ascending values, the compact index of each bin, and the box
// rewritten in compact indices so counting loops need no second lookup.
struct PresentLevels {
  std::vector<double> values;     // grey values (bin indices) present, ascending
  std::vector<int> compact;       // indexed by bin 0 .. max_bin; -1 when absent
  std::vector<int> compact_bins;  // the region's box in compact indices, -1 outside the region
};

// Scan the region's bins for the grey levels that occur.
PresentLevels present_levels(const DiscretisedRegion& region);

// The region's neighbour offsets at `distances` (force2D from `settings` honoured); mono- or
// bidirectional as PyRadiomics' class asks.
std::vector<Offset> region_offsets(const DiscretisedRegion& region, const int* distances,
                                   int distance_count, const Settings& settings,
                                   bool bidirectional);

}  // namespace doseomics
