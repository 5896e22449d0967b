#include "feature_table.hpp"

#include <limits>
#include <utility>

namespace doseomics {

FeatureTable::FeatureTable(std::size_t regions, std::size_t settings, std::vector<int> columns)
    : region_count(regions),
      setting_count(settings),
      feature_indices(std::move(columns)),
      values(regions * settings * feature_indices.size(), std::numeric_limits<double>::quiet_NaN()),
      errors(regions * settings),
      diagnostics(regions * settings) {}

int FeatureTable::column_of(const std::string& column_name) const {
  const auto& catalogue = feature_catalogue();
  for (std::size_t c = 0; c < feature_indices.size(); ++c)
    if (catalogue[feature_indices[c]].column_name() == column_name) return static_cast<int>(c);
  return -1;
}

std::vector<std::string> FeatureTable::column_names() const {
  std::vector<std::string> names;
  for (int index : feature_indices) names.push_back(feature_catalogue()[index].column_name());
  return names;
}

}  // namespace doseomics
