#include "nist_reader.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace doseomics::test {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the ANOVA files are CRLF
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> tokens(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> out;
  std::string token;
  while (stream >> token) out.push_back(token);
  return out;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool is_number(const std::string& token) {
  if (token.empty()) return false;
  char* end = nullptr;
  std::strtod(token.c_str(), &end);
  return end == token.c_str() + token.size();
}

double number(const std::string& token, const std::string& where) {
  if (!is_number(token)) throw std::runtime_error("not a number '" + token + "' in " + where);
  return std::strtod(token.c_str(), nullptr);
}

DecimalNumber decimal(const std::string& token) {
  return {token, std::strtod(token.c_str(), nullptr)};
}

// Index of the first line after the last line for which `is_marker` holds.
template <typename Predicate>
std::size_t after_last(const std::vector<std::string>& lines, Predicate is_marker,
                       const std::string& path) {
  std::size_t start = lines.size() + 1;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_marker(trimmed(lines[i]))) start = i + 1;
  }
  if (start > lines.size()) throw std::runtime_error("no data section in " + path);
  return start;
}

}  // namespace

std::int64_t integer_part(const DecimalNumber& number) {
  if (number.text.find_first_of("eE") != std::string::npos) return 0;
  return std::strtoll(number.text.c_str(), nullptr, 10);  // stops at the '.'
}

double minus_integer_offset(const DecimalNumber& number, std::int64_t offset) {
  const std::string& text = number.text;
  if (text.find_first_of("eE") != std::string::npos) {
    return number.value - static_cast<double>(offset);
  }
  const bool negative = !text.empty() && text[0] == '-';
  const std::int64_t whole = std::strtoll(text.c_str(), nullptr, 10);
  const auto point = text.find('.');
  double fraction = 0.0;
  if (point != std::string::npos) {
    fraction = std::strtod(("0" + text.substr(point)).c_str(), nullptr);
    if (negative) fraction = -fraction;
  }
  return static_cast<double>(whole - offset) + fraction;
}

NistUnivariate read_nist_univariate(const std::string& path, const std::string& name) {
  const std::vector<std::string> lines = read_lines(path);
  NistUnivariate set;
  set.name = name;
  bool has_mean = false;
  bool has_sd = false;
  for (const std::string& raw : lines) {
    const std::string line = trimmed(raw);
    const std::vector<std::string> parts = tokens(line);
    if (parts.empty()) continue;
    if (starts_with(line, "Sample Mean") || starts_with(line, "mean ")) {
      set.certified_mean = number(parts.back(), path);
      has_mean = true;
    } else if (starts_with(line, "Sample Standard Deviation") ||
               starts_with(line, "standardDeviation ")) {
      set.certified_sd = number(parts.back(), path);
      has_sd = true;
    }
  }
  if (!has_mean || !has_sd) throw std::runtime_error("certified values missing in " + path);
  // Data follow the dashed line (NIST layout) or the last '#' comment line (commons-math).
  const std::size_t start = after_last(
      lines, [](const std::string& l) { return starts_with(l, "---") || starts_with(l, "#"); },
      path);
  for (std::size_t i = start; i < lines.size(); ++i) {
    for (const std::string& token : tokens(lines[i])) {
      if (!is_number(token)) throw std::runtime_error("bad datum '" + token + "' in " + path);
      set.data.push_back(decimal(token));
    }
  }
  return set;
}

NistAnova read_nist_anova(const std::string& path, const std::string& name) {
  const std::vector<std::string> lines = read_lines(path);
  NistAnova set;
  set.name = name;
  int found = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trimmed(lines[i]);
    const std::vector<std::string> parts = tokens(line);
    if (starts_with(line, "Between ") && parts.size() >= 6 && is_number(parts.back())) {
      const std::size_t k = parts.size();
      set.between_df = number(parts[k - 4], path);
      set.between_ss = number(parts[k - 3], path);
      set.between_ms = number(parts[k - 2], path);
      set.f_statistic = number(parts[k - 1], path);
      found |= 1;
    } else if (starts_with(line, "Within ") && parts.size() >= 5 && is_number(parts.back())) {
      const std::size_t k = parts.size();
      set.within_df = number(parts[k - 3], path);
      set.within_ss = number(parts[k - 2], path);
      set.within_ms = number(parts[k - 1], path);
      found |= 2;
    } else if (starts_with(line, "Certified R-Squared")) {
      set.r_squared = number(parts.back(), path);
      found |= 4;
    } else if (starts_with(line, "Standard Deviation") && i > 0 &&
               trimmed(lines[i - 1]) == "Certified Residual") {
      set.residual_sd = number(parts.back(), path);
      found |= 8;
    }
  }
  if (found != 15) throw std::runtime_error("certified ANOVA table incomplete in " + path);
  const std::size_t start = after_last(
      lines, [](const std::string& l) { return starts_with(l, "Data:"); }, path);
  std::map<std::string, std::size_t> group_of_label;
  for (std::size_t i = start; i < lines.size(); ++i) {
    const std::vector<std::string> parts = tokens(lines[i]);
    if (parts.empty()) continue;
    if (parts.size() != 2) throw std::runtime_error("bad data row in " + path);
    auto [entry, inserted] = group_of_label.emplace(parts[0], set.groups.size());
    if (inserted) set.groups.emplace_back();
    set.groups[entry->second].push_back(decimal(parts[1]));
  }
  return set;
}

NistLinearRegression read_nist_linear_regression(const std::string& path, const std::string& name) {
  const std::vector<std::string> lines = read_lines(path);
  NistLinearRegression set;
  set.name = name;
  int found = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trimmed(lines[i]);
    const std::vector<std::string> parts = tokens(line);
    if (parts.size() == 3 && parts[0] == "B0") {
      set.intercept = number(parts[1], path);
      set.intercept_sd = number(parts[2], path);
      found |= 1;
    } else if (parts.size() == 3 && parts[0] == "B1") {
      set.slope = number(parts[1], path);
      set.slope_sd = number(parts[2], path);
      found |= 2;
    } else if (starts_with(line, "Standard Deviation") && i > 0 &&
               trimmed(lines[i - 1]) == "Residual") {
      set.residual_sd = number(parts.back(), path);
      found |= 4;
    } else if (starts_with(line, "R-Squared")) {
      set.r_squared = number(parts.back(), path);
      found |= 8;
    }
  }
  if (found != 15) throw std::runtime_error("certified regression values incomplete in " + path);
  const std::size_t start = after_last(
      lines, [](const std::string& l) { return starts_with(l, "Data:"); }, path);
  for (std::size_t i = start; i < lines.size(); ++i) {
    const std::vector<std::string> parts = tokens(lines[i]);
    if (parts.empty()) continue;
    if (parts.size() != 2) throw std::runtime_error("bad data row in " + path);
    set.y.push_back(number(parts[0], path));
    set.x.push_back(number(parts[1], path));
  }
  return set;
}

}  // namespace doseomics::test
