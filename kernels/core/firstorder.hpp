// First-order features, PyRadiomics 3.1 semantics (radiomics/firstorder.py).
//
// Everything uses the raw intensities X except Entropy and Uniformity, which use the histogram of
// the discretised values (present bins only). Moments are population moments (ddof 0); Kurtosis is
// m4 / m2^2 (not excess); percentiles are numpy's default linear method.
#pragma once

#include <cmath>

#include "feature_names.hpp"
#include "platform.hpp"

namespace doseomics {

// numpy.spacing(1): the epsilon PyRadiomics adds inside every log2.
constexpr double kPyradiomicsEpsilon = 2.220446049250313e-16;

// numpy.percentile(sorted, q) with the default 'linear' method on ascending `sorted`.
DOSEOMICS_HD inline double numpy_percentile_sorted(const double* sorted, long long n, double q) {
  const double virtual_index = (q / 100.0) * static_cast<double>(n - 1);
  double below = std::floor(virtual_index);
  if (below < 0) below = 0;
  if (below > static_cast<double>(n - 1)) below = static_cast<double>(n - 1);
  const long long i = static_cast<long long>(below);
  const long long j = i + 1 < n ? i + 1 : n - 1;
  const double gamma = virtual_index - below;
  const double a = sorted[i], b = sorted[j];
  // numpy's _lerp: interpolate from the nearer end, which keeps monotonicity.
  const double difference = b - a;
  return gamma >= 0.5 ? b - difference * (1.0 - gamma) : a + difference * gamma;
}

// numpy.median of ascending `sorted`: the mean of the two middle values when n is even.
DOSEOMICS_HD inline double numpy_median_sorted(const double* sorted, long long n) {
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

// Fill out[firstorder::kCount].
//   values: the region's intensities (any order), sorted: the same ascending, n: their count;
//   bin_counts: voxel count of each present bin (n_bins entries, zero entries are skipped);
//   voxel_volume_mm3: product of the spacing; shift: voxelArrayShift.
DOSEOMICS_HD inline void firstorder_features(const double* values, const double* sorted,
                                             long long n, const long long* bin_counts, int n_bins,
                                             double voxel_volume_mm3, double shift, double* out) {
  const double count = static_cast<double>(n);
  double sum = 0.0, energy = 0.0;
  for (long long k = 0; k < n; ++k) {
    sum += values[k];
    const double shifted = values[k] + shift;
    energy += shifted * shifted;
  }
  const double mean = sum / count;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0, absolute_deviation = 0.0;
  for (long long k = 0; k < n; ++k) {
    const double d = values[k] - mean;
    const double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    absolute_deviation += std::fabs(d);
  }
  m2 /= count;
  m3 /= count;
  m4 /= count;

  const double p10 = numpy_percentile_sorted(sorted, n, 10.0);
  const double p90 = numpy_percentile_sorted(sorted, n, 90.0);
  // Robust MAD: the voxels in the closed range [P10, P90], about their own mean.
  double robust_sum = 0.0;
  long long robust_count = 0;
  for (long long k = 0; k < n; ++k)
    if (values[k] >= p10 && values[k] <= p90) {
      robust_sum += values[k];
      ++robust_count;
    }
  const double robust_mean = robust_sum / static_cast<double>(robust_count);
  double robust_deviation = 0.0;
  for (long long k = 0; k < n; ++k)
    if (values[k] >= p10 && values[k] <= p90)
      robust_deviation += std::fabs(values[k] - robust_mean);

  double entropy = 0.0, uniformity = 0.0;
  for (int b = 0; b < n_bins; ++b) {
    if (bin_counts[b] == 0) continue;
    const double p = static_cast<double>(bin_counts[b]) / count;
    entropy -= p * std::log2(p + kPyradiomicsEpsilon);
    uniformity += p * p;
  }

  // PyRadiomics replaces a zero m2 by 1 (flat region) and divides anyway.
  const double m2_divisor = m2 == 0.0 ? 1.0 : m2;
  const double standard_deviation = std::sqrt(m2);

  out[firstorder::Percentile10] = p10;
  out[firstorder::Percentile90] = p90;
  out[firstorder::Energy] = energy;
  out[firstorder::Entropy] = entropy;
  out[firstorder::InterquartileRange] =
      numpy_percentile_sorted(sorted, n, 75.0) - numpy_percentile_sorted(sorted, n, 25.0);
  out[firstorder::Kurtosis] = m4 / (m2_divisor * m2_divisor);
  out[firstorder::Maximum] = sorted[n - 1];
  out[firstorder::Mean] = mean;
  out[firstorder::MeanAbsoluteDeviation] = absolute_deviation / count;
  out[firstorder::Median] = numpy_median_sorted(sorted, n);
  out[firstorder::Minimum] = sorted[0];
  out[firstorder::Range] = sorted[n - 1] - sorted[0];
  out[firstorder::RobustMeanAbsoluteDeviation] =
      robust_deviation / static_cast<double>(robust_count);
  out[firstorder::RootMeanSquared] = std::sqrt(energy / count);
  out[firstorder::Skewness] = m3 / std::pow(m2_divisor, 1.5);
  out[firstorder::StandardDeviation] = standard_deviation;
  out[firstorder::TotalEnergy] = energy * voxel_volume_mm3;
  out[firstorder::Uniformity] = uniformity;
  // PyRadiomics computes Variance as nanstd(X) ** 2.
  out[firstorder::Variance] = standard_deviation * standard_deviation;
}

}  // namespace doseomics
