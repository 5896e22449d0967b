// Checking every CUDA call: CUDA_CHECK throws with the call, file, line and cudaGetErrorString.
// Out-of-memory becomes DeviceOutOfMemory (the driver splits the work and retries); any other
// failure is an InternalError. DOSEOMICS_CHECK_LAUNCH checks a kernel launch and, when compiled
// with DOSEOMICS_CUDA_SYNC_CHECK, synchronises so a fault is reported at the kernel that caused it.
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "../core/errors.hpp"

namespace doseomics {
namespace cuda_detail {

// cudaMalloc (or a CUB temporary allocation) found too little device memory.
class DeviceOutOfMemory : public InternalError {
 public:
  using InternalError::InternalError;
};

// Throws for a failed CUDA call; `what` is the call's source text.
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* what, const char* file,
                                   int line);

inline void check_cuda(cudaError_t status, const char* what, const char* file, int line) {
  if (status != cudaSuccess) throw_cuda_error(status, what, file, line);
}

}  // namespace cuda_detail
}  // namespace doseomics

#define CUDA_CHECK(call) ::doseomics::cuda_detail::check_cuda((call), #call, __FILE__, __LINE__)

#ifdef DOSEOMICS_CUDA_SYNC_CHECK
#define DOSEOMICS_CHECK_LAUNCH(name)     \
  do {                                   \
    CUDA_CHECK(cudaGetLastError());      \
    CUDA_CHECK(cudaDeviceSynchronize()); \
  } while (0)
#else
#define DOSEOMICS_CHECK_LAUNCH(name) CUDA_CHECK(cudaGetLastError())
#endif
