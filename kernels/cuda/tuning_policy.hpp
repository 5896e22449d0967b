// Launch shapes and memory policy of the CUDA backend, in one place (CUB's "tuning policy").
// Plain C++: the host planner (batch_plan.cpp) and the kernels both read these constants.
#pragma once

namespace doseomics {
namespace cuda_policy {

// Threads per block of every tiled kernel (one block per tile of voxels).
constexpr int kBlockThreads = 256;
// Voxels per tile: a region (or a cell's tight box) of up to this many voxels is one block;
// a larger one is cut into ceil(voxels / kTileVoxels) blocks. 16 voxels per thread.
constexpr int kTileVoxels = 4096;
// Threads per block of the per-cell "finish" kernels (one thread per cell or per cell x angle).
constexpr int kFinishThreads = 64;
// Largest grid of a one-dimensional grid-stride launch.
constexpr unsigned kMaxGridBlocks = 65535u * 16u;
// Shared memory a tile may use for a privatised matrix (bytes); above it the tile accumulates
// into global memory with atomics. 48 KiB needs no opt-in on any architecture.
constexpr long long kSharedMatrixBytes = 48 * 1024;
// Fraction of the free device memory (cudaMemGetInfo) the backend plans to use, and a reserve
// kept back for CUB's temporary storage and the runtime.
constexpr double kMemoryFraction = 0.80;
constexpr long long kMemoryReserveBytes = 256ll << 20;
// Share of the budget for the uploaded voxels of a chunk (the rest is per-setting workspace).
constexpr double kUploadShare = 0.35;
// Share of the remaining budget for discretised bins and histograms (the rest: texture matrices).
constexpr double kDiscretisedShare = 0.40;
// Largest number of histogram bins (edges) a cell may have on the device. Cells beyond it (a tiny
// binWidth over a wide range) are computed by the CPU backend instead: same results, slower.
constexpr long long kMaxDeviceHistogramBins = 1ll << 16;
// Largest number of neighbour offsets (angles) per cell kept on the device (distances up to 8).
constexpr int kMaxDeviceOffsets = 4913;

}  // namespace cuda_policy
}  // namespace doseomics
