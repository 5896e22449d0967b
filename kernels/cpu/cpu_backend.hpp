// The CPU backend: the reference implementation, multi-threaded over regions.
#pragma once

#include "../core/backend.hpp"
#include "prepare_region.hpp"

namespace doseomics {

class CpuBackend : public Backend {
 public:
  // thread_count 0 uses every hardware thread.
  explicit CpuBackend(unsigned thread_count = 0);
  std::string name() const override { return "cpu"; }
  FeatureTable extract(const RoiBatch& batch, const std::vector<Settings>& settings,
                       const FeatureSelection& features) override;

 private:
  unsigned thread_count_;
};

// First-order features of a prepared region (raw intensities; Entropy and Uniformity from bins).
void compute_firstorder_features(const PreparedRegion& region, const Settings& settings,
                                 double* out);

}  // namespace doseomics
