// GLSZM on the CPU: zones are 26-connected (8 with force2D) components of equal bin, found by
// one raster pass of union-find labelling on a zero-padded copy of the box (no recursion, no
// per-voxel allocation; half the neighbour tests of a flood fill).
#include "../core/glszm.hpp"

#include <cstdint>
#include <memory>
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

  std::vector<int> bins(static_cast<std::size_t>(box.voxel_count()));
  fill_padded_bins(region, box, bins.data());
  // Only the offsets to voxels already visited in array order; the others see this voxel later.
  long long back_steps[13];
  int back_count = 0;
  for (int k = 0; k < offset_count; ++k)
    if (steps[k] < 0) back_steps[back_count++] = steps[k];

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

  // One raster pass of union-find labelling (no recursion, no stack): a voxel joins the zones of
  // its already visited equal-bin neighbours. parent[] links provisional labels to their roots.
  // Left uninitialised: a label is read only from an equal-bin voxel visited (and labelled) before.
  const std::unique_ptr<std::int32_t[]> labels(new std::int32_t[bins.size()]);
  std::vector<std::int32_t> parent, label_row, label_voxels;
  parent.reserve(static_cast<std::size_t>(region.voxel_count / 4 + 16));
  const auto find = [&parent](std::int32_t a) {
    while (parent[a] != a) {
      parent[a] = parent[parent[a]];  // path halving
      a = parent[a];
    }
    return a;
  };
  for (int z = 0; z < region.size_zyx[0]; ++z)
    for (int y = 0; y < region.size_zyx[1]; ++y) {
      const long long row_start = box.index(z, y, 0);
      for (int x = 0; x < region.size_zyx[2]; ++x) {
        const long long voxel = row_start + x;
        const int gray = bins[voxel];
        if (gray == 0) continue;
        // Equal visited neighbours as a bit mask first: branch-free, as on noisy images the
        // comparisons are unpredictable.
        unsigned equal = 0;
        for (int k = 0; k < back_count; ++k)
          equal |= static_cast<unsigned>(bins[voxel + back_steps[k]] == gray) << k;
        std::int32_t label = -1;
        for (int k = 0; equal != 0; ++k, equal >>= 1) {
          if ((equal & 1u) == 0) continue;
          const std::int32_t root = find(labels[voxel + back_steps[k]]);
          if (label < 0) {
            label = root;
          } else if (root != label) {  // two zones meet here: keep the older root
            const std::int32_t keep = root < label ? root : label;
            parent[root < label ? label : root] = keep;
            label = keep;
          }
        }
        if (label < 0) {
          label = static_cast<std::int32_t>(parent.size());
          parent.push_back(label);
          label_row.push_back(row_of[gray]);
          label_voxels.push_back(0);
        }
        labels[voxel] = label;
        ++label_voxels[label];
      }
    }
  // Zone sizes at the roots.
  std::vector<std::int32_t> zone_rows;
  std::vector<std::int32_t> zone_size_of;
  const std::int32_t label_count = static_cast<std::int32_t>(parent.size());
  for (std::int32_t l = 0; l < label_count; ++l) {
    const std::int32_t root = find(l);
    if (root != l) label_voxels[root] += label_voxels[l];
  }
  int max_size = 0;
  for (std::int32_t l = 0; l < label_count; ++l) {
    if (parent[l] != l) continue;
    zone_rows.push_back(label_row[l]);
    zone_size_of.push_back(label_voxels[l]);
    if (label_voxels[l] > max_size) max_size = label_voxels[l];
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
