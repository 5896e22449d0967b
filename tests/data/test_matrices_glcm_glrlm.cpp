// GLCM and GLRLM of brain1, brain2 and breast1 against PyRadiomics' baseline matrices
// (data/baseline/<case>_{glcm,glrlm}.npy, equal to PyRadiomics 3.1's P_glcm / P_glrlm) and their
// features against the baseline CSVs' plain columns (reproduced by PyRadiomics 3.1 to 6e-15).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "kernels/core/feature_names.hpp"
#include "kernels/core/glcm.hpp"
#include "kernels/cpu/prepare_region.hpp"
#include "kernels/cpu/texture_classes.hpp"
#include "support/pyradiomics_baseline.hpp"
#include "support/reference_cases.hpp"

using namespace doseomics;

namespace {

// GLRLM counts are exact; GLCM entries are count / total in both, so exact too. 1e-12 leaves room
// for a last-bit difference only.
constexpr double kMatrixAbsTolerance = 1e-12;
// Features: per-angle sums run in another order than numpy's, a few ulps per term on sums of
// ~1000 terms; MCC comes from another eigenvalue algorithm than LAPACK's.
constexpr double kFeatureRelativeTolerance = 1e-12;
// MCC recomputed from the baseline matrices, per angle, against the baseline's angle mean.
constexpr double kMccRelativeTolerance = 1e-12;

// Largest relative difference of a class's features from the baseline column `name`.
double max_feature_difference(FeatureClass cls, const double* values, const std::string& name) {
  const auto baseline = test::read_baseline(feature_class_name(cls));
  double worst = 0;
  int compared = 0;
  for (const FeatureInfo& info : feature_catalogue()) {
    if (info.feature_class != cls || !info.enabled_by_default) continue;
    const std::string expected_text = baseline.at(info.column_name()).at(name);
    const double expected = std::stod(expected_text);
    const double actual = values[info.index_in_class];
    INFO(name << " " << info.name << " ours " << actual << " baseline " << expected_text);
    REQUIRE(std::isfinite(actual));
    worst = std::max(worst, std::fabs(actual - expected) / std::max(1e-300, std::fabs(expected)));
    ++compared;
  }
  REQUIRE(compared == feature_count(cls));
  return worst;
}

Settings plain_settings() {
  Settings settings;  // binWidth 25, label 1, distances {1}, no weighting: the plain column
  settings.minimum_roi_dimensions = 1;
  return settings;
}

}  // namespace

TEST_CASE("GLCM and GLRLM matrices equal PyRadiomics' baseline matrices",
          "[glcm][glrlm][baseline][pyradiomics]") {
  const Settings settings = plain_settings();
  for (const std::string name : {"brain1", "brain2", "breast1"}) {
    RoiBatch batch;
    test::add_pyradiomics_case(batch, name);
    const PreparedRegion region = prepare_region(batch, 0, settings);
    {
      INFO(name << " glcm");
      const double diff = test::max_abs_difference(build_glcm_matrix(region.view, settings),
                                                   test::baseline_matrix(name, "glcm"));
      INFO(name << " glcm max |difference| " << diff);
      CHECK(diff <= kMatrixAbsTolerance);
    }
    {
      INFO(name << " glrlm");
      const double diff = test::max_abs_difference(build_glrlm_matrix(region.view, settings),
                                                   test::baseline_matrix(name, "glrlm"));
      INFO(name << " glrlm max |difference| " << diff);
      CHECK(diff <= kMatrixAbsTolerance);
    }
  }
}

TEST_CASE("GLCM and GLRLM features equal PyRadiomics' baseline plain columns",
          "[glcm][glrlm][baseline][pyradiomics]") {
  const Settings settings = plain_settings();
  for (const std::string name : {"brain1", "brain2", "breast1"}) {
    RoiBatch batch;
    test::add_pyradiomics_case(batch, name);
    const PreparedRegion region = prepare_region(batch, 0, settings);
    double glcm_values[glcm::kCount], glrlm_values[glrlm::kCount];
    compute_glcm_features(region.view, settings, glcm_values);
    compute_glrlm_features(region.view, settings, glrlm_values);
    const double glcm_diff = max_feature_difference(FeatureClass::glcm, glcm_values, name);
    const double glrlm_diff = max_feature_difference(FeatureClass::glrlm, glrlm_values, name);
    INFO(name << " max relative difference: glcm " << glcm_diff << ", glrlm " << glrlm_diff);
    CHECK(glcm_diff <= kFeatureRelativeTolerance);
    CHECK(glrlm_diff <= kFeatureRelativeTolerance);
  }
}

TEST_CASE("GLCM MCC from PyRadiomics' baseline matrices equals the baseline MCC",
          "[glcm][baseline][pyradiomics]") {
  // The eigenvalue routine alone, on PyRadiomics' own normalised matrices: per-angle MCC, averaged.
  const auto baseline = test::read_baseline("glcm");
  for (const std::string name : {"brain1", "brain2", "breast1"}) {
    const test::NpyArray p = test::baseline_matrix(name, "glcm");
    const int n = p.shape[0], na = p.shape[2];
    std::vector<double> angle(static_cast<std::size_t>(n) * n), px(n), py(n);
    std::vector<double> work(static_cast<std::size_t>(glcm_mcc_workspace_size(n)));
    std::vector<double> mcc(na);
    for (int a = 0; a < na; ++a) {
      std::fill(px.begin(), px.end(), 0.0);
      std::fill(py.begin(), py.end(), 0.0);
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          const double v = p.values[(static_cast<std::size_t>(i) * n + j) * na + a];
          angle[static_cast<std::size_t>(i) * n + j] = v;
          px[i] += v;
          py[j] += v;
        }
      mcc[a] = glcm_mcc(angle.data(), px.data(), py.data(), n, work.data());
    }
    double mean;
    glcm_nanmean_over_angles(mcc.data(), na, 1, &mean);
    const double expected = std::stod(baseline.at("original_glcm_MCC").at(name));
    INFO(name << " MCC " << mean << " baseline " << expected << " relative difference "
              << std::fabs(mean / expected - 1.0));
    CHECK(std::fabs(mean / expected - 1.0) <= kMccRelativeTolerance);
  }
}
