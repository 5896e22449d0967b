// Edge cases of the whole CPU engine: each either works with PyRadiomics' answer or gives a clear
// error in its own cell while the rest of the batch is computed.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <algorithm>
#include <string>
#include <vector>

#include "kernels/core/firstorder.hpp"
#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/cpu/texture_classes.hpp"

using namespace doseomics;

namespace {

// Features of one region computed twice by different routes must agree to rounding only.
constexpr double kSameComputationRelativeTolerance = 1e-12;

struct Box {
  int size_zyx[3];
  std::vector<double> values;
  std::vector<std::uint8_t> mask;
  Box(int z, int y, int x, double fill = 0.0)
      : size_zyx{z, y, x},
        values(static_cast<std::size_t>(z) * y * x, fill),
        mask(values.size(), 1) {}
  std::size_t index(int z, int y, int x) const {
    return (static_cast<std::size_t>(z) * size_zyx[1] + y) * size_zyx[2] + x;
  }
};

std::size_t add(RoiBatch& batch, const Box& box, const std::string& name) {
  const double spacing[3] = {2.0, 1.0, 1.0};
  return batch.add_region(name, box.size_zyx, spacing, box.values.data(), box.mask.data());
}

Box random_box(std::mt19937& random, int z, int y, int x, int lo, int hi) {
  Box box(z, y, x);
  std::uniform_int_distribution<int> intensity(lo, hi);
  for (auto& v : box.values) v = intensity(random);
  return box;
}

double feature(const FeatureTable& table, std::size_t region, const std::string& column) {
  const int c = table.column_of(column);
  REQUIRE(c >= 0);
  return table.at(region, 0, static_cast<std::size_t>(c));
}

}  // namespace

TEST_CASE("A single-slice region uses the 4 in-plane GLCM angles", "[edge]") {
  std::mt19937 random(7);
  RoiBatch batch;
  add(batch, random_box(random, 1, 12, 15, 0, 200), "slice");
  Settings settings;
  const FeatureTable table = CpuBackend(1).extract(batch, {settings}, FeatureSelection::defaults());
  INFO(table.errors[0]);
  REQUIRE(table.errors[0].empty());
  for (double v : table.values) REQUIRE(std::isfinite(v));
  PreparedRegion region = prepare_region(batch, 0, settings);
  const TextureMatrix glcm = build_glcm_matrix(region.view, settings);
  REQUIRE(glcm.shape.size() == 3);
  REQUIRE(glcm.shape[2] == 4);
}

TEST_CASE("A flat region gives every PyRadiomics sentinel", "[edge]") {
  RoiBatch batch;
  add(batch, Box(3, 4, 5, 100.0), "flat");
  const FeatureTable table =
      CpuBackend(1).extract(batch, {Settings{}}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].empty());
  // -sum p log2(p + eps) with p = 1.
  const double flat_entropy = -std::log2(1.0 + kPyradiomicsEpsilon);
  CHECK(feature(table, 0, "original_firstorder_Entropy") == flat_entropy);
  CHECK(feature(table, 0, "original_firstorder_Skewness") == 0.0);
  CHECK(feature(table, 0, "original_firstorder_Kurtosis") == 0.0);
  CHECK(feature(table, 0, "original_firstorder_Uniformity") == 1.0);
  CHECK(feature(table, 0, "original_glcm_Correlation") == 1.0);
  CHECK(feature(table, 0, "original_glcm_Imc1") == 0.0);
  CHECK(feature(table, 0, "original_glcm_Imc2") == 0.0);
  CHECK(feature(table, 0, "original_glcm_MCC") == 1.0);
  // Averaged over 13 angles, so equal to the per-angle value up to the rounding of the mean.
  CHECK(feature(table, 0, "original_glcm_JointEntropy") ==
        Approx(flat_entropy).epsilon(kSameComputationRelativeTolerance));
  CHECK(feature(table, 0, "original_ngtdm_Coarseness") == 1e6);
  CHECK(feature(table, 0, "original_ngtdm_Contrast") == 0.0);
  CHECK(feature(table, 0, "original_ngtdm_Busyness") == 0.0);
  CHECK(feature(table, 0, "original_ngtdm_Strength") == 0.0);
  CHECK(feature(table, 0, "original_glszm_ZonePercentage") == 1.0 / 60.0);
}

TEST_CASE("A region touching its box border equals the same region with a margin", "[edge]") {
  std::mt19937 random(11);
  const Box tight = random_box(random, 4, 6, 7, -50, 400);
  Box padded(8, 10, 11, 9999.0);  // margin values must never be read
  std::fill(padded.mask.begin(), padded.mask.end(), 0);
  for (int z = 0; z < 4; ++z)
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 7; ++x) {
        padded.values[padded.index(z + 2, y + 2, x + 2)] = tight.values[tight.index(z, y, x)];
        padded.mask[padded.index(z + 2, y + 2, x + 2)] = 1;
      }
  RoiBatch batch;
  add(batch, tight, "border");
  add(batch, padded, "margin");
  const FeatureTable table =
      CpuBackend(2).extract(batch, {Settings{}}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].empty());
  REQUIRE(table.errors[1].empty());
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    INFO(table.column_names()[c]);
    CHECK(table.at(0, 0, c) == Approx(table.at(1, 0, c)).epsilon(kSameComputationRelativeTolerance));
  }
}

TEST_CASE("Negative CT intensities bin from floor(min / width)", "[edge]") {
  std::mt19937 random(13);
  RoiBatch batch;
  Box box = random_box(random, 3, 8, 8, -1024, 300);
  box.values[0] = -1024.0;
  add(batch, box, "ct");
  Settings settings;
  PreparedRegion region = prepare_region(batch, 0, settings);
  // -1024 lies in [-1025, -1000): bin 1; every other bin index follows floor(x/25) + 42.
  for (std::size_t i = 0; i < box.values.size(); ++i)
    REQUIRE(region.bins[i] == static_cast<int>(std::floor(box.values[i] / 25.0)) + 41 + 1);
  const FeatureTable table = CpuBackend(1).extract(batch, {settings}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].empty());
  CHECK(feature(table, 0, "original_firstorder_Minimum") == -1024.0);
  for (double v : table.values) REQUIRE(std::isfinite(v));
}

TEST_CASE("Float images with values on bin edges bin like numpy.digitize", "[edge]") {
  std::mt19937 random(17);
  std::uniform_real_distribution<double> intensity(-3.0, 3.0);
  Box box(2, 9, 9);
  for (auto& v : box.values) v = intensity(random);
  box.values[1] = 0.5;   // exactly on an edge of width 0.25
  box.values[2] = -0.25;
  RoiBatch batch;
  add(batch, box, "float");
  Settings settings;
  settings.bin_width = 0.25;
  PreparedRegion region = prepare_region(batch, 0, settings);
  REQUIRE(region.bins[2] + 3 == region.bins[1]);  // -0.25 and 0.5 are 3 edges apart
  const FeatureTable table = CpuBackend(1).extract(batch, {settings}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].empty());
  for (double v : table.values) REQUIRE(std::isfinite(v));
}

TEST_CASE("More than 2,000 bins work; more present levels than the engine's cap is a clear error",
          "[edge]") {
  std::mt19937 random(19);
  // 300 voxels spread over 0..9,999 with binWidth 1: Ng (the largest bin) is near 10,000 while
  // matrices hold only the present levels, so nothing may be sized by Ng squared.
  Box sparse(3, 10, 10);
  std::uniform_int_distribution<int> wide(0, 9999);
  for (auto& v : sparse.values) v = wide(random);
  sparse.values[0] = 0.0;
  sparse.values[1] = 9999.0;
  // 6,400 distinct values with binWidth 1: above kMaxPresentGrayLevels.
  Box dense(4, 40, 40);
  std::iota(dense.values.begin(), dense.values.end(), 0.0);
  std::shuffle(dense.values.begin(), dense.values.end(), random);
  RoiBatch batch;
  add(batch, sparse, "many-bins");
  add(batch, dense, "too-many-levels");
  Settings width_one;
  width_one.bin_width = 1.0;
  const FeatureTable table =
      CpuBackend(2).extract(batch, {width_one}, FeatureSelection::defaults());
  INFO(table.errors[0]);
  REQUIRE(table.errors[0].empty());
  REQUIRE(table.diagnostics[0].gray_level_max == 10000);
  for (std::size_t c = 0; c < table.column_count(); ++c) REQUIRE(std::isfinite(table.at(0, 0, c)));
  REQUIRE(table.errors[1].find("grey levels") != std::string::npos);
  REQUIRE(std::isnan(table.at(1, 0, 0)));
}

TEST_CASE("A NaN inside a region is an error for that region only", "[edge]") {
  std::mt19937 random(23);
  RoiBatch batch;
  Box bad = random_box(random, 3, 5, 5, 0, 100);
  bad.values[7] = std::numeric_limits<double>::quiet_NaN();
  add(batch, bad, "with-nan");
  add(batch, random_box(random, 3, 5, 5, 0, 100), "fine");
  const FeatureTable table =
      CpuBackend(2).extract(batch, {Settings{}}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].find("NaN") != std::string::npos);
  REQUIRE(table.errors[0].find("with-nan") != std::string::npos);
  REQUIRE(table.errors[1].empty());
}

TEST_CASE("Empty and one-voxel regions are clear errors", "[edge]") {
  RoiBatch batch;
  Box empty(2, 3, 3, 5.0);
  std::fill(empty.mask.begin(), empty.mask.end(), 0);
  Box single = empty;
  single.mask[4] = 1;
  add(batch, empty, "empty");
  add(batch, single, "single");
  const FeatureTable table =
      CpuBackend(1).extract(batch, {Settings{}}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].find("empty") != std::string::npos);
  REQUIRE(table.errors[1].find("one voxel") != std::string::npos);
}

TEST_CASE("minimumROIDimensions and minimumROISize reject small regions", "[edge]") {
  RoiBatch batch;
  add(batch, Box(1, 1, 6, 3.0), "line");
  Settings two_dimensions;  // default minimumROIDimensions 2
  Settings one_dimension;
  one_dimension.minimum_roi_dimensions = 1;
  one_dimension.minimum_roi_size = 6;  // PyRadiomics needs count > size
  const FeatureTable table = CpuBackend(1).extract(batch, {two_dimensions, one_dimension},
                                                   FeatureSelection::defaults());
  REQUIRE(table.errors[0].find("minimumROIDimensions") != std::string::npos);
  REQUIRE(table.errors[1].find("minimumROISize") != std::string::npos);
}

TEST_CASE("First-order percentiles follow numpy's linear method", "[firstorder]") {
  const double sorted[] = {1.0, 2.0, 4.0, 8.0, 16.0};
  CHECK(numpy_percentile_sorted(sorted, 5, 10.0) == Approx(1.4).epsilon(1e-15));
  CHECK(numpy_percentile_sorted(sorted, 5, 90.0) == Approx(12.8).epsilon(1e-15));
  CHECK(numpy_percentile_sorted(sorted, 5, 50.0) == 4.0);
  CHECK(numpy_median_sorted(sorted, 4) == 3.0);
}
