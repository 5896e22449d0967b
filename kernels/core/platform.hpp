// Portability macros shared by the CPU and CUDA backends.
#pragma once

// DOSEOMICS_HD marks a function that both backends call: a plain function in a CPU-only build,
// __host__ __device__ when nvcc compiles it.
#if defined(__CUDACC__)
#define DOSEOMICS_HD __host__ __device__
#else
#define DOSEOMICS_HD
#endif
