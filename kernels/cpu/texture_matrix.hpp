// A texture matrix as PyRadiomics holds it after processing (P_<class> without the voxel axis),
// for tests that compare matrices with PyRadiomics' baselines.
#pragma once

#include <vector>

namespace doseomics {

struct TextureMatrix {
  std::vector<int> shape;        // numpy shape, e.g. {Ng', Ng', Na} for GLCM
  std::vector<double> values;    // C order (last index fastest)
  std::vector<int> gray_levels;  // grey value (bin index) of each row, ascending
};

}  // namespace doseomics
