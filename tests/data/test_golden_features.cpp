// Every cell of the golden tables written by PyRadiomics 3.1.0 itself (tests/golden/make_golden.py)
// for brain1, brain2 and breast1 under eleven settings sets.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "io/parameters.hpp"
#include "kernels/cpu/cpu_backend.hpp"
#include "support/csv_table.hpp"
#include "support/reference_cases.hpp"

using namespace doseomics;

namespace {

// Same formulas in double precision, summed in a different order than numpy: agreement to 1e-6
// relative leaves room for MCC's eigenvalue solver and for sums over ~1e5 terms.
constexpr double kGoldenRelativeTolerance = 1e-6;
// Features that are mathematically 0 come out as +-1e-16-ish rounding noise on either side.
constexpr double kGoldenAbsoluteToleranceNearZero = 1e-9;

bool close_to_golden(double value, double expected) {
  const double difference = std::fabs(value - expected);
  return difference <= kGoldenAbsoluteToleranceNearZero ||
         difference <= kGoldenRelativeTolerance * std::fabs(expected);
}

// Settings sets of golden_settings.csv as PyRadiomics parameter files, read by our own reader.
std::map<std::string, Settings> golden_settings() {
  std::map<std::string, std::string> yaml;
  const auto rows = test::read_csv_rows(test::source_file("tests/golden/golden_settings.csv"));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() < 3) continue;
    std::string& text = yaml[rows[r][0]];
    if (text.empty()) text = "setting:\n";
    text += "  " + rows[r][1] + ": " + rows[r][2] + "\n";
  }
  std::map<std::string, Settings> settings;
  for (const auto& [name, text] : yaml)
    settings[name] = parse_parameters(text, "golden settings " + name).settings;
  return settings;
}

}  // namespace

TEST_CASE("Every golden cell from PyRadiomics 3.1.0 is matched", "[golden][pyradiomics]") {
  const std::map<std::string, Settings> settings_by_name = golden_settings();
  REQUIRE(settings_by_name.size() == 11);
  std::vector<std::string> setting_names;
  std::vector<Settings> settings;
  for (const auto& [name, s] : settings_by_name) {
    setting_names.push_back(name);
    settings.push_back(s);
  }
  const std::vector<std::string> cases = {"brain1", "brain2", "breast1"};
  RoiBatch batch;
  for (const auto& name : cases) test::add_pyradiomics_case(batch, name);
  FeatureSelection features = FeatureSelection::defaults();
  features.enable_feature(FeatureClass::firstorder, "StandardDeviation");
  const FeatureTable table = CpuBackend(0).extract(batch, settings, features);

  const auto rows = test::read_csv_rows(test::source_file("tests/golden/golden_features.csv"));
  REQUIRE(rows.size() > 1);
  std::size_t compared = 0, mismatched = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() < 4) continue;
    const auto case_index = static_cast<std::size_t>(
        std::find(cases.begin(), cases.end(), row[0]) - cases.begin());
    const auto setting_index = static_cast<std::size_t>(
        std::find(setting_names.begin(), setting_names.end(), row[1]) - setting_names.begin());
    REQUIRE(case_index < cases.size());
    REQUIRE(setting_index < setting_names.size());
    const std::size_t cell = table.cell(case_index, setting_index);
    INFO(row[0] << " / " << row[1] << " / " << row[2] << ": error '" << table.errors[cell] << "'");
    REQUIRE(table.errors[cell].empty());
    if (row[2] == "diagnostics_Mask-original_VoxelNum") {
      CHECK(table.diagnostics[cell].voxel_count == std::stoll(row[3]));
      continue;
    }
    if (row[2].rfind("original_", 0) != 0) continue;
    const int column = table.column_of(row[2]);
    REQUIRE(column >= 0);
    const double expected = std::stod(row[3]);
    const double value = table.at(case_index, setting_index, static_cast<std::size_t>(column));
    INFO("value " << value << " expected " << expected);
    const bool close = close_to_golden(value, expected);
    CHECK(close);
    mismatched += !close;
    ++compared;
  }
  // 94 features (93 + StandardDeviation) x 3 cases x 11 settings sets.
  CHECK(compared == 94u * 3u * 11u);
  CHECK(mismatched == 0u);
}

TEST_CASE("Feature columns come in PyRadiomics' output order", "[golden][pyradiomics]") {
  const auto rows = test::read_csv_rows(test::source_file("tests/golden/feature_order.txt"));
  std::vector<std::string> pyradiomics_order;
  for (const auto& row : rows)
    if (!row.empty() && row[0].rfind("original_", 0) == 0) pyradiomics_order.push_back(row[0]);
  std::vector<std::string> ours;
  for (const auto& info : feature_catalogue())
    if (info.enabled_by_default) ours.push_back(info.column_name());
  REQUIRE(ours == pyradiomics_order);
}
