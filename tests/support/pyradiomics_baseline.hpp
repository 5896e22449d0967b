// PyRadiomics' own baseline (../shared/data/pyradiomics/data/baseline): feature CSVs and matrices.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "kernels/cpu/texture_matrix.hpp"
#include "support/csv_table.hpp"
#include "support/npy.hpp"
#include "support/test_paths.hpp"

namespace doseomics::test {

// baseline[feature column][case column] of baseline_<cls>.csv (one row per key, one column per
// test case such as "brain1").
inline std::map<std::string, std::map<std::string, std::string>> read_baseline(
    const std::string& cls) {
  const auto rows =
      read_csv_rows(shared_data("pyradiomics/data/baseline/baseline_" + cls + ".csv"));
  std::map<std::string, std::map<std::string, std::string>> baseline;
  const auto& header = rows.at(0);
  for (std::size_t r = 1; r < rows.size(); ++r)
    for (std::size_t c = 1; c < rows[r].size() && c < header.size(); ++c)
      baseline[rows[r][0]][header[c]] = rows[r][c];
  return baseline;
}

// The baseline matrix <name>_<cls>.npy without a leading voxel axis of size 1.
inline NpyArray baseline_matrix(const std::string& name, const std::string& cls) {
  NpyArray a = read_npy(shared_data("pyradiomics/data/baseline/" + name + "_" + cls + ".npy"));
  if (a.shape.size() == 4 && a.shape[0] == 1) a.shape.erase(a.shape.begin());
  return a;
}

// Largest |ours - baseline| over a matrix of the same shape (shape checked first).
inline double max_abs_difference(const TextureMatrix& ours, const NpyArray& baseline) {
  REQUIRE(ours.shape == baseline.shape);
  REQUIRE(ours.values.size() == baseline.values.size());
  double worst = 0;
  for (std::size_t k = 0; k < ours.values.size(); ++k)
    worst = std::max(worst, std::fabs(ours.values[k] - baseline.values[k]));
  return worst;
}

}  // namespace doseomics::test
