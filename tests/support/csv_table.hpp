// Reading the reference CSV files the tests compare against, with the project's CSV parser.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/batch_csv.hpp"

namespace doseomics::test {

// Rows of a CSV file (fields unquoted; empty lines skipped).
inline std::vector<std::vector<std::string>> read_csv_rows(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << file.rdbuf();
  std::vector<std::vector<std::string>> rows;
  for (auto& record : parse_csv(text.str(), path)) rows.push_back(std::move(record.fields));
  return rows;
}

}  // namespace doseomics::test
