// A small reader for the NIST StRD files under ../shared/data/nist-strd (univariate, one-way
// ANOVA and linear-regression formats, including commons-math's rewritten Lew / Lottery).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace doseomics::test {

// A number as printed in the file: its text and its nearest double.
struct DecimalNumber {
  std::string text;  // the token exactly as in the file
  double value = 0;  // strtod(text)
};

// The integer part of a printed decimal ("-12.5" -> -12); 0 for exponent notation.
std::int64_t integer_part(const DecimalNumber& number);

// The number minus an integer offset, computed on the decimal text so the result is exact up to
// one rounding of the (small) difference: "1000000000000.4" - 1000000000000 -> 0.4 exactly
// rounded, where value - 1e12 would carry the 6e-5 representation error of the double.
double minus_integer_offset(const DecimalNumber& number, std::int64_t offset);

// A univariate summary-statistics set with its certified mean and SD (n - 1).
struct NistUnivariate {
  std::string name;                 // file stem, e.g. "NumAcc4"
  double certified_mean = 0;        // "Sample Mean ybar" / "mean ="
  double certified_sd = 0;          // "Sample Standard Deviation s" / "standardDeviation ="
  std::vector<DecimalNumber> data;  // observations in file order
};

// Reads univariate/<name>.txt; throws std::runtime_error when the file or a value is missing.
NistUnivariate read_nist_univariate(const std::string& path, const std::string& name);

// A one-way ANOVA set with its certified table.
struct NistAnova {
  std::string name;                                                        // e.g. "SmLs09"
  double between_df = 0, between_ss = 0, between_ms = 0, f_statistic = 0;  // "Between" row
  double within_df = 0, within_ss = 0, within_ms = 0;                      // "Within" row
  double r_squared = 0;                                                    // "Certified R-Squared"
  double residual_sd = 0;                          // "Certified Residual Standard Deviation"
  std::vector<std::vector<DecimalNumber>> groups;  // responses per treatment, in label order
};

// Reads anova/<name>.dat; throws std::runtime_error on a malformed file.
NistAnova read_nist_anova(const std::string& path, const std::string& name);

// A straight-line regression set (Norris) with its certified estimates.
struct NistLinearRegression {
  std::string name;                        // e.g. "Norris"
  double intercept = 0, intercept_sd = 0;  // B0 and its standard deviation
  double slope = 0, slope_sd = 0;          // B1 and its standard deviation
  double residual_sd = 0;                  // residual standard deviation
  double r_squared = 0;                    // R-Squared
  std::vector<double> x, y;                // predictor and response
};

// Reads linear-regression/<name>.dat for a model y = B0 + B1 x; throws std::runtime_error on a
// malformed file.
NistLinearRegression read_nist_linear_regression(const std::string& path, const std::string& name);

}  // namespace doseomics::test
