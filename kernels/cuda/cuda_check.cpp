#include "cuda_check.hpp"

namespace doseomics {
namespace cuda_detail {

void throw_cuda_error(cudaError_t status, const char* what, const char* file, int line) {
  const std::string message = std::string("CUDA error ") + cudaGetErrorName(status) + " (" +
                              cudaGetErrorString(status) + ") in " + what + " at " + file + ":" +
                              std::to_string(line);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // clear the sticky-free allocation error so the caller can retry
    throw DeviceOutOfMemory(message);
  }
  throw InternalError(message);
}

}  // namespace cuda_detail
}  // namespace doseomics
