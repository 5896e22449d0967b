// CPU GLRLM: runs along each mono-directional angle over present grey levels, PyRadiomics'
// processing (drop single-voxel-line angles, weight, drop empty angles) and the per-angle features
// averaged.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "../core/glrlm.hpp"
#include "../core/neighbourhood.hpp"
#include "region_scan.hpp"
#include "texture_classes.hpp"

namespace doseomics {
namespace {

// Mono-directional distance-1 offsets of the region (GLRLM ignores settings.distances).
std::vector<Offset> glrlm_offsets(const DiscretisedRegion& region, const Settings& settings) {
  const int distance[1] = {1};
  return region_offsets(region, distance, 1, settings, false);
}

// Longest possible run: PyRadiomics' Nr = the largest box dimension.
int max_run_length(const DiscretisedRegion& region) {
  return std::max(region.size_zyx[0], std::max(region.size_zyx[1], region.size_zyx[2]));
}

// Count runs along one offset into counts (n x nr, compact grey index, run length - 1). Each line
// through the box is walked once from its first voxel (the one whose predecessor lies outside the
// box); voxels outside the region end runs. If no line holds more than one region voxel, the angle
// is zeroed (PyRadiomics drops such angles as 2D). Returns the total number of runs.
std::int64_t count_angle(const DiscretisedRegion& region, const PresentLevels& levels,
                         const Offset& o, int nr, std::vector<std::int64_t>& counts) {
  const int n = static_cast<int>(levels.values.size());
  counts.assign(static_cast<std::size_t>(n) * nr, 0);
  const int nz = region.size_zyx[0], ny = region.size_zyx[1], nx = region.size_zyx[2];
  const long long stride = (static_cast<long long>(o.dz) * ny + o.dy) * nx + o.dx;
  const int* bins = levels.compact_bins.data();
  std::int64_t total = 0;
  bool multi_element = false;
  auto inside = [](int position, int size) { return position >= 0 && position < size; };
  auto walk_line = [&](int z, int y, int x) {
    // Voxels on the line: as many steps as fit along every moving axis.
    int length = nz + ny + nx;
    if (o.dz > 0) length = std::min(length, nz - z);
    if (o.dz < 0) length = std::min(length, z + 1);
    if (o.dy > 0) length = std::min(length, ny - y);
    if (o.dy < 0) length = std::min(length, y + 1);
    if (o.dx > 0) length = std::min(length, nx - x);
    if (o.dx < 0) length = std::min(length, x + 1);
    long long v = region.index(z, y, x);
    int run_level = -1, run_length = 0, in_region = 0;
    for (int s = 0; s < length; ++s, v += stride) {
      const int level = bins[v];
      in_region += level >= 0;
      if (level == run_level && level >= 0) {
        ++run_length;
        continue;
      }
      if (run_level >= 0) {
        ++counts[static_cast<std::size_t>(run_level) * nr + run_length - 1];
        ++total;
      }
      run_level = level;
      run_length = level >= 0 ? 1 : 0;
    }
    if (run_level >= 0) {
      ++counts[static_cast<std::size_t>(run_level) * nr + run_length - 1];
      ++total;
    }
    if (in_region > 1) multi_element = true;
  };
  // Line starts: every voxel of a row whose (z, y) predecessor is outside the box; otherwise only
  // the |dx| voxels at the row's entry end.
  for (int z = 0; z < nz; ++z)
    for (int y = 0; y < ny; ++y) {
      if (!inside(z - o.dz, nz) || !inside(y - o.dy, ny)) {
        for (int x = 0; x < nx; ++x) walk_line(z, y, x);
      } else if (o.dx > 0) {
        for (int x = 0; x < std::min(o.dx, nx); ++x) walk_line(z, y, x);
      } else if (o.dx < 0) {
        for (int x = std::max(0, nx + o.dx); x < nx; ++x) walk_line(z, y, x);
      }
    }
  if (!multi_element) {
    std::fill(counts.begin(), counts.end(), 0);
    total = 0;
  }
  return total;
}

// Walk PyRadiomics' processed matrices: `visit(P, angle)` gets each kept angle's n x nr matrix of
// run counts in order (one weighted sum when weighted); returns the number of kept angles.
template <typename Visit>
int for_each_processed_angle(const DiscretisedRegion& region, const Settings& settings,
                             const PresentLevels& levels, int nr, Visit&& visit) {
  const int n = static_cast<int>(levels.values.size());
  const std::vector<Offset> offsets = glrlm_offsets(region, settings);
  const int angle_count = static_cast<int>(offsets.size());
  std::vector<std::int64_t> counts;
  std::vector<double> P(static_cast<std::size_t>(n) * nr);

  if (settings.weighting_norm != WeightingNorm::none) {
    std::fill(P.begin(), P.end(), 0.0);
    for (const Offset& o : offsets) {
      count_angle(region, levels, o, nr, counts);
      const double w = glrlm_angle_weight(settings.weighting_norm, o, region.spacing_zyx_mm);
      for (std::size_t k = 0; k < P.size(); ++k) P[k] += static_cast<double>(counts[k]) * w;
    }
    visit(P, 0);
    return 1;
  }

  // Empty angles are dropped only when there is more than one; a lone empty angle stays (NaN).
  int kept = 0;
  for (int a = 0; a < angle_count; ++a) {
    const std::int64_t total = count_angle(region, levels, offsets[a], nr, counts);
    if (total == 0 && angle_count > 1) continue;
    for (std::size_t k = 0; k < P.size(); ++k) P[k] = static_cast<double>(counts[k]);
    visit(P, kept);
    ++kept;
  }
  return kept;
}

}  // namespace

void compute_glrlm_features(const DiscretisedRegion& region, const Settings& settings,
                            double* out) {
  const PresentLevels levels = present_levels(region);
  const int n = static_cast<int>(levels.values.size());
  if (n == 0 || n > kMaxPresentGrayLevels)
    throw InputError("GLRLM: region has " + std::to_string(n) + " grey levels (1.." +
                     std::to_string(kMaxPresentGrayLevels) + " supported)");
  const int nr = max_run_length(region);
  std::vector<double> run_lengths(static_cast<std::size_t>(nr));
  for (int j = 0; j < nr; ++j) run_lengths[j] = j + 1;
  std::vector<double> workspace(static_cast<std::size_t>(glrlm_workspace_size(n, nr)));
  std::vector<double> per_angle;
  double one_angle[glrlm::kCount];
  const int kept = for_each_processed_angle(
      region, settings, levels, nr, [&](const std::vector<double>& P, int) {
        glrlm_features_one_angle(P.data(), levels.values.data(), run_lengths.data(), n, nr,
                                 workspace.data(), one_angle);
        per_angle.insert(per_angle.end(), one_angle, one_angle + glrlm::kCount);
      });
  glcm_nanmean_over_angles(per_angle.data(), kept, glrlm::kCount, out);
}

TextureMatrix build_glrlm_matrix(const DiscretisedRegion& region, const Settings& settings) {
  const PresentLevels levels = present_levels(region);
  const int n = static_cast<int>(levels.values.size());
  const int nr = max_run_length(region);
  std::vector<std::vector<double>> angles;
  for_each_processed_angle(region, settings, levels, nr,
                           [&](const std::vector<double>& P, int) { angles.push_back(P); });
  const int na = static_cast<int>(angles.size());
  // Run-length columns empty over every kept angle are dropped, as PyRadiomics does.
  std::vector<int> columns;
  for (int j = 0; j < nr; ++j) {
    bool any = false;
    for (int a = 0; a < na && !any; ++a)
      for (int i = 0; i < n && !any; ++i)
        any = angles[a][static_cast<std::size_t>(i) * nr + j] != 0;
    if (any) columns.push_back(j);
  }
  const int nc = static_cast<int>(columns.size());
  TextureMatrix matrix;
  matrix.shape = {n, nc, na};
  matrix.values.resize(static_cast<std::size_t>(n) * nc * na);
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < nc; ++c)
      for (int a = 0; a < na; ++a)
        matrix.values[(static_cast<std::size_t>(i) * nc + c) * na + a] =
            angles[a][static_cast<std::size_t>(i) * nr + columns[c]];
  for (double v : levels.values) matrix.gray_levels.push_back(static_cast<int>(v));
  return matrix;
}

}  // namespace doseomics
