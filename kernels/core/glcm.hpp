// GLCM features of one normalised co-occurrence matrix, the eigenvalue routine behind MCC, the
// angle weights and PyRadiomics' average over angles. Shared by the CPU and CUDA backends: plain
// pointers, caller-provided workspace, no allocation and no exceptions.
#pragma once

#include <cmath>

#include "feature_names.hpp"
#include "neighbourhood.hpp"
#include "platform.hpp"
#include "settings.hpp"

namespace doseomics {

// numpy.spacing(1), which PyRadiomics adds inside log2 and to MCC's denominators.
constexpr double kGlcmEpsilon = 2.220446049250313e-16;
// numpy.e: PyRadiomics' Imc2 uses np.e ** x, i.e. pow(), not exp().
constexpr double kNumpyE = 2.718281828459045;
// eps / ln 2: log2(x + eps) - log2(x) to first order, times x.
constexpr double kGlcmEpsilonOverLn2 = kGlcmEpsilon / 0.6931471805599453;

// Sum of n values `stride` apart, in numpy's pairwise order (what np.sum/np.mean do along a
// contiguous axis), so that averages over angles round exactly as PyRadiomics' nanmean does.
DOSEOMICS_HD inline double numpy_pairwise_sum(const double* a, long long n, long long stride) {
  if (n < 8) {
    double sum = 0.0;
    for (long long i = 0; i < n; ++i) sum += a[i * stride];
    return sum;
  }
  if (n <= 128) {
    double r[8];
    for (int k = 0; k < 8; ++k) r[k] = a[k * stride];
    long long i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int k = 0; k < 8; ++k) r[k] += a[(i + k) * stride];
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i * stride];
    return sum;
  }
  long long half = n / 2;
  half -= half % 8;
  return numpy_pairwise_sum(a, half, stride) +
         numpy_pairwise_sum(a + half * stride, n - half, stride);
}

// PyRadiomics' np.nanmean over angles: per_angle holds angle_count rows of feature_count values;
// NaN entries are skipped (summed as 0, not counted); a feature NaN on every angle stays NaN.
DOSEOMICS_HD inline void glcm_nanmean_over_angles(double* per_angle, int angle_count,
                                                  int feature_count, double* out) {
  for (int f = 0; f < feature_count; ++f) {
    int valid = 0;
    for (int a = 0; a < angle_count; ++a) {
      double& v = per_angle[static_cast<long long>(a) * feature_count + f];
      if (v != v)
        v = 0.0;  // nanmean replaces NaN by 0 before its sum
      else
        ++valid;
    }
    out[f] =
        valid == 0 ? NAN : numpy_pairwise_sum(per_angle + f, angle_count, feature_count) / valid;
  }
}

// Length of an offset in mm (spacing in z, y, x order as the offset) under a weighting norm, and
// its square, each as PyRadiomics computes it: the euclidean square is the plain sum of squares
// (GLCM's exp(-d^2) squares the 2-norm away), the others are d * d. Zero for no weighting.
struct OffsetLength {
  double d = 0.0;
  double d_squared = 0.0;
};
DOSEOMICS_HD inline OffsetLength offset_length_mm(WeightingNorm norm, const Offset& offset,
                                                  const double spacing_zyx_mm[3]) {
  const double d[3] = {std::fabs(static_cast<double>(offset.dz)) * spacing_zyx_mm[0],
                       std::fabs(static_cast<double>(offset.dy)) * spacing_zyx_mm[1],
                       std::fabs(static_cast<double>(offset.dx)) * spacing_zyx_mm[2]};
  OffsetLength length;
  switch (norm) {
    case WeightingNorm::infinity: {
      double m = d[0];
      if (d[1] > m) m = d[1];
      if (d[2] > m) m = d[2];
      length.d = m;
      length.d_squared = m * m;
      break;
    }
    case WeightingNorm::euclidean:
      length.d_squared = ((0.0 + d[0] * d[0]) + d[1] * d[1]) + d[2] * d[2];
      length.d = std::sqrt(length.d_squared);
      break;
    case WeightingNorm::manhattan:
      length.d = ((0.0 + d[0]) + d[1]) + d[2];
      length.d_squared = length.d * length.d;
      break;
    default:
      break;
  }
  return length;
}

// Whether `norm` weights angles at all (none and no_weighting give every angle weight 1).
DOSEOMICS_HD inline bool weights_angles(WeightingNorm norm) {
  return norm == WeightingNorm::infinity || norm == WeightingNorm::euclidean ||
         norm == WeightingNorm::manhattan;
}

// GLCM weight of an offset under a weighting norm: exp(-d^2).
DOSEOMICS_HD inline double glcm_angle_weight(WeightingNorm norm, const Offset& offset,
                                             const double spacing_zyx_mm[3]) {
  if (!weights_angles(norm)) return 1.0;
  return std::exp(-offset_length_mm(norm, offset, spacing_zyx_mm).d_squared);
}

// Doubles of workspace that glcm_symmetric_eigenvalues needs for an n x n matrix.
DOSEOMICS_HD inline long long glcm_eigen_workspace_size(int n) { return 3LL * n; }

// Eigenvalues of the symmetric n x n matrix `a` (row-major, overwritten) into `eigenvalues`
// (unordered): Householder reduction to tridiagonal form, then implicit QL with Wilkinson shifts.
// Returns false if QL fails to converge (never seen; callers report NaN).
DOSEOMICS_HD inline bool glcm_symmetric_eigenvalues(double* a, int n, double* eigenvalues,
                                                    double* workspace) {
  double* d = eigenvalues;
  double* e = workspace;          // e[k] couples d[k] and d[k + 1]; e[n - 1] = 0
  double* u = workspace + n;      // Householder vector
  double* q = workspace + 2 * n;  // A u, then A u - (u'A u) u
  if (n <= 0) return true;
  // Householder: zero column k below its subdiagonal, applying H = I - 2uu' from both sides to the
  // trailing block (full block kept up to date, so no triangle bookkeeping).
  for (int k = 0; k + 2 < n; ++k) {
    double norm2 = 0.0;
    for (int i = k + 1; i < n; ++i) norm2 += a[i * n + k] * a[i * n + k];
    const double norm = std::sqrt(norm2);
    d[k] = a[k * n + k];
    if (norm == 0.0) {
      e[k] = 0.0;
      continue;
    }
    const double x0 = a[(k + 1) * n + k];
    const double alpha = x0 > 0.0 ? -norm : norm;  // sign avoids cancellation in u0 = x0 - alpha
    double unorm2 = 0.0;
    for (int i = k + 1; i < n; ++i) {
      u[i] = a[i * n + k];
      if (i == k + 1) u[i] -= alpha;
      unorm2 += u[i] * u[i];
    }
    const double unorm = std::sqrt(unorm2);
    for (int i = k + 1; i < n; ++i) u[i] /= unorm;
    double uqu = 0.0;
    for (int i = k + 1; i < n; ++i) {
      double s = 0.0;
      for (int j = k + 1; j < n; ++j) s += a[i * n + j] * u[j];
      q[i] = s;
      uqu += u[i] * s;
    }
    for (int i = k + 1; i < n; ++i) q[i] -= uqu * u[i];
    for (int i = k + 1; i < n; ++i)
      for (int j = k + 1; j < n; ++j) a[i * n + j] -= 2.0 * (u[i] * q[j] + q[i] * u[j]);
    e[k] = alpha;
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + (n - 2)];
    e[n - 2] = a[(n - 1) * n + (n - 2)];
  }
  d[n - 1] = a[(n - 1) * n + (n - 1)];
  e[n - 1] = 0.0;

  // Implicit QL on the tridiagonal (d, e): deflate from the top, one eigenvalue per l.
  for (int l = 0; l < n; ++l) {
    for (int iteration = 0;; ++iteration) {
      int m = l;
      for (; m + 1 < n; ++m) {
        const double scale = std::fabs(d[m]) + std::fabs(d[m + 1]);
        if (std::fabs(e[m]) <= kGlcmEpsilon * scale) break;
      }
      if (m == l) break;
      if (iteration == 60) return false;
      // Wilkinson shift from the leading 2x2 block.
      double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
      double r = std::sqrt(g * g + 1.0);
      g = d[m] - d[l] + e[l] / (g + (g >= 0.0 ? r : -r));
      double s = 1.0, c = 1.0, p = 0.0;
      bool underflow = false;
      for (int i = m - 1; i >= l; --i) {
        const double f = s * e[i];
        const double b = c * e[i];
        r = std::sqrt(f * f + g * g);  // entries are probabilities: no overflow
        e[i + 1] = r;
        if (r == 0.0) {  // the rotation underflowed: split here and restart the sweep
          d[i + 1] -= p;
          e[m] = 0.0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2.0 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0.0;
    }
  }
  return true;
}

// Doubles of workspace that glcm_mcc needs for n grey levels.
DOSEOMICS_HD inline long long glcm_mcc_workspace_size(int n) {
  return 2LL * n * n + n + glcm_eigen_workspace_size(n);
}

// Maximal Correlation Coefficient of one normalised n x n GLCM with marginals px, py.
// PyRadiomics: sqrt of the second largest of numpy.linalg.eigvals(Q), with
// Q(i,j) = sum_k p(i,k) p(j,k) / (px(i) py(k) + eps); 1 for a 1 x 1 matrix.
// Q = D^-1 A (D = diag(px), A symmetric, ignoring eps), so S = D^1/2 Q D^-1/2 is symmetric with
// Q's eigenvalues; we build S from Q exactly as PyRadiomics does (eps included) and symmetrise it,
// which moves eigenvalues only to second order in the eps-induced asymmetry. Rows with px = 0 are
// zero in Q (eigenvalue 0) and are kept as zero rows of S.
// Measured against PyRadiomics 3.1 / numpy 1.26 (LAPACK dgeev): from the brain1, brain2 and
// breast1 baseline matrices the angle-mean MCC agrees to <= 3.3e-16 relative
// (tests/data/test_matrices_glcm_glrlm.cpp); on 300 random small regions, to ~1e-15 except where an
// angle's second eigenvalue is mathematically 0 (p a product of its marginals, or one active row):
// there numpy's own answer is rounding noise (sqrt(+-1e-17) = ~1e-8, exactly 0, or NaN that the
// angle mean drops), and so is ours.
// A negative second eigenvalue (rounding around 0) gives NaN, as numpy's real sqrt does.
DOSEOMICS_HD inline double glcm_mcc(const double* p, const double* px, const double* py, int n,
                                    double* workspace) {
  if (n < 2) return 1.0;
  for (int i = 0; i < n; ++i)
    if (px[i] != px[i]) return NAN;     // numpy.linalg.eigvals rejects a NaN matrix (empty angle)
  double* s = workspace;                // n x n symmetric matrix
  double* w = workspace + 1LL * n * n;  // n x n: w(i,k) = p(i,k) / (px(i) py(k) + eps)
  double* eigenvalues = w + 1LL * n * n;
  double* eigen_work = eigenvalues + n;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) w[i * n + k] = p[i * n + k] / (px[i] * py[k] + kGlcmEpsilon);
  double* nonzero = eigenvalues;  // scratch until the eigenvalues: row i's non-zero columns
  for (int i = 0; i < n; ++i) {
    // Both q_ij and q_ji vanish where p(i, k) = 0, so only row i's non-zero columns are summed.
    int nonzero_count = 0;
    for (int k = 0; k < n; ++k)
      if (p[i * n + k] != 0.0) nonzero[nonzero_count++] = k;
    for (int j = i; j < n; ++j) {
      double value = 0.0;
      if (px[i] > 0.0 && px[j] > 0.0) {
        double q_ij = 0.0, q_ji = 0.0;
        for (int t = 0; t < nonzero_count; ++t) {
          const int k = static_cast<int>(nonzero[t]);
          q_ij += w[i * n + k] * p[j * n + k];
          q_ji += w[j * n + k] * p[i * n + k];
        }
        const double ratio = std::sqrt(px[i] / px[j]);  // S = D^1/2 Q D^-1/2
        value = 0.5 * (ratio * q_ij + q_ji / ratio);
      }
      s[i * n + j] = value;
      s[j * n + i] = value;
    }
  }
  if (!glcm_symmetric_eigenvalues(s, n, eigenvalues, eigen_work)) return NAN;
  double largest = -INFINITY, second = -INFINITY;
  for (int i = 0; i < n; ++i) {
    const double v = eigenvalues[i];
    if (v > largest) {
      second = largest;
      largest = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second < 0.0 ? NAN : std::sqrt(second);
}

// Doubles of workspace that glcm_features_one_angle needs: n present grey levels, largest grey
// value ng_max (PyRadiomics' Ng).
DOSEOMICS_HD inline long long glcm_workspace_size(int n, int ng_max) {
  return 2LL * n + ng_max + (2LL * ng_max - 1) + glcm_mcc_workspace_size(n);
}

// The 24 GLCM features (order of glcm::Feature) of one normalised n x n matrix p over present grey
// levels whose values (bin indices, ascending) are gray_values; ng_max = largest grey value (Ng).
// An all-zero or NaN p (an empty single angle) yields NaN features, as in PyRadiomics.
DOSEOMICS_HD inline void glcm_features_one_angle(const double* p, const double* gray_values, int n,
                                                 int ng_max, double* workspace, double* out) {
  double* px = workspace;
  double* py = workspace + n;
  double* p_diff = workspace + 2 * n;  // p_{x-y}(k), k = 0 .. Ng-1
  double* p_sum = p_diff + ng_max;     // p_{x+y}(k), k = 2 .. 2Ng, at index k - 2
  double* mcc_work = p_sum + (2 * ng_max - 1);
  const double eps = kGlcmEpsilon;

  for (int i = 0; i < n; ++i) px[i] = py[i] = 0.0;
  for (int k = 0; k < ng_max; ++k) p_diff[k] = 0.0;
  for (int k = 0; k < 2 * ng_max - 1; ++k) p_sum[k] = 0.0;

  double ux = 0.0, uy = 0.0, autocorrelation = 0.0, contrast = 0.0, joint_energy = 0.0;
  double hxy = 0.0, max_probability = -INFINITY;
  for (int i = 0; i < n; ++i) {
    const double gi = gray_values[i];
    for (int j = 0; j < n; ++j) {
      const double gj = gray_values[j];
      const double v = p[i * n + j];
      px[i] += v;
      py[j] += v;
      ux += gi * v;
      uy += gj * v;
      autocorrelation += v * (gi * gj);
      const double diff = std::fabs(gi - gj);
      contrast += v * (diff * diff);
      joint_energy += v * v;
      // A zero probability adds exactly 0 to every weighted sum: skip its log2 and powers.
      if (v != 0.0) hxy += v * std::log2(v + eps);
      if (v > max_probability || v != v) max_probability = v;
      p_diff[static_cast<int>(diff)] += v;
      p_sum[static_cast<int>(gi + gj) - 2] += v;
    }
  }
  hxy = -hxy;

  // Marginal entropies, and HXY2 = -sum px py log2(px py + eps). Beyond one grey level, HXY2 is
  // summed from the marginals' logs (O(n) logs instead of O(n^2)): the eps term contributes
  // eps / ln 2 per cell with px py > 0, and what is left differs from PyRadiomics' cell-by-cell sum
  // by rounding (~1e-15). One grey level is summed cell by cell, so that Imc2's sentinel
  // (HXY2 == HXY) fires exactly as in PyRadiomics.
  double* log_px = mcc_work;  // scratch: MCC runs after these are no longer needed
  double* log_py = mcc_work + n;
  double hx = 0.0, hy = 0.0, hxy2 = 0.0;
  double sum_px = 0.0, sum_py = 0.0, px_log_px = 0.0, py_log_py = 0.0;
  int rows = 0, columns = 0;
  for (int i = 0; i < n; ++i) {
    hx += px[i] * std::log2(px[i] + eps);
    hy += py[i] * std::log2(py[i] + eps);
    log_px[i] = px[i] > 0.0 ? std::log2(px[i]) : 0.0;
    log_py[i] = py[i] > 0.0 ? std::log2(py[i]) : 0.0;
    if (px[i] > 0.0) {
      sum_px += px[i];
      px_log_px += px[i] * log_px[i];
      ++rows;
    }
    if (py[i] > 0.0) {
      sum_py += py[i];
      py_log_py += py[i] * log_py[i];
      ++columns;
    }
  }
  if (n == 1) {
    hxy2 = px[0] * py[0] * std::log2(px[0] * py[0] + eps);
  } else {
    hxy2 = px_log_px * sum_py + py_log_py * sum_px +
           kGlcmEpsilonOverLn2 * static_cast<double>(rows) * static_cast<double>(columns);
  }

  double cluster_prominence = 0.0, cluster_shade = 0.0, cluster_tendency = 0.0;
  double var_x = 0.0, var_y = 0.0, covariance = 0.0, hxy1 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double gi = gray_values[i];
    for (int j = 0; j < n; ++j) {
      const double gj = gray_values[j];
      const double v = p[i * n + j];
      if (v == 0.0) continue;
      const double centred = ((gi + gj) - ux) - uy;
      const double centred2 = centred * centred;
      cluster_prominence += v * (centred2 * centred2);
      cluster_shade += v * (centred2 * centred);
      cluster_tendency += v * centred2;
      var_x += v * ((gi - ux) * (gi - ux));
      var_y += v * ((gj - uy) * (gj - uy));
      covariance += (v * (gi - ux)) * (gj - uy);
      if (n == 1) {
        hxy1 += v * std::log2(px[i] * py[j] + eps);
      } else {
        // log2(px py + eps) = log2 px + log2 py + eps / (px py ln 2) + O(eps^2): no log per cell.
        hxy1 += v * (log_px[i] + log_py[j]) + kGlcmEpsilonOverLn2 * (v / (px[i] * py[j]));
      }
    }
  }
  hxy1 = -hxy1;
  hxy2 = -hxy2;
  hx = -hx;
  hy = -hy;

  double difference_average = 0.0, difference_entropy = 0.0, idm = 0.0, idmn = 0.0, id = 0.0;
  double idn = 0.0, inverse_variance = 0.0;
  const double ng = static_cast<double>(ng_max);
  for (int k = 0; k < ng_max; ++k) {
    const double v = p_diff[k];
    const double kd = static_cast<double>(k);
    difference_average += kd * v;
    difference_entropy += v * std::log2(v + eps);
    idm += v / (1.0 + kd * kd);
    idmn += v / (1.0 + (kd * kd) / (ng * ng));
    id += v / (1.0 + kd);
    idn += v / (1.0 + kd / ng);
    if (k >= 1) inverse_variance += v / (kd * kd);
  }
  double difference_variance = 0.0;
  for (int k = 0; k < ng_max; ++k) {
    const double centred = static_cast<double>(k) - difference_average;
    difference_variance += p_diff[k] * (centred * centred);
  }

  double sum_average = 0.0, sum_entropy = 0.0;
  for (int k = 0; k < 2 * ng_max - 1; ++k) {
    const double v = p_sum[k];
    sum_average += static_cast<double>(k + 2) * v;
    sum_entropy += v * std::log2(v + eps);
  }

  const double sigma_x = std::sqrt(var_x), sigma_y = std::sqrt(var_y);
  double correlation = covariance / (sigma_x * sigma_y + eps);
  if (sigma_x * sigma_y == 0.0) correlation = 1.0;

  const double hmax = std::fmax(hx, hy);
  const double imc1 = hmax != 0.0 ? (hxy - hxy1) / hmax : 0.0;
  double imc2 = std::sqrt(1.0 - std::pow(kNumpyE, -2.0 * (hxy2 - hxy)));
  if (hxy2 == hxy) imc2 = 0.0;

  out[glcm::Autocorrelation] = autocorrelation;
  out[glcm::ClusterProminence] = cluster_prominence;
  out[glcm::ClusterShade] = cluster_shade;
  out[glcm::ClusterTendency] = cluster_tendency;
  out[glcm::Contrast] = contrast;
  out[glcm::Correlation] = correlation;
  out[glcm::DifferenceAverage] = difference_average;
  out[glcm::DifferenceEntropy] = -difference_entropy;
  out[glcm::DifferenceVariance] = difference_variance;
  out[glcm::Id] = id;
  out[glcm::Idm] = idm;
  out[glcm::Idmn] = idmn;
  out[glcm::Idn] = idn;
  out[glcm::Imc1] = imc1;
  out[glcm::Imc2] = imc2;
  out[glcm::InverseVariance] = inverse_variance;
  out[glcm::JointAverage] = ux;
  out[glcm::JointEnergy] = joint_energy;
  out[glcm::JointEntropy] = hxy;
  out[glcm::MCC] = glcm_mcc(p, px, py, n, mcc_work);
  out[glcm::MaximumProbability] = n > 0 ? max_probability : NAN;
  out[glcm::SumAverage] = sum_average;
  out[glcm::SumEntropy] = -sum_entropy;
  out[glcm::SumSquares] = var_x;
}

}  // namespace doseomics
