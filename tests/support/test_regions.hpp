// Hand-made discretised regions for the texture-class tests.
#pragma once

#include <algorithm>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kernels/core/discretised_region.hpp"
#include "kernels/core/settings.hpp"

namespace doseomics::test {

// A region given by its bins (0 outside, 1.. inside) that owns them; its view points into them.
struct TestRegion {
  std::vector<int> bins;
  DiscretisedRegion view;

  TestRegion(int nz, int ny, int nx, std::vector<int> values, const double* spacing_zyx = nullptr)
      : bins(std::move(values)) {
    if (bins.size() != static_cast<std::size_t>(nz) * ny * nx)
      throw std::invalid_argument("TestRegion: bins do not fill the box");
    view.bins = bins.data();
    view.size_zyx[0] = nz;
    view.size_zyx[1] = ny;
    view.size_zyx[2] = nx;
    if (spacing_zyx)
      for (int axis = 0; axis < 3; ++axis) view.spacing_zyx_mm[axis] = spacing_zyx[axis];
    for (const int b : bins) {
      view.max_bin = std::max(view.max_bin, b);
      view.voxel_count += b > 0;
    }
  }
  TestRegion(TestRegion&& other) noexcept : bins(std::move(other.bins)), view(other.view) {
    view.bins = bins.data();
  }
  TestRegion(const TestRegion&) = delete;
  TestRegion& operator=(const TestRegion&) = delete;
};

// A seeded random region; the first and last voxels are always in it so the box is tight.
inline std::vector<int> random_bins(std::mt19937& rng, int voxels, int levels, double fill) {
  std::uniform_real_distribution<double> in_region(0.0, 1.0);
  std::uniform_int_distribution<int> level(1, levels);
  std::vector<int> bins(static_cast<std::size_t>(voxels));
  for (int& b : bins) b = in_region(rng) < fill ? level(rng) : 0;
  bins.front() = level(rng);
  bins.back() = level(rng);
  return bins;
}

// Default settings with these distances.
inline Settings with_distances(const std::vector<int>& distances) {
  Settings s;
  s.distance_count = static_cast<int>(distances.size());
  for (std::size_t k = 0; k < distances.size(); ++k) s.distances[k] = distances[k];
  return s;
}

}  // namespace doseomics::test
