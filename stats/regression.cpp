#include "stats/regression.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>

#include "stats/accurate_sum.hpp"
#include "stats/descriptive.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

LinearRegressionResult linear_regression(const std::vector<double>& x,
                                         const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("linear_regression: lengths differ");
  LinearRegressionResult result;
  result.count = x.size();
  const auto n = static_cast<Eigen::Index>(x.size());
  result.degrees_of_freedom = static_cast<double>(n) - 2.0;

  result.slope = result.intercept = kNaN;
  result.slope_standard_error = result.intercept_standard_error = kNaN;
  result.residual_standard_error = result.residual_sum_of_squares = kNaN;
  result.r_squared = result.correlation = kNaN;
  result.slope_t_statistic = result.slope_p_value = kNaN;
  if (n < 2) return result;

  Eigen::MatrixXd design(n, 2);
  Eigen::VectorXd response(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    design(i, 0) = 1.0;
    design(i, 1) = x[static_cast<std::size_t>(i)];
    response(i) = y[static_cast<std::size_t>(i)];
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
  if (qr.rank() < 2) return result;
  const Eigen::Vector2d coefficients = qr.solve(response);
  result.intercept = coefficients(0);
  result.slope = coefficients(1);

  CompensatedSum residual_squares;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double residual = response(i) - (result.intercept + result.slope * design(i, 1));
    residual_squares.add(residual * residual);
  }
  result.residual_sum_of_squares = residual_squares.total();
  const double total_sum_of_squares = sample_variance(y) * static_cast<double>(n - 1);
  result.r_squared = total_sum_of_squares > 0.0
                         ? 1.0 - result.residual_sum_of_squares / total_sum_of_squares
                         : kNaN;
  if (!std::isnan(result.r_squared)) {
    result.r_squared = std::clamp(result.r_squared, 0.0, 1.0);
    result.correlation = std::copysign(std::sqrt(result.r_squared), result.slope);
  }
  if (n < 3) return result;

  // cov(b) = s^2 (X^T X)^-1 = s^2 P R^-1 R^-T P^T for X P = Q R.
  const Eigen::Matrix2d upper = qr.matrixR().topLeftCorner(2, 2).triangularView<Eigen::Upper>();
  const Eigen::Matrix2d upper_inverse =
      upper.triangularView<Eigen::Upper>().solve(Eigen::Matrix2d::Identity());
  const Eigen::Matrix2d permutation = qr.colsPermutation().toDenseMatrix().cast<double>();
  const Eigen::Matrix2d unscaled_covariance =
      permutation * (upper_inverse * upper_inverse.transpose()) * permutation.transpose();
  const double residual_variance = result.residual_sum_of_squares / result.degrees_of_freedom;
  result.residual_standard_error = std::sqrt(residual_variance);
  result.intercept_standard_error = std::sqrt(residual_variance * unscaled_covariance(0, 0));
  result.slope_standard_error = std::sqrt(residual_variance * unscaled_covariance(1, 1));

  if (result.slope_standard_error > 0.0) {
    result.slope_t_statistic = result.slope / result.slope_standard_error;
    const boost::math::students_t distribution(result.degrees_of_freedom);
    result.slope_p_value =
        std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(
                                distribution, std::fabs(result.slope_t_statistic))));
  } else if (result.slope != 0.0) {
    result.slope_t_statistic = std::copysign(std::numeric_limits<double>::infinity(), result.slope);
    result.slope_p_value = 0.0;
  }
  return result;
}

}  // namespace doseomics::stats
