// PCA on standardised data: cases whose correlation matrix, and so whose components, are known
// in closed form.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/pca.hpp"

namespace {
namespace stats = doseomics::stats;

// Columns x = 1..5 and y = (2, 1, 4, 3, 5): centred cross-products 8, squares 10 and 10, so
// r = 0.8 exactly and the correlation matrix has eigenvalues 1.8 and 0.2.
Eigen::MatrixXd correlated_pair() {
  Eigen::MatrixXd data(5, 2);
  data << 1, 2, 2, 1, 3, 4, 4, 3, 5, 5;
  return data;
}
}  // namespace

TEST_CASE("PCA of two variables with r = 0.8 has eigenvalues 1.8 and 0.2", "[stats]") {
  const auto pca = stats::principal_components(correlated_pair());
  CHECK(pca.eigenvalues(0) == Approx(1.8).epsilon(1e-14));
  CHECK(pca.eigenvalues(1) == Approx(0.2).epsilon(1e-13));
  CHECK(pca.explained_variance_ratio(0) == Approx(0.9).epsilon(1e-14));
  CHECK(pca.cumulative_explained_variance_ratio(1) == Approx(1.0).epsilon(1e-15));
  CHECK(stats::components_for_variance(pca, 0.80) == 1);
  CHECK(stats::components_for_variance(pca, 0.95) == 2);
  // First component (1, 1)/sqrt 2; SPSS loadings sqrt(1.8)/sqrt(2) = sqrt(0.9) on both.
  CHECK(pca.eigenvectors(0, 0) == Approx(std::sqrt(0.5)).epsilon(1e-14));
  CHECK(pca.eigenvectors(1, 0) == Approx(std::sqrt(0.5)).epsilon(1e-14));
  CHECK(pca.loadings(0, 0) == Approx(std::sqrt(0.9)).epsilon(1e-14));
  CHECK(std::fabs(pca.loadings(0, 1)) == Approx(std::sqrt(0.1)).epsilon(1e-13));
}

TEST_CASE("PCA scores have the component variances and are uncorrelated", "[stats]") {
  const auto pca = stats::principal_components(correlated_pair());
  const Eigen::MatrixXd centered = pca.scores.rowwise() - pca.scores.colwise().mean();
  const Eigen::MatrixXd covariance = centered.transpose() * centered / 4.0;
  CHECK(covariance(0, 0) == Approx(1.8).epsilon(1e-13));
  CHECK(covariance(1, 1) == Approx(0.2).epsilon(1e-12));
  CHECK(std::fabs(covariance(0, 1)) < 1e-13);
}

TEST_CASE("PCA of two perfectly correlated pairs needs two components for 80 percent", "[stats]") {
  // x and 2x + 1 (r = 1), y and -y (r = -1), x orthogonal to y: eigenvalues 2, 2, 0, 0.
  Eigen::MatrixXd data(4, 4);
  data << 1, 3, 1, -1,  //
      -1, -1, 1, -1,    //
      1, 3, -1, 1,      //
      -1, -1, -1, 1;
  const auto pca = stats::principal_components(data);
  CHECK(pca.eigenvalues(0) == Approx(2.0).epsilon(1e-14));
  CHECK(pca.eigenvalues(1) == Approx(2.0).epsilon(1e-14));
  CHECK(std::fabs(pca.eigenvalues(2)) < 1e-14);
  CHECK(pca.cumulative_explained_variance_ratio(0) == Approx(0.5).epsilon(1e-14));
  CHECK(stats::components_for_variance(pca, 0.80) == 2);
  CHECK(stats::components_for_variance(pca, 0.50) == 1);
}

TEST_CASE("PCA lists a constant column and gives it no variance", "[stats]") {
  Eigen::MatrixXd data(5, 3);
  data.leftCols(2) = correlated_pair();
  data.col(2).setConstant(7.0);
  const auto pca = stats::principal_components(data);
  REQUIRE(pca.constant_columns.size() == 1);
  CHECK(pca.constant_columns.front() == 2);
  CHECK(pca.eigenvalues(0) == Approx(1.8).epsilon(1e-14));
  CHECK(std::fabs(pca.eigenvalues(2)) < 1e-14);
  CHECK(pca.explained_variance_ratio(0) == Approx(0.9).epsilon(1e-14));
  CHECK(std::fabs(pca.loadings(2, 0)) < 1e-14);
}

TEST_CASE("Top loadings are ranked by absolute loading", "[stats]") {
  Eigen::MatrixXd data(6, 3);
  // Column 2 is -column 0 plus noise-free scaling; column 1 is unrelated.
  data << 1, 5, -2, 2, 3, -4, 3, 6, -6, 4, 1, -8, 5, 4, -10, 6, 2, -12;
  const auto pca = stats::principal_components(data);
  const auto top = stats::top_loading_variables(pca, 0, 2);
  REQUIRE(top.size() == 2);
  CHECK(((top[0] == 0 && top[1] == 2) || (top[0] == 2 && top[1] == 0)));
}
