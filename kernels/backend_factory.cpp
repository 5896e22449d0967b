#include "backend_factory.hpp"

#include "core/errors.hpp"
#include "cpu/cpu_backend.hpp"
#ifdef DOSEOMICS_HAVE_CUDA
#include "cuda/cuda_backend.hpp"
#endif

namespace doseomics {

bool cuda_backend_built() {
#ifdef DOSEOMICS_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

namespace {

std::unique_ptr<Backend> make_cuda_backend(unsigned threads) {
#ifdef DOSEOMICS_HAVE_CUDA
  std::string reason;
  if (!cuda_device_available(&reason)) throw InputError("no CUDA device: " + reason);
  CudaBackendOptions options;
  options.cpu_threads = threads;
  return std::make_unique<CudaBackend>(options);
#else
  (void)threads;
  throw InputError("CUDA backend not built");
#endif
}

}  // namespace

std::unique_ptr<Backend> make_backend(const std::string& name, unsigned threads) {
  if (name == "cpu") return std::make_unique<CpuBackend>(threads);
  if (name == "cuda") return make_cuda_backend(threads);
  if (name == "auto") {
#ifdef DOSEOMICS_HAVE_CUDA
    if (cuda_device_available(nullptr)) return make_cuda_backend(threads);
#endif
    return std::make_unique<CpuBackend>(threads);
  }
  throw InputError("unknown backend '" + name + "' (expected cpu, cuda or auto)");
}

}  // namespace doseomics
