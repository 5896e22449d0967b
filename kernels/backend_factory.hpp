// Choosing an engine backend by name, for the command line and the benchmarks.
#pragma once

#include <memory>
#include <string>

#include "core/backend.hpp"

namespace doseomics {

// Whether this build contains the CUDA backend.
bool cuda_backend_built();

// "cpu": the CPU backend on `threads` threads (0 = all). "cuda": the CUDA backend; InputError
// "CUDA backend not built" or "no CUDA device: <reason>" when it cannot be used. "auto": cuda
// when it can be used, else cpu. Any other name: InputError listing the choices.
std::unique_ptr<Backend> make_backend(const std::string& name, unsigned threads);

}  // namespace doseomics
