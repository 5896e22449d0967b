// GLRLM matrices and features against PyRadiomics' rules (pyradiomics-spec.md 3.4, 3.7): a worked
// example from PyRadiomics' documentation, hand-worked cases and a brute-force run count.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/core/glrlm.hpp"
#include "kernels/cpu/texture_classes.hpp"
#include "support/test_regions.hpp"

using namespace doseomics;

namespace {

// Engine and brute force differ only in summation order: a few hundred ulps at most.
constexpr double kFeatureRelativeTolerance = 1e-12;
constexpr double kEps = 2.220446049250313e-16;

using doseomics::test::TestRegion;

TestRegion make_region(int nz, int ny, int nx, std::vector<int> bins) {
  return TestRegion(nz, ny, nx, std::move(bins));
}

// A random region: about `fill` of the voxels inside, bins drawn from `levels`; runs are made
// likely by repeating the previous voxel's bin with probability `repeat`.
TestRegion random_region(std::mt19937& random, int nz, int ny, int nx, double fill, double repeat,
                         const std::vector<int>& levels) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(levels.size()) - 1);
  std::vector<int> bins(static_cast<std::size_t>(nz) * ny * nx, 0);
  int previous = levels.front();
  for (int& b : bins)
    if (unit(random) < fill) previous = b = unit(random) < repeat ? previous : levels[pick(random)];
  bins.front() = levels.front();  // keep the box tight in every dimension
  bins.back() = levels.back();
  return make_region(nz, ny, nx, bins);
}

int bin_at(const DiscretisedRegion& r, int z, int y, int x) {
  if (z < 0 || y < 0 || x < 0 || z >= r.size_zyx[0] || y >= r.size_zyx[1] || x >= r.size_zyx[2])
    return 0;
  return r.bins[r.index(z, y, x)];
}

// The 13 (or fewer) mono-directional distance-1 angles, written out as PyRadiomics lists them.
std::vector<Offset> brute_offsets(const DiscretisedRegion& r, int force2d_dimension) {
  const Offset all[13] = {{1, 1, 1},  {1, 1, 0},  {1, 1, -1}, {1, 0, 1},   {1, 0, 0},
                          {1, 0, -1}, {1, -1, 1}, {1, -1, 0}, {1, -1, -1}, {0, 1, 1},
                          {0, 1, 0},  {0, 1, -1}, {0, 0, 1}};
  std::vector<Offset> kept;
  for (const Offset& o : all) {
    const int d[3] = {o.dz, o.dy, o.dx};
    bool ok = true;
    for (int a = 0; a < 3; ++a)
      if ((d[a] != 0 && r.size_zyx[a] < 2) || (a == force2d_dimension && d[a] != 0)) ok = false;
    if (ok) kept.push_back(o);
  }
  return kept;
}

// Dense Ng x Nr run counts of one angle, found from run starts: a masked voxel whose predecessor
// along the angle is outside the region or has another bin starts a run, which extends while the
// bin repeats. The angle is zeroed when no two masked voxels share a line (PyRadiomics' 2D rule).
std::vector<double> dense_runs(const DiscretisedRegion& r, const Offset& o, int nr) {
  const int ng = r.max_bin;
  std::vector<double> P(static_cast<std::size_t>(ng) * nr, 0.0);
  bool shared_line = false;
  for (int z = 0; z < r.size_zyx[0]; ++z)
    for (int y = 0; y < r.size_zyx[1]; ++y)
      for (int x = 0; x < r.size_zyx[2]; ++x) {
        const int b = bin_at(r, z, y, x);
        if (b == 0) continue;
        for (int t = 1; t < nr; ++t)
          if (bin_at(r, z + t * o.dz, y + t * o.dy, x + t * o.dx) > 0) shared_line = true;
        if (bin_at(r, z - o.dz, y - o.dy, x - o.dx) == b) continue;  // not a run start
        int length = 1;
        while (bin_at(r, z + length * o.dz, y + length * o.dy, x + length * o.dx) == b) ++length;
        P[(b - 1) * nr + (length - 1)] += 1.0;
      }
  if (!shared_line) std::fill(P.begin(), P.end(), 0.0);
  return P;
}

// Textbook GLRLM features of a dense Ng x Nr matrix (grey i + 1, run length j + 1).
std::vector<double> dense_features(const std::vector<double>& P, int ng, int nr) {
  std::vector<double> f(glrlm::kCount, 0.0);
  std::vector<double> pg(ng, 0.0), pr(nr, 0.0);
  double runs = 0;
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < nr; ++j) {
      pg[i] += P[i * nr + j];
      pr[j] += P[i * nr + j];
      runs += P[i * nr + j];
    }
  double voxels = 0, mi = 0, mj = 0;
  for (int j = 0; j < nr; ++j) {
    const double jj = j + 1.0;
    f[glrlm::ShortRunEmphasis] += pr[j] / (jj * jj) / runs;
    f[glrlm::LongRunEmphasis] += pr[j] * jj * jj / runs;
    f[glrlm::RunLengthNonUniformity] += pr[j] * pr[j] / runs;
    f[glrlm::RunLengthNonUniformityNormalized] += pr[j] * pr[j] / (runs * runs);
    voxels += pr[j] * jj;
    mj += pr[j] * jj / runs;
  }
  for (int j = 0; j < nr; ++j) f[glrlm::RunVariance] += pr[j] / runs * (j + 1 - mj) * (j + 1 - mj);
  for (int i = 0; i < ng; ++i) {
    const double ii = i + 1.0;
    f[glrlm::GrayLevelNonUniformity] += pg[i] * pg[i] / runs;
    f[glrlm::GrayLevelNonUniformityNormalized] += pg[i] * pg[i] / (runs * runs);
    f[glrlm::LowGrayLevelRunEmphasis] += pg[i] / (ii * ii) / runs;
    f[glrlm::HighGrayLevelRunEmphasis] += pg[i] * ii * ii / runs;
    mi += pg[i] * ii / runs;
  }
  for (int i = 0; i < ng; ++i)
    f[glrlm::GrayLevelVariance] += pg[i] / runs * (i + 1 - mi) * (i + 1 - mi);
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < nr; ++j) {
      const double v = P[i * nr + j], i2 = (i + 1.0) * (i + 1.0), j2 = (j + 1.0) * (j + 1.0);
      f[glrlm::RunEntropy] -= v / runs * std::log2(v / runs + kEps);
      f[glrlm::ShortRunLowGrayLevelEmphasis] += v / (i2 * j2) / runs;
      f[glrlm::ShortRunHighGrayLevelEmphasis] += v * i2 / j2 / runs;
      f[glrlm::LongRunLowGrayLevelEmphasis] += v * j2 / i2 / runs;
      f[glrlm::LongRunHighGrayLevelEmphasis] += v * i2 * j2 / runs;
    }
  f[glrlm::RunPercentage] = runs / voxels;
  return f;
}

Settings glrlm_settings(WeightingNorm norm, int force2d_dimension) {
  Settings s;
  s.weighting_norm = norm;
  s.force2d = force2d_dimension >= 0;
  s.force2d_dimension = force2d_dimension < 0 ? 0 : force2d_dimension;
  // GLRLM ignores distances: a setting of {2} must change nothing.
  s.distances[0] = 2;
  return s;
}

// Brute force of PyRadiomics' processing; fills `matrix` (Ng' x Nr' x Na', C order) as
// PyRadiomics' P_glrlm and returns the averaged features.
std::vector<double> brute_force(const DiscretisedRegion& r, const Settings& s,
                                std::vector<int>& shape, std::vector<double>& matrix) {
  const int ng = r.max_bin;
  const int nr = std::max({r.size_zyx[0], r.size_zyx[1], r.size_zyx[2]});
  const std::vector<Offset> offsets = brute_offsets(r, s.force2d ? s.force2d_dimension : -1);
  std::vector<std::vector<double>> kept;
  if (s.weighting_norm != WeightingNorm::none) {
    std::vector<double> sum(static_cast<std::size_t>(ng) * nr, 0.0);
    for (const Offset& o : offsets) {
      const double d[3] = {std::abs(o.dz) * r.spacing_zyx_mm[0],
                           std::abs(o.dy) * r.spacing_zyx_mm[1],
                           std::abs(o.dx) * r.spacing_zyx_mm[2]};
      double w = 1.0;
      if (s.weighting_norm == WeightingNorm::infinity) w = std::max({d[0], d[1], d[2]});
      if (s.weighting_norm == WeightingNorm::euclidean)
        w = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      if (s.weighting_norm == WeightingNorm::manhattan) w = d[0] + d[1] + d[2];
      const std::vector<double> P = dense_runs(r, o, nr);
      for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += P[k] * w;
    }
    kept.push_back(sum);
  } else {
    for (const Offset& o : offsets) {
      const std::vector<double> P = dense_runs(r, o, nr);
      double total = 0;
      for (double v : P) total += v;
      if (total > 0 || offsets.size() == 1) kept.push_back(P);
    }
  }
  std::vector<double> mean(glrlm::kCount, 0.0);
  for (const std::vector<double>& P : kept) {
    const std::vector<double> f = dense_features(P, ng, nr);
    for (int k = 0; k < glrlm::kCount; ++k) mean[k] += f[k] / kept.size();
  }
  // P_glrlm: present grey rows, run-length columns non-empty in some kept angle.
  std::vector<int> rows, columns;
  for (int i = 0; i < ng; ++i)
    if (std::count(r.bins, r.bins + r.box_voxel_count(), i + 1) > 0) rows.push_back(i);
  for (int j = 0; j < nr; ++j) {
    double column = 0;
    for (const auto& P : kept)
      for (int i = 0; i < ng; ++i) column += P[i * nr + j];
    if (column > 0) columns.push_back(j);
  }
  const int na = static_cast<int>(kept.size());
  shape = {static_cast<int>(rows.size()), static_cast<int>(columns.size()), na};
  matrix.clear();
  for (int i : rows)
    for (int j : columns)
      for (int a = 0; a < na; ++a) matrix.push_back(kept[a][i * nr + j]);
  return mean;
}

void check_against_brute_force(const DiscretisedRegion& r, const Settings& s) {
  std::vector<int> shape;
  std::vector<double> matrix;
  const std::vector<double> expected = brute_force(r, s, shape, matrix);
  const TextureMatrix m = build_glrlm_matrix(r, s);
  REQUIRE(m.shape == shape);
  REQUIRE(m.values == matrix);  // counts, or the same weighted sums in the same order: exact
  double features[glrlm::kCount];
  compute_glrlm_features(r, s, features);
  for (int k = 0; k < glrlm::kCount; ++k) {
    INFO("feature " << k);
    if (std::isnan(expected[k])) {
      REQUIRE(std::isnan(features[k]));
    } else {
      REQUIRE(std::fabs(features[k] - expected[k]) <=
              kFeatureRelativeTolerance * std::max(1.0, std::fabs(expected[k])));
    }
  }
}

}  // namespace

TEST_CASE("GLRLM of PyRadiomics' 5x5 documentation image matches its worked horizontal matrix",
          "[glrlm]") {
  const TestRegion r = make_region(1, 5, 5, {5, 2, 5, 4, 4,  //
                                             3, 3, 3, 1, 3,  //
                                             2, 1, 1, 1, 3,  //
                                             4, 2, 2, 2, 3,  //
                                             3, 5, 3, 3, 2});
  const TextureMatrix m = build_glrlm_matrix(r.view, Settings{});
  // One slice: the 4 in-plane angles (0,1,1), (0,1,0), (0,1,-1), (0,0,1); runs up to length 3
  // (the column of 3s), so run lengths 4 and 5 are dropped.
  REQUIRE(m.shape == std::vector<int>{5, 3, 4});
  const double horizontal[5][3] = {{1, 0, 1}, {3, 0, 1}, {4, 1, 1}, {1, 1, 0}, {3, 0, 0}};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 3; ++j) REQUIRE(m.values[(i * 3 + j) * 4 + 3] == horizontal[i][j]);
  check_against_brute_force(r.view, Settings{});
}

TEST_CASE("GLRLM runs are broken by voxels outside the region", "[glrlm]") {
  // One row 1 1 0 1 1 1: runs of length 2 and 3, not one of 5.
  const TestRegion r = make_region(1, 1, 6, {1, 1, 0, 1, 1, 1});
  const TextureMatrix m = build_glrlm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{1, 2, 1});
  REQUIRE(m.values == std::vector<double>{1.0, 1.0});
  double f[glrlm::kCount];
  compute_glrlm_features(r.view, Settings{}, f);
  REQUIRE(f[glrlm::RunPercentage] == 2.0 / 5.0);
  REQUIRE(f[glrlm::ShortRunEmphasis] == Approx((1.0 / 4 + 1.0 / 9) / 2).epsilon(1e-15));
  REQUIRE(f[glrlm::LongRunEmphasis] == 6.5);
}

TEST_CASE("GLRLM drops angles whose lines never hold two region voxels", "[glrlm]") {
  // Two voxels side by side along x in slice 0 and one far corner voxel in slice 1: only the x
  // lines ever hold two region voxels, so the other 12 angles are zeroed as 2D and removed.
  const TestRegion r = make_region(2, 3, 3,
                                   {1, 1, 0, 0, 0, 0, 0, 0, 0,  //
                                    0, 0, 0, 0, 0, 0, 0, 0, 2});
  const TextureMatrix m = build_glrlm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{2, 2, 1});  // runs: (1, length 2), (2, length 1)
  check_against_brute_force(r.view, Settings{});
}

TEST_CASE("GLRLM matrices and features equal a brute-force run count on random regions",
          "[glrlm]") {
  std::mt19937 random(31337);
  const std::vector<std::vector<int>> level_sets = {{1, 2, 3}, {1, 2, 5, 8}, {3, 4}};
  for (int trial = 0; trial < 8; ++trial) {
    const std::vector<int>& levels = level_sets[trial % level_sets.size()];
    const TestRegion r = random_region(random, 1 + trial % 4, 3 + trial % 3, 6, 0.75, 0.6, levels);
    INFO("trial " << trial);
    check_against_brute_force(r.view, Settings{});
    for (int dim = 0; dim < 3; ++dim)
      check_against_brute_force(r.view, glrlm_settings(WeightingNorm::none, dim));
  }
}

TEST_CASE("GLRLM weighting norms sum angles weighted by their distance", "[glrlm]") {
  std::mt19937 random(99);
  TestRegion r = random_region(random, 3, 4, 5, 0.8, 0.5, {1, 2, 4});
  r.view.spacing_zyx_mm[0] = 2.5;
  r.view.spacing_zyx_mm[1] = 0.7;
  r.view.spacing_zyx_mm[2] = 0.9;
  for (WeightingNorm norm : {WeightingNorm::infinity, WeightingNorm::euclidean,
                             WeightingNorm::manhattan, WeightingNorm::no_weighting}) {
    INFO("norm " << static_cast<int>(norm));
    check_against_brute_force(r.view, glrlm_settings(norm, -1));
  }
  const Offset diagonal{1, -1, 1};
  REQUIRE(glrlm_angle_weight(WeightingNorm::infinity, diagonal, r.view.spacing_zyx_mm) == 2.5);
  REQUIRE(glrlm_angle_weight(WeightingNorm::manhattan, diagonal, r.view.spacing_zyx_mm) ==
          Approx(4.1));
  REQUIRE(glrlm_angle_weight(WeightingNorm::euclidean, diagonal, r.view.spacing_zyx_mm) ==
          Approx(std::sqrt(6.25 + 0.49 + 0.81)));
}

TEST_CASE("GLRLM of a flat region has one grey level and no grey-level spread", "[glrlm]") {
  const TestRegion r = make_region(2, 2, 3, std::vector<int>(12, 1));
  double f[glrlm::kCount];
  compute_glrlm_features(r.view, Settings{}, f);
  REQUIRE(f[glrlm::GrayLevelVariance] == 0.0);
  REQUIRE(f[glrlm::GrayLevelNonUniformityNormalized] == 1.0);
  REQUIRE(f[glrlm::LowGrayLevelRunEmphasis] == 1.0);
  REQUIRE(f[glrlm::HighGrayLevelRunEmphasis] == 1.0);
  // With grey value 1, the grey-weighted run emphases equal the plain ones.
  REQUIRE(f[glrlm::ShortRunLowGrayLevelEmphasis] == Approx(f[glrlm::ShortRunEmphasis]));
  REQUIRE(f[glrlm::LongRunHighGrayLevelEmphasis] == Approx(f[glrlm::LongRunEmphasis]));
  check_against_brute_force(r.view, Settings{});
}

TEST_CASE("GLRLM features of a lone empty angle are NaN", "[glrlm]") {
  // A 1 x 1 x 2 box has one angle, (0,0,1); with both voxels present it is fine...
  const TestRegion pair = make_region(1, 1, 2, {1, 2});
  double f[glrlm::kCount];
  compute_glrlm_features(pair.view, Settings{}, f);
  REQUIRE(f[glrlm::RunPercentage] == 1.0);
  // ...but a single voxel on the line is "2D" for that angle: zeroed, kept (it is the only one),
  // and N_r = 0 becomes NaN.
  const TestRegion lone = make_region(1, 1, 2, {1, 0});
  compute_glrlm_features(lone.view, Settings{}, f);
  for (int k = 0; k < glrlm::kCount; ++k) REQUIRE(std::isnan(f[k]));
  const TextureMatrix m = build_glrlm_matrix(lone.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{1, 0, 1});
}
