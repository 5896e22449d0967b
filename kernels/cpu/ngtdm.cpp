// NGTDM on the CPU: per region voxel, |i - mean of its valid neighbours| (settings.distances,
// both directions), looked up in a zero-padded copy of the box.
#include "../core/ngtdm.hpp"

#include <cstdint>
#include <vector>

#include "../core/errors.hpp"
#include "../core/neighbourhood.hpp"
#include "region_scan.hpp"
#include "texture_classes.hpp"

namespace doseomics {

namespace {

constexpr int kChunk = 16;  // voxels of a row processed together

// Add a chunk of neighbour bins to the chunk's sums and counts (0: outside the box or the region).
// Kept out of line with a fixed trip count: inlined, GCC unrolls-and-jams the offset loop and
// gives up on SIMD.
template <typename Sum>
[[gnu::noinline]] void add_neighbours(const int* __restrict neighbour, Sum* __restrict sum,
                                      int* __restrict count) {
  for (int x = 0; x < kChunk; ++x) {
    sum[x] += neighbour[x];
    count[x] += neighbour[x] != 0;
  }
}

// n_i and s_i over the region: neighbour sums and counts a chunk of a row at a time, one offset
// at a time, so the loop over the chunk vectorises (local accumulators cannot alias the bins); s_i
// then accumulates in array order, as PyRadiomics does, so it matches bit for bit.
template <typename Sum>
void accumulate(const DiscretisedRegion& region, const PaddedBox& box, const int* bins,
                const std::vector<long long>& steps, std::vector<std::int64_t>& n,
                std::vector<double>& s) {
  const int nx = region.size_zyx[2];
  for (int z = 0; z < region.size_zyx[0]; ++z)
    for (int y = 0; y < region.size_zyx[1]; ++y)
      for (int x0 = 0; x0 < nx; x0 += kChunk) {
        const int* centre = bins + box.index(z, y, x0);
        const int len = nx - x0 < kChunk ? nx - x0 : kChunk;
        bool any = false;
        for (int x = 0; x < len; ++x) any |= centre[x] != 0;
        if (!any) continue;
        Sum sum[kChunk] = {};
        int count[kChunk] = {};
        for (const long long step : steps) add_neighbours(centre + step, sum, count);
        for (int x = 0; x < len; ++x) {
          const int gray = centre[x];
          if (gray == 0) continue;
          ++n[gray];
          s[gray] += ngtdm_difference(gray, sum[x], count[x]);
        }
      }
}

}  // namespace

// NGTDM as PyRadiomics 3.1's P_ngtdm[0]: one row {n_i, s_i, i} per present grey level. As in
// PyRadiomics' C code (not its docstring), n_i counts every region voxel, isolated ones too.
TextureMatrix build_ngtdm_matrix(const DiscretisedRegion& region, const Settings& settings) {
  // kChunk spare voxels at the end: chunk loops read a whole chunk past a row's last voxel.
  const PaddedNeighbourhood neighbourhood = padded_neighbourhood(region, settings, "NGTDM", kChunk);
  const PaddedBox& box = neighbourhood.box;
  const std::vector<long long>& steps = neighbourhood.steps;
  const std::vector<int>& bins = neighbourhood.bins;
  const int offset_count = static_cast<int>(neighbourhood.offsets.size());

  std::vector<std::int64_t> n(static_cast<std::size_t>(region.max_bin) + 1, 0);
  std::vector<double> s(n.size(), 0.0);
  // int32 neighbour sums vectorise twice as wide; they suffice unless bins are huge.
  const bool narrow = static_cast<long long>(offset_count) * region.max_bin <= 2147483647LL;
  if (narrow)
    accumulate<std::int32_t>(region, box, bins.data(), steps, n, s);
  else
    accumulate<std::int64_t>(region, box, bins.data(), steps, n, s);

  TextureMatrix matrix;
  for (int bin = 1; bin <= region.max_bin; ++bin) {
    if (n[bin] == 0) continue;
    matrix.gray_levels.push_back(bin);
    matrix.values.push_back(static_cast<double>(n[bin]));
    matrix.values.push_back(s[bin]);
    matrix.values.push_back(bin);
  }
  matrix.shape = {static_cast<int>(matrix.gray_levels.size()), 3};
  return matrix;
}

// The 5 NGTDM features of a region, in ngtdm::Feature order.
void compute_ngtdm_features(const DiscretisedRegion& region, const Settings& settings,
                            double* out) {
  const TextureMatrix m = build_ngtdm_matrix(region, settings);
  ngtdm_features(m.values.data(), m.shape[0], out);
}

}  // namespace doseomics
