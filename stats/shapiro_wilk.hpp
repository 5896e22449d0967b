// Shapiro-Wilk test of normality, Royston's algorithm AS R94 (1995) as used by R's
// shapiro.test and scipy.stats.shapiro.
#pragma once

#include <cstddef>
#include <vector>

namespace doseomics::stats {

// W statistic and its p-value.
struct ShapiroWilkResult {
  std::size_t count = 0;  // sample size n
  double w = 0.0;         // W in (0, 1]; NaN when undefined
  double p_value = 0.0;   // upper-tail p (small W = evidence against normality); NaN if undefined
};

// Shapiro-Wilk W and p for 3 <= n <= 5000 (Royston's p-value approximation is validated up to
// 5000; larger samples are computed but less reliable). For n < 3 or data with zero range, W and
// p are NaN. The data are sorted and centred on their median first (as scipy does) so large
// common offsets do not cost precision. n == 3 uses the exact p (6/pi)(asin(sqrt W) - pi/3).
ShapiroWilkResult shapiro_wilk(const std::vector<double>& values);

}  // namespace doseomics::stats
