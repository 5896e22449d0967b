// Principal component analysis of z-standardised data (the correlation matrix).
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace doseomics::stats {

// Components in decreasing order of variance.
struct PcaResult {
  Eigen::VectorXd means;                       // column means used for centring
  Eigen::VectorXd standard_deviations;         // column SDs (n - 1) used for scaling
  std::vector<Eigen::Index> constant_columns;  // zero-variance columns (scaled to 0, see below)
  Eigen::VectorXd eigenvalues;  // variances of the components (correlation eigenvalues)
  Eigen::VectorXd explained_variance_ratio;             // eigenvalue / sum of eigenvalues
  Eigen::VectorXd cumulative_explained_variance_ratio;  // running sum of the ratios
  // Unit eigenvectors, one column per component (sklearn's components_ transposed). Signs are
  // fixed so the entry of largest magnitude in each column is positive.
  Eigen::MatrixXd eigenvectors;
  // SPSS "Component Matrix" loadings: eigenvector * sqrt(eigenvalue), i.e. the correlation of
  // each variable with each component.
  Eigen::MatrixXd loadings;
  // Component scores of the observations: standardised data times the eigenvectors.
  Eigen::MatrixXd scores;
};

// PCA of `data` (rows = observations, columns = variables) after z-standardisation with the
// sample SD (n - 1), via Eigen's SelfAdjointEigenSolver on the correlation matrix. A column with
// zero variance is standardised to all zeros (as sklearn's StandardScaler does) and listed in
// constant_columns; it then adds a zero eigenvalue and no variance. Throws std::invalid_argument
// for fewer than 2 observations or no columns.
PcaResult principal_components(const Eigen::MatrixXd& data);

// Smallest number of leading components whose cumulative explained variance reaches
// `threshold` (e.g. 0.80); the number of components if it is never reached. A tiny tolerance
// (1e-12) absorbs rounding so a ratio of exactly 0.8 counts as reaching 0.8.
std::size_t components_for_variance(const PcaResult& pca, double threshold = 0.80);

// Indices of the `count` variables with the largest absolute loading on `component`, largest
// first (the study's "top loadings").
std::vector<Eigen::Index> top_loading_variables(const PcaResult& pca, Eigen::Index component,
                                                std::size_t count);

}  // namespace doseomics::stats
