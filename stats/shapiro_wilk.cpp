#include "stats/shapiro_wilk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/constants/constants.hpp>
#include <boost/math/distributions/normal.hpp>

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// c[0] + c[1] x + ... + c[size-1] x^(size-1) (AS 181.2 poly).
template <std::size_t Size>
double polynomial(const double (&coefficients)[Size], double x) {
  double value = 0.0;
  for (std::size_t k = Size; k-- > 0;) value = value * x + coefficients[k];
  return value;
}

// Royston's (1992/1995) approximation to the Shapiro-Wilk coefficients a_1..a_{n/2} (positive,
// for the upper half of the order statistics; the lower half takes them negated).
std::vector<double> shapiro_wilk_coefficients(std::size_t n) {
  const std::size_t half = n / 2;
  std::vector<double> a(half + 1, 0.0);  // 1-based, as in AS R94
  if (n == 3) {
    a[1] = std::sqrt(0.5);
    return a;
  }
  static constexpr double c1[6] = {0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056};
  static constexpr double c2[6] = {0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
  const boost::math::normal standard_normal;
  const double an = static_cast<double>(n);
  const double an25 = an + 0.25;
  double summ2 = 0.0;
  for (std::size_t i = 1; i <= half; ++i) {
    a[i] = boost::math::quantile(standard_normal, (static_cast<double>(i) - 0.375) / an25);
    summ2 += a[i] * a[i];
  }
  summ2 *= 2.0;
  const double ssumm2 = std::sqrt(summ2);
  const double rsn = 1.0 / std::sqrt(an);
  const double a1 = polynomial(c1, rsn) - a[1] / ssumm2;
  std::size_t first_scaled = 0;
  double factor = 0.0;
  if (n > 5) {
    first_scaled = 3;
    const double a2 = -a[2] / ssumm2 + polynomial(c2, rsn);
    factor = std::sqrt((summ2 - 2.0 * a[1] * a[1] - 2.0 * a[2] * a[2]) /
                       (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2));
    a[2] = a2;
  } else {
    first_scaled = 2;
    factor = std::sqrt((summ2 - 2.0 * a[1] * a[1]) / (1.0 - 2.0 * a1 * a1));
  }
  a[1] = a1;
  for (std::size_t i = first_scaled; i <= half; ++i) a[i] /= -factor;
  return a;
}

}  // namespace

ShapiroWilkResult shapiro_wilk(const std::vector<double>& values) {
  ShapiroWilkResult result;
  result.count = values.size();
  result.w = kNaN;
  result.p_value = kNaN;
  const std::size_t n = values.size();
  if (n < 3) return result;

  std::vector<double> x(values);
  std::sort(x.begin(), x.end());
  const double center = x[n / 2];
  for (double& value : x) value -= center;
  const double range = x[n - 1] - x[0];
  if (!(range > 0.0)) return result;

  const std::vector<double> a = shapiro_wilk_coefficients(n);
  // Signed coefficient of the i-th order statistic (zero-based); the middle one is 0 for odd n.
  auto coefficient = [&](std::size_t i) {
    const std::size_t mirror = n - 1 - i;
    if (i == mirror) return 0.0;
    return i < mirror ? -a[i + 1] : a[mirror + 1];
  };
  // W as the squared correlation of the data with the coefficients, with 1 - W computed directly
  // (AS R94) to keep precision when W is close to 1.
  double mean_a = 0.0;
  double mean_x = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mean_a += coefficient(i);
    mean_x += x[i] / range;
  }
  mean_a /= static_cast<double>(n);
  mean_x /= static_cast<double>(n);
  double ssa = 0.0;
  double ssx = 0.0;
  double sax = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double da = coefficient(i) - mean_a;
    const double dx = x[i] / range - mean_x;
    ssa += da * da;
    ssx += dx * dx;
    sax += da * dx;
  }
  const double root = std::sqrt(ssa * ssx);
  const double one_minus_w = (root - sax) * (root + sax) / (ssa * ssx);
  result.w = 1.0 - one_minus_w;

  if (n == 3) {
    const double pi = boost::math::constants::pi<double>();
    result.p_value = std::max(0.0, 6.0 / pi * (std::asin(std::sqrt(result.w)) - pi / 3.0));
    return result;
  }
  static constexpr double g[2] = {-2.273, 0.459};
  static constexpr double c3[4] = {0.544, -0.39978, 0.025054, -6.714e-4};
  static constexpr double c4[4] = {1.3822, -0.77857, 0.062767, -0.0020322};
  static constexpr double c5[4] = {-1.5861, -0.31082, -0.083751, 0.0038915};
  static constexpr double c6[3] = {-0.4803, -0.082676, 0.0030302};
  const double an = static_cast<double>(n);
  double y = std::log(one_minus_w);
  double mu = 0.0;
  double sigma = 0.0;
  if (n <= 11) {
    const double gamma = polynomial(g, an);
    if (y >= gamma) {
      result.p_value = 1e-99;  // W so small the approximation breaks down: "obviously" tiny
      return result;
    }
    y = -std::log(gamma - y);
    mu = polynomial(c3, an);
    sigma = std::exp(polynomial(c4, an));
  } else {
    const double log_n = std::log(an);
    mu = polynomial(c5, log_n);
    sigma = std::exp(polynomial(c6, log_n));
  }
  const boost::math::normal normal_w(mu, sigma);
  result.p_value = boost::math::cdf(boost::math::complement(normal_w, y));
  return result;
}

}  // namespace doseomics::stats
