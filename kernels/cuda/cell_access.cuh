// Device helpers every kernel of the CUDA backend uses to address a cell's data.
// Included by .cu files only.
#pragma once

#include "device_types.hpp"

namespace doseomics {
namespace cuda_detail {

// A cell's part of one texture buffer.
template <typename T>
__device__ inline T* cell_buffer(const GroupArgs& args, const CellDevice& cell,
                                 cuda_plan::Buffer buffer) {
  const int b = static_cast<int>(buffer);
  return static_cast<T*>(args.buffers[b]) + cell.buffer_offset[b];
}

// Coordinates of voxel t of the cell's tight box (z-major).
struct Coordinates {
  int z, y, x;
};
__device__ inline Coordinates tight_coordinates(const CellDevice& cell, long long t) {
  const long long plane = static_cast<long long>(cell.tight_size_zyx[1]) * cell.tight_size_zyx[2];
  Coordinates c;
  c.z = static_cast<int>(t / plane);
  const long long rest = t - c.z * plane;
  c.y = static_cast<int>(rest / cell.tight_size_zyx[2]);
  c.x = static_cast<int>(rest - static_cast<long long>(c.y) * cell.tight_size_zyx[2]);
  return c;
}

// Index of tight-box voxel (z, y, x) in the cell's padded box of bins.
__device__ inline long long padded_index(const CellDevice& cell, int z, int y, int x) {
  const int m = cell.margin;
  return (static_cast<long long>(z + m) * cell.padded_size_zyx[1] + (y + m)) *
             cell.padded_size_zyx[2] +
         (x + m);
}

// Whether (z, y, x) lies in the cell's tight box.
__device__ inline bool inside_tight_box(const CellDevice& cell, int z, int y, int x) {
  return z >= 0 && y >= 0 && x >= 0 && z < cell.tight_size_zyx[0] && y < cell.tight_size_zyx[1] &&
         x < cell.tight_size_zyx[2];
}

// Level index (0 .. n-1) of a present bin.
__device__ inline int level_of(const GroupArgs& args, const CellDevice& cell, int bin) {
  return static_cast<int>(args.level_scan[cell.histogram_offset + bin] -
                          args.level_scan[cell.histogram_offset]);
}

// Grey values (bin indices, ascending) of the cell's present levels.
__device__ inline const double* level_values(const GroupArgs& args, const CellDevice& cell) {
  return args.level_values + cell.histogram_offset;
}

// The cell's slot for one feature class in its catalogue row.
__device__ inline double* class_features(const GroupArgs& args, const CellDevice& cell,
                                         int feature_class) {
  return args.features + cell.feature_offset + args.class_start[feature_class];
}

}  // namespace cuda_detail
}  // namespace doseomics
