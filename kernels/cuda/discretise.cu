#include "../core/discretisation.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "discretise.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

// Inputs: one block per tile of a cell's tight box; the chunk's voxels and mask; each cell's
// bin edges (core/discretisation.hpp, exactly the CPU's digitize). Outputs: the bin of every
// region voxel in the cell's padded box (0 stays outside the region) and the histogram of bins.
// The histogram is privatised in shared memory (32-bit counts, a tile has < 2^31 voxels) when it
// fits args.shared_bytes, then flushed with one global atomic per non-empty bin.
// Assumptions: bins lie in 0 .. histogram_bins - 1 (digitize returns at most edges.count).
__global__ void discretise_kernel(GroupArgs args) {
  extern __shared__ unsigned int shared_histogram[];
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  const bool private_histogram =
      static_cast<long long>(cell.histogram_bins) * 4 <= args.shared_bytes;
  if (private_histogram) {
    for (int b = threadIdx.x; b < cell.histogram_bins; b += blockDim.x) shared_histogram[b] = 0;
    __syncthreads();
  }
  unsigned long long* histogram =
      reinterpret_cast<unsigned long long*>(args.histogram + cell.histogram_offset);
  int* bins = args.bins + cell.bins_offset;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const Coordinates c = tight_coordinates(cell, tile.first + k);
    const long long source =
        cell.box_offset +
        (static_cast<long long>(cell.tight_start_zyx[0] + c.z) * cell.box_size_zyx[1] +
         (cell.tight_start_zyx[1] + c.y)) *
            cell.box_size_zyx[2] +
        (cell.tight_start_zyx[2] + c.x);
    if (!args.mask[source]) continue;
    const int bin = digitize(cell.edges, args.voxels[source]);
    bins[padded_index(cell, c.z, c.y, c.x)] = bin;
    if (private_histogram)
      atomicAdd(&shared_histogram[bin], 1u);
    else
      atomicAdd(&histogram[bin], 1ull);
  }
  if (private_histogram) {
    __syncthreads();
    for (int b = threadIdx.x; b < cell.histogram_bins; b += blockDim.x)
      if (shared_histogram[b] != 0) atomicAdd(&histogram[b], shared_histogram[b]);
  }
}

// Inputs: one block per cell; its histogram and level_scan (exclusive scan of histogram > 0 over
// the group's histogram arena). Outputs: level_values (ascending bins present) and the cell's
// number of levels and largest bin.
__global__ void gray_levels_kernel(GroupArgs args) {
  const CellDevice& cell = args.cells[blockIdx.x];
  if (cell.status != kComputed) return;
  const long long base = cell.histogram_offset;
  const long long* scan = args.level_scan + base;
  const long long* histogram = args.histogram + base;
  double* values = args.level_values + base;
  for (int b = threadIdx.x; b < cell.histogram_bins; b += blockDim.x)
    if (histogram[b] > 0) values[scan[b] - scan[0]] = static_cast<double>(b);
  __syncthreads();
  if (threadIdx.x == 0) {
    const int last = cell.histogram_bins - 1;
    const int n = static_cast<int>(scan[last] + (histogram[last] > 0 ? 1 : 0) - scan[0]);
    args.levels[blockIdx.x].gray_levels = n;
    args.levels[blockIdx.x].max_bin = n > 0 ? static_cast<int>(values[n - 1]) : 0;
  }
}

}  // namespace

void launch_discretise(const GroupArgs& args, cudaStream_t stream) {
  if (args.tile_count == 0) return;
  discretise_kernel<<<args.tile_count, cuda_policy::kBlockThreads, args.shared_bytes, stream>>>(
      args);
  DOSEOMICS_CHECK_LAUNCH(discretise_kernel);
}

void launch_gray_levels(const GroupArgs& args, cudaStream_t stream) {
  if (args.cell_count == 0) return;
  gray_levels_kernel<<<args.cell_count, cuda_policy::kBlockThreads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(gray_levels_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
