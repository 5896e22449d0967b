// Compensated (Neumaier / Kahan-Babuska) summation, the building block of the stable statistics.
#pragma once

#include <cmath>
#include <vector>

namespace doseomics::stats {

// Running sum whose rounding error is carried in a second term (Neumaier 1974); the total is
// exact to about one rounding of the true sum however many terms are added.
class CompensatedSum {
 public:
  // Adds one term.
  void add(double term) {
    const double next = sum_ + term;
    if (std::fabs(sum_) >= std::fabs(term)) {
      compensation_ += (sum_ - next) + term;
    } else {
      compensation_ += (term - next) + sum_;
    }
    sum_ = next;
  }
  // The compensated total of every term added so far.
  double total() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

// Compensated sum of all values.
inline double compensated_sum(const std::vector<double>& values) {
  CompensatedSum sum;
  for (double value : values) sum.add(value);
  return sum.total();
}

}  // namespace doseomics::stats
