// Paths to the reference data beside the clone (../shared/data) and to this source tree.
#pragma once

#include <string>

namespace doseomics::test {

// A file under ../shared/data, e.g. shared_data("pyradiomics/data/brain1_image.nrrd").
inline std::string shared_data(const std::string& relative) {
  return std::string(DOSEOMICS_SHARED_DATA_DIR) + "/" + relative;
}

// A file in this repository, e.g. source_file("tests/golden/golden_features.csv").
inline std::string source_file(const std::string& relative) {
  return std::string(DOSEOMICS_SOURCE_DIR) + "/" + relative;
}

}  // namespace doseomics::test
