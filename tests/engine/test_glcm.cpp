// GLCM matrices and features against PyRadiomics' rules (pyradiomics-spec.md 3.4, 3.6): a worked
// example from PyRadiomics' documentation, hand-worked sentinels and a dense brute-force GLCM.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/core/glcm.hpp"
#include "kernels/cpu/texture_classes.hpp"
#include "support/test_regions.hpp"

using namespace doseomics;

namespace {

// Feature values from the engine and the brute force differ only in summation order and in the
// eigenvalue algorithm behind MCC: a few hundred ulps on sums of at most a few thousand terms.
constexpr double kFeatureRelativeTolerance = 1e-11;
// Matrix entries are count / total in both paths (exact), or weighted sums in the same order.
constexpr double kMatrixTolerance = 1e-15;
// Eigenvalues of a well-conditioned symmetric matrix of norm <= 10: backward-stable algorithms
// reach ~n * eps * norm.
constexpr double kEigenvalueTolerance = 1e-12;
// MCC is the square root of an eigenvalue: where that eigenvalue is ~0 (an angle whose p is a
// product of its marginals), 1e-16 rounding becomes ~1e-8 (numpy itself gives 7.45e-9 for the
// uniform 2 x 2 p where this engine gives 1.05e-8).
constexpr double kMccAbsoluteTolerance = 1e-7;
constexpr double kEps = 2.220446049250313e-16;

using doseomics::test::TestRegion;

TestRegion make_region(int nz, int ny, int nx, std::vector<int> bins,
                       const double spacing[3] = nullptr) {
  return TestRegion(nz, ny, nx, std::move(bins), spacing);
}

// A random region in an nz x ny x nx box: about `fill` of the voxels inside, bins drawn from
// `levels` (so some bins between 1 and the maximum may be absent).
TestRegion random_region(std::mt19937& random, int nz, int ny, int nx, double fill,
                         const std::vector<int>& levels) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(levels.size()) - 1);
  std::vector<int> bins(static_cast<std::size_t>(nz) * ny * nx, 0);
  for (int& b : bins)
    if (unit(random) < fill) b = levels[pick(random)];
  bins.front() = levels.front();  // keep the box tight in every dimension
  bins.back() = levels.back();
  return make_region(nz, ny, nx, bins);
}

// Mono-directional offsets written out independently of neighbour_offsets: Chebyshev rings of the
// requested distances, +D..-D with x fastest, first half of the bidirectional list.
std::vector<Offset> brute_offsets(const DiscretisedRegion& r, const std::vector<int>& distances,
                                  int force2d_dimension) {
  const int dmax = *std::max_element(distances.begin(), distances.end());
  std::vector<Offset> all;
  for (int dz = dmax; dz >= -dmax; --dz)
    for (int dy = dmax; dy >= -dmax; --dy)
      for (int dx = dmax; dx >= -dmax; --dx) {
        const int o[3] = {dz, dy, dx};
        const int cheb = std::max({std::abs(dz), std::abs(dy), std::abs(dx)});
        if (std::find(distances.begin(), distances.end(), cheb) == distances.end()) continue;
        bool ok = true;
        for (int a = 0; a < 3; ++a) {
          if (std::abs(o[a]) >= r.size_zyx[a]) ok = false;
          if (a == force2d_dimension && o[a] != 0) ok = false;
        }
        if (ok) all.push_back(Offset{dz, dy, dx});
      }
  all.resize(all.size() / 2);
  return all;
}

int bin_at(const DiscretisedRegion& r, int z, int y, int x) {
  if (z < 0 || y < 0 || x < 0 || z >= r.size_zyx[0] || y >= r.size_zyx[1] || x >= r.size_zyx[2])
    return 0;
  return r.bins[r.index(z, y, x)];
}

// Dense Ng x Ng (all bins 1..Ng, present or not) co-occurrence counts of one offset.
std::vector<double> dense_counts(const DiscretisedRegion& r, const Offset& o, bool symmetrical) {
  const int ng = r.max_bin;
  std::vector<double> P(static_cast<std::size_t>(ng) * ng, 0.0);
  for (int z = 0; z < r.size_zyx[0]; ++z)
    for (int y = 0; y < r.size_zyx[1]; ++y)
      for (int x = 0; x < r.size_zyx[2]; ++x) {
        const int a = bin_at(r, z, y, x), b = bin_at(r, z + o.dz, y + o.dy, x + o.dx);
        if (a > 0 && b > 0) P[(a - 1) * ng + (b - 1)] += 1.0;
      }
  if (symmetrical) {
    std::vector<double> T = P;
    for (int i = 0; i < ng; ++i)
      for (int j = 0; j < ng; ++j) P[i * ng + j] = T[i * ng + j] + T[j * ng + i];
  }
  return P;
}

// Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (independent of the engine's
// Householder + QL).
std::vector<double> jacobi_eigenvalues(std::vector<double> a, int n) {
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (i != j) off += a[i * n + j] * a[i * n + j];
    if (off < 1e-60) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (apq == 0.0) continue;
        const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        const double t =
            (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1.0 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p, q
          const double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p, q
          const double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
  }
  std::vector<double> d(n);
  for (int i = 0; i < n; ++i) d[i] = a[i * n + i];
  std::sort(d.begin(), d.end());
  return d;
}

// Textbook GLCM features of a dense normalised Ng x Ng matrix (grey value of row i is i + 1).
std::vector<double> dense_features(const std::vector<double>& p, int ng) {
  std::vector<double> f(glcm::kCount, 0.0);
  std::vector<double> px(ng, 0.0), py(ng, 0.0), pdiff(ng, 0.0), psum(2 * ng + 1, 0.0);
  double ux = 0, uy = 0;
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < ng; ++j) {
      const double v = p[i * ng + j];
      px[i] += v;
      py[j] += v;
      ux += (i + 1) * v;
      uy += (j + 1) * v;
      pdiff[std::abs(i - j)] += v;
      psum[i + j + 2] += v;
    }
  double sx2 = 0, sy2 = 0, cov = 0, hxy = 0, hxy1 = 0, hxy2 = 0, maxp = 0;
  for (int i = 0; i < ng; ++i)
    for (int j = 0; j < ng; ++j) {
      const double v = p[i * ng + j], gi = i + 1, gj = j + 1, c = gi + gj - ux - uy;
      f[glcm::Autocorrelation] += v * gi * gj;
      f[glcm::ClusterProminence] += v * c * c * c * c;
      f[glcm::ClusterShade] += v * c * c * c;
      f[glcm::ClusterTendency] += v * c * c;
      f[glcm::Contrast] += v * (gi - gj) * (gi - gj);
      f[glcm::JointEnergy] += v * v;
      sx2 += v * (gi - ux) * (gi - ux);
      sy2 += v * (gj - uy) * (gj - uy);
      cov += v * (gi - ux) * (gj - uy);
      hxy -= v * std::log2(v + kEps);
      hxy1 -= v * std::log2(px[i] * py[j] + kEps);
      hxy2 -= px[i] * py[j] * std::log2(px[i] * py[j] + kEps);
      maxp = std::max(maxp, v);
    }
  double hx = 0, hy = 0;
  for (int i = 0; i < ng; ++i) {
    hx -= px[i] * std::log2(px[i] + kEps);
    hy -= py[i] * std::log2(py[i] + kEps);
  }
  double da = 0;
  for (int k = 0; k < ng; ++k) {
    const double v = pdiff[k];
    da += k * v;
    f[glcm::DifferenceEntropy] -= v * std::log2(v + kEps);
    f[glcm::Idm] += v / (1.0 + k * k);
    f[glcm::Idmn] += v / (1.0 + double(k) * k / (double(ng) * ng));
    f[glcm::Id] += v / (1.0 + k);
    f[glcm::Idn] += v / (1.0 + double(k) / ng);
    if (k > 0) f[glcm::InverseVariance] += v / (double(k) * k);
  }
  f[glcm::DifferenceAverage] = da;
  for (int k = 0; k < ng; ++k) f[glcm::DifferenceVariance] += pdiff[k] * (k - da) * (k - da);
  for (int k = 2; k <= 2 * ng; ++k) {
    f[glcm::SumAverage] += k * psum[k];
    f[glcm::SumEntropy] -= psum[k] * std::log2(psum[k] + kEps);
  }
  const double sxy = std::sqrt(sx2) * std::sqrt(sy2);
  f[glcm::Correlation] = sxy == 0 ? 1.0 : cov / (sxy + kEps);
  const double hmax = std::max(hx, hy);
  f[glcm::Imc1] = hmax == 0 ? 0.0 : (hxy - hxy1) / hmax;
  f[glcm::Imc2] = hxy2 == hxy ? 0.0 : std::sqrt(1.0 - std::exp(-2.0 * (hxy2 - hxy)));
  f[glcm::JointAverage] = ux;
  f[glcm::JointEntropy] = hxy;
  f[glcm::MaximumProbability] = maxp;
  f[glcm::SumSquares] = sx2;
  // MCC: Q as PyRadiomics builds it (eps included), made symmetric by D^1/2 Q D^-1/2 on the rows
  // with px > 0 (the others are zero rows and columns of Q: eigenvalue 0).
  std::vector<int> rows;
  for (int i = 0; i < ng; ++i)
    if (px[i] > 0) rows.push_back(i);
  const int m = static_cast<int>(rows.size());
  std::vector<double> s(static_cast<std::size_t>(m) * m);
  auto q = [&](int i, int j) {
    double sum = 0;
    for (int k = 0; k < ng; ++k) sum += p[i * ng + k] * p[j * ng + k] / (px[i] * py[k] + kEps);
    return sum;
  };
  for (int a = 0; a < m; ++a)
    for (int b = 0; b < m; ++b) {
      const int i = rows[a], j = rows[b];
      s[a * m + b] =
          0.5 * (std::sqrt(px[i] / px[j]) * q(i, j) + std::sqrt(px[j] / px[i]) * q(j, i));
    }
  std::vector<double> eig = jacobi_eigenvalues(s, m);
  for (int k = m; k < ng; ++k) eig.insert(eig.begin(), 0.0);
  f[glcm::MCC] = ng < 2 ? 1.0 : std::sqrt(eig[ng - 2]);
  return f;
}

// Settings with the given GLCM options.
Settings glcm_settings(std::vector<int> distances, bool symmetrical, WeightingNorm norm,
                       int force2d_dimension) {
  Settings s;
  s.distance_count = static_cast<int>(distances.size());
  for (std::size_t k = 0; k < distances.size(); ++k) s.distances[k] = distances[k];
  s.symmetrical_glcm = symmetrical;
  s.weighting_norm = norm;
  s.force2d = force2d_dimension >= 0;
  s.force2d_dimension = force2d_dimension < 0 ? 0 : force2d_dimension;
  return s;
}

// The brute force: PyRadiomics' processing on dense matrices, features per kept angle, plain mean.
// Fills `matrices` with the kept angles' normalised matrices restricted to present grey levels.
std::vector<double> brute_force(const DiscretisedRegion& r, const Settings& s,
                                std::vector<std::vector<double>>& matrices) {
  const int ng = r.max_bin;
  std::vector<int> present;
  for (int b = 1; b <= ng; ++b)
    for (long long v = 0; v < r.box_voxel_count(); ++v)
      if (r.bins[v] == b) {
        present.push_back(b);
        break;
      }
  std::vector<int> distances(s.distances, s.distances + s.distance_count);
  const std::vector<Offset> offsets =
      brute_offsets(r, distances, s.force2d ? s.force2d_dimension : -1);
  std::vector<std::vector<double>> kept;
  if (s.weighting_norm != WeightingNorm::none) {
    std::vector<double> sum(static_cast<std::size_t>(ng) * ng, 0.0);
    for (const Offset& o : offsets) {
      const double d[3] = {std::abs(o.dz) * r.spacing_zyx_mm[0],
                           std::abs(o.dy) * r.spacing_zyx_mm[1],
                           std::abs(o.dx) * r.spacing_zyx_mm[2]};
      double w = 1.0;
      if (s.weighting_norm == WeightingNorm::infinity)
        w = std::exp(-std::pow(std::max({d[0], d[1], d[2]}), 2));
      if (s.weighting_norm == WeightingNorm::euclidean)
        w = std::exp(-(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
      if (s.weighting_norm == WeightingNorm::manhattan)
        w = std::exp(-std::pow(d[0] + d[1] + d[2], 2));
      const std::vector<double> P = dense_counts(r, o, s.symmetrical_glcm);
      for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += P[k] * w;
    }
    kept.push_back(sum);
  } else {
    for (const Offset& o : offsets) {
      std::vector<double> P = dense_counts(r, o, s.symmetrical_glcm);
      double total = 0;
      for (double v : P) total += v;
      if (total > 0 || offsets.size() == 1) kept.push_back(P);
    }
  }
  std::vector<double> mean(glcm::kCount, 0.0);
  matrices.clear();
  for (std::vector<double>& P : kept) {
    double total = 0;
    for (double v : P) total += v;
    for (double& v : P) v /= total;
    const std::vector<double> f = dense_features(P, ng);
    for (int k = 0; k < glcm::kCount; ++k) mean[k] += f[k] / kept.size();
    std::vector<double> compact;
    for (int a : present)
      for (int b : present) compact.push_back(P[(a - 1) * ng + (b - 1)]);
    matrices.push_back(compact);
  }
  return mean;
}

void require_close(double actual, double expected, double relative) {
  if (std::isnan(expected)) {
    REQUIRE(std::isnan(actual));
    return;
  }
  REQUIRE(std::fabs(actual - expected) <= relative * std::max(1.0, std::fabs(expected)));
}

// Check engine matrix and features against the brute force for one region and setting.
void check_against_brute_force(const DiscretisedRegion& r, const Settings& s) {
  std::vector<std::vector<double>> expected_matrices;
  const std::vector<double> expected = brute_force(r, s, expected_matrices);
  const TextureMatrix m = build_glcm_matrix(r, s);
  const int na = static_cast<int>(expected_matrices.size());
  REQUIRE(m.shape.size() == 3);
  REQUIRE(m.shape[2] == na);
  const int n = m.shape[0];
  REQUIRE(m.shape[1] == n);
  for (int a = 0; a < na; ++a)
    for (int k = 0; k < n * n; ++k)
      REQUIRE(std::fabs(m.values[static_cast<std::size_t>(k) * na + a] - expected_matrices[a][k]) <=
              kMatrixTolerance);
  double features[glcm::kCount];
  compute_glcm_features(r, s, features);
  for (int k = 0; k < glcm::kCount; ++k) {
    INFO("feature " << k);
    if (k == glcm::MCC && !std::isnan(expected[k]))
      REQUIRE(std::fabs(features[k] - expected[k]) <= kMccAbsoluteTolerance);
    else
      require_close(features[k], expected[k], kFeatureRelativeTolerance);
  }
}

}  // namespace

TEST_CASE("GLCM of PyRadiomics' 5x5 documentation image matches its worked horizontal matrix",
          "[glcm]") {
  const TestRegion r = make_region(1, 5, 5, {1, 2, 5, 2, 3,  //
                                             3, 2, 1, 3, 1,  //
                                             1, 3, 5, 5, 2,  //
                                             1, 1, 1, 1, 2,  //
                                             1, 2, 4, 3, 5});
  const TextureMatrix m = build_glcm_matrix(r.view, Settings{});
  // A single slice keeps the 4 in-plane angles: (0,1,1), (0,1,0), (0,1,-1), (0,0,1).
  REQUIRE(m.shape == std::vector<int>{5, 5, 4});
  REQUIRE(m.gray_levels == std::vector<int>{1, 2, 3, 4, 5});
  const double expected[25] = {6, 4, 3, 0, 0, 4, 0, 2, 1, 3, 3, 2, 0,
                               1, 2, 0, 1, 1, 0, 0, 0, 3, 2, 0, 2};
  for (int k = 0; k < 25; ++k) REQUIRE(m.values[k * 4 + 3] * 40.0 == expected[k]);  // 40 pairs
}

TEST_CASE("GLCM keeps present grey levels only but uses true bin values and Ng = max bin",
          "[glcm]") {
  // Bins 2 and 5 only: a 2 x 2 matrix whose features see grey values 2 and 5 and Ng = 5.
  const TestRegion r = make_region(1, 2, 3, {2, 5, 5, 2, 2, 5});
  const TextureMatrix m = build_glcm_matrix(r.view, Settings{});
  REQUIRE(m.gray_levels == std::vector<int>{2, 5});
  REQUIRE(m.shape[0] == 2);
  check_against_brute_force(r.view, Settings{});
}

TEST_CASE("GLCM of a flat region gives PyRadiomics' sentinels", "[glcm]") {
  const TestRegion r = make_region(2, 3, 3, std::vector<int>(18, 3));
  double f[glcm::kCount];
  compute_glcm_features(r.view, Settings{}, f);
  // Each of the 13 angles gives -log2(1 + eps) = -3.2034265038149171e-16, not 0 (issue #555);
  // numpy's pairwise mean of the 13 rounds to -3.2034265038149176e-16, PyRadiomics' flatRegion
  // baseline.
  const double x = -std::log2(1.0 + kEps);
  double sum13 = ((x + x) + (x + x)) + ((x + x) + (x + x));
  for (int k = 8; k < 13; ++k) sum13 += x;
  const double flat_entropy = sum13 / 13.0;
  REQUIRE(flat_entropy == -3.2034265038149176e-16);
  REQUIRE(f[glcm::Correlation] == 1.0);
  REQUIRE(f[glcm::Imc1] == 0.0);
  REQUIRE(f[glcm::Imc2] == 0.0);
  REQUIRE(f[glcm::MCC] == 1.0);
  REQUIRE(f[glcm::JointEntropy] == flat_entropy);
  REQUIRE(f[glcm::DifferenceEntropy] == flat_entropy);
  REQUIRE(f[glcm::SumEntropy] == flat_entropy);
  REQUIRE(f[glcm::JointEnergy] == 1.0);
  REQUIRE(f[glcm::MaximumProbability] == 1.0);
  REQUIRE(f[glcm::JointAverage] == 3.0);
  REQUIRE(f[glcm::SumAverage] == 6.0);
  REQUIRE(f[glcm::Autocorrelation] == 9.0);
  REQUIRE(f[glcm::Contrast] == 0.0);
  REQUIRE(f[glcm::SumSquares] == 0.0);
  REQUIRE(f[glcm::Id] == 1.0);
  REQUIRE(f[glcm::Idn] == 1.0);
  REQUIRE(f[glcm::InverseVariance] == 0.0);
}

TEST_CASE("GLCM matrices and features equal a dense brute force on random regions", "[glcm]") {
  std::mt19937 random(20240611);
  const std::vector<std::vector<int>> level_sets = {{1, 2, 3, 4}, {1, 3, 4, 7, 9}, {2, 6}};
  for (int trial = 0; trial < 6; ++trial) {
    const std::vector<int>& levels = level_sets[trial % level_sets.size()];
    const TestRegion r = random_region(random, 3 + trial % 2, 4, 5 + trial % 3, 0.7, levels);
    INFO("trial " << trial);
    SECTION("default settings") { check_against_brute_force(r.view, Settings{}); }
    SECTION("symmetrical off") {
      check_against_brute_force(r.view, glcm_settings({1}, false, WeightingNorm::none, -1));
    }
    SECTION("distances {2}") {
      check_against_brute_force(r.view, glcm_settings({2}, true, WeightingNorm::none, -1));
    }
    SECTION("distances {1, 2}") {
      check_against_brute_force(r.view, glcm_settings({1, 2}, true, WeightingNorm::none, -1));
    }
    SECTION("force2D along each dimension") {
      for (int dim = 0; dim < 3; ++dim)
        check_against_brute_force(r.view, glcm_settings({1}, true, WeightingNorm::none, dim));
    }
  }
}

TEST_CASE("GLCM weighting norms merge angles with PyRadiomics' exp(-d^2) weights", "[glcm]") {
  std::mt19937 random(777);
  TestRegion r = random_region(random, 3, 4, 4, 0.8, {1, 2, 4, 5});
  // Anisotropic spacing in (z, y, x) so the norms differ, small enough that exp(-d^2) is not tiny.
  r.view.spacing_zyx_mm[0] = 1.25;
  r.view.spacing_zyx_mm[1] = 0.5;
  r.view.spacing_zyx_mm[2] = 0.75;
  for (WeightingNorm norm : {WeightingNorm::infinity, WeightingNorm::euclidean,
                             WeightingNorm::manhattan, WeightingNorm::no_weighting}) {
    INFO("norm " << static_cast<int>(norm));
    const Settings s = glcm_settings({1}, true, norm, -1);
    check_against_brute_force(r.view, s);
    REQUIRE(build_glcm_matrix(r.view, s).shape[2] == 1);
  }
  const Offset diagonal{1, 1, -1};
  REQUIRE(glcm_angle_weight(WeightingNorm::infinity, diagonal, r.view.spacing_zyx_mm) ==
          Approx(std::exp(-1.25 * 1.25)));
  REQUIRE(glcm_angle_weight(WeightingNorm::euclidean, diagonal, r.view.spacing_zyx_mm) ==
          Approx(std::exp(-(1.25 * 1.25 + 0.25 + 0.5625))));
  REQUIRE(glcm_angle_weight(WeightingNorm::manhattan, diagonal, r.view.spacing_zyx_mm) ==
          Approx(std::exp(-2.5 * 2.5)));
}

TEST_CASE("GLCM drops empty angles and a lone empty angle gives NaN features", "[glcm]") {
  // Two voxels touching only along x in a 1 x 2 x 2 box: (0,1,1), (0,1,0), (0,1,-1) are empty.
  const TestRegion diagonal = make_region(1, 2, 2, {1, 2, 0, 0});
  const TextureMatrix m = build_glcm_matrix(diagonal.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{2, 2, 1});
  REQUIRE(m.values == std::vector<double>{0.0, 0.5, 0.5, 0.0});
  check_against_brute_force(diagonal.view, Settings{});

  // A 1 x 1 x 3 box with a gap: the only angle (0,0,1) has no pairs and stays, all NaN.
  const TestRegion gap = make_region(1, 1, 3, {1, 0, 2});
  const TextureMatrix g = build_glcm_matrix(gap.view, Settings{});
  REQUIRE(g.shape == std::vector<int>{2, 2, 1});
  for (double v : g.values) REQUIRE(std::isnan(v));
  double f[glcm::kCount];
  compute_glcm_features(gap.view, Settings{}, f);
  for (int k = 0; k < glcm::kCount; ++k) REQUIRE(std::isnan(f[k]));
}

TEST_CASE("GLCM symmetric eigenvalue routine recovers known spectra", "[glcm]") {
  std::mt19937 random(4242);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (int n : {1, 2, 3, 5, 8, 17, 40}) {
    // A = V diag(lambda) V' with V a product of random Householder reflections.
    std::vector<double> lambda(n);
    for (double& l : lambda) l = 5.0 * uniform(random);
    if (n > 3) lambda[1] = lambda[2];  // a repeated eigenvalue
    std::vector<double> V(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i) V[i * n + i] = 1.0;
    for (int reflection = 0; reflection < 3; ++reflection) {
      std::vector<double> u(n);
      double norm = 0;
      for (double& x : u) {
        x = uniform(random);
        norm += x * x;
      }
      norm = std::sqrt(norm);
      for (double& x : u) x /= norm;
      for (int r = 0; r < n; ++r) {  // V <- V (I - 2uu')
        double dot = 0;
        for (int c = 0; c < n; ++c) dot += V[r * n + c] * u[c];
        for (int c = 0; c < n; ++c) V[r * n + c] -= 2.0 * dot * u[c];
      }
    }
    std::vector<double> A(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        for (int k = 0; k < n; ++k) A[i * n + j] += V[i * n + k] * lambda[k] * V[j * n + k];
    std::vector<double> eigenvalues(n),
        work(static_cast<std::size_t>(glcm_eigen_workspace_size(n)));
    REQUIRE(glcm_symmetric_eigenvalues(A.data(), n, eigenvalues.data(), work.data()));
    std::sort(eigenvalues.begin(), eigenvalues.end());
    std::sort(lambda.begin(), lambda.end());
    for (int k = 0; k < n; ++k)
      REQUIRE(std::fabs(eigenvalues[k] - lambda[k]) <= kEigenvalueTolerance);
  }
}

TEST_CASE("GLCM MCC of a 2x2 matrix equals the root of Q's smaller eigenvalue", "[glcm]") {
  // An asymmetric p, so Q is not symmetric; its eigenvalues from trace and determinant.
  const double p[4] = {0.4, 0.1, 0.2, 0.3};
  const double px[2] = {0.5, 0.5}, py[2] = {0.6, 0.4};
  double Q[4] = {0, 0, 0, 0};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k)
        Q[i * 2 + j] += p[i * 2 + k] * p[j * 2 + k] / (px[i] * py[k] + kEps);
  const double trace = Q[0] + Q[3], det = Q[0] * Q[3] - Q[1] * Q[2];
  const double smaller = 0.5 * (trace - std::sqrt(trace * trace - 4.0 * det));
  std::vector<double> work(static_cast<std::size_t>(glcm_mcc_workspace_size(2)));
  REQUIRE(glcm_mcc(p, px, py, 2, work.data()) == Approx(std::sqrt(smaller)).epsilon(1e-14));
  const double one[1] = {1.0};
  REQUIRE(glcm_mcc(one, one, one, 1, work.data()) == 1.0);
}

TEST_CASE("GLCM nanmean over angles skips NaN and sums in numpy's pairwise order", "[glcm]") {
  std::vector<double> per_angle = {1.0, NAN, 3.0, NAN, NAN, NAN};  // 3 angles x 2 features
  double out[2];
  glcm_nanmean_over_angles(per_angle.data(), 3, 2, out);
  REQUIRE(out[0] == 2.0);
  REQUIRE(std::isnan(out[1]));
  // 13 values: numpy adds 8 partial sums pairwise, then the last 5 one by one.
  std::vector<double> v = {1e16, 1.0, -1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  double expected = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
  for (int k = 8; k < 13; ++k) expected += v[k];
  REQUIRE(numpy_pairwise_sum(v.data(), 13, 1) == expected);
}
