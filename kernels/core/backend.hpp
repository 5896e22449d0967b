// The interface every engine backend implements (CPU now, CUDA beside it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "feature_names.hpp"
#include "feature_table.hpp"
#include "roi_batch.hpp"
#include "settings.hpp"

namespace doseomics {

class Backend {
 public:
  virtual ~Backend() = default;
  // "cpu" or "cuda".
  virtual std::string name() const = 0;
  // Every enabled feature for every region under every setting (a bin-width sweep is one call).
  // A region that fails under a setting gets its error in the table and NaN values; the others go
  // on.
  virtual FeatureTable extract(const RoiBatch& batch, const std::vector<Settings>& settings,
                               const FeatureSelection& features) = 0;
};

}  // namespace doseomics
