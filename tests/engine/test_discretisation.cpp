// Discretisation and neighbour offsets against PyRadiomics' rules (pyradiomics-spec.md 3.2, 3.4).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/core/discretisation.hpp"
#include "kernels/core/neighbourhood.hpp"

using namespace doseomics;

TEST_CASE("Fixed bin width bins are aligned to multiples of the width from zero",
          "[discretisation]") {
  // X_b = floor(x / W) - floor(min / W) + 1 in exact arithmetic.
  const double width = 25.0;
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> intensity(-1024, 3000);
  std::vector<double> values(2000);
  for (auto& v : values) v = intensity(random);
  const double lo = *std::min_element(values.begin(), values.end());
  const double hi = *std::max_element(values.begin(), values.end());
  const BinEdges edges = fixed_bin_width_edges(lo, hi, width);
  for (double v : values) {
    const int expected = static_cast<int>(std::floor(v / width) - std::floor(lo / width)) + 1;
    REQUIRE(digitize(edges, v) == expected);
  }
}

TEST_CASE("The CT minimum -1024 with width 25 starts at edge -1025", "[discretisation]") {
  const BinEdges edges = fixed_bin_width_edges(-1024.0, 100.0, 25.0);
  REQUIRE(edges.first == -1025.0);
  REQUIRE(digitize(edges, -1024.0) == 1);
  REQUIRE(digitize(edges, -1000.0) == 2);  // exactly on an edge: its own, upper bin
  REQUIRE(digitize(edges, -1000.5) == 1);
}

TEST_CASE("A maximum exactly on an edge gets its own bin", "[discretisation]") {
  const BinEdges edges = fixed_bin_width_edges(0.0, 50.0, 25.0);
  REQUIRE(digitize(edges, 0.0) == 1);
  REQUIRE(digitize(edges, 24.999) == 1);
  REQUIRE(digitize(edges, 25.0) == 2);
  REQUIRE(digitize(edges, 50.0) == 3);
}

TEST_CASE("Fixed bin count puts the maximum in the last bin and a flat region mid-way",
          "[discretisation]") {
  const BinEdges edges = fixed_bin_count_edges(0.0, 64.0, 64);
  REQUIRE(digitize(edges, 0.0) == 1);
  REQUIRE(digitize(edges, 0.99) == 1);
  REQUIRE(digitize(edges, 1.0) == 2);
  REQUIRE(digitize(edges, 63.5) == 64);
  REQUIRE(digitize(edges, 64.0) == 64);  // last edge raised by 1 keeps the maximum inside
  // PyRadiomics' flat region with binCount 64 lands on the middle edge: grey level 33.
  const BinEdges flat = fixed_bin_count_edges(7.0, 7.0, 64);
  REQUIRE(digitize(flat, 7.0) == 33);
}

TEST_CASE("Python float modulo takes the sign of the divisor", "[discretisation]") {
  REQUIRE(python_float_mod(-1024.0, 25.0) == 1.0);
  REQUIRE(python_float_mod(1024.0, 25.0) == 24.0);
  REQUIRE(python_float_mod(-50.0, 25.0) == 0.0);
}

TEST_CASE("Offsets follow PyRadiomics' angle order and counts", "[neighbourhood]") {
  const int big[3] = {10, 10, 10};
  const int one_distance[1] = {1};
  Offset offsets[256];
  REQUIRE(neighbour_offsets(big, one_distance, 1, -1, false, offsets, 256) == 13);
  // The first and the last mono-directional angles of cmatrices.c, in (z, y, x).
  REQUIRE((offsets[0].dz == 1 && offsets[0].dy == 1 && offsets[0].dx == 1));
  REQUIRE((offsets[4].dz == 1 && offsets[4].dy == 0 && offsets[4].dx == 0));
  REQUIRE((offsets[12].dz == 0 && offsets[12].dy == 0 && offsets[12].dx == 1));
  REQUIRE(neighbour_offsets(big, one_distance, 1, -1, true, offsets, 256) == 26);
  const int two_distance[1] = {2};
  REQUIRE(neighbour_offsets(big, two_distance, 1, -1, true, offsets, 256) == 98);
  // A single-slice box keeps the 4 in-plane angles; force2D drops the z moves too.
  const int slice[3] = {1, 10, 10};
  REQUIRE(neighbour_offsets(slice, one_distance, 1, -1, false, offsets, 256) == 4);
  REQUIRE(neighbour_offsets(big, one_distance, 1, 0, false, offsets, 256) == 4);
  REQUIRE(neighbour_offsets(big, one_distance, 1, 0, true, offsets, 256) == 8);
}
