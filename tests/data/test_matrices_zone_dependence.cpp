// GLSZM, GLDM and NGTDM matrices of brain1, brain2 and breast1 against PyRadiomics' baseline
// matrices (data/baseline/<case>_<class>.npy), as tests/test_matrices.py compares them: binWidth
// 25, label 1, the processed P_<class> without its voxel axis.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/cpu/prepare_region.hpp"
#include "kernels/cpu/texture_classes.hpp"
#include "support/pyradiomics_baseline.hpp"
#include "support/reference_cases.hpp"

using namespace doseomics;

namespace {

// Counts are exact integers and s_i is accumulated in PyRadiomics' voxel order, so the matrices
// should agree exactly; 1e-12 only allows for a last-bit difference in an s_i sum.
constexpr double kMatrixAbsTolerance = 1e-12;

}  // namespace

TEST_CASE("GLSZM, GLDM and NGTDM matrices equal PyRadiomics' baseline matrices",
          "[glszm][gldm][ngtdm][baseline][pyradiomics]") {
  const std::string cases[] = {"brain1", "brain2", "breast1"};
  Settings settings;  // binWidth 25, label 1, distances {1}, gldm_a 0: the plain column
  settings.minimum_roi_dimensions = 1;
  for (const std::string& name : cases) {
    RoiBatch batch;
    test::add_pyradiomics_case(batch, name);
    const PreparedRegion region = prepare_region(batch, 0, settings);
    const auto baseline = [&](const char* cls) { return test::baseline_matrix(name, cls); };
    {
      INFO(name << " glszm");
      const double diff =
          test::max_abs_difference(build_glszm_matrix(region.view, settings), baseline("glszm"));
      CHECK(diff <= kMatrixAbsTolerance);
    }
    {
      INFO(name << " gldm");
      const double diff =
          test::max_abs_difference(build_gldm_matrix(region.view, settings), baseline("gldm"));
      CHECK(diff <= kMatrixAbsTolerance);
    }
    {
      INFO(name << " ngtdm");
      const double diff =
          test::max_abs_difference(build_ngtdm_matrix(region.view, settings), baseline("ngtdm"));
      CHECK(diff <= kMatrixAbsTolerance);
    }
  }
}
