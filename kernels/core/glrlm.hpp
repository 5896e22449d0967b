// GLRLM features of one run-length matrix and the GLRLM angle weights. Shared by the CPU and CUDA
// backends: plain pointers, caller-provided workspace, no allocation and no exceptions.
// Averaging over angles is glcm_nanmean_over_angles (kernels/core/glcm.hpp).
#pragma once

#include <cmath>

#include "feature_names.hpp"
#include "glcm.hpp"
#include "neighbourhood.hpp"
#include "platform.hpp"
#include "settings.hpp"

namespace doseomics {

// GLRLM weight of an offset: unlike GLCM's exp(-d^2), PyRadiomics weights runs by the distance d
// itself (offset_length_mm in kernels/core/glcm.hpp).
DOSEOMICS_HD inline double glrlm_angle_weight(WeightingNorm norm, const Offset& offset,
                                              const double spacing_zyx_mm[3]) {
  if (!weights_angles(norm)) return 1.0;
  return offset_length_mm(norm, offset, spacing_zyx_mm).d;
}

// Doubles of workspace that glrlm_features_one_angle needs for an n x nr matrix.
DOSEOMICS_HD inline long long glrlm_workspace_size(int n, int nr) {
  return static_cast<long long>(n) + nr;
}

// The 16 GLRLM features (order of glrlm::Feature) of one n x nr run-length matrix P (counts, or
// weighted sums of counts; row-major), whose rows have grey values gray_values (bin indices) and
// columns run lengths run_lengths. All-zero columns may be present: they add nothing. An empty
// matrix (no runs) yields NaN features, as PyRadiomics' N_r = NaN does.
DOSEOMICS_HD inline void glrlm_features_one_angle(const double* P, const double* gray_values,
                                                  const double* run_lengths, int n, int nr,
                                                  double* workspace, double* out) {
  double* pg = workspace;      // runs per grey level
  double* pr = workspace + n;  // runs per run length
  const double eps = kGlcmEpsilon;
  for (int i = 0; i < n; ++i) pg[i] = 0.0;
  for (int j = 0; j < nr; ++j) pr[j] = 0.0;
  double runs = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < nr; ++j) {
      const double v = P[static_cast<long long>(i) * nr + j];
      pg[i] += v;
      pr[j] += v;
      runs += v;
    }
  if (runs == 0.0) runs = NAN;  // PyRadiomics sets N_r = 0 to NaN

  double sre = 0.0, lre = 0.0, rln = 0.0, voxels = 0.0, mean_j = 0.0;
  for (int j = 0; j < nr; ++j) {
    const double jj = run_lengths[j];
    sre += pr[j] / (jj * jj);
    lre += pr[j] * (jj * jj);
    rln += pr[j] * pr[j];
    voxels += pr[j] * jj;
    mean_j += (pr[j] / runs) * jj;
  }
  double run_variance = 0.0;
  for (int j = 0; j < nr; ++j) {
    const double centred = run_lengths[j] - mean_j;
    run_variance += (pr[j] / runs) * (centred * centred);
  }

  double gln = 0.0, lglre = 0.0, hglre = 0.0, mean_i = 0.0;
  for (int i = 0; i < n; ++i) {
    const double ii = gray_values[i];
    gln += pg[i] * pg[i];
    lglre += pg[i] / (ii * ii);
    hglre += pg[i] * (ii * ii);
    mean_i += (pg[i] / runs) * ii;
  }
  double gray_variance = 0.0;
  for (int i = 0; i < n; ++i) {
    const double centred = gray_values[i] - mean_i;
    gray_variance += (pg[i] / runs) * (centred * centred);
  }

  double entropy = 0.0, srlgle = 0.0, srhgle = 0.0, lrlgle = 0.0, lrhgle = 0.0;
  for (int i = 0; i < n; ++i) {
    const double i2 = gray_values[i] * gray_values[i];
    for (int j = 0; j < nr; ++j) {
      const double v = P[static_cast<long long>(i) * nr + j];
      const double j2 = run_lengths[j] * run_lengths[j];
      const double normalised = v / runs;
      entropy += normalised * std::log2(normalised + eps);
      srlgle += v / (i2 * j2);
      srhgle += v * i2 / j2;
      lrlgle += v * j2 / i2;
      lrhgle += v * (j2 * i2);
    }
  }

  out[glrlm::GrayLevelNonUniformity] = gln / runs;
  out[glrlm::GrayLevelNonUniformityNormalized] = gln / (runs * runs);
  out[glrlm::GrayLevelVariance] = gray_variance;
  out[glrlm::HighGrayLevelRunEmphasis] = hglre / runs;
  out[glrlm::LongRunEmphasis] = lre / runs;
  out[glrlm::LongRunHighGrayLevelEmphasis] = lrhgle / runs;
  out[glrlm::LongRunLowGrayLevelEmphasis] = lrlgle / runs;
  out[glrlm::LowGrayLevelRunEmphasis] = lglre / runs;
  out[glrlm::RunEntropy] = -entropy;
  out[glrlm::RunLengthNonUniformity] = rln / runs;
  out[glrlm::RunLengthNonUniformityNormalized] = rln / (runs * runs);
  out[glrlm::RunPercentage] = runs / voxels;
  out[glrlm::RunVariance] = run_variance;
  out[glrlm::ShortRunEmphasis] = sre / runs;
  out[glrlm::ShortRunHighGrayLevelEmphasis] = srhgle / runs;
  out[glrlm::ShortRunLowGrayLevelEmphasis] = srlgle / runs;
}

}  // namespace doseomics
