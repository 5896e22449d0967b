// GLSZM on the device: zones are connected components of equal bin (26-connected, 8 with
// force2D) found by union-find with atomicMin linking (Playne & Hawick, IEEE TPDS 2018), then
// counted by (level, size) with a segmented sort per cell, and the features of
// kernels/core/glszm.hpp computed from the (present levels x present sizes) matrix.
#include "../core/glszm.hpp"
#include "cell_access.cuh"
#include "cuda_check.hpp"
#include "texture_launch.cuh"
#include "tuning_policy.hpp"

namespace doseomics {
namespace cuda_detail {
namespace {

using cuda_plan::Buffer;
constexpr int kGlszmClass = static_cast<int>(FeatureClass::glszm);

// Root of voxel i: follow parents until a self-parent. Parents only ever decrease, so the walk
// ends; volatile loads see other threads' links.
__device__ int find_root(const int* labels, int i) {
  const volatile int* parents = labels;
  int parent = parents[i];
  while (parent != i) {
    i = parent;
    parent = parents[i];
  }
  return i;
}

// Join the trees of a and b, linking the larger root under the smaller one; retried when another
// thread re-linked a root first.
__device__ void unite(int* labels, int a, int b) {
  bool done = false;
  while (!done) {
    a = find_root(labels, a);
    b = find_root(labels, b);
    if (a < b) {
      const int old = atomicMin(&labels[b], a);
      done = old == b;
      b = old;
    } else if (b < a) {
      const int old = atomicMin(&labels[a], b);
      done = old == a;
      a = old;
    } else {
      done = true;
    }
  }
}

// Inputs: one block per tile of a cell's tight box. Output: labels[t] = t for region voxels,
// -1 elsewhere (tight boxes of < 2^31 voxels).
__global__ void glszm_init_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  int* labels = cell_buffer<int>(args, cell, Buffer::glszm_labels);
  const int* bins = args.bins + cell.bins_offset;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const long long t = tile.first + k;
    const Coordinates c = tight_coordinates(cell, t);
    labels[t] = bins[padded_index(cell, c.z, c.y, c.x)] != 0 ? static_cast<int>(t) : -1;
  }
}

// Inputs: labels initialised. For every region voxel and every mono-directional distance-1
// offset (the other half are the same pairs reversed) whose neighbour lies in the tight box and
// has the same bin: unite the two.
__global__ void glszm_union_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  int* labels = cell_buffer<int>(args, cell, Buffer::glszm_labels);
  const int* bins = args.bins + cell.bins_offset;
  const Offset* offsets = args.offsets + cell.zone_offsets.begin;
  const int ny = cell.tight_size_zyx[1], nx = cell.tight_size_zyx[2];
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const long long t = tile.first + k;
    const Coordinates c = tight_coordinates(cell, t);
    const int bin = bins[padded_index(cell, c.z, c.y, c.x)];
    if (bin == 0) continue;
    for (int a = 0; a < cell.zone_offsets.count; ++a) {
      const Offset o = offsets[a];
      const int z = c.z + o.dz, y = c.y + o.dy, x = c.x + o.dx;
      if (!inside_tight_box(cell, z, y, x)) continue;
      if (bins[padded_index(cell, z, y, x)] != bin) continue;
      const long long u = (static_cast<long long>(z) * ny + y) * nx + x;
      unite(labels, static_cast<int>(t), static_cast<int>(u));
    }
  }
}

// Inputs: all unions done. Output: labels[t] = root of t; zone_sizes[root] += 1; the root flag of
// every voxel (1 for a zone's root) in glszm_keys, which the caller scans into glszm_root_index.
__global__ void glszm_flatten_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  int* labels = cell_buffer<int>(args, cell, Buffer::glszm_labels);
  int* sizes = cell_buffer<int>(args, cell, Buffer::glszm_zone_sizes);
  unsigned long long* flags = cell_buffer<unsigned long long>(args, cell, Buffer::glszm_keys);
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const long long t = tile.first + k;
    if (labels[t] < 0) continue;
    const int root = find_root(labels, static_cast<int>(t));
    atomicAdd(&sizes[root], 1);
    flags[t] = root == t ? 1ull : 0ull;
  }
}

// Inputs: zone sizes at roots, root_index = exclusive scan of the root flags over the group's
// labels arena. Output: one key (size << 32 | level) per zone at keys[root_index].
__global__ void glszm_keys_kernel(GroupArgs args) {
  const cuda_plan::Tile tile = args.tiles[blockIdx.x];
  const CellDevice& cell = args.cells[tile.item];
  if (cell.status != kComputed) return;
  const int* labels = cell_buffer<int>(args, cell, Buffer::glszm_labels);
  const int* sizes = cell_buffer<int>(args, cell, Buffer::glszm_zone_sizes);
  const long long* root_index = cell_buffer<long long>(args, cell, Buffer::glszm_root_index);
  unsigned long long* keys =
      static_cast<unsigned long long*>(args.buffers[static_cast<int>(Buffer::glszm_keys)]);
  const int* bins = args.bins + cell.bins_offset;
  for (int k = threadIdx.x; k < tile.count; k += blockDim.x) {
    const long long t = tile.first + k;
    if (labels[t] != t) continue;
    const Coordinates c = tight_coordinates(cell, t);
    const int level = level_of(args, cell, bins[padded_index(cell, c.z, c.y, c.x)]);
    keys[root_index[t]] =
        (static_cast<unsigned long long>(sizes[t]) << 32) | static_cast<unsigned long long>(level);
  }
}

// One thread per cell: the range of its zone keys, [root_index at its first voxel, at its end).
__global__ void glszm_segments_kernel(GroupArgs args, long long* begin, long long* end) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  const long long* root_index = cell_buffer<long long>(args, cell, Buffer::glszm_root_index);
  const bool computed = cell.status == kComputed;
  begin[c] = computed ? root_index[0] : 0;
  end[c] = computed ? root_index[cell.tight_voxels] : 0;
}

// Inputs: one thread per cell, its zone keys sorted (by size, then level). Builds the matrix of
// present levels x present sizes (columns ascending, as the CPU) and calls glszm_features.
// Assumptions: distinct sizes <= zone_size_columns_bound(Np), the glszm_sizes room.
__global__ void glszm_finish_kernel(GroupArgs args, const long long* begin, const long long* end) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= args.cell_count) return;
  const CellDevice& cell = args.cells[c];
  if (cell.status != kComputed) return;
  const unsigned long long* keys = static_cast<const unsigned long long*>(
      args.buffers[static_cast<int>(Buffer::glszm_sorted_keys)]);
  double* sizes = cell_buffer<double>(args, cell, Buffer::glszm_sizes);
  double* matrix = cell_buffer<double>(args, cell, Buffer::glszm_matrix);
  int columns = 0;
  unsigned long long previous_size = 0;
  for (long long z = begin[c]; z < end[c]; ++z) {
    const unsigned long long size = keys[z] >> 32;
    if (size != previous_size) sizes[columns++] = static_cast<double>(size);
    previous_size = size;
  }
  const int n = cell.gray_levels;
  for (long long k = 0; k < static_cast<long long>(n) * columns; ++k) matrix[k] = 0.0;
  int column = -1;
  previous_size = 0;
  for (long long z = begin[c]; z < end[c]; ++z) {
    const unsigned long long size = keys[z] >> 32;
    if (size != previous_size) ++column;
    previous_size = size;
    const long long level = static_cast<long long>(keys[z] & 0xffffffffull);
    matrix[level * columns + column] += 1.0;
  }
  glszm_features(matrix, level_values(args, cell), sizes, n, columns,
                 class_features(args, cell, kGlszmClass));
}

unsigned blocks(long long work, int threads) {
  return cuda_plan::blocks_for(work, threads, cuda_policy::kMaxGridBlocks);
}

}  // namespace

void launch_glszm(const GroupArgs& args, long long labels_total, long long* segment_begin,
                  long long* segment_end, TemporaryStorage& temporary, cudaStream_t stream) {
  if (args.cell_count == 0 || args.tile_count == 0) return;
  const int threads = cuda_policy::kBlockThreads;
  glszm_init_kernel<<<args.tile_count, threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glszm_init_kernel);
  glszm_union_kernel<<<args.tile_count, threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glszm_union_kernel);
  glszm_flatten_kernel<<<args.tile_count, threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glszm_flatten_kernel);
  auto* keys = static_cast<unsigned long long*>(args.buffers[static_cast<int>(Buffer::glszm_keys)]);
  auto* root_index =
      static_cast<long long*>(args.buffers[static_cast<int>(Buffer::glszm_root_index)]);
  // labels_total + 1 entries (the last flag is 0) so every cell's end is in the scan.
  exclusive_scan_flags(keys, root_index, labels_total + 1, temporary, stream);
  glszm_keys_kernel<<<args.tile_count, threads, 0, stream>>>(args);
  DOSEOMICS_CHECK_LAUNCH(glszm_keys_kernel);
  const int finish = cuda_policy::kFinishThreads;
  glszm_segments_kernel<<<blocks(args.cell_count, finish), finish, 0, stream>>>(args, segment_begin,
                                                                                segment_end);
  DOSEOMICS_CHECK_LAUNCH(glszm_segments_kernel);
  segmented_sort(
      keys,
      static_cast<unsigned long long*>(args.buffers[static_cast<int>(Buffer::glszm_sorted_keys)]),
      labels_total, args.cell_count, segment_begin, segment_end, temporary, stream);
  glszm_finish_kernel<<<blocks(args.cell_count, finish), finish, 0, stream>>>(args, segment_begin,
                                                                              segment_end);
  DOSEOMICS_CHECK_LAUNCH(glszm_finish_kernel);
}

}  // namespace cuda_detail
}  // namespace doseomics
