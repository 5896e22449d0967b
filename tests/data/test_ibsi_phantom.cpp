// The IBSI 1 digital phantom with binWidth 1 and voxelArrayShift 0: every PyRadiomics value listed
// in ../shared/data/ibsi/ibsi_pyradiomics_mapping.csv (column expected_pyradiomics_value).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "kernels/cpu/cpu_backend.hpp"
#include "support/csv_table.hpp"
#include "support/reference_cases.hpp"

using namespace doseomics;

namespace {

// The reference values are published to 3 significant digits with tolerance 0, so a value meets
// its reference when it rounds to it: within half a unit of the last published digit.
double rounding_tolerance(const std::string& published) {
  const double value = std::fabs(std::stod(published));
  if (value == 0.0) return 0.0;
  std::string mantissa = published.substr(0, published.find_first_of("eE"));
  const auto dot = mantissa.find('.');
  int decimals = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  int exponent = 0;
  if (mantissa.size() != published.size()) exponent = std::stoi(published.substr(mantissa.size() + 1));
  // Integers like "145" or "550" carry 3 significant digits.
  return 0.5 * std::pow(10.0, exponent - decimals);
}

}  // namespace

TEST_CASE("The IBSI digital phantom meets every mapped reference value", "[ibsi]") {
  RoiBatch batch;
  test::add_ibsi_phantom(batch);
  Settings settings;
  settings.bin_width = 1;
  settings.voxel_array_shift = 0;
  const FeatureTable table = CpuBackend(1).extract(batch, {settings}, FeatureSelection::defaults());
  REQUIRE(table.errors[0].empty());

  const auto rows = test::read_csv_rows(test::shared_data("ibsi/ibsi_pyradiomics_mapping.csv"));
  const auto& header = rows.at(0);
  auto column = [&](const std::string& name) {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) return c;
    FAIL("column " << name << " missing");
    return std::size_t{0};
  };
  const std::size_t key_column = column("pyradiomics_key");
  const std::size_t expected_column = column("expected_pyradiomics_value");
  const std::size_t reference_column = column("dig_phantom_reference_value");
  const std::size_t tolerance_column = column("dig_phantom_tolerance");
  int compared = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() <= expected_column || row[key_column].empty() || row[expected_column].empty())
      continue;
    const int feature_column = table.column_of(row[key_column]);
    INFO(row[key_column]);
    REQUIRE(feature_column >= 0);
    const double expected = std::stod(row[expected_column]);
    const double tolerance = std::max(std::stod(row[tolerance_column]),
                                      rounding_tolerance(row[reference_column]));
    const double value = table.at(0, 0, static_cast<std::size_t>(feature_column));
    INFO("value " << value << ", expected " << expected << " +- " << tolerance);
    CHECK(std::fabs(value - expected) <= tolerance);
    ++compared;
  }
  REQUIRE(compared >= 90);
}
