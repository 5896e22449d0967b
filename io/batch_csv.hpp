// PyRadiomics batch CSVs: one case per row, `Image` and `Mask` columns (case-sensitive) required,
// `Label` and `Label_channel` optional, every column kept in input order for the output.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace doseomics {

// RFC 4180 records: comma-separated, fields optionally in double quotes (which may hold commas,
// line breaks and doubled quotes ""), LF or CRLF line ends. Completely empty lines are skipped, as
// Python's csv.DictReader skips them. Each record carries the line it starts on (1-based).
// Throws InputError (prefixed with `origin`) on an unterminated quoted field.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& origin);

// One field for a CSV file: quoted (with quotes doubled) only when it holds a comma, a quote or a
// line break, as Python's csv module writes it (QUOTE_MINIMAL).
std::string csv_field(const std::string& value);

struct BatchCase {
  std::size_t line = 0;             // line of the row in the CSV
  std::vector<std::string> values;  // one per BatchTable::columns; Image/Mask resolved to absolute
  std::string image;                // absolute path
  std::string mask;                 // absolute path
  std::string label;                // the `Label` cell as written ("" when absent or empty)
  std::string label_channel;        // the `Label_channel` cell as written ("" when absent)
};

struct BatchTable {
  std::string path;
  std::vector<std::string> columns;  // the header, in input order
  std::vector<BatchCase> cases;
  std::vector<std::string> warnings;  // e.g. rows skipped for a missing Image or Mask
};

// Read a batch CSV. Relative Image/Mask paths are resolved against the CSV's folder. Rows missing
// Image or Mask are skipped with a warning. Throws InputError naming the file when it cannot be
// read or lacks an `Image` or `Mask` column.
BatchTable read_batch_csv(const std::string& path);
// The same from text in memory; `path` locates relative image paths and names the file.
BatchTable parse_batch_csv(const std::string& text, const std::string& path);

// A `Label` cell as an integer > 0; std::nullopt for an empty cell. Throws InputError otherwise.
std::optional<int> parse_label_cell(const std::string& cell);

}  // namespace doseomics
