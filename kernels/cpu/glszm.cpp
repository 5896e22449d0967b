// GLSZM on the CPU: zones are 26-connected (8 with force2D) components of equal bin, found by an
// iterative flood fill on a zero-padded copy of the box.
#include "../core/glszm.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "../core/neighbourhood.hpp"
#include "texture_classes.hpp"

namespace doseomics {
namespace {

// The GLSZM over present grey levels and present zone sizes, with the size of each column.
struct GlszmMatrix {
  TextureMatrix matrix;
  std::vector<double> gray_values;
  std::vector<double> zone_sizes;
};

// Count zones by grey level and size, as PyRadiomics' calculate_glszm followed by the deletion of
// absent grey levels and empty size columns.
GlszmMatrix build(const DiscretisedRegion& region, const Settings& settings) {
  if (region.bins == nullptr || region.voxel_count <= 0 || region.max_bin <= 0)
    throw InputError("GLSZM: the region is empty");

  const int distance = 1;  // GLSZM ignores the distances setting
  const int force2d_dimension = settings.force2d ? settings.force2d_dimension : -1;
  Offset offsets[26];
  const int offset_count =
      neighbour_offsets(region.size_zyx, &distance, 1, force2d_dimension, true, offsets, 26);
  const PaddedBox box = padded_box(region, 1);
  long long steps[26];
  for (int k = 0; k < offset_count; ++k) steps[k] = box.step(offsets[k]);

  // Working copy: a voxel's bin is set to 0 once it belongs to a zone.
  std::vector<int> bins(static_cast<std::size_t>(box.voxel_count()));
  fill_padded_bins(region, box, bins.data());

  // Row of each present grey level.
  std::vector<char> present(static_cast<std::size_t>(region.max_bin) + 1, 0);
  for (long long i = 0; i < region.box_voxel_count(); ++i) present[region.bins[i]] = 1;
  std::vector<int> row_of(present.size(), -1);
  GlszmMatrix result;
  for (int bin = 1; bin <= region.max_bin; ++bin)
    if (present[bin]) {
      row_of[bin] = static_cast<int>(result.gray_values.size());
      result.gray_values.push_back(bin);
      result.matrix.gray_levels.push_back(bin);
    }
  const int rows = static_cast<int>(result.gray_values.size());

  // Zones as (row, size), found in array order; every voxel is pushed at most once.
  std::vector<std::int64_t> stack(static_cast<std::size_t>(region.voxel_count));
  std::vector<std::int32_t> zone_rows;
  std::vector<std::int32_t> zone_size_of;
  int max_size = 0;
  for (int z = 0; z < region.size_zyx[0]; ++z)
    for (int y = 0; y < region.size_zyx[1]; ++y) {
      const long long row_start = box.index(z, y, 0);
      for (int x = 0; x < region.size_zyx[2]; ++x) {
        const long long seed = row_start + x;
        const int gray = bins[seed];
        if (gray == 0) continue;
        bins[seed] = 0;
        std::size_t top = 0;
        stack[top++] = seed;
        int size = 0;
        while (top > 0) {
          const std::int64_t voxel = stack[--top];
          ++size;
          for (int k = 0; k < offset_count; ++k) {
            const std::int64_t neighbour = voxel + steps[k];
            if (bins[neighbour] == gray) {
              bins[neighbour] = 0;
              stack[top++] = neighbour;
            }
          }
        }
        zone_rows.push_back(row_of[gray]);
        zone_size_of.push_back(size);
        if (size > max_size) max_size = size;
      }
    }

  // Columns: the zone sizes that occur, ascending.
  std::vector<char> occurs(static_cast<std::size_t>(max_size) + 1, 0);
  for (const std::int32_t size : zone_size_of) occurs[size] = 1;
  std::vector<int> column_of(occurs.size(), -1);
  for (int size = 1; size <= max_size; ++size)
    if (occurs[size]) {
      column_of[size] = static_cast<int>(result.zone_sizes.size());
      result.zone_sizes.push_back(size);
    }
  const int cols = static_cast<int>(result.zone_sizes.size());

  std::vector<std::int64_t> counts(static_cast<std::size_t>(rows) * cols, 0);
  for (std::size_t z = 0; z < zone_rows.size(); ++z)
    ++counts[static_cast<std::size_t>(zone_rows[z]) * cols + column_of[zone_size_of[z]]];
  result.matrix.shape = {rows, cols};
  result.matrix.values.assign(counts.begin(), counts.end());
  return result;
}

}  // namespace

// GLSZM matrix as PyRadiomics 3.1's P_glszm[0]: (present grey levels, present zone sizes).
TextureMatrix build_glszm_matrix(const DiscretisedRegion& region, const Settings& settings) {
  return build(region, settings).matrix;
}

// The 16 GLSZM features of a region, in glszm::Feature order.
void compute_glszm_features(const DiscretisedRegion& region, const Settings& settings,
                            double* out) {
  const GlszmMatrix m = build(region, settings);
  glszm_features(m.matrix.values.data(), m.gray_values.data(), m.zone_sizes.data(),
                 m.matrix.shape[0], m.matrix.shape[1], out);
}

}  // namespace doseomics
