// GLRLM on the device: runs along each mono-directional distance-1 angle, PyRadiomics'
// processing (angles with no line of two region voxels are zeroed, empty angles dropped, weights)
// and the per-angle features of kernels/core/glrlm.hpp, averaged as kernels/cpu/glrlm.cpp does.
#include <cmath>

#include "../core/glrlm.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "texture_launch.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

using cuda_plan::Buffer;
constexpr int kGlrlmClass = static_cast<int>(FeatureClass::glrlm);
// Distance-1 mono-directional offsets: at most 13.
constexpr int kMaxRunAngles = 13;

// Inputs: one block per tile of a cell's tight box; padded bins; the cell's offsets. For every
// (voxel, angle) where the voxel starts a line through the box (its predecessor lies outside),
// one thread walks the line as the CPU does. Outputs: glrlm_matrix[angle][level][length - 1] +=
// 1 per run (exact integers in doubles, global atomics), glrlm_angle_lines[angle] = 1 when a line
// holds more than one region voxel, and the run lengths 1 .. Nr (first tile of the cell).
// Assumptions: a line is at most Nr <= max box dimension voxels long.
__global__ void glrlm_count_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  if (tile.first == 0) {
    double* run_lengths = cell_buffer<double>(args, cell, Buffer::glrlm_run_lengths);
    for (int j = threadIdx.x; j < cell.max_run; j += blockDim.x) run_lengths[j] = j + 1;
  }
  const int angle_count = cell.glrlm_offsets.count;
  if (angle_count == 0) return;
  const long long n = cell.gray_levels;
  const int nr = cell.max_run;
  double* matrix = cell_buffer<double>(args, cell, Buffer::glrlm_matrix);
  int* lines = cell_buffer<int>(args, cell, Buffer::glrlm_angle_lines);
  const int* bins = args.bins + cell.bins_offset;
  const Offset* offsets = args.offsets + cell.glrlm_offsets.begin;
  const int* size = cell.tight_size_zyx;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const Coordinates c = tight_coordinates(cell, tile.first + k);
    const int position[3] = {c.z, c.y, c.x};
    for (int a = 0; a < angle_count && a < kMaxRunAngles; ++a) {
      const Offset o = offsets[a];
      const int step[3] = {o.dz, o.dy, o.dx};
      bool starts_line = false;
      for (int axis = 0; axis < 3; ++axis) {
        const int previous = position[axis] - step[axis];
        if (previous < 0 || previous >= size[axis]) starts_line = true;
      }
      if (!starts_line) continue;
      int length = size[0] + size[1] + size[2];
      for (int axis = 0; axis < 3; ++axis) {
        if (step[axis] > 0) length = min(length, size[axis] - position[axis]);
        if (step[axis] < 0) length = min(length, position[axis] + 1);
      }
      const long long stride = (static_cast<long long>(o.dz) * cell.padded_size_zyx[1] + o.dy) *
                                   cell.padded_size_zyx[2] +
                               o.dx;
      long long v = padded_index(cell, c.z, c.y, c.x);
      double* angle_matrix = matrix + a * n * nr;
      int run_bin = 0, run_length = 0, masked = 0;
      for (int s = 0; s < length; ++s, v += stride) {
        const int bin = bins[v];
        if (bin != 0) ++masked;
        if (bin == run_bin && bin != 0) {
          ++run_length;
          continue;
        }
        if (run_bin != 0)
          atomicAdd(&angle_matrix[level_of(args, cell, run_bin) * nr + run_length - 1], 1.0);
        run_bin = bin;
        run_length = bin != 0 ? 1 : 0;
      }
      if (run_bin != 0)
        atomicAdd(&angle_matrix[level_of(args, cell, run_bin) * nr + run_length - 1], 1.0);
      if (masked > 1 && lines[a] == 0) lines[a] = 1;  // benign race: every writer stores 1
    }
  }
}

// Inputs: one thread per (cell, angle). Zeroes an angle with no line of two region voxels, sums
// its runs (exact) into glrlm_angle_runs; without weighting computes its 16 features.
__global__ void glrlm_angle_kernel(GroupArgs args, int max_angles) {
  const long long job = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (job >= static_cast<long long>(args.cell_count) * max_angles) return;
  const CellDevice& cell = args.cells[job / max_angles];
  const int a = static_cast<int>(job % max_angles);
  if (cell.status != kComputed || a >= cell.glrlm_offsets.count) return;
  const int n = cell.gray_levels, nr = cell.max_run;
  const long long size = static_cast<long long>(n) * nr;
  double* p = cell_buffer<double>(args, cell, Buffer::glrlm_matrix) + a * size;
  const bool multi_element = cell_buffer<int>(args, cell, Buffer::glrlm_angle_lines)[a] != 0;
  double runs = 0.0;
  for (long long k = 0; k < size; ++k) {
    if (!multi_element) p[k] = 0.0;
    runs += p[k];
  }
  cell_buffer<double>(args, cell, Buffer::glrlm_angle_runs)[a] = runs;
  if (cell.weighting_norm != static_cast<int>(WeightingNorm::none)) return;
  if (runs == 0 && cell.glrlm_offsets.count > 1) return;  // dropped by the average
  glrlm_features_one_angle(
      p, level_values(args, cell), cell_buffer<double>(args, cell, Buffer::glrlm_run_lengths), n,
      nr,
      cell_buffer<double>(args, cell, Buffer::glrlm_workspace) + a * glrlm_workspace_size(n, nr),
      cell_buffer<double>(args, cell, Buffer::glrlm_angle_features) + a * glrlm::kCount);
}

// Inputs: one thread per weighted cell: P = sum over angles of counts x glrlm_angle_weight (angle
// order per element, as the CPU) into angle 0, then its features.
__global__ void glrlm_merge_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed || cell.weighting_norm == static_cast<int>(WeightingNorm::none))
    return;
  const int n = cell.gray_levels, nr = cell.max_run;
  const long long size = static_cast<long long>(n) * nr;
  double* matrix = cell_buffer<double>(args, cell, Buffer::glrlm_matrix);
  const Offset* offsets = args.offsets + cell.glrlm_offsets.begin;
  const WeightingNorm norm = static_cast<WeightingNorm>(cell.weighting_norm);
  for (long long k = 0; k < size; ++k) {
    double merged = 0.0;
    for (int a = 0; a < cell.glrlm_offsets.count; ++a)
      merged += matrix[a * size + k] * glrlm_angle_weight(norm, offsets[a], cell.spacing_zyx_mm);
    matrix[k] = merged;
  }
  glrlm_features_one_angle(matrix, level_values(args, cell),
                           cell_buffer<double>(args, cell, Buffer::glrlm_run_lengths), n, nr,
                           cell_buffer<double>(args, cell, Buffer::glrlm_workspace),
                           cell_buffer<double>(args, cell, Buffer::glrlm_angle_features));
}

// Inputs: one thread per cell: keeps the CPU's angles and averages them (glcm_nanmean_over_angles).
__global__ void glrlm_average_kernel(GroupArgs args) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed) return;
  double* rows = cell_buffer<double>(args, cell, Buffer::glrlm_angle_features);
  const double* runs = cell_buffer<double>(args, cell, Buffer::glrlm_angle_runs);
  const int angle_count = cell.glrlm_offsets.count;
  int kept = 0;
  if (cell.weighting_norm != static_cast<int>(WeightingNorm::none)) {
    kept = 1;
  } else {
    for (int a = 0; a < angle_count; ++a) {
      if (runs[a] == 0 && angle_count > 1) continue;
      if (kept != a)
        for (int f = 0; f < glrlm::kCount; ++f)
          rows[kept * glrlm::kCount + f] = rows[a * glrlm::kCount + f];
      ++kept;
    }
  }
  glcm_nanmean_over_angles(rows, kept, glrlm::kCount, class_features(args, cell, kGlrlmClass));
}

unsigned blocks(long long work, int threads) {
  return cuda_plan::blocks_for(work, threads, cuda_policy::kMaxGridBlocks);
}

}  // namespace

void launch_glrlm(const GroupArgs& args, int max_angles, cudaStream_t stream) {
  if (args.cell_count == 0) return;
  if (args.tile_count > 0) {
    glrlm_count_kernel<<<args.tile_count, cuda_policy::kBlockThreads, 0, stream>>>(args);
    DOSEOMICS_CHECK_LAUNCH(glrlm_count_kernel);
  }
  const int threads = cuda_policy::kFinishThreads;
  if (max_angles > 0) {
    const long long jobs = static_cast<long long>(args.cell_count) * max_angles;
    glrlm_angle_kernel<<<blocks(jobs, threads), threads, 0, stream>>>(args, max_angles);
    DOSEOMICS_CHECK_LAUNCH(glrlm_angle_kernel);
  }
  glrlm_merge_kernel<<<blocks(args.cell_count, threads), threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glrlm_merge_kernel);
  glrlm_average_kernel<<<blocks(args.cell_count, threads), threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glrlm_average_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
