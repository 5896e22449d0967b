// CUDA backend benchmark, against the CPU backend (all threads) in the same run and against
// PyRadiomics' single-thread time per region (from benchmarks/bench_pyradiomics.py --json):
//   (a) the seed-study batch: 3,780 regions of 50-5,000 voxels (make_small_regions), binWidth 25;
//   (b) the same batch under 10 bin widths in one call (a sweep reuses the uploaded voxels);
//   (c) 100 regions of about 200,000 voxels.
// GPU time is cudaEvent time of the whole extract() (uploads, kernels, downloads); bytes/s counts
// the region boxes' voxels (8 B) and mask (1 B) once per setting, compared with the device's
// measured cudaMemcpy device-to-device bandwidth (read + write).
//
//   bench_cuda [--count 3780] [--seed 2022] [--repeat 3] [--large-count 100]
//              [--large-voxels 200000] [--pyradiomics-json py.json] [--skip-cpu-large]
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/cuda/cuda_backend.hpp"
#include "synthetic_regions.hpp"

using namespace doseomics;

namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(status));
    std::exit(2);
  }
}

// Device-to-device cudaMemcpy bandwidth in bytes/s (read + write counted), 256 MiB, best of 5.
double measure_copy_bandwidth() {
  const std::size_t bytes = 256u << 20;
  void *a = nullptr, *b = nullptr;
  check(cudaMalloc(&a, bytes), "cudaMalloc");
  check(cudaMalloc(&b, bytes), "cudaMalloc");
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  float best = 1e30f;
  for (int r = 0; r < 5; ++r) {
    check(cudaEventRecord(start), "cudaEventRecord");
    check(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice), "cudaMemcpy");
    check(cudaEventRecord(stop), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    best = std::min(best, ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(a);
  cudaFree(b);
  return 2.0 * static_cast<double>(bytes) / (best / 1e3);
}

double json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\"");
  if (at == std::string::npos) return std::nan("");
  return std::strtod(json.c_str() + json.find(':', at) + 1, nullptr);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Workload {
  std::string name;
  const RoiBatch* batch;
  std::vector<Settings> settings;
  bool run_cpu;
};

}  // namespace

int main(int argc, char** argv) {
  int count = 3780, repeat = 3, large_count = 100, large_voxels = 200000;
  std::uint32_t seed = 2022;
  bool skip_cpu_large = false;
  std::string pyradiomics_json;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (arg == "--count")
      count = std::stoi(next());
    else if (arg == "--seed")
      seed = static_cast<std::uint32_t>(std::stoul(next()));
    else if (arg == "--repeat")
      repeat = std::stoi(next());
    else if (arg == "--large-count")
      large_count = std::stoi(next());
    else if (arg == "--large-voxels")
      large_voxels = std::stoi(next());
    else if (arg == "--pyradiomics-json")
      pyradiomics_json = next();
    else if (arg == "--skip-cpu-large")
      skip_cpu_large = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 1;
    }
  }
  std::string reason;
  if (!cuda_device_available(&reason)) {
    std::fprintf(stderr, "no CUDA device: %s\n", reason.c_str());
    return 2;
  }
  cudaDeviceProp properties{};
  check(cudaGetDeviceProperties(&properties, 0), "cudaGetDeviceProperties");
  const double copy_bandwidth = measure_copy_bandwidth();
  std::printf("device: %s, %d SMs; measured cudaMemcpy D2D bandwidth %.1f GB/s\n", properties.name,
              properties.multiProcessorCount, copy_bandwidth / 1e9);
  std::printf("CPU threads: %u\n", std::thread::hardware_concurrency());

  double py_region_seconds = std::nan("");
  if (!pyradiomics_json.empty()) {
    std::ifstream in(pyradiomics_json);
    std::stringstream text;
    text << in.rdbuf();
    py_region_seconds = json_number(text.str(), "regions_mean_seconds");
    if (std::isnan(py_region_seconds))
      py_region_seconds = json_number(text.str(), "region_mean_seconds");
    std::printf(
        "PyRadiomics 3.1.0, 1 thread: %.5f s per region (from %s, measured by "
        "bench_pyradiomics.py on the machine that wrote it)\n",
        py_region_seconds, pyradiomics_json.c_str());
  }

  Settings base;
  base.bin_width = 25;
  base.voxel_array_shift = 2000;
  base.minimum_roi_dimensions = 1;
  std::vector<Settings> sweep;
  for (int k = 1; k <= 10; ++k) {
    Settings s = base;
    s.bin_width = 5.0 * k;
    sweep.push_back(s);
  }
  const RoiBatch small = bench::make_small_regions(count, seed);
  const RoiBatch large =
      bench::make_small_regions(large_count, seed + 1, static_cast<int>(large_voxels * 0.9),
                                static_cast<int>(large_voxels * 1.1));
  const std::vector<Workload> workloads = {
      {std::to_string(small.size()) + " regions 50-5,000 voxels", &small, {base}, true},
      {std::to_string(small.size()) + " regions x 10 bin widths", &small, sweep, true},
      {std::to_string(large.size()) + " regions ~" + std::to_string(large_voxels) + " voxels",
       &large,
       {base},
       !skip_cpu_large}};

  const FeatureSelection features = FeatureSelection::defaults();
  CudaBackend gpu;
  CpuBackend cpu(0);
  std::printf("\n%-34s %8s %12s %10s %10s %12s %12s %10s %8s %9s %9s\n", "workload", "cells",
              "voxels", "GPU ms", "wall ms", "regions/s", "voxels/s", "GB/s", "% copy", "x CPU all",
              "x PyRad");
  for (const Workload& w : workloads) {
    double voxels = 0, box_bytes = 0;
    for (const RegionGeometry& g : w.batch->regions) {
      const std::uint8_t* mask = w.batch->mask.data() + g.voxel_offset;
      for (std::int64_t i = 0; i < g.voxel_count(); ++i) voxels += mask[i];
      box_bytes += 9.0 * static_cast<double>(g.voxel_count());
    }
    const double settings = static_cast<double>(w.settings.size());
    const FeatureTable warm = gpu.extract(*w.batch, w.settings, features);  // warm-up
    std::size_t errors = 0;
    for (const auto& e : warm.errors) errors += !e.empty();
    std::vector<double> gpu_ms, wall_ms;
    for (int r = 0; r < repeat; ++r) {
      const auto start = std::chrono::steady_clock::now();
      gpu.extract(*w.batch, w.settings, features);
      wall_ms.push_back(seconds_since(start) * 1e3);
      gpu_ms.push_back(gpu.last_run().device_milliseconds);
    }
    std::sort(gpu_ms.begin(), gpu_ms.end());
    std::sort(wall_ms.begin(), wall_ms.end());
    const double g = gpu_ms[gpu_ms.size() / 2] / 1e3, wall = wall_ms[wall_ms.size() / 2] / 1e3;
    double cpu_seconds = std::nan("");
    if (w.run_cpu) {
      const auto start = std::chrono::steady_clock::now();
      cpu.extract(*w.batch, w.settings, features);
      cpu_seconds = seconds_since(start);
    }
    const double regions = static_cast<double>(w.batch->size());
    const double bytes_per_second = box_bytes * settings / g;
    std::printf("%-34s %8.0f %12.0f %10.2f %10.2f %12.1f %12.3g %10.2f %8.2f %9.1f %9.0f\n",
                w.name.c_str(), regions * settings, voxels, g * 1e3, wall * 1e3,
                regions * settings / g, voxels * settings / g, bytes_per_second / 1e9,
                100.0 * bytes_per_second / copy_bandwidth, cpu_seconds / wall,
                py_region_seconds * regions * settings / wall);
    std::printf(
        "  chunks %d, cell groups %d, texture groups %d, OOM splits %d, CPU-fallback "
        "cells %lld, cells with errors %zu\n",
        gpu.last_run().upload_chunks, gpu.last_run().cell_groups, gpu.last_run().texture_groups,
        gpu.last_run().out_of_memory_splits, gpu.last_run().cpu_fallback_cells, errors);
  }
  std::printf(
      "\nratios use wall time of the GPU call; x PyRad assumes PyRadiomics' per-region time "
      "is the same for every region size and setting (it is measured on the 50-5,000 "
      "voxel batch)\n");
  return 0;
}
