// GLCM on the device: co-occurrence counts per angle (shared memory when a cell is one tile and
// its matrices fit, else global atomics), PyRadiomics' processing and the per-angle features of
// kernels/core/glcm.hpp, averaged as the CPU backend (kernels/cpu/glcm.cpp) does.
#include <cmath>

#include "../core/glcm.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "texture_launch.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

using cuda_plan::Buffer;
constexpr int kGlcmClass = static_cast<int>(FeatureClass::glcm);

// Inputs: one block per tile of a cell's tight box; padded bins; the cell's mono-directional
// offsets and their padded steps. Output: glcm_matrix[angle][i][j] += 1 per (centre, neighbour)
// pair of region voxels, i, j compact level indices. Counts are exact integers held in doubles
// (< 2^53). A cell that is a single tile with angles x n x n x 4 bytes <= shared_bytes counts in
// shared memory with 32-bit atomics and stores once; others use global double atomics.
__global__ void glcm_count_kernel(GroupArgs args) {
  extern __shared__ unsigned int shared_counts[];
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed || cell.glcm_offsets.count == 0) return;
  const long long n = cell.gray_levels;
  const long long matrix_size = cell.glcm_offsets.count * n * n;
  const bool private_counts =
      tile.first == 0 && tile.count == cell.tight_voxels && matrix_size * 4 <= args.shared_bytes;
  if (private_counts) {
    for (long long k = threadIdx.x; k < matrix_size; k += blockDim.x) shared_counts[k] = 0;
    __syncthreads();
  }
  double* matrix = cell_buffer<double>(args, cell, Buffer::glcm_matrix);
  const int* bins = args.bins + cell.bins_offset;
  const long long* steps = args.steps + cell.glcm_offsets.begin;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const Coordinates c = tight_coordinates(cell, tile.first + k);
    const long long centre = padded_index(cell, c.z, c.y, c.x);
    const int centre_bin = bins[centre];
    if (centre_bin == 0) continue;
    const long long row = level_of(args, cell, centre_bin) * n;
    for (int a = 0; a < cell.glcm_offsets.count; ++a) {
      const int neighbour_bin = bins[centre + steps[a]];  // margin >= distance: never out of box
      if (neighbour_bin == 0) continue;
      const long long index = a * n * n + row + level_of(args, cell, neighbour_bin);
      if (private_counts)
        atomicAdd(&shared_counts[index], 1u);
      else
        atomicAdd(&matrix[index], 1.0);
    }
  }
  if (private_counts) {
    __syncthreads();
    for (long long k = threadIdx.x; k < matrix_size; k += blockDim.x)
      matrix[k] = static_cast<double>(shared_counts[k]);
  }
}

// Inputs: one thread per (cell, angle) of the counted matrices. Symmetrises the angle's counts
// when asked (exact), records its total; without weighting also normalises it (NaN for an empty
// angle, as the CPU) and writes its 24 features to glcm_angle_features[angle].
__global__ void glcm_angle_kernel(GroupArgs args, int max_angles) {
  const long long job = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (job >= static_cast<long long>(args.cell_count) * max_angles) return;
  const CellDevice& cell = args.cells[job / max_angles];
  const int a = static_cast<int>(job % max_angles);
  if (cell.status != kComputed || a >= cell.glcm_offsets.count) return;
  const int n = cell.gray_levels;
  double* p =
      cell_buffer<double>(args, cell, Buffer::glcm_matrix) + static_cast<long long>(a) * n * n;
  double total = 0.0;
  for (long long k = 0; k < static_cast<long long>(n) * n; ++k) total += p[k];
  if (cell.symmetrical_glcm) {
    for (int i = 0; i < n; ++i)
      for (int j = i; j < n; ++j) {
        const double sum = p[i * n + j] + p[j * n + i];
        p[i * n + j] = p[j * n + i] = sum;
      }
    total *= 2;
  }
  cell_buffer<double>(args, cell, Buffer::glcm_angle_totals)[a] = total;
  if (cell.weighting_norm != static_cast<int>(WeightingNorm::none)) return;
  const double denominator = total == 0 ? NAN : total;
  for (long long k = 0; k < static_cast<long long>(n) * n; ++k) p[k] /= denominator;
  double* workspace = cell_buffer<double>(args, cell, Buffer::glcm_workspace) +
                      a * glcm_workspace_size(n, cell.max_bin);
  glcm_features_one_angle(
      p, level_values(args, cell), n, cell.max_bin, workspace,
      cell_buffer<double>(args, cell, Buffer::glcm_angle_features) + a * glcm::kCount);
}

// Inputs: one thread per cell with weighting: merges the symmetrised angles into angle 0 with
// glcm_angle_weight (angle order per element, as the CPU), normalises by the total (summed in
// element order) and computes the features of the merged matrix.
__global__ void glcm_merge_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed || cell.weighting_norm == static_cast<int>(WeightingNorm::none))
    return;
  const long long n2 = static_cast<long long>(cell.gray_levels) * cell.gray_levels;
  double* matrix = cell_buffer<double>(args, cell, Buffer::glcm_matrix);
  const Offset* offsets = args.offsets + cell.glcm_offsets.begin;
  const WeightingNorm norm = static_cast<WeightingNorm>(cell.weighting_norm);
  double total = 0.0;
  for (long long k = 0; k < n2; ++k) {
    double merged = 0.0;
    for (int a = 0; a < cell.glcm_offsets.count; ++a)
      merged += matrix[a * n2 + k] * glcm_angle_weight(norm, offsets[a], cell.spacing_zyx_mm);
    matrix[k] = merged;
  }
  if (cell.glcm_offsets.count == 0)
    for (long long k = 0; k < n2; ++k) matrix[k] = 0.0;
  for (long long k = 0; k < n2; ++k) total += matrix[k];
  if (total == 0.0) total = NAN;
  for (long long k = 0; k < n2; ++k) matrix[k] /= total;
  glcm_features_one_angle(matrix, level_values(args, cell), cell.gray_levels, cell.max_bin,
                          cell_buffer<double>(args, cell, Buffer::glcm_workspace),
                          cell_buffer<double>(args, cell, Buffer::glcm_angle_features));
}

// Inputs: one thread per cell. Keeps the angles the CPU keeps (all but empty ones when there is
// more than one; the merged one when weighted), averages them with glcm_nanmean_over_angles and
// applies PyRadiomics' MCC = 1 for a single grey level.
__global__ void glcm_average_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed) return;
  double* rows = cell_buffer<double>(args, cell, Buffer::glcm_angle_features);
  const double* totals = cell_buffer<double>(args, cell, Buffer::glcm_angle_totals);
  const int angle_count = cell.glcm_offsets.count;
  int kept = 0;
  if (cell.weighting_norm != static_cast<int>(WeightingNorm::none)) {
    kept = 1;
  } else {
    for (int a = 0; a < angle_count; ++a) {
      if (totals[a] == 0 && angle_count > 1) continue;
      if (kept != a)
        for (int f = 0; f < glcm::kCount; ++f)
          rows[kept * glcm::kCount + f] = rows[a * glcm::kCount + f];
      ++kept;
    }
  }
  double* out = class_features(args, cell, kGlcmClass);
  glcm_nanmean_over_angles(rows, kept, glcm::kCount, out);
  if (cell.gray_levels == 1) out[glcm::MCC] = 1.0;
}

unsigned blocks(long long work, int threads) {
  return cuda_plan::blocks_for(work, threads, cuda_policy::kMaxGridBlocks);
}

}  // namespace

void launch_glcm(const GroupArgs& args, int max_angles, cudaStream_t stream) {
  if (args.cell_count == 0) return;
  if (args.tile_count > 0) {
    glcm_count_kernel<<<args.tile_count, cuda_policy::kBlockThreads, args.shared_bytes, stream>>>(
        args);
    DOSEOMICS_CHECK_LAUNCH(glcm_count_kernel);
  }
  const int threads = cuda_policy::kFinishThreads;
  if (max_angles > 0) {
    const long long jobs = static_cast<long long>(args.cell_count) * max_angles;
    glcm_angle_kernel<<<blocks(jobs, threads), threads, 0, stream>>>(args, max_angles);
    DOSEOMICS_CHECK_LAUNCH(glcm_angle_kernel);
  }
  glcm_merge_kernel<<<blocks(args.cell_count, threads), threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glcm_merge_kernel);
  glcm_average_kernel<<<blocks(args.cell_count, threads), threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glcm_average_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
