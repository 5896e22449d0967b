// Per-region statistics of an uploaded chunk: tight bounding box, voxel count, first non-finite
// voxel, the region's values compacted in array order and their value range.
#pragma once

#include <cuda_runtime_api.h>

#include "device_types.hpp"

namespace doseomics {
namespace cuda_detail {

// stats must hold the identity (low INT_MAX, high -1, count 0, first kNoIndex) beforehand.
void launch_region_stats(const RegionDevice* regions, const cuda_plan::Tile* tiles, int tile_count,
                         const double* voxels, const unsigned char* mask, RegionStats* stats,
                         cudaStream_t stream);
// values[mask_scan[i]] = voxels[i] for every masked voxel of the chunk.
void launch_compact_values(const double* voxels, const unsigned char* mask,
                           const long long* mask_scan, long long voxel_count, double* values,
                           cudaStream_t stream);
// Segment [begin, end) of each region's values, from the mask scan and the voxel counts.
void launch_value_segments(const RegionDevice* regions, int region_count,
                           const long long* mask_scan, RegionStats* stats, long long* begin,
                           long long* end, cudaStream_t stream);
// min/max of each non-empty region from its sorted values.
void launch_value_ranges(int region_count, const double* sorted, RegionStats* stats,
                         cudaStream_t stream);

}  // namespace cuda_detail
}  // namespace doseomics
