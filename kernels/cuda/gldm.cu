// GLDM on the device: the dependence of every region voxel (kernels/core/gldm.hpp's
// gldm_dependent over the padded neighbours, as the CPU), counted by (level, dependence), then the
// features of the matrix without its empty dependence columns.
#include "../core/gldm.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "texture_launch.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

using cuda_plan::Buffer;
constexpr int kGldmClass = static_cast<int>(FeatureClass::gldm);

// Inputs: one block per tile of a cell's tight box; padded bins (margin >= largest distance);
// the cell's bidirectional offsets as padded steps. Output: gldm_counts[level][dependence] += 1
// (dependence 0 .. neighbours; exact integers in doubles, global atomics).
__global__ void gldm_count_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  const int width = cell.neighbour_offsets.count + 1;
  double* counts = cell_buffer<double>(args, cell, Buffer::gldm_counts);
  const int* bins = args.bins + cell.bins_offset;
  const long long* steps = args.steps + cell.neighbour_offsets.begin;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const Coordinates c = tight_coordinates(cell, tile.first + k);
    const long long centre = padded_index(cell, c.z, c.y, c.x);
    const int bin = bins[centre];
    if (bin == 0) continue;
    int dependent = 0;
    for (int a = 0; a < cell.neighbour_offsets.count; ++a)
      dependent += gldm_dependent(bin, bins[centre + steps[a]], cell.gldm_a);
    atomicAdd(&counts[static_cast<long long>(level_of(args, cell, bin)) * width + dependent], 1.0);
  }
}

// Inputs: one thread per cell. Drops empty dependence columns (sizes = dependence + 1, as
// PyRadiomics counts the centre) and calls gldm_features. Every level row is non-empty.
__global__ void gldm_finish_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed) return;
  const int n = cell.gray_levels;
  const int width = cell.neighbour_offsets.count + 1;
  const double* counts = cell_buffer<double>(args, cell, Buffer::gldm_counts);
  double* matrix = cell_buffer<double>(args, cell, Buffer::gldm_matrix);
  double* sizes = cell_buffer<double>(args, cell, Buffer::gldm_sizes);
  int columns = 0;
  for (int d = 0; d < width; ++d) {
    bool used = false;
    for (int r = 0; r < n && !used; ++r) used = counts[static_cast<long long>(r) * width + d] != 0;
    if (used) sizes[columns++] = d + 1;
  }
  for (int r = 0; r < n; ++r) {
    int column = 0;
    for (int d = 0; d < width; ++d) {
      if (column >= columns || sizes[column] != d + 1) continue;
      matrix[static_cast<long long>(r) * columns + column] =
          counts[static_cast<long long>(r) * width + d];
      ++column;
    }
  }
  gldm_features(matrix, level_values(args, cell), sizes, n, columns,
                class_features(args, cell, kGldmClass));
}

}  // namespace

void launch_gldm(const GroupArgs& args, cudaStream_t stream) {
  if (args.cell_count == 0 || args.tile_count == 0) return;
  gldm_count_kernel<<<args.tile_count, cuda_policy::kBlockThreads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(gldm_count_kernel);
  const int threads = cuda_policy::kFinishThreads;
  gldm_finish_kernel<<<cuda_plan::blocks_for(args.cell_count, threads, cuda_policy::kMaxGridBlocks),
                       threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(gldm_finish_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
