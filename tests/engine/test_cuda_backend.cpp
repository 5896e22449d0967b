// Differential tests of the CUDA backend against the CPU backend (the oracle) on seeded random
// batches. Compiled only with CUDA; skipped with a message when no device is present.
#include <catch2/catch.hpp>

#ifdef DOSEOMICS_HAVE_CUDA

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/core/feature_names.hpp"
#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/cuda/cuda_backend.hpp"

namespace {

using namespace doseomics;

// Features agree to rounding: the same formulas run on the same integer matrices, but device
// log2/pow may differ from the host's by an ulp and NGTDM's s_i is summed with atomics.
constexpr double kFeatureRelTolerance = 1e-9;
// Features that cancel to about zero (ClusterShade, Skewness of a symmetric region) are compared
// with this absolute floor as well.
constexpr double kFeatureAbsTolerance = 1e-11;

// One seeded random region: kinds cover blobs, single slices, flat regions and border-touching
// masks; values are integers or reals.
void add_random_region(RoiBatch& batch, std::mt19937& random, long long target_voxels, int kind) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int size[3];
  if (kind == 1) {  // single slice
    const int side = std::max(2, static_cast<int>(std::sqrt(static_cast<double>(target_voxels))));
    size[0] = 1;
    size[1] = side;
    size[2] = std::max(2, static_cast<int>(target_voxels / side));
  } else {
    const int side = std::max(2, static_cast<int>(std::cbrt(static_cast<double>(target_voxels))));
    size[0] = std::max(1, side / 2 + 1);
    size[1] = side;
    size[2] = std::max(2, static_cast<int>(target_voxels / (size[0] * side)));
  }
  const double spacing[3] = {0.5 + 2.5 * unit(random), 0.5 + unit(random), 0.5 + unit(random)};
  const long long count = static_cast<long long>(size[0]) * size[1] * size[2];
  std::vector<double> values(static_cast<std::size_t>(count));
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(count));
  const bool integers = unit(random) < 0.6;
  const double base = -500 + 1500 * unit(random), spread = 1 + 400 * unit(random);
  const double fill = kind == 3 ? 1.0 : 0.4 + 0.6 * unit(random);
  for (long long i = 0; i < count; ++i) {
    double v = kind == 2 ? base : base + spread * (unit(random) - 0.5);
    if (integers) v = std::round(v);
    values[i] = v;
    mask[i] = unit(random) < fill ? 1 : 0;
  }
  mask[0] = 1;  // keep the region non-empty
  batch.add_region("random-" + std::to_string(batch.size()) + "-kind" + std::to_string(kind), size,
                   spacing, values.data(), mask.data());
}

std::vector<Settings> several_settings() {
  std::vector<Settings> all;
  Settings a;  // PyRadiomics' baseline settings
  a.bin_width = 25;
  a.voxel_array_shift = 2000;
  a.minimum_roi_dimensions = 1;
  all.push_back(a);
  Settings b;
  b.bin_count = 16;
  b.weighting_norm = WeightingNorm::manhattan;
  b.minimum_roi_dimensions = 1;
  all.push_back(b);
  Settings c;
  c.bin_width = 5;
  c.distances[0] = 1;
  c.distances[1] = 2;
  c.distance_count = 2;
  c.symmetrical_glcm = false;
  c.gldm_a = 1;
  c.minimum_roi_dimensions = 1;
  all.push_back(c);
  Settings d;
  d.bin_count = 2;
  d.force2d = true;
  d.force2d_dimension = 0;
  d.weighting_norm = WeightingNorm::euclidean;
  all.push_back(d);
  return all;
}

std::string describe_batch(const RoiBatch& batch, std::size_t region) {
  std::ostringstream out;
  const RegionGeometry& g = batch.regions[region];
  out << batch.region_names[region] << " box " << g.size_zyx[0] << "x" << g.size_zyx[1] << "x"
      << g.size_zyx[2];
  return out.str();
}

// Every cell: same error text, every feature within tolerance.
void compare_tables(const RoiBatch& batch, const std::vector<Settings>& settings,
                    const FeatureTable& cpu, const FeatureTable& gpu, std::uint32_t seed) {
  REQUIRE(cpu.values.size() == gpu.values.size());
  const auto names = cpu.column_names();
  for (std::size_t r = 0; r < cpu.region_count; ++r)
    for (std::size_t s = 0; s < cpu.setting_count; ++s) {
      INFO("seed " << seed << ", " << describe_batch(batch, r) << ", setting " << s << " ("
                   << describe(settings[s]) << ")");
      const std::size_t cell = cpu.cell(r, s);
      REQUIRE(gpu.errors[cell] == cpu.errors[cell]);
      CHECK(gpu.diagnostics[cell].voxel_count == cpu.diagnostics[cell].voxel_count);
      CHECK(gpu.diagnostics[cell].gray_level_max == cpu.diagnostics[cell].gray_level_max);
      for (std::size_t c = 0; c < cpu.column_count(); ++c) {
        const double expected = cpu.at(r, s, c), actual = gpu.at(r, s, c);
        INFO(names[c] << ": cpu " << expected << ", cuda " << actual);
        if (std::isnan(expected)) {
          CHECK(std::isnan(actual));
          continue;
        }
        const double scale = std::max(std::fabs(expected), std::fabs(actual));
        CHECK(std::fabs(expected - actual) <= kFeatureRelTolerance * scale + kFeatureAbsTolerance);
      }
    }
}

bool device_present() {
  std::string reason;
  if (cuda_device_available(&reason)) return true;
  WARN("no CUDA device: " << reason << " (CUDA tests skipped)");
  return false;
}

}  // namespace

TEST_CASE("CUDA backend matches the CPU backend on seeded random batches", "[cuda]") {
  if (!device_present()) return;
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    RoiBatch batch;
    for (int k = 0; k < 60; ++k) {
      const long long voxels =
          static_cast<long long>(std::exp(std::log(2.0) + unit(random) * std::log(3000.0)));
      add_random_region(batch, random, voxels, k % 4);
    }
    const std::vector<Settings> settings = several_settings();
    const FeatureSelection features = FeatureSelection::defaults();
    CpuBackend cpu(0);
    CudaBackend gpu;
    compare_tables(batch, settings, cpu.extract(batch, settings, features),
                   gpu.extract(batch, settings, features), seed);
  }
}

TEST_CASE("CUDA backend matches the CPU backend on large regions and many bins", "[cuda]") {
  if (!device_present()) return;
  const std::uint32_t seed = 11;
  std::mt19937 random(seed);
  RoiBatch batch;
  add_random_region(batch, random, 300000, 0);
  add_random_region(batch, random, 120000, 3);
  add_random_region(batch, random, 40000, 1);
  Settings wide;
  wide.bin_width = 25;
  // 2,000 bins on a region of about 300 voxels: up to 300 present levels keeps MCC's n^3
  // eigenvalue problem (one GPU thread per angle) to seconds.
  Settings many;
  many.bin_count = 2000;
  RoiBatch small;
  add_random_region(small, random, 300, 0);
  const FeatureSelection features = FeatureSelection::defaults();
  CpuBackend cpu(0);
  CudaBackend gpu;
  compare_tables(batch, {wide}, cpu.extract(batch, {wide}, features),
                 gpu.extract(batch, {wide}, features), seed);
  compare_tables(small, {many}, cpu.extract(small, {many}, features),
                 gpu.extract(small, {many}, features), seed);
}

TEST_CASE("CUDA backend streams a batch larger than its memory budget in chunks", "[cuda]") {
  if (!device_present()) return;
  const std::uint32_t seed = 5;
  std::mt19937 random(seed);
  RoiBatch batch;
  for (int k = 0; k < 200; ++k) add_random_region(batch, random, 200 + 20 * k, k % 4);
  const std::vector<Settings> settings = several_settings();
  const FeatureSelection features = FeatureSelection::defaults();
  CudaBackendOptions options;
  options.memory_budget_bytes = 8ll << 20;
  CudaBackend small_budget(options);
  const FeatureTable chunked = small_budget.extract(batch, settings, features);
  CHECK(small_budget.last_run().upload_chunks > 1);
  CpuBackend cpu(0);
  compare_tables(batch, settings, cpu.extract(batch, settings, features), chunked, seed);
}

TEST_CASE("A region larger than the CUDA memory budget gets a clear error", "[cuda]") {
  if (!device_present()) return;
  std::mt19937 random(9);
  RoiBatch batch;
  add_random_region(batch, random, 100, 0);
  add_random_region(batch, random, 300000, 3);
  CudaBackendOptions options;
  options.memory_budget_bytes = 1 << 20;
  CudaBackend tiny(options);
  const FeatureTable table = tiny.extract(batch, {Settings{}}, FeatureSelection::defaults());
  CHECK(table.errors[0].empty());
  CHECK(table.errors[1].find("use the cpu backend") != std::string::npos);
}

#endif  // DOSEOMICS_HAVE_CUDA
