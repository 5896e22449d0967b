// NGTDM: matrices against hand-worked cases and a direct neighbourhood average with explicit
// bounds checks, features against the definitions evaluated directly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

#include "kernels/core/feature_names.hpp"
#include "kernels/core/ngtdm.hpp"
#include "kernels/cpu/texture_classes.hpp"
#include "support/test_regions.hpp"

namespace {

using doseomics::DiscretisedRegion;
using doseomics::Settings;
using doseomics::TextureMatrix;
namespace f = doseomics::ngtdm;

// Summation order differs from the reference formulas below; a few ulps per term at most.
constexpr double kFeatureRelTolerance = 1e-12;
// s_i sums |i - mean| over voxels in the same order on both sides; the reference divides
// differently (sum over count in one step each), so allow a few ulps.
constexpr double kDifferenceRelTolerance = 1e-13;

using doseomics::test::TestRegion;

using doseomics::test::random_bins;

using doseomics::test::with_distances;

// Reference NGTDM rows {n_i, s_i, i} over present levels: every region voxel counts in n_i;
// s_i adds |i - mean of in-box, in-region neighbours at the listed Chebyshev distances|.
std::vector<double> reference_ngtdm(const TestRegion& r, const Settings& s) {
  const int* n = r.view.size_zyx;
  const int force2d_dimension = s.force2d ? s.force2d_dimension : -1;
  int reach = 0;
  for (int k = 0; k < s.distance_count; ++k) reach = std::max(reach, s.distances[k]);
  std::vector<double> count(r.view.max_bin + 1, 0.0), diff(r.view.max_bin + 1, 0.0);
  for (int z = 0; z < n[0]; ++z)
    for (int y = 0; y < n[1]; ++y)
      for (int x = 0; x < n[2]; ++x) {
        const int gray = r.bins[r.view.index(z, y, x)];
        if (gray == 0) continue;
        double sum = 0;
        int neighbours = 0;
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
              if (other == 0) continue;
              sum += other;
              ++neighbours;
            }
        count[gray] += 1;
        if (neighbours > 0) diff[gray] += std::fabs(gray - sum / neighbours);
      }
  std::vector<double> rows;
  for (int g = 1; g <= r.view.max_bin; ++g)
    if (count[g] > 0) rows.insert(rows.end(), {count[g], diff[g], static_cast<double>(g)});
  return rows;
}

// The 5 features straight from the definitions (spec 3.10), in ngtdm::Feature order.
std::vector<double> reference_features(const std::vector<double>& rows) {
  const std::size_t ng = rows.size() / 3;
  double nvp = 0, sum_s = 0;
  for (std::size_t a = 0; a < ng; ++a) {
    nvp += rows[3 * a];
    sum_s += rows[3 * a + 1];
  }
  std::vector<double> p(ng), s(ng), g(ng);
  for (std::size_t a = 0; a < ng; ++a) {
    p[a] = rows[3 * a] / nvp;
    s[a] = rows[3 * a + 1];
    g[a] = rows[3 * a + 2];
  }
  double ps = 0, contrast = 0, busy = 0, complexity = 0, strength = 0;
  for (std::size_t a = 0; a < ng; ++a) {
    ps += p[a] * s[a];
    for (std::size_t b = 0; b < ng; ++b) {
      contrast += p[a] * p[b] * (g[a] - g[b]) * (g[a] - g[b]);
      busy += std::fabs(g[a] * p[a] - g[b] * p[b]);
      complexity += std::fabs(g[a] - g[b]) * (p[a] * s[a] + p[b] * s[b]) / (p[a] + p[b]);
      strength += (p[a] + p[b]) * (g[a] - g[b]) * (g[a] - g[b]);
    }
  }
  const double ngp = static_cast<double>(ng);
  std::vector<double> out(f::kCount);
  out[f::Coarseness] = ps == 0 ? 1e6 : 1 / ps;
  out[f::Contrast] = ng == 1 ? 0 : contrast / (ngp * (ngp - 1)) * sum_s / nvp;
  out[f::Busyness] = busy == 0 ? 0 : ps / busy;
  out[f::Complexity] = complexity / nvp;
  out[f::Strength] = sum_s == 0 ? 0 : strength / sum_s;
  return out;
}

std::vector<double> ngtdm_of(const DiscretisedRegion& region, const Settings& settings) {
  std::vector<double> out(f::kCount, -1.0);
  doseomics::compute_ngtdm_features(region, settings, out.data());
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

}  // namespace

TEST_CASE("NGTDM of a three-voxel line matches the hand-worked matrix and features", "[ngtdm]") {
  // 1 2 4: differences |1-2| = 1, |2-2.5| = 0.5, |4-2| = 2.
  const TestRegion r(1, 1, 3, {1, 2, 4});
  const TextureMatrix m = doseomics::build_ngtdm_matrix(r.view, Settings{});
  REQUIRE(m.shape == std::vector<int>{3, 3});
  REQUIRE(m.gray_levels == std::vector<int>{1, 2, 4});
  REQUIRE(m.values == std::vector<double>{1, 1, 1, 1, 0.5, 2, 1, 2, 4});

  // p_i = 1/3 each, sum s = 3.5, sum p s = 7/6, sum_ij (i-j)^2 = 28.
  const std::vector<double> out = ngtdm_of(r.view, Settings{});
  CHECK(out[f::Coarseness] == Approx(6.0 / 7.0));
  CHECK(out[f::Contrast] == Approx(28.0 / 9.0 / 6.0 * 3.5 / 3.0));
  CHECK(out[f::Busyness] == Approx((7.0 / 6.0) / 4.0));
  CHECK(out[f::Complexity] == Approx(15.5 / 3.0));
  CHECK(out[f::Strength] == Approx(16.0 / 3.0));
}

TEST_CASE("NGTDM counts isolated voxels in n_i with a zero difference", "[ngtdm]") {
  // Three voxels with no region neighbour: n = {1, 2}, s = 0 (the C code, not the docstring).
  const TestRegion r(1, 1, 5, {1, 0, 2, 0, 2});
  const TextureMatrix m = doseomics::build_ngtdm_matrix(r.view, Settings{});
  REQUIRE(m.values == std::vector<double>{1, 0, 1, 2, 0, 2});

  const std::vector<double> out = ngtdm_of(r.view, Settings{});
  CHECK(out[f::Coarseness] == 1e6);  // sum p_i s_i = 0
  CHECK(out[f::Contrast] == 0.0);
  CHECK(out[f::Busyness] == 0.0);
  CHECK(out[f::Complexity] == 0.0);
  CHECK(out[f::Strength] == 0.0);  // sum s_i = 0

  // A region voxel next to an isolated one still averages only its region neighbours.
  const TestRegion mixed(1, 2, 3,
                         {3, 0, 1,  //
                          1, 0, 0});
  REQUIRE(doseomics::build_ngtdm_matrix(mixed.view, Settings{}).values ==
          std::vector<double>{2, 2, 1, 1, 2, 3});
}

TEST_CASE("NGTDM of a flat region returns PyRadiomics' sentinels", "[ngtdm]") {
  const TestRegion r(3, 3, 3, std::vector<int>(27, 3));
  const TextureMatrix m = doseomics::build_ngtdm_matrix(r.view, Settings{});
  REQUIRE(m.values == std::vector<double>{27, 0, 3});
  const std::vector<double> out = ngtdm_of(r.view, Settings{});
  CHECK(out[f::Coarseness] == 1e6);
  CHECK(out[f::Contrast] == 0.0);  // N_gp = 1
  CHECK(out[f::Busyness] == 0.0);
  CHECK(out[f::Complexity] == 0.0);
  CHECK(out[f::Strength] == 0.0);
}

TEST_CASE("NGTDM with distances {2} averages only the ring at distance 2", "[ngtdm]") {
  // Line 1 5 3 5 1 with ring 2: x0 sees x2 (3), x2 sees x0 and x4 (1), x1 sees x3 (5).
  const TestRegion r(1, 1, 5, {1, 5, 3, 5, 1});
  const TextureMatrix m = doseomics::build_ngtdm_matrix(r.view, with_distances({2}));
  REQUIRE(m.gray_levels == std::vector<int>{1, 3, 5});
  REQUIRE(m.values == std::vector<double>{2, 4, 1, 1, 2, 3, 2, 0, 5});
}

TEST_CASE("NGTDM matches a direct neighbourhood average on random regions", "[ngtdm]") {
  std::mt19937 rng(27182818);
  const int shapes[][3] = {{1, 7, 9}, {4, 5, 6}, {6, 6, 6}, {3, 1, 8}, {2, 9, 3}};
  for (const auto& shape : shapes)
    for (const int levels : {1, 3, 8})
      for (const auto& distances :
           {std::vector<int>{1}, std::vector<int>{2}, std::vector<int>{1, 3}})
        for (const int force2d_dimension : {-1, 0, 1}) {
          const int voxels = shape[0] * shape[1] * shape[2];
          const TestRegion r(shape[0], shape[1], shape[2], random_bins(rng, voxels, levels, 0.6));
          Settings settings = with_distances(distances);
          settings.force2d = force2d_dimension >= 0;
          settings.force2d_dimension = settings.force2d ? force2d_dimension : 0;
          INFO("shape " << shape[0] << "x" << shape[1] << "x" << shape[2] << ", levels " << levels
                        << ", max distance " << distances.back() << ", force2d dimension "
                        << force2d_dimension);
          const std::vector<double> expected = reference_ngtdm(r, settings);
          const TextureMatrix actual = doseomics::build_ngtdm_matrix(r.view, settings);
          REQUIRE(actual.shape == std::vector<int>{static_cast<int>(expected.size() / 3), 3});
          REQUIRE(actual.values.size() == expected.size());
          for (std::size_t k = 0; k < expected.size(); ++k)
            CHECK(actual.values[k] ==
                  Approx(expected[k]).epsilon(kDifferenceRelTolerance).margin(1e-14));
          require_features_close(ngtdm_of(r.view, settings), reference_features(actual.values));
        }
}
