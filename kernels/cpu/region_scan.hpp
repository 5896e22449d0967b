// What several CPU texture classes need from a discretised region before counting.
#pragma once

#include <vector>

#include "../core/discretised_region.hpp"
#include "../core/glszm.hpp"
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

// A region copied into a zero-padded box as wide as its longest neighbour offset (bidirectional,
// settings.distances), with each offset's step in that box: neighbour loops need no bounds checks.
struct PaddedNeighbourhood {
  PaddedBox box;
  std::vector<Offset> offsets;
  std::vector<long long> steps;  // one per offset
  std::vector<int> bins;         // the padded box, then `spare_voxels` zeros
};

// Throws InputError (prefixed with `class_name`) for an empty region or a bad distances list.
PaddedNeighbourhood padded_neighbourhood(const DiscretisedRegion& region, const Settings& settings,
                                         const char* class_name, int spare_voxels);

}  // namespace doseomics
