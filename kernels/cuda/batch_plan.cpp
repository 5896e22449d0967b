#include "batch_plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../core/feature_names.hpp"
#include "../core/glcm.hpp"
#include "../core/glrlm.hpp"

namespace doseomics {
namespace cuda_plan {

std::vector<Tile> plan_tiles(const std::vector<long long>& item_voxels, int tile_voxels) {
  if (tile_voxels < 1) throw std::invalid_argument("plan_tiles: tile_voxels must be at least 1");
  std::vector<Tile> tiles;
  for (std::size_t item = 0; item < item_voxels.size(); ++item) {
    const long long voxels = item_voxels[item];
    if (voxels < 0) throw std::invalid_argument("plan_tiles: negative item size");
    for (long long first = 0; first < voxels; first += tile_voxels) {
      Tile tile;
      tile.item = static_cast<int>(item);
      tile.first = first;
      tile.count = static_cast<int>(std::min<long long>(tile_voxels, voxels - first));
      tiles.push_back(tile);
    }
  }
  return tiles;
}

std::vector<ItemGroup> plan_groups(const std::vector<long long>& item_bytes, long long budget_bytes,
                                   std::size_t max_items) {
  if (budget_bytes <= 0) throw std::invalid_argument("plan_groups: budget must be positive");
  if (max_items == 0) throw std::invalid_argument("plan_groups: max_items must be positive");
  std::vector<ItemGroup> groups;
  ItemGroup current;
  auto close = [&]() {
    if (current.end > current.begin) groups.push_back(current);
    current = ItemGroup{};
  };
  for (std::size_t item = 0; item < item_bytes.size(); ++item) {
    const long long bytes = item_bytes[item];
    if (bytes < 0) throw std::invalid_argument("plan_groups: negative item size");
    if (bytes > budget_bytes) {
      close();
      groups.push_back(ItemGroup{item, item + 1, bytes, true});
      current.begin = current.end = item + 1;
      continue;
    }
    if (current.end == current.begin) current.begin = current.end = item;
    if (current.bytes + bytes > budget_bytes || current.end - current.begin >= max_items) {
      close();
      current.begin = current.end = item;
    }
    current.bytes += bytes;
    current.end = item + 1;
  }
  close();
  return groups;
}

unsigned blocks_for(long long work, int block_threads, unsigned max_blocks) {
  if (block_threads < 1 || max_blocks < 1) throw std::invalid_argument("blocks_for: bad shape");
  const long long blocks = (std::max<long long>(work, 1) + block_threads - 1) / block_threads;
  return static_cast<unsigned>(std::min<long long>(blocks, max_blocks));
}

bool fits_in_shared(long long bytes, long long shared_limit) {
  return bytes > 0 && bytes <= shared_limit;
}

long long memory_budget(std::size_t free_bytes, double fraction, long long reserve_bytes) {
  const double usable =
      static_cast<double>(free_bytes) * fraction - static_cast<double>(reserve_bytes);
  return usable > 0 ? static_cast<long long>(usable) : 0;
}

long long region_upload_bytes(long long box_voxels, long long region_voxels) {
  return box_voxels * static_cast<long long>(sizeof(double) + 1 + sizeof(long long)) +
         region_voxels * 2 * static_cast<long long>(sizeof(double));
}

long long cell_discretised_bytes(long long padded_voxels, long long histogram_bins) {
  return padded_voxels * static_cast<long long>(sizeof(int)) +
         histogram_bins *
             static_cast<long long>(sizeof(long long) + sizeof(long long) + sizeof(double));
}

int buffer_element_bytes(Buffer buffer) {
  switch (buffer) {
    case Buffer::glrlm_angle_lines:
    case Buffer::glszm_labels:
    case Buffer::glszm_zone_sizes:
      return 4;
    default:
      return 8;
  }
}

const char* buffer_name(Buffer buffer) {
  static const char* const names[kBufferCount] = {
      "glcm_matrix",       "glcm_workspace",    "glcm_angle_features",  "glcm_angle_totals",
      "glrlm_matrix",      "glrlm_workspace",   "glrlm_angle_features", "glrlm_angle_runs",
      "glrlm_angle_lines", "glrlm_run_lengths", "glszm_labels",         "glszm_zone_sizes",
      "glszm_root_index",  "glszm_keys",        "glszm_sorted_keys",    "glszm_matrix",
      "glszm_sizes",       "gldm_counts",       "gldm_matrix",          "gldm_sizes",
      "ngtdm_matrix"};
  return names[static_cast<int>(buffer)];
}

long long zone_size_columns_bound(long long region_voxels) {
  if (region_voxels <= 0) return 0;
  // Largest k with k (k + 1) / 2 <= region_voxels.
  long long k = static_cast<long long>(std::sqrt(2.0 * static_cast<double>(region_voxels)));
  while (k > 0 && k * (k + 1) / 2 > region_voxels) --k;
  while ((k + 1) * (k + 2) / 2 <= region_voxels) ++k;
  return k;
}

Footprint cell_footprint(const CellShape& s) {
  Footprint f{};
  auto set = [&f](Buffer b, long long elements) { f[static_cast<int>(b)] = elements; };
  const long long n = s.gray_levels;
  // A weighted cell merges its angles into one matrix even when it has no angle: room for one.
  const long long glcm_angles = s.glcm_angles > 0 ? s.glcm_angles : 1;
  const long long glrlm_angles = s.glrlm_angles > 0 ? s.glrlm_angles : 1;
  if (s.glcm) {
    set(Buffer::glcm_matrix, glcm_angles * n * n);
    set(Buffer::glcm_workspace, glcm_angles * glcm_workspace_size(s.gray_levels, s.max_bin));
    set(Buffer::glcm_angle_features, glcm_angles * glcm::kCount);
    set(Buffer::glcm_angle_totals, glcm_angles);
  }
  if (s.glrlm) {
    set(Buffer::glrlm_matrix, glrlm_angles * n * s.max_run);
    set(Buffer::glrlm_workspace, glrlm_angles * glrlm_workspace_size(s.gray_levels, s.max_run));
    set(Buffer::glrlm_angle_features, glrlm_angles * glrlm::kCount);
    set(Buffer::glrlm_angle_runs, glrlm_angles);
    set(Buffer::glrlm_angle_lines, glrlm_angles);
    set(Buffer::glrlm_run_lengths, s.max_run);
  }
  if (s.glszm) {
    const long long columns = zone_size_columns_bound(s.region_voxels);
    set(Buffer::glszm_labels, s.tight_voxels);
    set(Buffer::glszm_zone_sizes, s.tight_voxels);
    set(Buffer::glszm_root_index, s.tight_voxels);
    set(Buffer::glszm_keys, s.tight_voxels);
    set(Buffer::glszm_sorted_keys, s.tight_voxels);
    set(Buffer::glszm_matrix, n * columns);
    set(Buffer::glszm_sizes, columns);
  }
  if (s.gldm) {
    set(Buffer::gldm_counts, n * (s.neighbours + 1));
    set(Buffer::gldm_matrix, n * (s.neighbours + 1));
    set(Buffer::gldm_sizes, s.neighbours + 1);
  }
  if (s.ngtdm) set(Buffer::ngtdm_matrix, 3 * n);
  return f;
}

long long footprint_bytes(const Footprint& footprint) {
  long long bytes = 0;
  for (int b = 0; b < kBufferCount; ++b)
    bytes += footprint[b] * buffer_element_bytes(static_cast<Buffer>(b));
  return bytes;
}

ArenaLayout layout_arenas(const std::vector<Footprint>& footprints) {
  ArenaLayout layout;
  layout.offsets.resize(footprints.size());
  for (std::size_t cell = 0; cell < footprints.size(); ++cell)
    for (int b = 0; b < kBufferCount; ++b) {
      layout.offsets[cell][b] = layout.totals[b];
      layout.totals[b] += footprints[cell][b];
    }
  return layout;
}

}  // namespace cuda_plan
}  // namespace doseomics
