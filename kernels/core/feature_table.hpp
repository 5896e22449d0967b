// FeatureTable: the engine's output, one value per region x setting x enabled feature.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "feature_names.hpp"

namespace doseomics {

// Per region and setting: the diagnostics PyRadiomics reports beside the features.
struct RegionDiagnostics {
  long long voxel_count = 0;                  // diagnostics_Mask-original_VoxelNum
  int bounding_box_zyx_start[3] = {0, 0, 0};  // tight box inside the region's box
  int bounding_box_zyx_size[3] = {0, 0, 0};
  int gray_level_max = 0;  // Ng: the largest bin index present
};

struct FeatureTable {
  std::size_t region_count = 0;
  std::size_t setting_count = 0;
  std::vector<int> feature_indices;            // catalogue index of each column
  std::vector<double> values;                  // [region][setting][column]
  std::vector<std::string> errors;             // [region][setting]; empty when the cell is valid
  std::vector<RegionDiagnostics> diagnostics;  // [region][setting]

  FeatureTable() = default;
  FeatureTable(std::size_t regions, std::size_t settings, std::vector<int> columns);

  std::size_t column_count() const { return feature_indices.size(); }
  std::size_t cell(std::size_t region, std::size_t setting) const {
    return region * setting_count + setting;
  }
  double& at(std::size_t region, std::size_t setting, std::size_t column) {
    return values[cell(region, setting) * column_count() + column];
  }
  double at(std::size_t region, std::size_t setting, std::size_t column) const {
    return values[cell(region, setting) * column_count() + column];
  }
  // Column of a feature by PyRadiomics column name ("original_glcm_Contrast"); -1 if absent.
  int column_of(const std::string& column_name) const;
  // PyRadiomics column names of the columns, in order.
  std::vector<std::string> column_names() const;
};

}  // namespace doseomics
