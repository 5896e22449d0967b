// GLSZM features from a size-zone matrix, plus what GLSZM, GLDM and NGTDM share: the sums of a
// zone-like matrix (GLDM's features have the same forms) and neighbour lookup on a zero-padded box.
#pragma once

#include <cmath>

#include "discretised_region.hpp"
#include "feature_names.hpp"
#include "neighbourhood.hpp"
#include "platform.hpp"

namespace doseomics {

// numpy.spacing(1), added inside log2 by PyRadiomics' entropies.
constexpr double kZoneEntropyEpsilon = 2.220446049250313e-16;

// The region's box with `margin` zero voxels on every side, so that a neighbour lookup at any
// offset up to `margin` needs no bounds check: outside the box reads as "not in the region".
struct PaddedBox {
  int margin = 0;
  int size_zyx[3] = {0, 0, 0};  // padded sizes

  DOSEOMICS_HD long long voxel_count() const {
    return static_cast<long long>(size_zyx[0]) * size_zyx[1] * size_zyx[2];
  }
  // Padded index of box voxel (z, y, x).
  DOSEOMICS_HD long long index(int z, int y, int x) const {
    return (static_cast<long long>(z + margin) * size_zyx[1] + (y + margin)) * size_zyx[2] +
           (x + margin);
  }
  // Linear step of an offset in the padded array.
  DOSEOMICS_HD long long step(const Offset& o) const {
    return (static_cast<long long>(o.dz) * size_zyx[1] + o.dy) * size_zyx[2] + o.dx;
  }
};

// The padded box of a region for offsets up to `margin` voxels long.
DOSEOMICS_HD inline PaddedBox padded_box(const DiscretisedRegion& region, int margin) {
  PaddedBox box;
  box.margin = margin;
  for (int axis = 0; axis < 3; ++axis) box.size_zyx[axis] = region.size_zyx[axis] + 2 * margin;
  return box;
}

// Copy the region's bins into `out` (box.voxel_count() ints), zero in the margin.
DOSEOMICS_HD inline void fill_padded_bins(const DiscretisedRegion& region, const PaddedBox& box,
                                          int* out) {
  for (long long i = 0; i < box.voxel_count(); ++i) out[i] = 0;
  const int nx = region.size_zyx[2];
  for (int z = 0; z < region.size_zyx[0]; ++z)
    for (int y = 0; y < region.size_zyx[1]; ++y) {
      const int* src = region.bins + region.index(z, y, 0);
      int* dst = out + box.index(z, y, 0);
      for (int x = 0; x < nx; ++x) dst[x] = src[x];
    }
}

// The sums every feature of a zone-like matrix P (GLSZM, GLDM) is made of, in PyRadiomics' forms.
// Column sums p_s(j), row sums p_g(i); all sums are un-normalised except the variances and entropy.
struct ZoneMatrixSums {
  double nz = 1;             // sum of P (1 when 0)
  double np = 1;             // sum_j p_s(j) * j (1 when 0)
  double gln = 0;            // sum_i p_g(i)^2
  double szn = 0;            // sum_j p_s(j)^2
  double small = 0;          // sum_j p_s(j) / j^2
  double large = 0;          // sum_j p_s(j) * j^2
  double low_gray = 0;       // sum_i p_g(i) / i^2
  double high_gray = 0;      // sum_i p_g(i) * i^2
  double small_low = 0;      // sum P / (i^2 j^2)
  double small_high = 0;     // sum P i^2 / j^2
  double large_low = 0;      // sum P j^2 / i^2
  double large_high = 0;     // sum P i^2 j^2
  double gray_variance = 0;  // variance of i under P / nz
  double size_variance = 0;  // variance of j under P / nz
  double entropy = 0;        // -sum (P/nz) log2(P/nz + eps)
};

// Sums of P (rows x cols, C order) with grey value i of each row and size j of each column.
DOSEOMICS_HD inline ZoneMatrixSums zone_matrix_sums(const double* p, const double* gray_values,
                                                    const double* sizes, int rows, int cols) {
  ZoneMatrixSums s;
  double total = 0;
  double weighted = 0;
  for (int c = 0; c < cols; ++c) {
    double ps = 0;
    for (int r = 0; r < rows; ++r) ps += p[static_cast<long long>(r) * cols + c];
    total += ps;
    weighted += ps * sizes[c];
  }
  s.nz = total == 0 ? 1 : total;
  s.np = weighted == 0 ? 1 : weighted;

  double mean_i = 0;
  for (int r = 0; r < rows; ++r) {
    double pg = 0;
    const double* row = p + static_cast<long long>(r) * cols;
    for (int c = 0; c < cols; ++c) pg += row[c];
    const double i2 = gray_values[r] * gray_values[r];
    s.gln += pg * pg;
    s.low_gray += pg / i2;
    s.high_gray += pg * i2;
    mean_i += pg / s.nz * gray_values[r];
  }
  double mean_j = 0;
  for (int c = 0; c < cols; ++c) {
    double ps = 0;
    for (int r = 0; r < rows; ++r) ps += p[static_cast<long long>(r) * cols + c];
    const double j2 = sizes[c] * sizes[c];
    s.szn += ps * ps;
    s.small += ps / j2;
    s.large += ps * j2;
    mean_j += ps / s.nz * sizes[c];
  }
  // Second passes: PyRadiomics takes variances about the mean, not as E[x^2] - mean^2.
  for (int r = 0; r < rows; ++r) {
    double pg = 0;
    const double* row = p + static_cast<long long>(r) * cols;
    for (int c = 0; c < cols; ++c) pg += row[c];
    const double d = gray_values[r] - mean_i;
    s.gray_variance += pg / s.nz * (d * d);
  }
  for (int c = 0; c < cols; ++c) {
    double ps = 0;
    for (int r = 0; r < rows; ++r) ps += p[static_cast<long long>(r) * cols + c];
    const double d = sizes[c] - mean_j;
    s.size_variance += ps / s.nz * (d * d);
  }
  for (int r = 0; r < rows; ++r) {
    const double i2 = gray_values[r] * gray_values[r];
    const double* row = p + static_cast<long long>(r) * cols;
    for (int c = 0; c < cols; ++c) {
      const double v = row[c];
      if (v == 0) continue;  // zero cells add exactly 0 to every sum below
      const double j2 = sizes[c] * sizes[c];
      const double pn = v / s.nz;
      s.entropy -= pn * log2(pn + kZoneEntropyEpsilon);
      s.small_low += v / (i2 * j2);
      s.small_high += v * i2 / j2;
      s.large_low += v * j2 / i2;
      s.large_high += v * (j2 * i2);
    }
  }
  return s;
}

// The 16 GLSZM features (order of glszm::Feature) from P (n_gray x n_size zone counts, C order),
// the grey value (bin index) of each row and the zone size of each column.
DOSEOMICS_HD inline void glszm_features(const double* p, const double* gray_values,
                                        const double* zone_sizes, int n_gray, int n_size,
                                        double* out) {
  const ZoneMatrixSums s = zone_matrix_sums(p, gray_values, zone_sizes, n_gray, n_size);
  out[glszm::GrayLevelNonUniformity] = s.gln / s.nz;
  out[glszm::GrayLevelNonUniformityNormalized] = s.gln / (s.nz * s.nz);
  out[glszm::GrayLevelVariance] = s.gray_variance;
  out[glszm::HighGrayLevelZoneEmphasis] = s.high_gray / s.nz;
  out[glszm::LargeAreaEmphasis] = s.large / s.nz;
  out[glszm::LargeAreaHighGrayLevelEmphasis] = s.large_high / s.nz;
  out[glszm::LargeAreaLowGrayLevelEmphasis] = s.large_low / s.nz;
  out[glszm::LowGrayLevelZoneEmphasis] = s.low_gray / s.nz;
  out[glszm::SizeZoneNonUniformity] = s.szn / s.nz;
  out[glszm::SizeZoneNonUniformityNormalized] = s.szn / (s.nz * s.nz);
  out[glszm::SmallAreaEmphasis] = s.small / s.nz;
  out[glszm::SmallAreaHighGrayLevelEmphasis] = s.small_high / s.nz;
  out[glszm::SmallAreaLowGrayLevelEmphasis] = s.small_low / s.nz;
  out[glszm::ZoneEntropy] = s.entropy;
  out[glszm::ZonePercentage] = s.nz / s.np;
  out[glszm::ZoneVariance] = s.size_variance;
}

}  // namespace doseomics
