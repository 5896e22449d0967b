// Plain descriptors the CUDA backend's host driver fills and its kernels read: one per region of
// an uploaded chunk and one per cell (region x setting). No CUDA types: the driver is C++.
#pragma once

#include "../core/discretisation.hpp"
#include "../core/neighbourhood.hpp"
#include "batch_plan.hpp"

namespace doseomics {
namespace cuda_detail {

// One region of an uploaded chunk.
struct RegionDevice {
  long long box_offset = 0;  // first voxel of the region's box in the chunk's voxel arrays
  int box_size_zyx[3] = {0, 0, 0};
};

// What the statistics kernels find in a region's box (one round trip to the host).
struct RegionStats {
  int low_zyx[3];  // tight bounding box, inclusive
  int high_zyx[3];
  unsigned long long voxel_count;  // voxels in the mask
  long long first_non_finite;      // smallest box index of a NaN/inf region voxel, or kNoIndex
  long long values_offset;         // first of the region's values in the compacted arrays
  double min_value, max_value;     // of the region's values (from the sorted copy)
};
constexpr long long kNoIndex = 0x7fffffffffffffffll;

// Neighbour-offset lists of a cell: a range of the setting group's offset and step arrays.
struct OffsetRange {
  int begin = 0;
  int count = 0;
};

// Which cells the kernels compute (status kComputed); the others are skipped.
constexpr int kComputed = 0;
constexpr int kSkipped = 1;

// One cell: a region under one setting.
struct CellDevice {
  int status = kSkipped;
  int region = 0;            // index in the chunk
  long long box_offset = 0;  // the region's box in the chunk's voxel arrays
  int box_size_zyx[3] = {0, 0, 0};
  int tight_start_zyx[3] = {0, 0, 0};  // tight box inside the region's box
  int tight_size_zyx[3] = {0, 0, 0};
  int margin = 1;  // zero voxels around the tight box in `bins`
  int padded_size_zyx[3] = {0, 0, 0};
  long long tight_voxels = 0;
  long long bins_offset = 0;       // padded box of bins in the group's bins arena
  long long values_offset = 0;     // region values and sorted values in the chunk
  long long voxel_count = 0;       // Np
  long long histogram_offset = 0;  // histogram, level scan and level values of the cell
  int histogram_bins = 0;          // entries: bins 0 .. histogram_bins - 1
  BinEdges edges;
  int gray_levels = 0;  // n (after the levels round trip)
  int max_bin = 0;      // Ng
  int max_run = 0;      // Nr: largest tight box dimension
  double spacing_zyx_mm[3] = {1.0, 1.0, 1.0};
  double voxel_volume_mm3 = 1.0;
  double voxel_array_shift = 0.0;
  int weighting_norm = 0;  // WeightingNorm as int
  int symmetrical_glcm = 1;
  int gldm_a = 0;
  OffsetRange glcm_offsets;       // settings.distances, mono-directional
  OffsetRange glrlm_offsets;      // distance 1, mono-directional
  OffsetRange neighbour_offsets;  // settings.distances, both directions (GLDM, NGTDM)
  OffsetRange zone_offsets;       // distance 1, mono-directional (GLSZM union pairs)
  long long buffer_offset[cuda_plan::kBufferCount] = {};  // elements, per texture buffer
  long long feature_offset = 0;  // first of the cell's catalogue-size feature row
};

// Per-cell results of the grey-level pass (one round trip to the host).
struct CellLevels {
  int gray_levels;
  int max_bin;
};

}  // namespace cuda_detail
}  // namespace doseomics

namespace doseomics {
namespace cuda_detail {

// Everything a setting group's kernels read and write, as plain device pointers.
struct GroupArgs {
  const CellDevice* cells = nullptr;
  int cell_count = 0;
  const cuda_plan::Tile* tiles = nullptr;  // tiles over the cells' tight boxes
  int tile_count = 0;
  const double* voxels = nullptr;  // the chunk's boxes
  const unsigned char* mask = nullptr;
  const double* values = nullptr;               // the chunk's region values, compacted
  const double* sorted_values = nullptr;        // the same, sorted within each region
  int* bins = nullptr;                          // padded boxes of bins
  long long* histogram = nullptr;               // voxels per bin
  long long* level_scan = nullptr;              // exclusive scan of (histogram > 0)
  double* level_values = nullptr;               // grey value of each present level
  CellLevels* levels = nullptr;                 // per cell
  const Offset* offsets = nullptr;              // neighbour offsets of every cell's lists
  const long long* steps = nullptr;             // their linear steps in each cell's padded box
  void* buffers[cuda_plan::kBufferCount] = {};  // texture arenas (element types: batch_plan)
  double* features = nullptr;                   // per cell, one row of the feature catalogue
  int class_start[6] = {};                      // first catalogue index of each feature class
  int shared_bytes = 0;                         // dynamic shared memory given to tiled kernels
};

}  // namespace cuda_detail
}  // namespace doseomics
