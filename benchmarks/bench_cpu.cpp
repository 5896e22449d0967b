// CPU backend benchmark: feature computation alone (no file reading) for
//   (a) brain1 with all six classes (full builds only: the image is read through ITK first), and
//   (b) a seeded batch of small regions (50-5,000 voxels),
// on 1 thread and on every thread. With --pyradiomics-json it prints the ratio to PyRadiomics'
// single-thread time measured by benchmarks/bench_pyradiomics.py on the same inputs.
//
//   bench_cpu --write-regions regions.bin [--count 1000] [--seed 2022]
//   bench_cpu [--count 1000] [--seed 2022] [--repeat 3] [--pyradiomics-json py.json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "synthetic_regions.hpp"
#ifdef DOSEOMICS_BENCH_HAVE_IO
#include "io/image_region.hpp"
#endif

using namespace doseomics;

namespace {

// Median wall time of `repeat` runs, in seconds.
double median_seconds(int repeat, const std::function<void()>& run) {
  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// A number after "key": in a flat JSON text (the PyRadiomics script's output); NaN if absent.
double json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\"");
  if (at == std::string::npos) return std::nan("");
  const auto colon = json.find(':', at);
  return std::strtod(json.c_str() + colon + 1, nullptr);
}

struct Measurement {
  std::string name;
  double regions = 0, voxels = 0, seconds_one_thread = 0, seconds_all_threads = 0;
};

Measurement measure(const std::string& name, const RoiBatch& batch, const Settings& settings,
                    int repeat) {
  Measurement m;
  m.name = name;
  m.regions = static_cast<double>(batch.size());
  for (const auto& region : batch.regions) {
    const std::uint8_t* mask = batch.mask.data() + region.voxel_offset;
    for (std::int64_t i = 0; i < region.voxel_count(); ++i) m.voxels += mask[i];
  }
  const FeatureSelection features = FeatureSelection::defaults();
  CpuBackend one(1), all(0);
  const FeatureTable check = one.extract(batch, {settings}, features);
  for (const auto& error : check.errors)
    if (!error.empty()) std::fprintf(stderr, "warning: %s: %s\n", name.c_str(), error.c_str());
  m.seconds_one_thread = median_seconds(repeat, [&] { one.extract(batch, {settings}, features); });
  m.seconds_all_threads = median_seconds(repeat, [&] { all.extract(batch, {settings}, features); });
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 1000, repeat = 3;
  std::uint32_t seed = 2022;
  std::string write_path, pyradiomics_json;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (arg == "--count") count = std::stoi(next());
    else if (arg == "--seed") seed = static_cast<std::uint32_t>(std::stoul(next()));
    else if (arg == "--repeat") repeat = std::stoi(next());
    else if (arg == "--write-regions") write_path = next();
    else if (arg == "--pyradiomics-json") pyradiomics_json = next();
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 1;
    }
  }
  const RoiBatch small = bench::make_small_regions(count, seed);
  if (!write_path.empty()) {
    bench::write_regions(small, write_path);
    std::printf("wrote %zu regions to %s\n", small.size(), write_path.c_str());
    return 0;
  }

  // The settings PyRadiomics' baseline uses (and the Python benchmark runs).
  Settings settings;
  settings.bin_width = 25;
  settings.voxel_array_shift = 2000;
  settings.minimum_roi_dimensions = 1;

  std::vector<Measurement> results;
#ifdef DOSEOMICS_BENCH_HAVE_IO
  {
    RoiBatch brain1;
    const std::string data = std::string(DOSEOMICS_SHARED_DATA_DIR) + "/pyradiomics/data/";
    add_image_region(brain1, data + "brain1_image.nrrd", data + "brain1_label.nrrd", 1, "brain1");
    // One region cannot use more than one thread; repeat it to measure throughput on all threads.
    results.push_back(measure("brain1 (1 region, 4,137 voxels)", brain1, settings, repeat * 3));
  }
#endif
  results.push_back(measure(std::to_string(small.size()) + " small regions (50-5,000 voxels)",
                            small, settings, repeat));

  std::string json;
  if (!pyradiomics_json.empty()) {
    std::ifstream in(pyradiomics_json);
    std::stringstream text;
    text << in.rdbuf();
    json = text.str();
  }
  const double py_brain1 = json_number(json, "brain1_seconds");
  const double py_small = json_number(json, "regions_total_seconds");
  std::printf("threads available: %u\n", std::thread::hardware_concurrency());
  std::printf("%-40s %10s %12s %12s %12s %12s %10s %10s\n", "workload", "regions", "voxels",
              "1 thread s", "all thr. s", "regions/s", "x PyRad 1t", "x PyRad all");
  for (const auto& m : results) {
    const double py = m.name.rfind("brain1", 0) == 0 ? py_brain1 : py_small;
    std::printf("%-40s %10.0f %12.0f %12.6f %12.6f %12.1f %10.1f %10.1f\n", m.name.c_str(),
                m.regions, m.voxels, m.seconds_one_thread, m.seconds_all_threads,
                m.regions / m.seconds_all_threads, py / m.seconds_one_thread,
                py / m.seconds_all_threads);
  }
  return 0;
}
