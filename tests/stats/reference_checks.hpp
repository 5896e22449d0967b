// Catch2 matchers for comparing against reference values: "agrees to N significant digits"
// (McCullough's log relative error) and "agrees to the digits a source printed".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace doseomics::test {

// Significant digits demanded of every NIST StRD certified value.
constexpr double kNistSignificantDigits = 9.0;

// Digits demanded when the library's double computation is compared with a 50-digit
// computation on the very same double inputs (what the algorithm itself loses).
constexpr double kAlgorithmSignificantDigits = 12.0;

// Relative agreement granted to long published values beyond what double arithmetic and
// different special-function implementations reproduce (scipy vs Boost.Math ~1e-15).
constexpr double kPublishedRelativeFloor = 1e-12;

// Log relative error, -log10(|actual - expected| / |expected|) (absolute error when expected is
// 0), capped at 17: the number of leading significant digits that agree.
inline double log_relative_error(double actual, double expected) {
  if (actual == expected) return 17.0;
  if (std::isnan(actual) || std::isnan(expected)) return 0.0;
  const double error = std::fabs(actual - expected);
  const double scaled = expected == 0.0 ? error : error / std::fabs(expected);
  return std::min(17.0, -std::log10(scaled));
}

// Matches when actual agrees with expected to at least `digits` significant digits.
class SignificantDigitsMatcher : public Catch::MatcherBase<double> {
 public:
  SignificantDigitsMatcher(double expected, double digits) : expected_(expected), digits_(digits) {}
  bool match(const double& actual) const override {
    return log_relative_error(actual, expected_) >= digits_;
  }
  std::string describe() const override {
    std::ostringstream text;
    text << std::setprecision(17) << "agrees with " << expected_ << " to " << digits_
         << " significant digits";
    return text.str();
  }

 private:
  double expected_;
  double digits_;
};

// actual agrees with expected to at least `digits` significant digits.
inline SignificantDigitsMatcher AgreesToDigits(double expected, double digits) {
  return {expected, digits};
}

// Matches when actual rounds to the value a source printed: |actual - printed| is at most half
// a unit in the printed last place (".004" -> 0.0005, "1.16440531074e-06" -> 5e-18), but never
// tighter than kPublishedRelativeFloor relative.
class PublishedValueMatcher : public Catch::MatcherBase<double> {
 public:
  explicit PublishedValueMatcher(std::string printed) : printed_(std::move(printed)) {
    expected_ = std::strtod(printed_.c_str(), nullptr);
    const auto exponent_at = printed_.find_first_of("eE");
    const std::string mantissa = printed_.substr(0, exponent_at);
    const int exponent =
        exponent_at == std::string::npos ? 0 : std::atoi(printed_.c_str() + exponent_at + 1);
    const auto point = mantissa.find('.');
    const int decimals =
        point == std::string::npos ? 0 : static_cast<int>(mantissa.size() - point - 1);
    tolerance_ = std::max(0.5 * std::pow(10.0, exponent - decimals),
                          kPublishedRelativeFloor * std::fabs(expected_));
  }
  bool match(const double& actual) const override {
    return std::fabs(actual - expected_) <= tolerance_;
  }
  std::string describe() const override {
    std::ostringstream text;
    text << "rounds to the published " << printed_ << " (within " << tolerance_ << ")";
    return text.str();
  }

 private:
  std::string printed_;
  double expected_ = 0.0;
  double tolerance_ = 0.0;
};

// actual agrees with a value printed as `printed` to all of its printed digits.
inline PublishedValueMatcher Published(const std::string& printed) {
  return PublishedValueMatcher(printed);
}

}  // namespace doseomics::test
