// CPU GLCM: co-occurrence counts per angle over present grey levels, PyRadiomics' processing
// (symmetrise, weight, drop empty angles, normalise) and the per-angle features averaged.
#include <cmath>
#include <cstdint>
#include <vector>

#include "../core/errors.hpp"
#include "../core/glcm.hpp"
#include "../core/neighbourhood.hpp"
#include "region_scan.hpp"
#include "texture_classes.hpp"

namespace doseomics {
namespace {

// Mono-directional GLCM offsets of the region (settings.distances; force2D honoured).
std::vector<Offset> glcm_offsets(const DiscretisedRegion& region, const Settings& settings) {
  return region_offsets(region, settings.distances, settings.distance_count, settings, false);
}

// Count (centre, neighbour) pairs along one offset into counts (n x n, compact indices), then
// symmetrise if asked; returns the total count.
std::int64_t count_angle(const DiscretisedRegion& region, const PresentLevels& levels,
                         const Offset& o, bool symmetrical, std::vector<std::int64_t>& counts) {
  const int n = static_cast<int>(levels.values.size());
  counts.assign(static_cast<std::size_t>(n) * n, 0);
  const int nz = region.size_zyx[0], ny = region.size_zyx[1], nx = region.size_zyx[2];
  // Only centres whose neighbour lies inside the box.
  const int z0 = o.dz < 0 ? -o.dz : 0, z1 = o.dz > 0 ? nz - o.dz : nz;
  const int y0 = o.dy < 0 ? -o.dy : 0, y1 = o.dy > 0 ? ny - o.dy : ny;
  const int x0 = o.dx < 0 ? -o.dx : 0, x1 = o.dx > 0 ? nx - o.dx : nx;
  const long long step = (static_cast<long long>(o.dz) * ny + o.dy) * nx + o.dx;
  std::int64_t total = 0;
  const int* compact_bins = levels.compact_bins.data();
  for (int z = z0; z < z1; ++z)
    for (int y = y0; y < y1; ++y) {
      const int* row = compact_bins + region.index(z, y, 0);
      for (int x = x0; x < x1; ++x) {
        const int centre = row[x];
        if (centre < 0) continue;
        const int neighbour = row[x + step];
        if (neighbour < 0) continue;
        ++counts[static_cast<std::size_t>(centre) * n + neighbour];
        ++total;
      }
    }
  if (symmetrical) {
    for (int i = 0; i < n; ++i)
      for (int j = i; j < n; ++j) {
        const std::int64_t sum = counts[i * n + j] + counts[j * n + i];
        counts[i * n + j] = counts[j * n + i] = sum;
      }
    total *= 2;
  }
  return total;
}

// Walk PyRadiomics' processed matrices: `visit(p, angle)` gets each kept angle's normalised n x n
// matrix in order (one merged matrix when weighted); returns the number of kept angles.
template <typename Visit>
int for_each_processed_angle(const DiscretisedRegion& region, const Settings& settings,
                             const PresentLevels& levels, Visit&& visit) {
  const int n = static_cast<int>(levels.values.size());
  const std::vector<Offset> offsets = glcm_offsets(region, settings);
  const int angle_count = static_cast<int>(offsets.size());
  std::vector<std::int64_t> counts;
  std::vector<double> p(static_cast<std::size_t>(n) * n);

  if (settings.weighting_norm != WeightingNorm::none) {
    std::vector<double> merged(static_cast<std::size_t>(n) * n, 0.0);
    for (const Offset& o : offsets) {
      count_angle(region, levels, o, settings.symmetrical_glcm, counts);
      const double w = glcm_angle_weight(settings.weighting_norm, o, region.spacing_zyx_mm);
      for (std::size_t k = 0; k < merged.size(); ++k)
        merged[k] += static_cast<double>(counts[k]) * w;
    }
    double total = 0.0;
    for (double v : merged) total += v;
    if (total == 0.0) total = NAN;  // PyRadiomics divides by NaN: all-NaN matrix
    for (std::size_t k = 0; k < merged.size(); ++k) p[k] = merged[k] / total;
    visit(p, 0);
    return 1;
  }

  // Empty angles are dropped only when there is more than one; a lone empty angle stays (NaN).
  int kept = 0;
  for (int a = 0; a < angle_count; ++a) {
    const std::int64_t total =
        count_angle(region, levels, offsets[a], settings.symmetrical_glcm, counts);
    if (total == 0 && angle_count > 1) continue;
    const double denominator = total == 0 ? NAN : static_cast<double>(total);
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = static_cast<double>(counts[k]) / denominator;
    visit(p, kept);
    ++kept;
  }
  return kept;
}

}  // namespace

void compute_glcm_features(const DiscretisedRegion& region, const Settings& settings, double* out) {
  const PresentLevels levels = present_levels(region);
  const int n = static_cast<int>(levels.values.size());
  if (n == 0 || n > kMaxPresentGrayLevels)
    throw InputError("GLCM: region has " + std::to_string(n) + " grey levels (1.." +
                     std::to_string(kMaxPresentGrayLevels) + " supported)");
  std::vector<double> workspace(static_cast<std::size_t>(glcm_workspace_size(n, region.max_bin)));
  std::vector<double> per_angle;
  double one_angle[glcm::kCount];
  const int kept =
      for_each_processed_angle(region, settings, levels, [&](const std::vector<double>& p, int) {
        glcm_features_one_angle(p.data(), levels.values.data(), n, region.max_bin, workspace.data(),
                                one_angle);
        per_angle.insert(per_angle.end(), one_angle, one_angle + glcm::kCount);
      });
  glcm_nanmean_over_angles(per_angle.data(), kept, glcm::kCount, out);
  // PyRadiomics answers MCC = 1 for one grey level before looking at any angle.
  if (n == 1) out[glcm::MCC] = 1.0;
}

TextureMatrix build_glcm_matrix(const DiscretisedRegion& region, const Settings& settings) {
  const PresentLevels levels = present_levels(region);
  const int n = static_cast<int>(levels.values.size());
  std::vector<std::vector<double>> angles;
  for_each_processed_angle(region, settings, levels,
                           [&](const std::vector<double>& p, int) { angles.push_back(p); });
  const int na = static_cast<int>(angles.size());
  TextureMatrix matrix;
  matrix.shape = {n, n, na};
  matrix.values.resize(static_cast<std::size_t>(n) * n * na);
  for (int a = 0; a < na; ++a)
    for (std::size_t k = 0; k < angles[a].size(); ++k) matrix.values[k * na + a] = angles[a][k];
  for (double v : levels.values) matrix.gray_levels.push_back(static_cast<int>(v));
  return matrix;
}

}  // namespace doseomics
