#include "cpu_backend.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "prepare_region.hpp"
#include "texture_classes.hpp"

namespace doseomics {
namespace {

// Compute every enabled class of one region under one setting into the table's cell.
void extract_cell(const RoiBatch& batch, std::size_t region_index, const Settings& settings,
                  std::size_t setting_index, const FeatureSelection& features,
                  FeatureTable& table) {
  const std::size_t cell = table.cell(region_index, setting_index);
  try {
    PreparedRegion region = prepare_region(batch, region_index, settings);
    table.diagnostics[cell] = region.diagnostics;

    // One scratch row holding every class's features, indexed like the catalogue.
    const auto& catalogue = feature_catalogue();
    std::vector<double> all_features(catalogue.size(), 0.0);
    int class_start[kFeatureClassCount] = {};
    for (int c = 0, start = 0; c < kFeatureClassCount; ++c) {
      class_start[c] = start;
      start += feature_count(static_cast<FeatureClass>(c));
    }
    auto wanted = [&](FeatureClass c) { return features.any_in_class(c); };
    auto slot = [&](FeatureClass c) {
      return all_features.data() + class_start[static_cast<int>(c)];
    };

    if (wanted(FeatureClass::firstorder))
      compute_firstorder_features(region, settings, slot(FeatureClass::firstorder));
    if (wanted(FeatureClass::glcm))
      compute_glcm_features(region.view, settings, slot(FeatureClass::glcm));
    if (wanted(FeatureClass::gldm))
      compute_gldm_features(region.view, settings, slot(FeatureClass::gldm));
    if (wanted(FeatureClass::glrlm))
      compute_glrlm_features(region.view, settings, slot(FeatureClass::glrlm));
    if (wanted(FeatureClass::glszm))
      compute_glszm_features(region.view, settings, slot(FeatureClass::glszm));
    if (wanted(FeatureClass::ngtdm))
      compute_ngtdm_features(region.view, settings, slot(FeatureClass::ngtdm));

    for (std::size_t column = 0; column < table.column_count(); ++column)
      table.at(region_index, setting_index, column) = all_features[table.feature_indices[column]];
  } catch (const std::exception& error) {
    // One bad region never stops the batch: its cell carries the error and NaN values.
    table.errors[cell] = error.what();
  }
}

}  // namespace

CpuBackend::CpuBackend(unsigned thread_count) : thread_count_(thread_count) {
  if (thread_count_ == 0) thread_count_ = std::max(1u, std::thread::hardware_concurrency());
}

FeatureTable CpuBackend::extract(const RoiBatch& batch, const std::vector<Settings>& settings,
                                 const FeatureSelection& features) {
  FeatureTable table(batch.size(), settings.size(), features.enabled_indices());
  const std::size_t cells = batch.size() * settings.size();
  // Work is handed out cell by cell so a few large regions do not leave threads idle.
  std::atomic<std::size_t> next_cell{0};
  auto worker = [&]() {
    for (std::size_t cell = next_cell++; cell < cells; cell = next_cell++) {
      const std::size_t region = cell / settings.size();
      const std::size_t setting = cell % settings.size();
      extract_cell(batch, region, settings[setting], setting, features, table);
    }
  };
  const unsigned threads =
      static_cast<unsigned>(std::min<std::size_t>(thread_count_, std::max<std::size_t>(cells, 1)));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& thread : pool) thread.join();
  }
  return table;
}

}  // namespace doseomics
