// GLDM: dependence matrices against hand-worked cases and a direct neighbour count with explicit
// bounds checks, features against the definitions evaluated directly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "kernels/core/feature_names.hpp"
#include "kernels/core/gldm.hpp"
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

using doseomics::test::with_distances;

// Reference GLDM: for each region voxel, count the in-box, in-region voxels whose Chebyshev
// distance is one of the settings' distances (not moving along the force2D axis) and whose bin
// differs by at most gldm_a. Returns {grey level, dependence count} -> voxels.
std::map<std::pair<int, int>, int> reference_dependences(const TestRegion& r, const Settings& s) {
  const int* n = r.view.size_zyx;
  const int force2d_dimension = s.force2d ? s.force2d_dimension : -1;
  int reach = 0;
  for (int k = 0; k < s.distance_count; ++k) reach = std::max(reach, s.distances[k]);
  std::map<std::pair<int, int>, int> counts;
  for (int z = 0; z < n[0]; ++z)
    for (int y = 0; y < n[1]; ++y)
      for (int x = 0; x < n[2]; ++x) {
        const int gray = r.bins[r.view.index(z, y, x)];
        if (gray == 0) continue;
        int dependent = 0;
        for (int dz = -reach; dz <= reach; ++dz)
          for (int dy = -reach; dy <= reach; ++dy)
            for (int dx = -reach; dx <= reach; ++dx) {
              const int d[3] = {dz, dy, dx};
              const int chebyshev = std::max({std::abs(dz), std::abs(dy), std::abs(dx)});
              if (std::find(s.distances, s.distances + s.distance_count, chebyshev) ==
                  s.distances + s.distance_count)
                continue;
              if (force2d_dimension >= 0 && d[force2d_dimension] != 0) continue;
              const int q[3] = {z + dz, y + dy, x + dx};
              bool inside = true;
              for (int a = 0; a < 3; ++a) inside &= q[a] >= 0 && q[a] < n[a];
              if (!inside) continue;
              const int other = r.bins[r.view.index(q[0], q[1], q[2])];
              if (other != 0 && std::abs(other - gray) <= s.gldm_a) ++dependent;
            }
        ++counts[{gray, dependent}];
      }
  return counts;
}

// The count map as PyRadiomics' processed matrix; `sizes` receives j = dependence + 1 per column.
TextureMatrix to_matrix(const std::map<std::pair<int, int>, int>& counts,
                        std::vector<double>& sizes) {
  std::vector<int> levels, deps;
  for (const auto& c : counts) {
    levels.push_back(c.first.first);
    deps.push_back(c.first.second);
  }
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::sort(deps.begin(), deps.end());
  deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  TextureMatrix m;
  m.shape = {static_cast<int>(levels.size()), static_cast<int>(deps.size())};
  m.gray_levels = levels;
  m.values.assign(levels.size() * deps.size(), 0.0);
  for (const auto& c : counts) {
    const auto r = std::lower_bound(levels.begin(), levels.end(), c.first.first) - levels.begin();
    const auto k = std::lower_bound(deps.begin(), deps.end(), c.first.second) - deps.begin();
    m.values[r * deps.size() + k] = c.second;
  }
  sizes.clear();
  for (const int d : deps) sizes.push_back(d + 1);
  return m;
}

// The 14 features straight from the definitions (spec 3.9), in gldm::Feature order.
std::vector<double> reference_features(const TextureMatrix& m, const std::vector<double>& sizes) {
  namespace f = doseomics::gldm;
  const int ng = m.shape[0], nd = m.shape[1];
  auto P = [&](int i, int j) { return m.values[static_cast<std::size_t>(i) * nd + j]; };
  double nz = 0;
  for (const double v : m.values) nz += v;
  std::vector<double> pg(ng, 0.0), pd(nd, 0.0);
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < nd; ++j) {
      pg[i] += P(i, j);
      pd[j] += P(i, j);
    }
  std::vector<double> out(f::kCount, 0.0);
  double mu_i = 0, mu_j = 0;
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < nd; ++j) {
      const double p = P(i, j) / nz, gi = m.gray_levels[i], sj = sizes[j];
      mu_i += p * gi;
      mu_j += p * sj;
      out[f::SmallDependenceEmphasis] += p / (sj * sj);
      out[f::LargeDependenceEmphasis] += p * sj * sj;
      out[f::LowGrayLevelEmphasis] += p / (gi * gi);
      out[f::HighGrayLevelEmphasis] += p * gi * gi;
      out[f::SmallDependenceLowGrayLevelEmphasis] += p / (gi * gi * sj * sj);
      out[f::SmallDependenceHighGrayLevelEmphasis] += p * gi * gi / (sj * sj);
      out[f::LargeDependenceLowGrayLevelEmphasis] += p * sj * sj / (gi * gi);
      out[f::LargeDependenceHighGrayLevelEmphasis] += p * gi * gi * sj * sj;
      out[f::DependenceEntropy] -= p * std::log2(p + 2.220446049250313e-16);
    }
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < nd; ++j) {
      const double p = P(i, j) / nz;
      out[f::GrayLevelVariance] += p * std::pow(m.gray_levels[i] - mu_i, 2);
      out[f::DependenceVariance] += p * std::pow(sizes[j] - mu_j, 2);
    }
  for (const double g : pg) out[f::GrayLevelNonUniformity] += g * g / nz;
  for (const double d : pd) out[f::DependenceNonUniformity] += d * d / nz;
  out[f::DependenceNonUniformityNormalized] = out[f::DependenceNonUniformity] / nz;
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

std::vector<double> gldm_of(const DiscretisedRegion& region, const Settings& settings) {
  std::vector<double> out(doseomics::gldm::kCount, -1.0);
  doseomics::compute_gldm_features(region, settings, out.data());
  return out;
}

}  // namespace

TEST_CASE("GLDM of PyRadiomics' 5x5 example slice is its documented matrix", "[gldm]") {
  // gldm.py's docstring example (alpha 0, distance 1); columns are j = 1..4.
  const TestRegion r(1, 5, 5, {5, 2, 5, 4, 4,  //
                               3, 3, 3, 1, 3,  //
                               2, 1, 1, 1, 3,  //
                               4, 2, 2, 2, 3,  //
                               3, 5, 3, 3, 2});
  const TextureMatrix m = doseomics::build_gldm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{5, 4});
  REQUIRE(m.gray_levels == std::vector<int>{1, 2, 3, 4, 5});
  const std::vector<double> expected = {0, 1, 2, 1,  //
                                        1, 2, 3, 0,  //
                                        1, 4, 4, 0,  //
                                        1, 2, 0, 0,  //
                                        3, 0, 0, 0};
  REQUIRE(m.values == expected);
}

TEST_CASE("GLDM with gldm_a = 1 counts neighbours one bin apart as dependent", "[gldm]") {
  // Line 1 2 4: with alpha 1, 1-2 are dependent, 2-4 are not.
  const TestRegion r(1, 1, 3, {1, 2, 4});
  Settings settings;
  settings.gldm_a = 1;
  const TextureMatrix m = doseomics::build_gldm_matrix(r.view, settings);
  REQUIRE(m.gray_levels == std::vector<int>{1, 2, 4});
  REQUIRE(m.shape == std::vector<int>{3, 2});  // dependences 0 and 1: j = 1, 2
  REQUIRE(m.values == std::vector<double>{0, 1, 0, 1, 1, 0});

  // alpha 0: nothing depends; one column (j = 1), one voxel per level.
  settings.gldm_a = 0;
  REQUIRE(doseomics::build_gldm_matrix(r.view, settings).values == std::vector<double>{1, 1, 1});

  // SDE with j = 2, 2, 1 and alpha 1: (1/4 + 1/4 + 1) / 3.
  settings.gldm_a = 1;
  CHECK(gldm_of(r.view, settings)[doseomics::gldm::SmallDependenceEmphasis] == Approx(1.5 / 3.0));
}

TEST_CASE("GLDM with distances {2} uses only the ring at distance 2", "[gldm]") {
  // A flat line of five: ring-2 neighbours are x +- 2 only.
  const TestRegion r(1, 1, 5, {1, 1, 1, 1, 1});
  const TextureMatrix m = doseomics::build_gldm_matrix(r.view, with_distances({2}));
  REQUIRE(m.shape == std::vector<int>{1, 2});
  REQUIRE(m.values == std::vector<double>{4, 1});  // four voxels with 1 dependent, one with 2

  const TextureMatrix both = doseomics::build_gldm_matrix(r.view, with_distances({1, 2}));
  // Dependents: x0: 2, x1: 3, x2: 4, x3: 3, x4: 2.
  REQUIRE(both.values == std::vector<double>{2, 2, 1});
}

TEST_CASE("GLDM of a flat region puts every voxel in its full-neighbourhood column", "[gldm]") {
  const TestRegion r(3, 3, 3, std::vector<int>(27, 2));
  Settings settings;
  const std::vector<double> out = gldm_of(r.view, settings);
  namespace f = doseomics::gldm;
  CHECK(out[f::GrayLevelVariance] == 0.0);
  CHECK(out[f::GrayLevelNonUniformity] == Approx(27.0));
  CHECK(out[f::HighGrayLevelEmphasis] == Approx(4.0));

  // force2D on z: each slice's centre has 8 neighbours, its corners 3.
  settings.force2d = true;
  const TextureMatrix m = doseomics::build_gldm_matrix(r.view, settings);
  REQUIRE(m.shape == std::vector<int>{1, 3});
  REQUIRE(m.values == std::vector<double>{12, 12, 3});  // j = 4, 6, 9
}

TEST_CASE("GLDM matches a direct neighbour count on random regions", "[gldm]") {
  std::mt19937 rng(314159);
  const int shapes[][3] = {{1, 7, 9}, {4, 5, 6}, {6, 6, 6}, {3, 1, 8}, {2, 9, 3}};
  for (const auto& shape : shapes)
    for (const int alpha : {0, 1, 3})
      for (const auto& distances :
           {std::vector<int>{1}, std::vector<int>{2}, std::vector<int>{1, 3}})
        for (const int force2d_dimension : {-1, 0, 2}) {
          const int voxels = shape[0] * shape[1] * shape[2];
          const TestRegion r(shape[0], shape[1], shape[2], random_bins(rng, voxels, 6, 0.75));
          Settings settings = with_distances(distances);
          settings.gldm_a = alpha;
          settings.force2d = force2d_dimension >= 0;
          settings.force2d_dimension = settings.force2d ? force2d_dimension : 0;
          INFO("shape " << shape[0] << "x" << shape[1] << "x" << shape[2] << ", alpha " << alpha
                        << ", max distance " << distances.back() << ", force2d dimension "
                        << force2d_dimension);
          std::vector<double> sizes;
          const TextureMatrix expected = to_matrix(reference_dependences(r, settings), sizes);
          const TextureMatrix actual = doseomics::build_gldm_matrix(r.view, settings);
          REQUIRE(actual.shape == expected.shape);
          REQUIRE(actual.gray_levels == expected.gray_levels);
          REQUIRE(actual.values == expected.values);
          require_features_close(gldm_of(r.view, settings), reference_features(expected, sizes));
        }
}
