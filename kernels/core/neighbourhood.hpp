// Neighbour offsets ("angles") exactly as PyRadiomics' C extension generates them.
#pragma once

#include "platform.hpp"
#include "settings.hpp"

namespace doseomics {

// One offset in (z, y, x) array order.
struct Offset {
  int dz = 0, dy = 0, dx = 0;
};

// Offsets whose Chebyshev length is one of `distances`, skipping any that move along
// `force2d_dimension` (-1 for none) or reach as far as the region's box size in a dimension.
// Candidates run from +d to -d with x fastest, as cmatrices.c's build_angles, so the first half
// of the bidirectional set is the mono-directional set. Writes at most `capacity` offsets and
// returns how many exist (may exceed capacity: call again with a larger buffer).
DOSEOMICS_HD inline int neighbour_offsets(const int size_zyx[3], const int* distances,
                                          int distance_count, int force2d_dimension,
                                          bool bidirectional, Offset* out, int capacity) {
  int max_distance = 0;
  for (int d = 0; d < distance_count; ++d)
    if (distances[d] > max_distance) max_distance = distances[d];
  int total = 0;
  for (int dz = max_distance; dz >= -max_distance; --dz)
    for (int dy = max_distance; dy >= -max_distance; --dy)
      for (int dx = max_distance; dx >= -max_distance; --dx) {
        const int offset[3] = {dz, dy, dx};
        bool valid = true;
        int chebyshev = 0;
        for (int axis = 0; axis < 3; ++axis) {
          const int o = offset[axis];
          if ((axis == force2d_dimension && o != 0) || o >= size_zyx[axis] || o <= -size_zyx[axis])
            valid = false;
          const int magnitude = o < 0 ? -o : o;
          if (magnitude > chebyshev) chebyshev = magnitude;
        }
        if (!valid || chebyshev == 0) continue;
        bool requested = false;
        for (int d = 0; d < distance_count; ++d) requested |= (distances[d] == chebyshev);
        if (!requested) continue;
        if (total < capacity) out[total] = Offset{dz, dy, dx};
        ++total;
      }
  return bidirectional ? total : total / 2;
}

}  // namespace doseomics
