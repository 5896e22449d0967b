// Host-side planning of the CUDA backend: which blocks handle which voxels, which regions go to
// the device together, and where each cell's matrices lie in the device arenas.
//
// Plain C++ with no CUDA types, compiled in every build so that CI tests it without a GPU
// (tests/engine/test_cuda_batch_plan.cpp). A "cell" is one region under one setting.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace doseomics {
namespace cuda_plan {

// A run of consecutive voxels of one work item (a region's box, or a cell's tight box) that one
// thread block handles. Tiles never span two items.
struct Tile {
  int item = 0;         // index of the region or cell
  long long first = 0;  // first voxel of the tile, counted from the item's first voxel
  int count = 0;        // voxels in the tile, 1 .. tile_voxels
};

// Cut every item into tiles of at most `tile_voxels`, in item order; an item with no voxels gets
// no tile. Small items are one tile (one block), large ones many. Throws std::invalid_argument on
// tile_voxels < 1 or a negative size.
std::vector<Tile> plan_tiles(const std::vector<long long>& item_voxels, int tile_voxels);

// Consecutive items [begin, end) whose summed bytes fit a budget.
struct ItemGroup {
  std::size_t begin = 0;
  std::size_t end = 0;
  long long bytes = 0;     // summed bytes of the group's items
  bool oversized = false;  // a single item larger than the budget (the caller reports it)
};

// Greedy packing of items, in order, into groups of at most `budget_bytes` and `max_items`
// items. Every item is in exactly one group; an item larger than the budget is alone in a group
// marked oversized. Throws std::invalid_argument on a non-positive budget or max_items of 0.
std::vector<ItemGroup> plan_groups(const std::vector<long long>& item_bytes, long long budget_bytes,
                                   std::size_t max_items);

// Blocks for `work` independent units of `block_threads` threads each, at least 1, at most
// max_blocks (kernels grid-stride over the rest).
unsigned blocks_for(long long work, int block_threads, unsigned max_blocks);

// Whether a block-private matrix of `bytes` fits in `shared_limit` bytes of shared memory.
bool fits_in_shared(long long bytes, long long shared_limit);

// Bytes the backend may plan with, from cudaMemGetInfo's free bytes: free * fraction - reserve,
// never negative.
long long memory_budget(std::size_t free_bytes, double fraction, long long reserve_bytes);

// Device bytes one region occupies while uploaded: voxels (double) and mask (byte) of its box,
// the mask scan (long long per box voxel), its region values and their sorted copy (2 doubles
// per region voxel).
long long region_upload_bytes(long long box_voxels, long long region_voxels);

// Device bytes of one cell's discretisation: its padded box of bins (int) and its histogram
// (count, level index and level value per edge).
long long cell_discretised_bytes(long long padded_voxels, long long histogram_bins);

// The per-cell device buffers of the texture classes, each an array of one element type.
enum class Buffer {
  glcm_matrix,           // double: angles x n x n counts, then normalised in place
  glcm_workspace,        // double: angles x glcm_workspace_size(n, Ng)
  glcm_angle_features,   // double: angles x glcm::kCount
  glcm_angle_totals,     // double: angles, pairs counted per angle
  glrlm_matrix,          // double: angles x n x Nr run counts
  glrlm_workspace,       // double: angles x (n + Nr)
  glrlm_angle_features,  // double: angles x glrlm::kCount
  glrlm_angle_runs,      // double: angles, runs per angle
  glrlm_angle_lines,     // int: angles, 1 when a line holds more than one region voxel
  glrlm_run_lengths,     // double: Nr, run length of each column (1 .. Nr)
  glszm_labels,          // int: tight box voxels, union-find parent (-1 outside the region)
  glszm_zone_sizes,      // int: tight box voxels, zone size at each root
  glszm_root_index,      // long long: tight box voxels + 1, exclusive scan of root flags
  glszm_keys,            // unsigned long long: tight box voxels, (size << 32 | level) per zone
  glszm_sorted_keys,     // unsigned long long: tight box voxels
  glszm_matrix,          // double: n x size_columns_bound
  glszm_sizes,           // double: size_columns_bound
  gldm_counts,           // double: n x (neighbours + 1) voxel counts by dependence
  gldm_matrix,           // double: the same, empty columns removed
  gldm_sizes,            // double: neighbours + 1
  ngtdm_matrix,          // double: n x 3 rows {n_i, s_i, i}
  kCount
};
constexpr int kBufferCount = static_cast<int>(Buffer::kCount);

// Bytes of one element of a buffer.
int buffer_element_bytes(Buffer buffer);
// Name of a buffer, for messages.
const char* buffer_name(Buffer buffer);

// What the planner needs to know of one cell once its grey levels are known.
struct CellShape {
  long long tight_voxels = 0;   // voxels of the tight bounding box
  long long region_voxels = 0;  // Np
  int gray_levels = 0;          // n: grey levels present
  int max_bin = 0;              // Ng: the largest bin present
  int max_run = 0;              // Nr: the largest box dimension
  int glcm_angles = 0;          // mono-directional GLCM offsets
  int glrlm_angles = 0;         // mono-directional distance-1 offsets
  int neighbours = 0;           // bidirectional offsets of GLDM and NGTDM
  bool glcm = false, glrlm = false, glszm = false, gldm = false, ngtdm = false;  // wanted
};

// Element counts of every buffer for one cell (0 for a class not wanted).
using Footprint = std::array<long long, kBufferCount>;

// Upper bound of the number of distinct zone sizes of a region of `region_voxels` voxels: k
// distinct sizes need at least 1 + 2 + ... + k voxels.
long long zone_size_columns_bound(long long region_voxels);

Footprint cell_footprint(const CellShape& shape);
long long footprint_bytes(const Footprint& footprint);

// Where each cell's part of each buffer starts, and each buffer's total, for a group of cells.
struct ArenaLayout {
  std::vector<Footprint> offsets;  // [cell][buffer], in elements
  Footprint totals{};              // elements per buffer
  long long bytes() const { return footprint_bytes(totals); }
};

// Back-to-back layout of the given footprints in one arena per buffer.
ArenaLayout layout_arenas(const std::vector<Footprint>& footprints);

}  // namespace cuda_plan
}  // namespace doseomics
