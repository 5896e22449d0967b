// GLSZM: zone matrices against hand-worked cases and an independent breadth-first labelling,
// features against the definitions evaluated directly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "kernels/core/feature_names.hpp"
#include "kernels/core/glszm.hpp"
#include "kernels/cpu/texture_classes.hpp"
#include "support/test_regions.hpp"

namespace {

using doseomics::DiscretisedRegion;
using doseomics::Settings;
using doseomics::TextureMatrix;

// Summation order differs from the reference formulas below; a few ulps per term at most.
constexpr double kFeatureRelTolerance = 1e-12;

using doseomics::test::TestRegion;

using doseomics::test::random_bins;

// Reference GLSZM: breadth-first labelling with explicit coordinate bounds checks; a neighbour
// is any voxel at Chebyshev distance 1 not moving along force2d_dimension (-1 for none).
// Returns {grey level, zone size} -> count.
std::map<std::pair<int, int>, int> reference_zones(const TestRegion& r, int force2d_dimension) {
  const int* n = r.view.size_zyx;
  std::vector<char> seen(r.bins.size(), 0);
  std::map<std::pair<int, int>, int> zones;
  for (int z = 0; z < n[0]; ++z)
    for (int y = 0; y < n[1]; ++y)
      for (int x = 0; x < n[2]; ++x) {
        const long long start = r.view.index(z, y, x);
        const int gray = r.bins[start];
        if (gray == 0 || seen[start]) continue;
        std::deque<std::vector<int>> queue{{z, y, x}};
        seen[start] = 1;
        int size = 0;
        while (!queue.empty()) {
          const std::vector<int> c = queue.front();
          queue.pop_front();
          ++size;
          for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
              for (int dx = -1; dx <= 1; ++dx) {
                const int d[3] = {dz, dy, dx};
                if (dz == 0 && dy == 0 && dx == 0) continue;
                if (force2d_dimension >= 0 && d[force2d_dimension] != 0) continue;
                const int q[3] = {c[0] + dz, c[1] + dy, c[2] + dx};
                bool inside = true;
                for (int a = 0; a < 3; ++a) inside &= q[a] >= 0 && q[a] < n[a];
                if (!inside) continue;
                const long long qi = r.view.index(q[0], q[1], q[2]);
                if (r.bins[qi] != gray || seen[qi]) continue;
                seen[qi] = 1;
                queue.push_back({q[0], q[1], q[2]});
              }
        }
        ++zones[{gray, size}];
      }
  return zones;
}

// The zone map as PyRadiomics' processed matrix: present levels x present sizes.
TextureMatrix to_matrix(const std::map<std::pair<int, int>, int>& zones) {
  std::vector<int> levels, sizes;
  for (const auto& z : zones) {
    levels.push_back(z.first.first);
    sizes.push_back(z.first.second);
  }
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  TextureMatrix m;
  m.shape = {static_cast<int>(levels.size()), static_cast<int>(sizes.size())};
  m.gray_levels = levels;
  m.values.assign(levels.size() * sizes.size(), 0.0);
  for (const auto& z : zones) {
    const auto r = std::lower_bound(levels.begin(), levels.end(), z.first.first) - levels.begin();
    const auto c = std::lower_bound(sizes.begin(), sizes.end(), z.first.second) - sizes.begin();
    m.values[r * sizes.size() + c] = z.second;
  }
  return m;
}

// Zone sizes of the columns of a reference matrix built by to_matrix.
std::vector<double> reference_sizes(const std::map<std::pair<int, int>, int>& zones) {
  std::vector<double> sizes;
  for (const auto& z : zones) sizes.push_back(z.first.second);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

void require_same_matrix(const TextureMatrix& actual, const TextureMatrix& expected) {
  REQUIRE(actual.shape == expected.shape);
  REQUIRE(actual.gray_levels == expected.gray_levels);
  REQUIRE(actual.values == expected.values);
}

// The 16 features straight from the definitions (spec 3.8), in glszm::Feature order.
std::vector<double> reference_features(const TextureMatrix& m, const std::vector<double>& sizes) {
  namespace f = doseomics::glszm;
  const int ng = m.shape[0], ns = m.shape[1];
  auto P = [&](int i, int j) { return m.values[static_cast<std::size_t>(i) * ns + j]; };
  double nz = 0, np = 0;
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < ns; ++j) {
      nz += P(i, j);
      np += P(i, j) * sizes[j];
    }
  std::vector<double> pg(ng, 0.0), ps(ns, 0.0);
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < ns; ++j) {
      pg[i] += P(i, j);
      ps[j] += P(i, j);
    }
  std::vector<double> out(f::kCount, 0.0);
  double mu_i = 0, mu_j = 0;
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < ns; ++j) {
      const double p = P(i, j) / nz, gi = m.gray_levels[i], sj = sizes[j];
      mu_i += p * gi;
      mu_j += p * sj;
      out[f::SmallAreaEmphasis] += p / (sj * sj);
      out[f::LargeAreaEmphasis] += p * sj * sj;
      out[f::LowGrayLevelZoneEmphasis] += p / (gi * gi);
      out[f::HighGrayLevelZoneEmphasis] += p * gi * gi;
      out[f::SmallAreaLowGrayLevelEmphasis] += p / (gi * gi * sj * sj);
      out[f::SmallAreaHighGrayLevelEmphasis] += p * gi * gi / (sj * sj);
      out[f::LargeAreaLowGrayLevelEmphasis] += p * sj * sj / (gi * gi);
      out[f::LargeAreaHighGrayLevelEmphasis] += p * gi * gi * sj * sj;
      out[f::ZoneEntropy] -= p * std::log2(p + 2.220446049250313e-16);
    }
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < ns; ++j) {
      const double p = P(i, j) / nz;
      out[f::GrayLevelVariance] += p * std::pow(m.gray_levels[i] - mu_i, 2);
      out[f::ZoneVariance] += p * std::pow(sizes[j] - mu_j, 2);
    }
  for (const double g : pg) out[f::GrayLevelNonUniformity] += g * g / nz;
  out[f::GrayLevelNonUniformityNormalized] = out[f::GrayLevelNonUniformity] / nz;
  for (const double s : ps) out[f::SizeZoneNonUniformity] += s * s / nz;
  out[f::SizeZoneNonUniformityNormalized] = out[f::SizeZoneNonUniformity] / nz;
  out[f::ZonePercentage] = nz / np;
  return out;
}

void require_features_close(const std::vector<double>& actual,
                            const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t k = 0; k < actual.size(); ++k) {
    INFO("feature " << k);
    CHECK(actual[k] == Approx(expected[k]).epsilon(kFeatureRelTolerance).margin(1e-15));
  }
}

std::vector<double> glszm_of(const DiscretisedRegion& region, const Settings& settings) {
  std::vector<double> out(doseomics::glszm::kCount, -1.0);
  doseomics::compute_glszm_features(region, settings, out.data());
  return out;
}

}  // namespace

TEST_CASE("GLSZM of PyRadiomics' 5x5 example slice is its documented matrix", "[glszm]") {
  // glszm.py's docstring example; a one-slice box gets 8-connectivity without force2D.
  const TestRegion r(1, 5, 5, {5, 2, 5, 4, 4,  //
                               3, 3, 3, 1, 3,  //
                               2, 1, 1, 1, 3,  //
                               4, 2, 2, 2, 3,  //
                               3, 5, 3, 3, 2});
  const TextureMatrix m = doseomics::build_glszm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{5, 5});
  REQUIRE(m.gray_levels == std::vector<int>{1, 2, 3, 4, 5});
  const std::vector<double> expected = {0, 0, 0, 1, 0,  //
                                        1, 0, 0, 0, 1,  //
                                        1, 0, 1, 0, 1,  //
                                        1, 1, 0, 0, 0,  //
                                        3, 0, 0, 0, 0};
  REQUIRE(m.values == expected);
}

TEST_CASE("GLSZM joins diagonal neighbours across slices in 3D but not with force2D", "[glszm]") {
  // Two voxels of bin 2 touching only corner to corner across slices, plus a bin-1 voxel.
  const TestRegion r(2, 2, 2,
                     {2, 0,  //
                      0, 1,  //
                      0, 0,  //
                      0, 2});
  Settings settings;
  const TextureMatrix joined = doseomics::build_glszm_matrix(r.view, settings);
  REQUIRE(joined.shape == std::vector<int>{2, 2});
  REQUIRE(joined.values == std::vector<double>{1, 0, 0, 1});  // level 1: size 1; level 2: size 2

  settings.force2d = true;
  settings.force2d_dimension = 0;
  const TextureMatrix split = doseomics::build_glszm_matrix(r.view, settings);
  REQUIRE(split.shape == std::vector<int>{2, 1});
  REQUIRE(split.values == std::vector<double>{1, 2});  // three zones of size 1

  // force2D along x keeps the (dz, dy) plane; the diagonal (1, 1, 0) step is still not enough.
  settings.force2d_dimension = 2;
  REQUIRE(doseomics::build_glszm_matrix(r.view, settings).values == std::vector<double>{1, 2});
}

TEST_CASE("GLSZM does not wrap zones around the box border", "[glszm]") {
  // (0, 2) and (1, 0) are consecutive in memory but two columns apart.
  const TestRegion r(1, 2, 3,
                     {0, 0, 1,  //
                      1, 0, 0});
  const TextureMatrix m = doseomics::build_glszm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{1, 1});
  REQUIRE(m.values == std::vector<double>{2});
}

TEST_CASE("GLSZM keeps true grey values and drops absent levels and sizes", "[glszm]") {
  // Bins 2 and 5 only; zone sizes 1 and 3 only.
  const TestRegion r(1, 1, 6, {5, 5, 5, 0, 0, 2});
  const TextureMatrix m = doseomics::build_glszm_matrix(r.view, Settings{});
  REQUIRE(m.gray_levels == std::vector<int>{2, 5});
  REQUIRE(m.shape == std::vector<int>{2, 2});
  REQUIRE(m.values == std::vector<double>{1, 0, 0, 1});

  // Features use i = 2, 5 and j = 1, 3: LGLZE = (1/4 + 1/25) / 2, SAE = (1 + 1/9) / 2.
  const std::vector<double> out = glszm_of(r.view, Settings{});
  CHECK(out[doseomics::glszm::LowGrayLevelZoneEmphasis] == Approx((0.25 + 0.04) / 2));
  CHECK(out[doseomics::glszm::SmallAreaEmphasis] == Approx((1.0 + 1.0 / 9.0) / 2));
  CHECK(out[doseomics::glszm::ZonePercentage] == Approx(2.0 / 4.0));
}

TEST_CASE("GLSZM of a flat region is one zone with PyRadiomics' degenerate values", "[glszm]") {
  const TestRegion r(3, 3, 3, std::vector<int>(27, 4));
  const TextureMatrix m = doseomics::build_glszm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{1, 1});
  REQUIRE(m.values == std::vector<double>{1});
  const std::vector<double> out = glszm_of(r.view, Settings{});
  namespace f = doseomics::glszm;
  CHECK(out[f::ZoneEntropy] == Approx(-3.2034265038149176e-16).margin(1e-30));
  CHECK(out[f::GrayLevelVariance] == 0.0);
  CHECK(out[f::ZoneVariance] == 0.0);
  CHECK(out[f::ZonePercentage] == Approx(1.0 / 27.0));
  CHECK(out[f::LargeAreaEmphasis] == Approx(729.0));
  CHECK(out[f::GrayLevelNonUniformityNormalized] == 1.0);
}

TEST_CASE("GLSZM matches an independent labelling on random regions", "[glszm]") {
  std::mt19937 rng(20240607);
  const int shapes[][3] = {{1, 7, 9}, {4, 5, 6}, {6, 6, 6}, {3, 1, 8}, {9, 4, 2}};
  for (const auto& shape : shapes)
    for (const int levels : {1, 2, 4})
      for (const int force2d_dimension : {-1, 0, 1, 2}) {
        const int voxels = shape[0] * shape[1] * shape[2];
        const TestRegion r(shape[0], shape[1], shape[2], random_bins(rng, voxels, levels, 0.7));
        Settings settings;
        settings.force2d = force2d_dimension >= 0;
        settings.force2d_dimension = settings.force2d ? force2d_dimension : 0;
        INFO("shape " << shape[0] << "x" << shape[1] << "x" << shape[2] << ", levels " << levels
                      << ", force2d dimension " << force2d_dimension);
        const auto zones = reference_zones(r, force2d_dimension);
        const TextureMatrix expected = to_matrix(zones);
        require_same_matrix(doseomics::build_glszm_matrix(r.view, settings), expected);
        require_features_close(glszm_of(r.view, settings),
                               reference_features(expected, reference_sizes(zones)));
      }
}

TEST_CASE("GLSZM handles a one-million-voxel zone without recursion", "[glszm]") {
  const int n = 100;
  std::vector<int> bins(static_cast<std::size_t>(n) * n * n, 1);
  bins[0] = 2;  // one isolated corner voxel of another level
  const TestRegion r(n, n, n, std::move(bins));
  const TextureMatrix m = doseomics::build_glszm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{2, 2});
  REQUIRE(m.values == std::vector<double>{0, 1, 1, 0});  // sizes 1 and 999999
}

TEST_CASE("GLSZM feature formulas agree with the definitions on random matrices", "[glszm]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> count(0, 5);
  for (int trial = 0; trial < 20; ++trial) {
    TextureMatrix m;
    m.shape = {1 + trial % 6, 1 + trial % 4};
    std::vector<double> sizes;
    for (int r = 0; r < m.shape[0]; ++r) m.gray_levels.push_back(2 * r + 1 + trial % 3);
    for (int c = 0; c < m.shape[1]; ++c) sizes.push_back(c * c + c + 1);
    for (int k = 0; k < m.shape[0] * m.shape[1]; ++k) m.values.push_back(count(rng));
    m.values[0] += 1;  // at least one zone
    std::vector<double> gray(m.gray_levels.begin(), m.gray_levels.end());
    std::vector<double> out(doseomics::glszm::kCount);
    doseomics::glszm_features(m.values.data(), gray.data(), sizes.data(), m.shape[0], m.shape[1],
                              out.data());
    require_features_close(out, reference_features(m, sizes));
  }
}
