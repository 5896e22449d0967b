#include "feature_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "io/batch_csv.hpp"

namespace doseomics {

std::string python_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Shortest round-trip digits in scientific form, d.ddddde±x, then laid out as Python does:
  // positional for exponents -4..15, scientific otherwise.
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string sci(buffer, result.ptr);
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::atoi(sci.c_str() + e + 1);
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      std::string integer = digits.substr(0, std::min<std::size_t>(digits.size(), exponent + 1));
      integer.append(exponent + 1 - integer.size(), '0');
      std::string fraction = digits.size() > static_cast<std::size_t>(exponent + 1)
                                 ? digits.substr(exponent + 1)
                                 : "0";
      out = integer + "." + fraction;
    } else {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int magnitude = std::abs(exponent);
    out += exponent < 0 ? "e-" : "e+";
    if (magnitude < 10) out += "0";
    out += std::to_string(magnitude);
  }
  return sign + out;
}

namespace {

std::string tuple_text(const std::vector<std::string>& items) {
  std::string out = "(";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + ")";
}

}  // namespace

void write_feature_csv(std::ostream& out, const std::vector<std::string>& input_columns,
                       const std::vector<CaseResult>& cases, const FeatureTable& table,
                       const std::vector<Settings>& settings, const FeatureCsvOptions& options) {
  std::vector<std::string> header = input_columns;
  if (options.bin_width_column) header.push_back("BinWidth");
  if (options.diagnostics) {
    header.push_back("diagnostics_Mask-original_VoxelNum");
    header.push_back("diagnostics_Mask-original_BoundingBox");
    header.push_back("diagnostics_Image-original_Spacing");
  }
  for (const std::string& name : table.column_names()) header.push_back(name);
  header.push_back("error");

  const auto write_row = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_field(cells[i]);
    out << '\n';
  };
  write_row(header);

  const std::size_t columns = table.column_count();
  const std::size_t setting_count = settings.empty() ? 1 : settings.size();
  for (const CaseResult& c : cases) {
    for (std::size_t s = 0; s < setting_count; ++s) {
      std::vector<std::string> row = c.input_values;
      row.resize(input_columns.size());
      if (options.bin_width_column)
        row.push_back(s < settings.size() ? python_float(settings[s].bin_width) : "");
      if (options.diagnostics) {
        if (c.loaded) {
          const RegionSource& src = c.source;
          row.push_back(std::to_string(src.voxel_count));
          row.push_back(tuple_text(
              {std::to_string(src.box_origin_xyz[0]), std::to_string(src.box_origin_xyz[1]),
               std::to_string(src.box_origin_xyz[2]), std::to_string(src.box_size_xyz[0]),
               std::to_string(src.box_size_xyz[1]), std::to_string(src.box_size_xyz[2])}));
          row.push_back(
              tuple_text({python_float(src.spacing_xyz_mm[0]), python_float(src.spacing_xyz_mm[1]),
                          python_float(src.spacing_xyz_mm[2])}));
        } else {
          row.insert(row.end(), 3, "");
        }
      }
      std::string error = c.load_error;
      const bool in_table =
          c.loaded && c.source.region_index < table.region_count && s < table.setting_count;
      if (c.loaded && !in_table && error.empty()) error = "no result from the engine";
      if (in_table && error.empty()) error = table.errors[table.cell(c.source.region_index, s)];
      for (std::size_t col = 0; col < columns; ++col)
        row.push_back(error.empty() ? python_float(table.at(c.source.region_index, s, col)) : "");
      row.push_back(error);
      write_row(row);
    }
  }
}

}  // namespace doseomics
