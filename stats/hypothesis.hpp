// Shared vocabulary of the hypothesis tests: the alternative hypothesis and p-value helpers.
#pragma once

namespace doseomics::stats {

// Which alternative a test's p-value is computed against (scipy's `alternative`, R's
// `alternative`): two_sided for H1: effect != 0, less for H1: effect < 0, greater for effect > 0.
enum class Alternative { two_sided, less, greater };

}  // namespace doseomics::stats
