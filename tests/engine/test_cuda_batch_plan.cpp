// The CUDA backend's host planning (kernels/cuda/batch_plan.hpp): runs without a GPU.
#include <catch2/catch.hpp>

#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels/backend_factory.hpp"
#include "kernels/core/errors.hpp"
#include "kernels/cuda/batch_plan.hpp"
#include "kernels/cuda/tuning_policy.hpp"

using namespace doseomics;
using namespace doseomics::cuda_plan;

TEST_CASE("Tiles cover every voxel of every item exactly once, in order", "[cuda_plan]") {
  std::mt19937 random(7);
  std::uniform_int_distribution<long long> size(0, 20000);
  for (int tile_voxels : {1, 7, 256, 4096}) {
    std::vector<long long> items(50);
    for (auto& v : items) v = size(random);
    items[3] = 0;
    items[4] = tile_voxels;
    items[5] = tile_voxels + 1;
    const std::vector<Tile> tiles = plan_tiles(items, tile_voxels);
    std::vector<long long> covered(items.size(), 0);
    int previous_item = -1;
    long long next_first = 0;
    for (const Tile& t : tiles) {
      REQUIRE(t.count >= 1);
      REQUIRE(t.count <= tile_voxels);
      if (t.item != previous_item) {
        REQUIRE(t.item > previous_item);
        next_first = 0;
        previous_item = t.item;
      }
      REQUIRE(t.first == next_first);  // contiguous, no overlap
      next_first += t.count;
      covered[t.item] += t.count;
    }
    CHECK(covered == items);
  }
}

TEST_CASE("A small region is one block, a large one many", "[cuda_plan]") {
  const std::vector<long long> items = {50, 5000, 1000000};
  const auto tiles = plan_tiles(items, cuda_policy::kTileVoxels);
  int per_item[3] = {0, 0, 0};
  for (const Tile& t : tiles) ++per_item[t.item];
  CHECK(per_item[0] == 1);
  CHECK(per_item[1] == 2);
  CHECK(per_item[2] == (1000000 + cuda_policy::kTileVoxels - 1) / cuda_policy::kTileVoxels);
  CHECK_THROWS_AS(plan_tiles(items, 0), std::invalid_argument);
  CHECK(plan_tiles({}, 16).empty());
}

TEST_CASE("Groups assign every item once and stay within the budget", "[cuda_plan]") {
  std::mt19937 random(2022);
  std::uniform_int_distribution<long long> size(1, 1000);
  for (long long budget : {1000ll, 1500ll, 10000ll, 1000000ll}) {
    std::vector<long long> items(500);
    for (auto& v : items) v = size(random);
    const auto groups = plan_groups(items, budget, 64);
    std::size_t next = 0;
    for (const ItemGroup& g : groups) {
      REQUIRE(g.begin == next);
      REQUIRE(g.end > g.begin);
      REQUIRE(g.end - g.begin <= 64);
      REQUIRE_FALSE(g.oversized);
      const long long sum = std::accumulate(items.begin() + g.begin, items.begin() + g.end, 0ll);
      REQUIRE(g.bytes == sum);
      REQUIRE(g.bytes <= budget);
      next = g.end;
    }
    CHECK(next == items.size());
  }
}

TEST_CASE("An item larger than the budget gets its own group marked oversized", "[cuda_plan]") {
  const std::vector<long long> items = {10, 20, 500, 30, 40, 1000, 5};
  const auto groups = plan_groups(items, 100, 100);
  REQUIRE(groups.size() == 5);
  CHECK((groups[0].begin == 0 && groups[0].end == 2 && !groups[0].oversized));
  CHECK((groups[1].begin == 2 && groups[1].end == 3 && groups[1].oversized));
  CHECK((groups[2].begin == 3 && groups[2].end == 5 && !groups[2].oversized));
  CHECK((groups[3].begin == 5 && groups[3].end == 6 && groups[3].oversized));
  CHECK((groups[4].begin == 6 && groups[4].end == 7 && groups[4].bytes == 5));
  CHECK_THROWS_AS(plan_groups(items, 0, 10), std::invalid_argument);
  CHECK_THROWS_AS(plan_groups(items, 10, 0), std::invalid_argument);
  CHECK(plan_groups({}, 10, 10).empty());
}

TEST_CASE("Launch sizing and shared-memory fit", "[cuda_plan]") {
  CHECK(blocks_for(0, 256, 100) == 1);
  CHECK(blocks_for(256, 256, 100) == 1);
  CHECK(blocks_for(257, 256, 100) == 2);
  CHECK(blocks_for(1ll << 40, 256, 100) == 100);
  CHECK(fits_in_shared(48 * 1024, cuda_policy::kSharedMatrixBytes));
  CHECK_FALSE(fits_in_shared(48 * 1024 + 1, cuda_policy::kSharedMatrixBytes));
  CHECK_FALSE(fits_in_shared(0, cuda_policy::kSharedMatrixBytes));
  CHECK(memory_budget(1000, 0.5, 100) == 400);
  CHECK(memory_budget(100, 0.5, 100) == 0);
}

TEST_CASE("Zone-size column bound is the largest k with 1 + ... + k <= voxels", "[cuda_plan]") {
  CHECK(zone_size_columns_bound(0) == 0);
  CHECK(zone_size_columns_bound(1) == 1);
  CHECK(zone_size_columns_bound(2) == 1);
  CHECK(zone_size_columns_bound(3) == 2);
  CHECK(zone_size_columns_bound(5) == 2);
  CHECK(zone_size_columns_bound(6) == 3);
  CHECK(zone_size_columns_bound(300000) == 774);
}

TEST_CASE("Arena layout places cells back to back per buffer", "[cuda_plan]") {
  CellShape shape;
  shape.tight_voxels = 1000;
  shape.region_voxels = 600;
  shape.gray_levels = 10;
  shape.max_bin = 40;
  shape.max_run = 12;
  shape.glcm_angles = 13;
  shape.glrlm_angles = 13;
  shape.neighbours = 26;
  shape.glcm = shape.glrlm = shape.glszm = shape.gldm = shape.ngtdm = true;
  const Footprint f = cell_footprint(shape);
  CHECK(f[static_cast<int>(Buffer::glcm_matrix)] == 13 * 10 * 10);
  CHECK(f[static_cast<int>(Buffer::glrlm_matrix)] == 13 * 10 * 12);
  CHECK(f[static_cast<int>(Buffer::glszm_labels)] == 1000);
  CHECK(f[static_cast<int>(Buffer::gldm_counts)] == 10 * 27);
  CHECK(f[static_cast<int>(Buffer::ngtdm_matrix)] == 30);
  CellShape none = shape;
  none.glcm = none.glrlm = none.glszm = none.gldm = none.ngtdm = false;
  CHECK(footprint_bytes(cell_footprint(none)) == 0);
  CellShape weighted_without_angles = shape;
  weighted_without_angles.glcm_angles = 0;
  CHECK(cell_footprint(weighted_without_angles)[static_cast<int>(Buffer::glcm_matrix)] == 100);

  const ArenaLayout layout = layout_arenas({f, cell_footprint(none), f});
  for (int b = 0; b < kBufferCount; ++b) {
    CHECK(layout.offsets[0][b] == 0);
    CHECK(layout.offsets[1][b] == f[b]);
    CHECK(layout.offsets[2][b] == f[b]);
    CHECK(layout.totals[b] == 2 * f[b]);
  }
  CHECK(layout.bytes() == 2 * footprint_bytes(f));
}

TEST_CASE("The backend factory answers cpu, auto and unknown names", "[cuda_plan][factory]") {
  CHECK(make_backend("cpu", 1)->name() == "cpu");
  const auto automatic = make_backend("auto", 1);
  CHECK((automatic->name() == "cpu" || automatic->name() == "cuda"));
  CHECK_THROWS_AS(make_backend("tpu", 1), InputError);
  if (!cuda_backend_built()) {
    CHECK_THROWS_WITH(make_backend("cuda", 1), "CUDA backend not built");
  } else {
    std::unique_ptr<Backend> cuda;
    try {
      cuda = make_backend("cuda", 1);
    } catch (const InputError& error) {
      CHECK(std::string(error.what()).rfind("no CUDA device: ", 0) == 0);
    }
    if (cuda) CHECK(cuda->name() == "cuda");
  }
}
