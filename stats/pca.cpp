#include "stats/pca.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "stats/descriptive.hpp"

namespace doseomics::stats {

PcaResult principal_components(const Eigen::MatrixXd& data) {
  const Eigen::Index rows = data.rows();
  const Eigen::Index columns = data.cols();
  if (rows < 2 || columns < 1) {
    throw std::invalid_argument("principal_components: needs >= 2 observations and >= 1 column");
  }
  PcaResult result;
  result.means.resize(columns);
  result.standard_deviations.resize(columns);
  Eigen::MatrixXd standardized(rows, columns);
  for (Eigen::Index c = 0; c < columns; ++c) {
    const std::vector<double> column(data.col(c).data(), data.col(c).data() + rows);
    result.means(c) = mean(column);
    result.standard_deviations(c) = sample_standard_deviation(column);
    if (result.standard_deviations(c) > 0.0) {
      standardized.col(c) = (data.col(c).array() - result.means(c)) / result.standard_deviations(c);
    } else {
      standardized.col(c).setZero();
      result.constant_columns.push_back(c);
    }
  }
  const Eigen::MatrixXd correlation =
      (standardized.transpose() * standardized) / static_cast<double>(rows - 1);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(correlation);
  if (solver.info() != Eigen::Success) {
    throw std::runtime_error("principal_components: eigen decomposition failed");
  }
  // Eigen returns ascending eigenvalues; reverse to descending.
  result.eigenvalues = solver.eigenvalues().reverse().cwiseMax(0.0);
  result.eigenvectors = solver.eigenvectors().rowwise().reverse();
  for (Eigen::Index k = 0; k < columns; ++k) {
    Eigen::Index largest = 0;
    result.eigenvectors.col(k).cwiseAbs().maxCoeff(&largest);
    if (result.eigenvectors(largest, k) < 0.0) result.eigenvectors.col(k) *= -1.0;
  }
  const double total_variance = result.eigenvalues.sum();
  result.explained_variance_ratio = total_variance > 0.0
                                        ? Eigen::VectorXd(result.eigenvalues / total_variance)
                                        : Eigen::VectorXd::Zero(columns);
  result.cumulative_explained_variance_ratio.resize(columns);
  double running = 0.0;
  for (Eigen::Index k = 0; k < columns; ++k) {
    running += result.explained_variance_ratio(k);
    result.cumulative_explained_variance_ratio(k) = running;
  }
  result.loadings = result.eigenvectors * result.eigenvalues.cwiseSqrt().asDiagonal();
  result.scores = standardized * result.eigenvectors;
  return result;
}

std::size_t components_for_variance(const PcaResult& pca, double threshold) {
  constexpr double kRoundingTolerance = 1e-12;
  const Eigen::Index count = pca.cumulative_explained_variance_ratio.size();
  for (Eigen::Index k = 0; k < count; ++k) {
    if (pca.cumulative_explained_variance_ratio(k) >= threshold - kRoundingTolerance) {
      return static_cast<std::size_t>(k + 1);
    }
  }
  return static_cast<std::size_t>(count);
}

std::vector<Eigen::Index> top_loading_variables(const PcaResult& pca, Eigen::Index component,
                                                std::size_t count) {
  if (component < 0 || component >= pca.loadings.cols()) {
    throw std::invalid_argument("top_loading_variables: no such component");
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(pca.loadings.rows()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    return std::fabs(pca.loadings(a, component)) > std::fabs(pca.loadings(b, component));
  });
  order.resize(std::min(count, order.size()));
  return order;
}

}  // namespace doseomics::stats
