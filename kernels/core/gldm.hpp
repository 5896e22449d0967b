// GLDM: the dependence test of one neighbour and the features from a dependence matrix.
#pragma once

#include "feature_names.hpp"
#include "glszm.hpp"
#include "platform.hpp"

namespace doseomics {

// 1 when a valid neighbour of bin `neighbour` (0: outside the box or the region) depends on a
// centre voxel of bin `centre`, i.e. |centre - neighbour| <= alpha; else 0. Branch-free so that
// loops over a row vectorise.
DOSEOMICS_HD inline int gldm_dependent(int centre, int neighbour, int alpha) {
  const int diff = centre > neighbour ? centre - neighbour : neighbour - centre;
  return static_cast<int>(neighbour != 0) & static_cast<int>(diff <= alpha);
}

// The 14 GLDM features (order of gldm::Feature) from P (n_gray x n_dependence voxel counts,
// C order), the grey value (bin index) of each row and the dependence size j (= count + 1) of
// each column.
DOSEOMICS_HD inline void gldm_features(const double* p, const double* gray_values,
                                       const double* dependence_sizes, int n_gray, int n_dependence,
                                       double* out) {
  const ZoneMatrixSums s = zone_matrix_sums(p, gray_values, dependence_sizes, n_gray, n_dependence);
  out[gldm::DependenceEntropy] = s.entropy;
  out[gldm::DependenceNonUniformity] = s.szn / s.nz;
  out[gldm::DependenceNonUniformityNormalized] = s.szn / (s.nz * s.nz);
  out[gldm::DependenceVariance] = s.size_variance;
  out[gldm::GrayLevelNonUniformity] = s.gln / s.nz;
  out[gldm::GrayLevelVariance] = s.gray_variance;
  out[gldm::HighGrayLevelEmphasis] = s.high_gray / s.nz;
  out[gldm::LargeDependenceEmphasis] = s.large / s.nz;
  out[gldm::LargeDependenceHighGrayLevelEmphasis] = s.large_high / s.nz;
  out[gldm::LargeDependenceLowGrayLevelEmphasis] = s.large_low / s.nz;
  out[gldm::LowGrayLevelEmphasis] = s.low_gray / s.nz;
  out[gldm::SmallDependenceEmphasis] = s.small / s.nz;
  out[gldm::SmallDependenceHighGrayLevelEmphasis] = s.small_high / s.nz;
  out[gldm::SmallDependenceLowGrayLevelEmphasis] = s.small_low / s.nz;
}

}  // namespace doseomics
