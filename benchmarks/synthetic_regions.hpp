// Seeded synthetic regions for benchmarks: ellipsoids of 50-5,000 voxels with MR-like texture,
// and the binary exchange format the PyRadiomics benchmark script reads.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/core/roi_batch.hpp"

namespace doseomics::bench {

// `count` regions with voxel counts log-uniform in [min_voxels, max_voxels], from `seed`.
inline RoiBatch make_small_regions(int count, std::uint32_t seed, int min_voxels = 50,
                                   int max_voxels = 5000) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 40.0);
  RoiBatch batch;
  const double spacing_zyx[3] = {3.0, 1.0, 1.0};
  while (static_cast<int>(batch.size()) < count) {
    const double target = std::exp(std::log(min_voxels) +
                                   unit(random) * (std::log(max_voxels) - std::log(min_voxels)));
    // Ellipsoid with radii (rz, ry, rx) whose volume is about `target` voxels; flat in z as
    // dose-band regions on thick MR slices are.
    const double stretch_y = 0.7 + 0.6 * unit(random), stretch_z = 0.3 + 0.3 * unit(random);
    const double r = std::cbrt(3.0 * target / (4.0 * M_PI * stretch_y * stretch_z));
    const double radii[3] = {std::max(0.6, r * stretch_z), r * stretch_y, r};
    const int size[3] = {2 * static_cast<int>(std::ceil(radii[0])) + 1,
                         2 * static_cast<int>(std::ceil(radii[1])) + 1,
                         2 * static_cast<int>(std::ceil(radii[2])) + 1};
    const double base = 300.0 + 500.0 * unit(random), wave = 2.0 + 6.0 * unit(random);
    std::vector<double> values;
    std::vector<std::uint8_t> mask;
    int voxels = 0;
    for (int z = 0; z < size[0]; ++z)
      for (int y = 0; y < size[1]; ++y)
        for (int x = 0; x < size[2]; ++x) {
          const double dz = (z - size[0] / 2) / radii[0], dy = (y - size[1] / 2) / radii[1],
                       dx = (x - size[2] / 2) / radii[2];
          const bool inside = dz * dz + dy * dy + dx * dx <= 1.0;
          voxels += inside;
          mask.push_back(inside ? 1 : 0);
          values.push_back(std::round(base + 120.0 * std::sin(x / wave) * std::cos(y / wave) +
                                      60.0 * std::sin(z + x / (2 * wave)) + noise(random)));
        }
    if (voxels < min_voxels || voxels > max_voxels) continue;
    batch.add_region("synthetic-" + std::to_string(batch.size()), size, spacing_zyx,
                     values.data(), mask.data());
  }
  return batch;
}

// Writes `batch` in the format benchmarks/bench_pyradiomics.py reads: "DOSEOMICS_ROIS v1\n",
// int64 count, then per region int32 size z,y,x; float64 spacing z,y,x; float64 voxels; uint8 mask.
inline void write_regions(const RoiBatch& batch, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  const std::string magic = "DOSEOMICS_ROIS v1\n";
  out.write(magic.data(), static_cast<std::streamsize>(magic.size()));
  const std::int64_t count = static_cast<std::int64_t>(batch.size());
  out.write(reinterpret_cast<const char*>(&count), sizeof count);
  for (const RegionGeometry& region : batch.regions) {
    const std::int32_t size[3] = {region.size_zyx[0], region.size_zyx[1], region.size_zyx[2]};
    out.write(reinterpret_cast<const char*>(size), sizeof size);
    out.write(reinterpret_cast<const char*>(region.spacing_zyx_mm), 3 * sizeof(double));
    const auto n = static_cast<std::streamsize>(region.voxel_count());
    out.write(reinterpret_cast<const char*>(batch.voxels.data() + region.voxel_offset),
              n * static_cast<std::streamsize>(sizeof(double)));
    out.write(reinterpret_cast<const char*>(batch.mask.data() + region.voxel_offset), n);
  }
}

}  // namespace doseomics::bench
