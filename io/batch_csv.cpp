#include "batch_csv.hpp"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernels/core/errors.hpp"

namespace doseomics {

namespace fs = std::filesystem;

std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& origin) {
  std::vector<CsvRecord> records;
  std::size_t i = 0;
  std::size_t line = 1;
  // Skip a UTF-8 byte order mark, as spreadsheet programs write one.
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRecord record;
    record.line = line;
    std::string field;
    bool record_done = false;
    bool any_content = false;  // a field was quoted or a comma seen: not an empty line
    while (!record_done) {
      field.clear();
      if (i < n && text[i] == '"') {
        // Quoted field: up to the closing quote; "" is one quote. Text after the closing quote
        // (before the next comma) is kept, as Python's csv module keeps it.
        any_content = true;
        const std::size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
            } else {
              ++i;
              closed = true;
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
            ++i;
          }
        }
        if (!closed)
          throw InputError(origin + ": line " + std::to_string(start_line) +
                           ": quoted field is not closed");
      }
      while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      if (!field.empty()) any_content = true;
      record.fields.push_back(field);
      if (i >= n) {
        record_done = true;
      } else if (text[i] == ',') {
        any_content = true;
        ++i;
      } else {  // line end: \n, \r\n or \r
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        record_done = true;
      }
    }
    if (any_content) records.push_back(std::move(record));
  }
  return records;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::optional<int> parse_label_cell(const std::string& cell) {
  std::string t = cell;
  const auto begin = t.find_first_not_of(" \t");
  if (begin == std::string::npos) return std::nullopt;
  t = t.substr(begin, t.find_last_not_of(" \t") - begin + 1);
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(t.c_str(), &end, 10);
  if (errno != 0 || end != t.c_str() + t.size() || value < 1 || value > 2147483647L)
    throw InputError("Label '" + cell + "' is not an integer greater than 0");
  return static_cast<int>(value);
}

BatchTable parse_batch_csv(const std::string& text, const std::string& path) {
  const std::string origin = "batch file '" + path + "'";
  BatchTable table;
  table.path = path;
  const std::vector<CsvRecord> records = parse_csv(text, origin);
  if (records.empty()) throw InputError(origin + ": is empty (expected a header with Image,Mask)");
  table.columns = records.front().fields;
  int image_column = -1, mask_column = -1, label_column = -1, channel_column = -1;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const std::string& name = table.columns[c];
    if (name == "Image" && image_column < 0) image_column = static_cast<int>(c);
    if (name == "Mask" && mask_column < 0) mask_column = static_cast<int>(c);
    if (name == "Label" && label_column < 0) label_column = static_cast<int>(c);
    if (name == "Label_channel" && channel_column < 0) channel_column = static_cast<int>(c);
  }
  if (image_column < 0)
    throw InputError(origin + ": required column \"Image\" not present in the header " +
                     "(column names are case-sensitive)");
  if (mask_column < 0)
    throw InputError(origin + ": required column \"Mask\" not present in the header " +
                     "(column names are case-sensitive)");

  const fs::path folder = fs::path(path).parent_path();
  const auto resolve = [&](const std::string& p) {
    fs::path file(p);
    if (file.is_relative()) file = folder / file;
    return fs::absolute(file).lexically_normal().string();
  };

  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    BatchCase batch_case;
    batch_case.line = record.line;
    batch_case.values = record.fields;
    if (batch_case.values.size() > table.columns.size()) {
      table.warnings.push_back(origin + ": line " + std::to_string(record.line) + ": " +
                               std::to_string(batch_case.values.size() - table.columns.size()) +
                               " field(s) beyond the header are ignored");
    }
    batch_case.values.resize(table.columns.size());
    const std::string image = batch_case.values[image_column];
    const std::string mask = batch_case.values[mask_column];
    if (image.empty() || mask.empty()) {
      table.warnings.push_back(origin + ": line " + std::to_string(record.line) +
                               ": missing required Image or Mask, skipping this case");
      continue;
    }
    batch_case.image = resolve(image);
    batch_case.mask = resolve(mask);
    batch_case.values[image_column] = batch_case.image;
    batch_case.values[mask_column] = batch_case.mask;
    if (label_column >= 0) batch_case.label = batch_case.values[label_column];
    if (channel_column >= 0) batch_case.label_channel = batch_case.values[channel_column];
    table.cases.push_back(std::move(batch_case));
  }
  return table;
}

BatchTable read_batch_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("batch file '" + path + "': cannot be opened (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_batch_csv(text.str(), path);
}

}  // namespace doseomics
