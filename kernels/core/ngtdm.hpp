// NGTDM: the neighbourhood difference of one voxel and the features from an NGTDM.
#pragma once

#include "feature_names.hpp"
#include "glszm.hpp"
#include "platform.hpp"

namespace doseomics {

// |i - mean of its valid neighbours' bins| for a voxel of bin `gray` whose `neighbour_count` valid
// neighbours sum to `neighbour_sum`; 0 without a valid neighbour (PyRadiomics still counts such a
// voxel in n_i).
DOSEOMICS_HD inline double ngtdm_difference(int gray, long long neighbour_sum,
                                            int neighbour_count) {
  if (neighbour_count == 0) return 0.0;
  // The sum of integers is exact in double, as in PyRadiomics' C code.
  const double diff = static_cast<double>(gray) -
                      static_cast<double>(neighbour_sum) / static_cast<double>(neighbour_count);
  return diff < 0 ? -diff : diff;
}

// The 5 NGTDM features (order of ngtdm::Feature) from the NGTDM `m` (n_gray rows of
// {n_i, s_i, i}, C order). Rows with n_i = 0 are ignored, as PyRadiomics deletes them.
DOSEOMICS_HD inline void ngtdm_features(const double* m, int n_gray, double* out) {
  double nvp = 0;
  double sum_s = 0;
  int ngp = 0;
  for (int r = 0; r < n_gray; ++r) {
    if (m[3 * r] == 0) continue;
    nvp += m[3 * r];
    sum_s += m[3 * r + 1];
    ++ngp;
  }
  double sum_ps = 0;  // sum p_i s_i
  for (int r = 0; r < n_gray; ++r)
    if (m[3 * r] != 0) sum_ps += m[3 * r] / nvp * m[3 * r + 1];

  double contrast_sum = 0;      // sum p_i p_j (i - j)^2
  double busy_denominator = 0;  // sum |i p_i - j p_j|
  double complexity_sum = 0;    // sum |i - j| (p_i s_i + p_j s_j) / (p_i + p_j)
  double strength_sum = 0;      // sum (p_i + p_j) (i - j)^2
  for (int a = 0; a < n_gray; ++a) {
    if (m[3 * a] == 0) continue;
    const double pa = m[3 * a] / nvp;
    const double sa = m[3 * a + 1];
    const double ia = m[3 * a + 2];
    for (int b = 0; b < n_gray; ++b) {
      if (m[3 * b] == 0) continue;
      const double pb = m[3 * b] / nvp;
      const double sb = m[3 * b + 1];
      const double ib = m[3 * b + 2];
      const double d = ia - ib;
      const double d2 = d * d;
      contrast_sum += pa * pb * d2;
      const double busy = ia * pa - ib * pb;
      busy_denominator += busy < 0 ? -busy : busy;
      complexity_sum += (d < 0 ? -d : d) * (pa * sa + pb * sb) / (pa + pb);
      strength_sum += (pa + pb) * d2;
    }
  }

  out[ngtdm::Coarseness] = sum_ps != 0 ? 1.0 / sum_ps : 1e6;
  const double div = static_cast<double>(ngp) * (ngp - 1);  // 0 for a flat region
  out[ngtdm::Contrast] = div != 0 ? contrast_sum * sum_s / nvp / div : 0.0;
  out[ngtdm::Busyness] = busy_denominator != 0 ? sum_ps / busy_denominator : 0.0;
  out[ngtdm::Complexity] = complexity_sum / nvp;
  out[ngtdm::Strength] = sum_s != 0 ? strength_sum / sum_s : 0.0;
}

}  // namespace doseomics
