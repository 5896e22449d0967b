// Reading the reference CSV files the tests compare against (quoted fields allowed).
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace doseomics::test {

// Rows of a CSV file, fields unquoted ("" inside quotes is a literal quote).
inline std::vector<std::vector<std::string>> read_csv_rows(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  char c;
  while (file.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (file.peek() == '"') {
          field += '"';
          file.get();
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      any = false;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (any) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace doseomics::test
