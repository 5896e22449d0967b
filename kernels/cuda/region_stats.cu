#include <climits>

#include "../core/platform.hpp"
#include "cuda_check.hpp"
#include "region_stats.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

using cuda_plan::Tile;

// Inputs: one block per tile of a region's box (kTileVoxels voxels at most), the chunk's voxels
// and mask. Outputs: the region's tight box, mask count and first non-finite masked voxel, merged
// into stats with one set of global atomics per block after a shared-memory reduction.
// Assumptions: box sizes fit int; indices are long long.
__global__ void region_stats_kernel(const RegionDevice* regions, const Tile* tiles,
                                    const double* voxels, const unsigned char* mask,
                                    RegionStats* stats) {
  __shared__ int low[3], high[3];
  __shared__ unsigned long long count;
  __shared__ long long first_bad;
  const Tile tile = tiles[blockIdx.x];
  const RegionDevice region = regions[tile.item];
  if (threadIdx.x == 0) {
    for (int a = 0; a < 3; ++a) {
      low[a] = INT_MAX;
      high[a] = -1;
    }
    count = 0;
    first_bad = kNoIndex;
  }
  __syncthreads();
  const long long plane = static_cast<long long>(region.box_size_zyx[1]) * region.box_size_zyx[2];
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const long long i = tile.first + k;
    const long long g = region.box_offset + i;
    if (!mask[g]) continue;
    const int z = static_cast<int>(i / plane);
    const long long rest = i - z * plane;
    const int y = static_cast<int>(rest / region.box_size_zyx[2]);
    const int x = static_cast<int>(rest - static_cast<long long>(y) * region.box_size_zyx[2]);
    atomicMin(&low[0], z);
    atomicMin(&low[1], y);
    atomicMin(&low[2], x);
    atomicMax(&high[0], z);
    atomicMax(&high[1], y);
    atomicMax(&high[2], x);
    atomicAdd(&count, 1ull);
    if (!isfinite(voxels[g])) atomicMin(&first_bad, i);
  }
  __syncthreads();
  if (threadIdx.x == 0 && count > 0) {
    RegionStats& s = stats[tile.item];
    for (int a = 0; a < 3; ++a) {
      atomicMin(&s.low_zyx[a], low[a]);
      atomicMax(&s.high_zyx[a], high[a]);
    }
    atomicAdd(&s.voxel_count, count);
    if (first_bad != kNoIndex) atomicMin(&s.first_non_finite, first_bad);
  }
}

// Inputs: the chunk's voxels, mask and the mask's exclusive scan. Output: masked voxels compacted
// in array order (so each region's values are in the order the CPU backend reads them).
__global__ void compact_values_kernel(const double* voxels, const unsigned char* mask,
                                      const long long* mask_scan, long long voxel_count,
                                      double* values) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < voxel_count;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    if (mask[i]) values[mask_scan[i]] = voxels[i];
}

// One thread per region: its values segment, [scan at box start, + voxel count).
__global__ void value_segments_kernel(const RegionDevice* regions, int region_count,
                                      const long long* mask_scan, RegionStats* stats,
                                      long long* begin, long long* end) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= region_count) return;
  const long long first = mask_scan[regions[r].box_offset];
  stats[r].values_offset = first;
  begin[r] = first;
  end[r] = first + static_cast<long long>(stats[r].voxel_count);
}

// One thread per region: min and max from the sorted values (NaN when empty).
__global__ void value_ranges_kernel(int region_count, const double* sorted, RegionStats* stats) {
  const int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= region_count) return;
  RegionStats& s = stats[r];
  if (s.voxel_count == 0) {
    s.min_value = s.max_value = NAN;
    return;
  }
  s.min_value = sorted[s.values_offset];
  s.max_value = sorted[s.values_offset + static_cast<long long>(s.voxel_count) - 1];
}

unsigned grid_for(long long work, int threads) {
  return cuda_plan::blocks_for(work, threads, cuda_policy::kMaxGridBlocks);
}

}  // namespace

void launch_region_stats(const RegionDevice* regions, const Tile* tiles, int tile_count,
                         const double* voxels, const unsigned char* mask, RegionStats* stats,
                         cudaStream_t stream) {
  if (tile_count == 0) return;
  region_stats_kernel<<<tile_count, cuda_policy::kBlockThreads, 0, stream>>>(regions, tiles, voxels,
                                                                             mask, stats);
  DOSEOMICS_CHECK_LAUNCH(region_stats_kernel);
}

void launch_compact_values(const double* voxels, const unsigned char* mask,
                           const long long* mask_scan, long long voxel_count, double* values,
                           cudaStream_t stream) {
  if (voxel_count == 0) return;
  compact_values_kernel<<<grid_for(voxel_count, cuda_policy::kBlockThreads),
                          cuda_policy::kBlockThreads, 0, stream>>>(voxels, mask, mask_scan,
                                                                   voxel_count, values);
  DOSEOMICS_CHECK_LAUNCH(compact_values_kernel);
}

void launch_value_segments(const RegionDevice* regions, int region_count,
                           const long long* mask_scan, RegionStats* stats, long long* begin,
                           long long* end, cudaStream_t stream) {
  if (region_count == 0) return;
  value_segments_kernel<<<grid_for(region_count, cuda_policy::kFinishThreads),
                          cuda_policy::kFinishThreads, 0, stream>>>(regions, region_count,
                                                                    mask_scan, stats, begin, end);
  DOSEOMICS_CHECK_LAUNCH(value_segments_kernel);
}

void launch_value_ranges(int region_count, const double* sorted, RegionStats* stats,
                         cudaStream_t stream) {
  if (region_count == 0) return;
  value_ranges_kernel<<<grid_for(region_count, cuda_policy::kFinishThreads),
                        cuda_policy::kFinishThreads, 0, stream>>>(region_count, sorted, stats);
  DOSEOMICS_CHECK_LAUNCH(value_ranges_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
