// GLDM: the dependence count of one voxel and the features from a dependence matrix.
#pragma once

#include "feature_names.hpp"
#include "glszm.hpp"
#include "platform.hpp"

namespace doseomics {

// Number of neighbours of the voxel at `centre` in a zero-padded bin array whose bin differs from
// its own by at most `alpha`; `steps` are the padded linear offsets of the neighbourhood.
DOSEOMICS_HD inline int gldm_dependence(const int* padded_bins, long long centre,
                                        const long long* steps, int step_count, int alpha) {
  const int gray = padded_bins[centre];
  int dependent = 0;
  for (int k = 0; k < step_count; ++k) {
    const int neighbour = padded_bins[centre + steps[k]];
    if (neighbour == 0) continue;  // outside the box or the region
    const int diff = gray > neighbour ? gray - neighbour : neighbour - gray;
    dependent += diff <= alpha;
  }
  return dependent;
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
