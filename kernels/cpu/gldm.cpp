// GLDM on the CPU: per region voxel, the number of neighbours (settings.distances, both
// directions) whose bin differs by at most gldm_a, looked up in a zero-padded copy of the box.
#include "../core/gldm.hpp"

#include <cstdint>
#include <vector>

#include "../core/errors.hpp"
#include "../core/neighbourhood.hpp"
#include "region_scan.hpp"
#include "texture_classes.hpp"

namespace doseomics {
namespace {

constexpr int kChunk = 16;  // voxels of a row processed together

// Add to each of a chunk's voxels whether its neighbour in `neighbour` depends on it. Kept out of
// line with a fixed trip count: inlined, GCC unrolls-and-jams the offset loop and gives up on SIMD.
[[gnu::noinline]] void add_dependents(const int* __restrict centre, const int* __restrict neighbour,
                                      int alpha, int* __restrict dependents) {
  for (int x = 0; x < kChunk; ++x) dependents[x] += gldm_dependent(centre[x], neighbour[x], alpha);
}

// The GLDM over present grey levels and present dependence sizes, with the size of each column.
struct GldmMatrix {
  TextureMatrix matrix;
  std::vector<double> gray_values;
  std::vector<double> dependence_sizes;
};

// Count voxels by grey level and dependence, as PyRadiomics' calculate_gldm followed by the
// deletion of absent grey levels and empty dependence columns.
GldmMatrix build(const DiscretisedRegion& region, const Settings& settings) {
  // kChunk spare voxels at the end: chunk loops read a whole chunk past a row's last voxel.
  const PaddedNeighbourhood neighbourhood = padded_neighbourhood(region, settings, "GLDM", kChunk);
  const PaddedBox& box = neighbourhood.box;
  const std::vector<long long>& steps = neighbourhood.steps;
  const std::vector<int>& bins = neighbourhood.bins;
  const int offset_count = static_cast<int>(neighbourhood.offsets.size());

  // counts[bin][dependence], over all bins for now; a voxel has 0..offset_count dependents.
  // A chunk of a row at a time, one neighbour offset at a time: the loop over the chunk
  // vectorises, and a local accumulator cannot alias the bins.
  const int width = offset_count + 1;
  const int nx = region.size_zyx[2];
  const int alpha = settings.gldm_a;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(region.max_bin + 1) * width, 0);
  for (int z = 0; z < region.size_zyx[0]; ++z)
    for (int y = 0; y < region.size_zyx[1]; ++y)
      for (int x0 = 0; x0 < nx; x0 += kChunk) {
        const int* centre = bins.data() + box.index(z, y, x0);
        const int len = nx - x0 < kChunk ? nx - x0 : kChunk;
        bool any = false;
        for (int x = 0; x < len; ++x) any |= centre[x] != 0;
        if (!any) continue;
        int dependents[kChunk] = {};
        for (int k = 0; k < offset_count; ++k)
          add_dependents(centre, centre + steps[k], alpha, dependents);
        for (int x = 0; x < len; ++x)
          if (centre[x] != 0) ++counts[static_cast<std::size_t>(centre[x]) * width + dependents[x]];
      }

  GldmMatrix result;
  std::vector<int> present_rows;
  std::vector<char> column_used(static_cast<std::size_t>(width), 0);
  for (int bin = 1; bin <= region.max_bin; ++bin) {
    bool any = false;
    for (int d = 0; d < width; ++d)
      if (counts[static_cast<std::size_t>(bin) * width + d] != 0) {
        any = true;
        column_used[d] = 1;
      }
    if (!any) continue;
    present_rows.push_back(bin);
    result.gray_values.push_back(bin);
    result.matrix.gray_levels.push_back(bin);
  }
  std::vector<int> present_columns;
  for (int d = 0; d < width; ++d)
    if (column_used[d]) {
      present_columns.push_back(d);
      result.dependence_sizes.push_back(d + 1);  // PyRadiomics' j counts the centre voxel
    }
  const int rows = static_cast<int>(present_rows.size());
  const int cols = static_cast<int>(present_columns.size());
  result.matrix.shape = {rows, cols};
  result.matrix.values.resize(static_cast<std::size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      result.matrix.values[static_cast<std::size_t>(r) * cols + c] = static_cast<double>(
          counts[static_cast<std::size_t>(present_rows[r]) * width + present_columns[c]]);
  return result;
}

}  // namespace

// GLDM matrix as PyRadiomics 3.1's P_gldm[0]: (present grey levels, present dependence sizes).
TextureMatrix build_gldm_matrix(const DiscretisedRegion& region, const Settings& settings) {
  return build(region, settings).matrix;
}

// The 14 GLDM features of a region, in gldm::Feature order.
void compute_gldm_features(const DiscretisedRegion& region, const Settings& settings, double* out) {
  const GldmMatrix m = build(region, settings);
  gldm_features(m.matrix.values.data(), m.gray_values.data(), m.dependence_sizes.data(),
                m.matrix.shape[0], m.matrix.shape[1], out);
}

}  // namespace doseomics
