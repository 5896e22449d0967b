// The CUDA backend's host driver: uploads chunks of regions, finds their tight boxes and values
// on the device, then for every setting discretises, builds every matrix and computes every
// feature in groups sized from the device memory budget (kernels/cuda/batch_plan.hpp).
// Cells beyond the device's limits (histograms of more than kMaxDeviceHistogramBins edges,
// unusual distances) are handed to the CPU backend, which gives the same results.
#include "cuda_backend.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "../core/discretisation.hpp"
#include "../core/discretised_region.hpp"
#include "../core/errors.hpp"
#include "../core/glcm.hpp"
#include "../core/neighbourhood.hpp"
#include "../cpu/cpu_backend.hpp"
#include "batch_plan.hpp"
#include "device_buffer.hpp"
#include "device_types.hpp"
#include "discretise.cuh"
#include "firstorder.cuh"
#include "primitives.cuh"
#include "region_stats.cuh"
#include "texture_launch.cuh"
#include "tuning_policy.hpp"

namespace doseomics {

using cuda_detail::CellDevice;
using cuda_detail::CellLevels;
using cuda_detail::DeviceBuffer;
using cuda_detail::DeviceOutOfMemory;
using cuda_detail::GroupArgs;
using cuda_detail::RegionDevice;
using cuda_detail::RegionStats;
using cuda_plan::Tile;

bool cuda_device_available(std::string* reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (reason) *reason = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    cudaGetLastError();
    return false;
  }
  if (count == 0) {
    if (reason) *reason = "the CUDA runtime reports no device";
    return false;
  }
  return true;
}

// Everything the backend keeps on the device between calls (grow-only buffers, one stream).
struct CudaBackend::Resources {
  cuda_detail::Stream stream;
  cuda_detail::TemporaryStorage temporary;
  // Per uploaded chunk.
  DeviceBuffer<double> voxels;
  DeviceBuffer<unsigned char> mask;
  DeviceBuffer<long long> mask_scan;
  DeviceBuffer<double> values, sorted_values;
  DeviceBuffer<RegionDevice> regions;
  DeviceBuffer<Tile> region_tiles;
  DeviceBuffer<RegionStats> stats;
  DeviceBuffer<long long> value_begin, value_end;
  // Per group of cells.
  DeviceBuffer<CellDevice> cells, texture_cells;
  DeviceBuffer<Tile> tiles, texture_tiles;
  DeviceBuffer<int> bins;
  DeviceBuffer<long long> histogram, level_scan;
  DeviceBuffer<double> level_values;
  DeviceBuffer<CellLevels> levels;
  DeviceBuffer<Offset> offsets;
  DeviceBuffer<long long> steps;
  DeviceBuffer<unsigned char> arenas[cuda_plan::kBufferCount];
  DeviceBuffer<double> features;
  DeviceBuffer<long long> zone_begin, zone_end;

  // Frees the per-group buffers (after an out-of-memory, before retrying smaller groups).
  void release_group_buffers() {
    cells.release();
    texture_cells.release();
    tiles.release();
    texture_tiles.release();
    bins.release();
    histogram.release();
    level_scan.release();
    level_values.release();
    levels.release();
    offsets.release();
    steps.release();
    for (auto& arena : arenas) arena.release();
    features.release();
    zone_begin.release();
    zone_end.release();
    temporary.release();
  }
};

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::string region_label(const RoiBatch& batch, std::size_t region) {
  const std::string& name = batch.region_names[region];
  return "region '" + (name.empty() ? std::to_string(region) : name) + "'";
}

// Offsets of one kind for a tight box (the CPU backends' calls to neighbour_offsets).
std::vector<Offset> offsets_for(const int size_zyx[3], const int* distances, int distance_count,
                                int force2d_dimension, bool bidirectional) {
  const int count = neighbour_offsets(size_zyx, distances, distance_count, force2d_dimension,
                                      bidirectional, nullptr, 0);
  std::vector<Offset> offsets(static_cast<std::size_t>(std::max(count, 0)));
  if (count > 0)
    neighbour_offsets(size_zyx, distances, distance_count, force2d_dimension, bidirectional,
                      offsets.data(), count);
  return offsets;
}

// A cell as the host plans it: its device descriptor and its offset lists.
struct HostCell {
  std::size_t region = 0;  // index in the batch
  std::size_t table_cell = 0;
  CellDevice device;
  std::vector<Offset> glcm, glrlm, neighbours, zones;
};

}  // namespace

CudaBackend::CudaBackend(CudaBackendOptions options) : options_(options) {
  std::string reason;
  if (!cuda_device_available(&reason)) throw InputError("no CUDA device: " + reason);
  int count = 0;
  CUDA_CHECK(cudaGetDeviceCount(&count));
  if (options_.device < 0 || options_.device >= count)
    throw InputError("no CUDA device: device " + std::to_string(options_.device) + " requested, " +
                     std::to_string(count) + " present");
  cuda_detail::DeviceScope scope(options_.device);
  resources_ = std::make_unique<Resources>();
}

CudaBackend::~CudaBackend() {
  if (resources_) {
    try {
      cuda_detail::DeviceScope scope(options_.device);
      resources_.reset();
    } catch (...) {
      // Destructors never throw; the driver reclaims device memory at process exit.
    }
  }
}

namespace {

// The work of one extract() call; split from the class so the helpers share state plainly.
class Extraction {
 public:
  Extraction(CudaBackend::Resources& resources, const CudaBackendOptions& options,
             CudaRunReport& report, const RoiBatch& batch, const std::vector<Settings>& settings,
             const FeatureSelection& features, FeatureTable& table)
      : r_(resources),
        options_(options),
        report_(report),
        batch_(batch),
        settings_(settings),
        features_(features),
        table_(table) {
    for (int c = 0; c < kFeatureClassCount; ++c)
      wanted_[c] = features.any_in_class(static_cast<FeatureClass>(c));
    for (int c = 0, start = 0; c < kFeatureClassCount; ++c) {
      class_start_[c] = start;
      start += feature_count(static_cast<FeatureClass>(c));
    }
    catalogue_size_ = static_cast<int>(feature_catalogue().size());
  }

  void run() {
    std::size_t free_bytes = 0, total_bytes = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    budget_ = options_.memory_budget_bytes > 0
                  ? options_.memory_budget_bytes
                  : cuda_plan::memory_budget(free_bytes, cuda_policy::kMemoryFraction,
                                             cuda_policy::kMemoryReserveBytes);
    budget_ = std::max<long long>(budget_, 1 << 20);
    report_.memory_budget_bytes = budget_;

    std::vector<long long> region_bytes;
    for (const RegionGeometry& g : batch_.regions)
      region_bytes.push_back(cuda_plan::region_upload_bytes(g.voxel_count(), g.voxel_count()));
    // CUB's and our int tile indices stay far from 2^31 with chunks of at most 4 GiB.
    const long long upload_budget = std::min<long long>(
        std::max<long long>(static_cast<long long>(budget_ * cuda_policy::kUploadShare), 1),
        4ll << 30);
    for (const cuda_plan::ItemGroup& chunk :
         cuda_plan::plan_groups(region_bytes, upload_budget, 1u << 20)) {
      if (chunk.oversized) {
        fail_region(chunk.begin, "needs " + megabytes(chunk.bytes) +
                                     " of device memory for its voxels, more than the CUDA "
                                     "backend's budget of " +
                                     megabytes(upload_budget) + "; use the cpu backend");
        continue;
      }
      run_chunk(chunk.begin, chunk.end);
    }
    for (const auto& cell : cpu_fallback_) run_on_cpu(cell.first, cell.second);
  }

 private:
  static std::string megabytes(long long bytes) {
    char text[64];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / kMiB);
    return text;
  }

  void fail_region(std::size_t region, const std::string& reason) {
    for (std::size_t s = 0; s < settings_.size(); ++s)
      table_.errors[table_.cell(region, s)] = region_label(batch_, region) + " " + reason;
  }

  // One region under one setting on the CPU backend (cells beyond the device's limits).
  void run_on_cpu(std::size_t region, std::size_t setting) {
    RoiBatch one;
    const RegionGeometry& g = batch_.regions[region];
    one.add_region(
        batch_.region_names[region].empty() ? std::to_string(region) : batch_.region_names[region],
        g.size_zyx, g.spacing_zyx_mm, batch_.voxels.data() + g.voxel_offset,
        batch_.mask.data() + g.voxel_offset);
    CpuBackend cpu(options_.cpu_threads);
    const FeatureTable result = cpu.extract(one, {settings_[setting]}, features_);
    const std::size_t cell = table_.cell(region, setting);
    for (std::size_t column = 0; column < table_.column_count(); ++column)
      table_.at(region, setting, column) = result.at(0, 0, column);
    table_.errors[cell] = result.errors[0];
    table_.diagnostics[cell] = result.diagnostics[0];
    ++report_.cpu_fallback_cells;
  }

  // Upload regions [begin, end), find their statistics, then run every setting on them.
  void run_chunk(std::size_t begin, std::size_t end) {
    ++report_.upload_chunks;
    cudaStream_t stream = r_.stream.get();
    const long long first_voxel = batch_.regions[begin].voxel_offset;
    const long long last_voxel =
        batch_.regions[end - 1].voxel_offset + batch_.regions[end - 1].voxel_count();
    const long long chunk_voxels = last_voxel - first_voxel;
    const int region_count = static_cast<int>(end - begin);

    r_.voxels.upload(batch_.voxels.data() + first_voxel, chunk_voxels, stream);
    r_.mask.upload(batch_.mask.data() + first_voxel, chunk_voxels, stream);
    std::vector<RegionDevice> regions(region_count);
    std::vector<long long> box_voxels(region_count);
    for (int k = 0; k < region_count; ++k) {
      const RegionGeometry& g = batch_.regions[begin + k];
      regions[k].box_offset = g.voxel_offset - first_voxel;
      for (int a = 0; a < 3; ++a) regions[k].box_size_zyx[a] = g.size_zyx[a];
      box_voxels[k] = g.voxel_count();
    }
    r_.regions.upload(regions.data(), regions.size(), stream);
    const std::vector<Tile> tiles = cuda_plan::plan_tiles(box_voxels, cuda_policy::kTileVoxels);
    r_.region_tiles.upload(tiles.data(), tiles.size(), stream);
    std::vector<RegionStats> stats(region_count);
    for (RegionStats& s : stats) {
      for (int a = 0; a < 3; ++a) {
        s.low_zyx[a] = INT_MAX;
        s.high_zyx[a] = -1;
      }
      s.voxel_count = 0;
      s.first_non_finite = cuda_detail::kNoIndex;
      s.values_offset = 0;
      s.min_value = s.max_value = 0;
    }
    r_.stats.upload(stats.data(), stats.size(), stream);
    cuda_detail::launch_region_stats(r_.regions.data(), r_.region_tiles.data(),
                                     static_cast<int>(tiles.size()), r_.voxels.data(),
                                     r_.mask.data(), r_.stats.data(), stream);
    r_.mask_scan.reserve(chunk_voxels);
    cuda_detail::exclusive_scan_mask(r_.mask.data(), r_.mask_scan.data(), chunk_voxels,
                                     r_.temporary, stream);
    r_.values.reserve(chunk_voxels);
    r_.sorted_values.reserve(chunk_voxels);
    cuda_detail::launch_compact_values(r_.voxels.data(), r_.mask.data(), r_.mask_scan.data(),
                                       chunk_voxels, r_.values.data(), stream);
    r_.value_begin.reserve(region_count);
    r_.value_end.reserve(region_count);
    cuda_detail::launch_value_segments(r_.regions.data(), region_count, r_.mask_scan.data(),
                                       r_.stats.data(), r_.value_begin.data(), r_.value_end.data(),
                                       stream);
    r_.stats.download(stats.data(), stats.size(), stream);
    r_.stream.synchronize();
    long long region_values = 0;
    for (const RegionStats& s : stats) region_values += static_cast<long long>(s.voxel_count);
    cuda_detail::segmented_sort(r_.values.data(), r_.sorted_values.data(), region_values,
                                region_count, r_.value_begin.data(), r_.value_end.data(),
                                r_.temporary, stream);
    cuda_detail::launch_value_ranges(region_count, r_.sorted_values.data(), r_.stats.data(),
                                     stream);
    r_.stats.download(stats.data(), stats.size(), stream);
    r_.stream.synchronize();

    const long long upload_bytes =
        chunk_voxels * static_cast<long long>(sizeof(double) + 1 + sizeof(long long)) +
        2 * region_values * static_cast<long long>(sizeof(double));
    const long long rest = std::max<long long>(budget_ - upload_bytes, 1 << 20);
    for (std::size_t s = 0; s < settings_.size(); ++s) run_setting(begin, stats, s, rest);
  }

  // Plan every cell of the chunk under setting s (errors as the CPU backend words them), then
  // run the computable ones in groups.
  void run_setting(std::size_t begin, const std::vector<RegionStats>& stats, std::size_t s,
                   long long budget) {
    const Settings& settings = settings_[s];
    std::vector<HostCell> cells;
    for (std::size_t k = 0; k < stats.size(); ++k) {
      const std::size_t region = begin + k;
      HostCell cell;
      cell.region = region;
      cell.table_cell = table_.cell(region, s);
      if (plan_cell(stats[k], k, settings, s, cell)) cells.push_back(std::move(cell));
    }
    std::vector<long long> bytes;
    for (const HostCell& c : cells)
      bytes.push_back(cuda_plan::cell_discretised_bytes(
          static_cast<long long>(c.device.padded_size_zyx[0]) * c.device.padded_size_zyx[1] *
              c.device.padded_size_zyx[2],
          c.device.histogram_bins));
    const long long group_budget =
        std::max<long long>(static_cast<long long>(budget * cuda_policy::kDiscretisedShare), 1);
    for (const cuda_plan::ItemGroup& group : cuda_plan::plan_groups(bytes, group_budget, 1u << 20))
      run_group_or_split(cells, group.begin, group.end, budget - group.bytes);
  }

  // Fills cell.device; returns false (with the table's error or a CPU fallback) when the cell is
  // not computed on the device.
  bool plan_cell(const RegionStats& st, std::size_t chunk_index, const Settings& settings,
                 std::size_t setting, HostCell& cell) {
    const std::size_t region = cell.region;
    const RegionGeometry& g = batch_.regions[region];
    RegionDiagnostics& diagnostics = table_.diagnostics[cell.table_cell];
    const long long count = static_cast<long long>(st.voxel_count);
    int size[3];
    for (int a = 0; a < 3; ++a) {
      diagnostics.bounding_box_zyx_start[a] = count ? st.low_zyx[a] : 0;
      size[a] = count ? st.high_zyx[a] - st.low_zyx[a] + 1 : 0;
      diagnostics.bounding_box_zyx_size[a] = size[a];
    }
    diagnostics.voxel_count = count;
    const std::string label = region_label(batch_, region);
    std::string& error = table_.errors[cell.table_cell];
    if (count == 0) {
      error = label + " is empty: no voxel of the mask is set";
      return false;
    }
    if (count == 1) {
      error = label + " has only one voxel; texture features need at least two";
      return false;
    }
    const int dimensions = (size[0] > 1) + (size[1] > 1) + (size[2] > 1);
    if (dimensions < settings.minimum_roi_dimensions) {
      error = label + " spans " + std::to_string(dimensions) +
              " dimension(s), fewer than minimumROIDimensions " +
              std::to_string(settings.minimum_roi_dimensions);
      return false;
    }
    if (settings.minimum_roi_size > 0 && count <= settings.minimum_roi_size) {
      error = label + " has " + std::to_string(count) + " voxels, not more than minimumROISize " +
              std::to_string(settings.minimum_roi_size);
      return false;
    }
    if (st.first_non_finite != cuda_detail::kNoIndex) {
      const long long i = st.first_non_finite;
      const long long plane = static_cast<long long>(g.size_zyx[1]) * g.size_zyx[2];
      const long long z = i / plane, y = (i % plane) / g.size_zyx[2], x = i % g.size_zyx[2];
      const double value = batch_.voxels[g.voxel_offset + i];
      error = label + " contains a " + (std::isnan(value) ? "NaN" : "infinite") +
              " voxel at box index (z, y, x) = (" + std::to_string(z) + ", " + std::to_string(y) +
              ", " + std::to_string(x) + ")";
      return false;
    }
    BinEdges edges;
    if (settings.bin_count > 0) {
      edges = fixed_bin_count_edges(st.min_value, st.max_value, settings.bin_count);
    } else {
      if (!(settings.bin_width > 0.0)) {
        error = "binWidth must be positive (got " + std::to_string(settings.bin_width) + ")";
        return false;
      }
      const double bin_span = (st.max_value - st.min_value) / settings.bin_width + 3.0;
      if (bin_span > static_cast<double>(std::numeric_limits<int>::max() / 2)) {
        error = label + ": binWidth " + std::to_string(settings.bin_width) +
                " gives more bins than the engine can index over the range [" +
                std::to_string(st.min_value) + ", " + std::to_string(st.max_value) + "]";
        return false;
      }
      edges = fixed_bin_width_edges(st.min_value, st.max_value, settings.bin_width);
    }
    const long long histogram_bins = static_cast<long long>(edges.count) + 1;
    const bool distances_ok =
        settings.distance_count >= 1 && settings.distance_count <= kMaxDistances;
    int margin = 1;
    if (distances_ok)
      for (int d = 0; d < settings.distance_count; ++d)
        margin = std::max(margin, settings.distances[d]);
    const int force2d_dimension = settings.force2d ? settings.force2d_dimension : -1;
    const int one = 1;
    if (distances_ok) {
      cell.glcm =
          offsets_for(size, settings.distances, settings.distance_count, force2d_dimension, false);
      cell.glrlm = offsets_for(size, &one, 1, force2d_dimension, false);
      cell.neighbours =
          offsets_for(size, settings.distances, settings.distance_count, force2d_dimension, true);
      cell.zones = offsets_for(size, &one, 1, force2d_dimension, false);
    }
    if (!distances_ok || histogram_bins > cuda_policy::kMaxDeviceHistogramBins ||
        static_cast<long long>(cell.glcm.size()) > cuda_policy::kMaxDeviceOffsets ||
        static_cast<long long>(cell.neighbours.size()) > cuda_policy::kMaxDeviceOffsets ||
        margin > 64) {
      cpu_fallback_.emplace_back(region, setting);
      return false;
    }

    CellDevice& d = cell.device;
    d.status = cuda_detail::kComputed;
    d.region = static_cast<int>(chunk_index);
    d.box_offset = g.voxel_offset - batch_.regions[cell.region - chunk_index].voxel_offset;
    for (int a = 0; a < 3; ++a) {
      d.box_size_zyx[a] = g.size_zyx[a];
      d.tight_start_zyx[a] = st.low_zyx[a];
      d.tight_size_zyx[a] = size[a];
      d.padded_size_zyx[a] = size[a] + 2 * margin;
      d.spacing_zyx_mm[a] = g.spacing_zyx_mm[a];
    }
    d.margin = margin;
    d.tight_voxels = static_cast<long long>(size[0]) * size[1] * size[2];
    d.values_offset = st.values_offset;
    d.voxel_count = count;
    d.histogram_bins = static_cast<int>(histogram_bins);
    d.edges = edges;
    d.max_run = std::max(size[0], std::max(size[1], size[2]));
    // x * y * z, in the order numpy.multiply.reduce(GetSpacing()) multiplies (as the CPU).
    d.voxel_volume_mm3 = g.spacing_zyx_mm[2] * g.spacing_zyx_mm[1] * g.spacing_zyx_mm[0];
    d.voxel_array_shift = settings.voxel_array_shift;
    d.weighting_norm = static_cast<int>(settings.weighting_norm);
    d.symmetrical_glcm = settings.symmetrical_glcm ? 1 : 0;
    d.gldm_a = settings.gldm_a;
    return true;
  }

  // Run cells [begin, end); when the device runs out of memory, free the group buffers and run
  // the two halves; a single cell that does not fit gets a clear error.
  void run_group_or_split(std::vector<HostCell>& cells, std::size_t begin, std::size_t end,
                          long long texture_budget) {
    try {
      run_group(cells, begin, end, std::max<long long>(texture_budget, 1 << 20));
    } catch (const DeviceOutOfMemory& oom) {
      r_.release_group_buffers();
      r_.stream.synchronize();
      ++report_.out_of_memory_splits;
      if (end - begin == 1) {
        table_.errors[cells[begin].table_cell] =
            region_label(batch_, cells[begin].region) +
            " does not fit in device memory under this setting (" + oom.what() +
            "); use the cpu backend";
        return;
      }
      const std::size_t middle = begin + (end - begin) / 2;
      run_group_or_split(cells, begin, middle, texture_budget);
      run_group_or_split(cells, middle, end, texture_budget);
    }
  }

  GroupArgs base_args() const {
    GroupArgs args;
    args.voxels = r_.voxels.data();
    args.mask = r_.mask.data();
    args.values = r_.values.data();
    args.sorted_values = r_.sorted_values.data();
    for (int c = 0; c < kFeatureClassCount; ++c) args.class_start[c] = class_start_[c];
    return args;
  }

  void run_group(std::vector<HostCell>& cells, std::size_t begin, std::size_t end,
                 long long texture_budget) {
    ++report_.cell_groups;
    cudaStream_t stream = r_.stream.get();
    const int count = static_cast<int>(end - begin);
    long long bins_total = 0, histogram_total = 0;
    std::vector<CellDevice> devices(count);
    std::vector<long long> tight(count);
    for (int k = 0; k < count; ++k) {
      CellDevice& d = cells[begin + k].device;
      d.bins_offset = bins_total;
      d.histogram_offset = histogram_total;
      d.feature_offset = static_cast<long long>(k) * catalogue_size_;
      bins_total += static_cast<long long>(d.padded_size_zyx[0]) * d.padded_size_zyx[1] *
                    d.padded_size_zyx[2];
      histogram_total += d.histogram_bins;
      devices[k] = d;
      tight[k] = d.tight_voxels;
    }
    const std::vector<Tile> tiles = cuda_plan::plan_tiles(tight, cuda_policy::kTileVoxels);
    r_.cells.upload(devices.data(), devices.size(), stream);
    r_.tiles.upload(tiles.data(), tiles.size(), stream);
    r_.bins.zero(bins_total, stream);
    r_.histogram.zero(histogram_total, stream);
    r_.level_scan.reserve(histogram_total);
    r_.level_values.reserve(histogram_total);
    r_.levels.reserve(count);
    r_.features.zero(static_cast<std::size_t>(count) * catalogue_size_, stream);

    GroupArgs args = base_args();
    args.cells = r_.cells.data();
    args.cell_count = count;
    args.tiles = r_.tiles.data();
    args.tile_count = static_cast<int>(tiles.size());
    args.bins = r_.bins.data();
    args.histogram = r_.histogram.data();
    args.level_scan = r_.level_scan.data();
    args.level_values = r_.level_values.data();
    args.levels = r_.levels.data();
    args.features = r_.features.data();
    int largest_histogram = 0;
    for (const CellDevice& d : devices)
      largest_histogram = std::max(largest_histogram, d.histogram_bins);
    args.shared_bytes = static_cast<int>(
        std::min<long long>(4ll * largest_histogram, cuda_policy::kSharedMatrixBytes));
    cuda_detail::launch_discretise(args, stream);
    cuda_detail::exclusive_scan_present(r_.histogram.data(), r_.level_scan.data(), histogram_total,
                                        r_.temporary, stream);
    cuda_detail::launch_gray_levels(args, stream);
    std::vector<CellLevels> levels(count);
    r_.levels.download(levels.data(), levels.size(), stream);
    r_.stream.synchronize();

    for (int k = 0; k < count; ++k) {
      HostCell& cell = cells[begin + k];
      CellDevice& d = cell.device;
      d.gray_levels = levels[k].gray_levels;
      d.max_bin = levels[k].max_bin;
      if (d.gray_levels > kMaxPresentGrayLevels) {
        table_.errors[cell.table_cell] =
            region_label(batch_, cell.region) + " has " + std::to_string(d.gray_levels) +
            " grey levels after discretisation, more than the " +
            std::to_string(kMaxPresentGrayLevels) +
            " the engine supports; use a larger binWidth or a binCount";
        d.status = cuda_detail::kSkipped;
      } else {
        table_.diagnostics[cell.table_cell].gray_level_max = d.max_bin;
      }
      devices[k] = d;
    }
    r_.cells.upload(devices.data(), devices.size(), stream);
    if (wanted_[static_cast<int>(FeatureClass::firstorder)])
      cuda_detail::launch_firstorder(args, stream);

    // Texture matrices, in sub-groups that fit the rest of the budget.
    std::vector<long long> footprint_bytes(count);
    std::vector<cuda_plan::Footprint> footprints(count);
    for (int k = 0; k < count; ++k) {
      footprints[k] = cuda_plan::cell_footprint(shape_of(cells[begin + k]));
      footprint_bytes[k] = cuda_plan::footprint_bytes(footprints[k]);
    }
    if (any_texture_class())
      for (const cuda_plan::ItemGroup& sub :
           cuda_plan::plan_groups(footprint_bytes, texture_budget, 1u << 20)) {
        // An oversized sub-group is tried anyway: out of memory then splits or reports it.
        run_textures(cells, begin, sub.begin, sub.end, footprints, args);
      }

    std::vector<double> rows(static_cast<std::size_t>(count) * catalogue_size_);
    r_.features.download(rows.data(), rows.size(), stream);
    r_.stream.synchronize();
    for (int k = 0; k < count; ++k) {
      const HostCell& cell = cells[begin + k];
      if (cell.device.status != cuda_detail::kComputed) continue;
      const double* row = rows.data() + static_cast<std::size_t>(k) * catalogue_size_;
      for (std::size_t column = 0; column < table_.column_count(); ++column)
        table_.values[cell.table_cell * table_.column_count() + column] =
            row[table_.feature_indices[column]];
    }
  }

  bool any_texture_class() const {
    for (int c = 1; c < kFeatureClassCount; ++c)
      if (wanted_[c]) return true;
    return false;
  }

  cuda_plan::CellShape shape_of(const HostCell& cell) const {
    cuda_plan::CellShape shape;
    if (cell.device.status != cuda_detail::kComputed) return shape;
    shape.tight_voxels = cell.device.tight_voxels;
    shape.region_voxels = cell.device.voxel_count;
    shape.gray_levels = cell.device.gray_levels;
    shape.max_bin = cell.device.max_bin;
    shape.max_run = cell.device.max_run;
    shape.glcm_angles = static_cast<int>(cell.glcm.size());
    shape.glrlm_angles = static_cast<int>(cell.glrlm.size());
    shape.neighbours = static_cast<int>(cell.neighbours.size());
    shape.glcm = wanted_[static_cast<int>(FeatureClass::glcm)];
    shape.glrlm = wanted_[static_cast<int>(FeatureClass::glrlm)];
    shape.glszm = wanted_[static_cast<int>(FeatureClass::glszm)];
    shape.gldm = wanted_[static_cast<int>(FeatureClass::gldm)];
    shape.ngtdm = wanted_[static_cast<int>(FeatureClass::ngtdm)];
    return shape;
  }

  // Texture classes of group cells [begin + sub_begin, begin + sub_end).
  void run_textures(std::vector<HostCell>& cells, std::size_t begin, std::size_t sub_begin,
                    std::size_t sub_end, const std::vector<cuda_plan::Footprint>& footprints,
                    const GroupArgs& group_args) {
    ++report_.texture_groups;
    cudaStream_t stream = r_.stream.get();
    const int count = static_cast<int>(sub_end - sub_begin);
    const std::vector<cuda_plan::Footprint> sub_footprints(footprints.begin() + sub_begin,
                                                           footprints.begin() + sub_end);
    const cuda_plan::ArenaLayout layout = cuda_plan::layout_arenas(sub_footprints);
    std::vector<CellDevice> devices(count);
    std::vector<Offset> offsets;
    std::vector<long long> steps;
    std::vector<long long> tight(count);
    int max_glcm_angles = 0, max_glrlm_angles = 0;
    long long largest_private_glcm = 0;
    auto append = [&](const std::vector<Offset>& list, const CellDevice& d) {
      cuda_detail::OffsetRange range;
      range.begin = static_cast<int>(offsets.size());
      range.count = static_cast<int>(list.size());
      for (const Offset& o : list) {
        offsets.push_back(o);
        steps.push_back((static_cast<long long>(o.dz) * d.padded_size_zyx[1] + o.dy) *
                            d.padded_size_zyx[2] +
                        o.dx);
      }
      return range;
    };
    for (int k = 0; k < count; ++k) {
      const HostCell& cell = cells[begin + sub_begin + k];
      CellDevice d = cell.device;
      for (int b = 0; b < cuda_plan::kBufferCount; ++b) d.buffer_offset[b] = layout.offsets[k][b];
      d.glcm_offsets = append(cell.glcm, d);
      d.glrlm_offsets = append(cell.glrlm, d);
      d.neighbour_offsets = append(cell.neighbours, d);
      d.zone_offsets = append(cell.zones, d);
      devices[k] = d;
      const bool computed = d.status == cuda_detail::kComputed;
      tight[k] = computed ? d.tight_voxels : 0;
      if (computed) {
        max_glcm_angles = std::max(max_glcm_angles, d.glcm_offsets.count);
        max_glrlm_angles = std::max(max_glrlm_angles, d.glrlm_offsets.count);
        const long long glcm_bytes = 4ll * d.glcm_offsets.count * d.gray_levels * d.gray_levels;
        if (d.tight_voxels <= cuda_policy::kTileVoxels &&
            cuda_plan::fits_in_shared(glcm_bytes, cuda_policy::kSharedMatrixBytes))
          largest_private_glcm = std::max(largest_private_glcm, glcm_bytes);
      }
    }
    const std::vector<Tile> tiles = cuda_plan::plan_tiles(tight, cuda_policy::kTileVoxels);
    r_.texture_cells.upload(devices.data(), devices.size(), stream);
    r_.texture_tiles.upload(tiles.data(), tiles.size(), stream);
    r_.offsets.upload(offsets.data(), offsets.size(), stream);
    r_.steps.upload(steps.data(), steps.size(), stream);
    GroupArgs args = group_args;
    args.cells = r_.texture_cells.data();
    args.cell_count = count;
    args.tiles = r_.texture_tiles.data();
    args.tile_count = static_cast<int>(tiles.size());
    args.offsets = r_.offsets.data();
    args.steps = r_.steps.data();
    args.levels = nullptr;  // rows and levels are indexed by group cell, not sub-group cell
    long long labels_total = layout.totals[static_cast<int>(cuda_plan::Buffer::glszm_labels)];
    for (int b = 0; b < cuda_plan::kBufferCount; ++b) {
      const auto buffer = static_cast<cuda_plan::Buffer>(b);
      long long elements = layout.totals[b];
      // The root scan reads one flag past the last label; keep one more key and index.
      if (buffer == cuda_plan::Buffer::glszm_keys || buffer == cuda_plan::Buffer::glszm_root_index)
        elements += 1;
      const std::size_t bytes =
          static_cast<std::size_t>(elements) * cuda_plan::buffer_element_bytes(buffer);
      r_.arenas[b].zero(bytes, stream);
      args.buffers[b] = r_.arenas[b].data();
    }
    if (wanted_[static_cast<int>(FeatureClass::glcm)]) {
      args.shared_bytes = static_cast<int>(largest_private_glcm);
      cuda_detail::launch_glcm(args, max_glcm_angles, stream);
      args.shared_bytes = 0;
    }
    if (wanted_[static_cast<int>(FeatureClass::glrlm)])
      cuda_detail::launch_glrlm(args, max_glrlm_angles, stream);
    if (wanted_[static_cast<int>(FeatureClass::glszm)]) {
      r_.zone_begin.reserve(count);
      r_.zone_end.reserve(count);
      cuda_detail::launch_glszm(args, labels_total, r_.zone_begin.data(), r_.zone_end.data(),
                                r_.temporary, stream);
    }
    if (wanted_[static_cast<int>(FeatureClass::gldm)]) cuda_detail::launch_gldm(args, stream);
    if (wanted_[static_cast<int>(FeatureClass::ngtdm)]) cuda_detail::launch_ngtdm(args, stream);
    // The arenas are reused by the next sub-group: wait before they are cleared.
    r_.stream.synchronize();
  }

  CudaBackend::Resources& r_;
  const CudaBackendOptions& options_;
  CudaRunReport& report_;
  const RoiBatch& batch_;
  const std::vector<Settings>& settings_;
  const FeatureSelection& features_;
  FeatureTable& table_;
  bool wanted_[kFeatureClassCount] = {};
  int class_start_[kFeatureClassCount] = {};
  int catalogue_size_ = 0;
  long long budget_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> cpu_fallback_;
};

}  // namespace

FeatureTable CudaBackend::extract(const RoiBatch& batch, const std::vector<Settings>& settings,
                                  const FeatureSelection& features) {
  FeatureTable table(batch.size(), settings.size(), features.enabled_indices());
  report_ = CudaRunReport{};
  if (batch.size() == 0 || settings.empty()) return table;
  cuda_detail::DeviceScope scope(options_.device);
  cuda_detail::Event start, stop;
  start.record(resources_->stream.get());
  Extraction(*resources_, options_, report_, batch, settings, features, table).run();
  stop.record(resources_->stream.get());
  stop.synchronize();
  report_.device_milliseconds = stop.milliseconds_since(start);
  return table;
}

}  // namespace doseomics
