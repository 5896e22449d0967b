// First-order features of a setting group's cells on the device.
#pragma once

#include <cuda_runtime_api.h>

#include "device_types.hpp"

namespace doseomics {
namespace cuda_detail {

void launch_firstorder(const GroupArgs& args, cudaStream_t stream);

}  // namespace cuda_detail
}  // namespace doseomics
