// The CUDA backend: every enabled feature of every region under every setting, computed on one
// GPU in batches (kernels/cuda/*.cu), with the formulas of kernels/core shared with the CPU
// backend. Host declarations only: nothing here needs CUDA headers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../core/backend.hpp"

namespace doseomics {

// Whether a CUDA device can be used; otherwise `reason` (if given) says why.
bool cuda_device_available(std::string* reason);

struct CudaBackendOptions {
  int device = 0;                     // CUDA device ordinal
  long long memory_budget_bytes = 0;  // 0: a share of cudaMemGetInfo's free memory
  unsigned cpu_threads = 0;           // threads of the CPU backend used for fallback cells
};

// What the last extract() did, for tests and benchmarks.
struct CudaRunReport {
  long long memory_budget_bytes = 0;
  int upload_chunks = 0;             // chunks of regions uploaded (a sweep reuses each)
  int cell_groups = 0;               // groups of cells discretised together
  int texture_groups = 0;            // groups of cells whose texture matrices were built together
  int out_of_memory_splits = 0;      // groups split after the device ran out of memory
  long long cpu_fallback_cells = 0;  // cells beyond the device's limits, computed on the CPU
  double device_milliseconds = 0;    // event-timed GPU time of the whole call
};

class CudaBackend : public Backend {
 public:
  // Throws InputError "no CUDA device: <reason>" when the device cannot be used.
  explicit CudaBackend(CudaBackendOptions options = {});
  ~CudaBackend() override;
  CudaBackend(const CudaBackend&) = delete;
  CudaBackend& operator=(const CudaBackend&) = delete;

  std::string name() const override { return "cuda"; }
  FeatureTable extract(const RoiBatch& batch, const std::vector<Settings>& settings,
                       const FeatureSelection& features) override;
  const CudaRunReport& last_run() const { return report_; }

  // Device buffers and the stream (defined in cuda_backend.cpp).
  struct Resources;

 private:
  CudaBackendOptions options_;
  std::unique_ptr<Resources> resources_;
  CudaRunReport report_;
};

}  // namespace doseomics
