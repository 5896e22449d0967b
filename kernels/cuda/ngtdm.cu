// NGTDM on the device: |i - mean of valid neighbours| of every region voxel
// (kernels/core/ngtdm.hpp's ngtdm_difference of the padded neighbours' exact sum), summed per
// level, then ngtdm_features. s_i is summed with atomics, so it may differ from the CPU's
// array-order sum by rounding only (all terms are non-negative).
#include "../core/ngtdm.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "texture_launch.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

using cuda_plan::Buffer;
constexpr int kNgtdmClass = static_cast<int>(FeatureClass::ngtdm);

// Inputs: one block per tile of a cell's tight box; padded bins; bidirectional padded steps.
// Output: ngtdm_matrix[level] = {n_i += 1, s_i += difference} (global double atomics).
__global__ void ngtdm_count_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  double* matrix = cell_buffer<double>(args, cell, Buffer::ngtdm_matrix);
  const int* bins = args.bins + cell.bins_offset;
  const long long* steps = args.steps + cell.neighbour_offsets.begin;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const Coordinates c = tight_coordinates(cell, tile.first + k);
    const long long centre = padded_index(cell, c.z, c.y, c.x);
    const int bin = bins[centre];
    if (bin == 0) continue;
    long long neighbour_sum = 0;  // exact, as the CPU's integer sums
    int neighbour_count = 0;
    for (int a = 0; a < cell.neighbour_offsets.count; ++a) {
      const int neighbour = bins[centre + steps[a]];  // 0 outside the box or the region
      neighbour_sum += neighbour;
      neighbour_count += neighbour != 0;
    }
    const double difference = ngtdm_difference(bin, neighbour_sum, neighbour_count);
    double* row = matrix + 3ll * level_of(args, cell, bin);
    atomicAdd(&row[0], 1.0);
    atomicAdd(&row[1], difference);
  }
}

// Inputs: one thread per cell: fills i of each row and calls ngtdm_features.
__global__ void ngtdm_finish_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed) return;
  double* matrix = cell_buffer<double>(args, cell, Buffer::ngtdm_matrix);
  const double* values = level_values(args, cell);
  for (int r = 0; r < cell.gray_levels; ++r) matrix[3 * r + 2] = values[r];
  ngtdm_features(matrix, cell.gray_levels, class_features(args, cell, kNgtdmClass));
}

}  // namespace

void launch_ngtdm(const GroupArgs& args, cudaStream_t stream) {
  if (args.cell_count == 0 || args.tile_count == 0) return;
  ngtdm_count_kernel<<<args.tile_count, cuda_policy::kBlockThreads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(ngtdm_count_kernel);
  const int threads = cuda_policy::kFinishThreads;
  ngtdm_finish_kernel<<<cuda_plan::blocks_for(args.cell_count, threads,
                                              cuda_policy::kMaxGridBlocks),
                        threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(ngtdm_finish_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
