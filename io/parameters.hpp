// PyRadiomics parameter files (YAML/JSON: `setting:`, `featureClass:`, `imageType:`) and
// `-s key:value` overrides, read into the engine's Settings and FeatureSelection.
//
// Semantics follow PyRadiomics 3.1 (featureextractor.py, schemas/paramSchema.yaml):
// - no `featureClass` section, or `featureClass: {}`: every class the engine implements
//   (firstorder, glcm, gldm, glrlm, glszm, ngtdm). Shape is not implemented yet, so naming
//   `shape` or `shape2D` is an error (its columns would be missing).
// - `glcm:` (null) or `glcm: []`: the whole class, deprecated features excluded;
//   `glcm: [Contrast, Idm]`: only those features (a deprecated one may be named).
// - `imageType`: only `Original` (with no custom settings).
// - settings the engine does not implement are accepted only at their no-op value
//   (e.g. `normalize: false`, `resampledPixelSpacing:` null); anything else is an InputError that
//   names the file (or the -s option) and the key. Nothing is silently ignored.
#pragma once

#include <string>
#include <vector>

#include "kernels/core/feature_names.hpp"
#include "kernels/core/settings.hpp"

namespace doseomics {

struct ExtractionParameters {
  Settings settings;
  FeatureSelection features = FeatureSelection::defaults();
  // PyRadiomics `additionalInfo`: write the diagnostics_* columns.
  bool additional_info = true;
  // Notes for the user (e.g. a deprecated feature that PyRadiomics computes no value for).
  std::vector<std::string> warnings;

  // Resampling bookkeeping: PyRadiomics resamples when both are non-null (interpolator defaults
  // to sitkBSpline). Kept so that a later override can be checked against the file.
  bool interpolator_set = true;
  bool resampled_spacing_set = false;
};

// Defaults of PyRadiomics' extractor: all six implemented classes, binWidth 25, label 1, ...
ExtractionParameters default_parameters();

// Read a parameter file (YAML or JSON). Throws InputError naming the file and the key on an
// unreadable file, a syntax error, an unknown or unsupported setting, value, image type, class or
// feature.
ExtractionParameters read_parameter_file(const std::string& path);
// The same from text already in memory; `origin` names it in error messages.
ExtractionParameters parse_parameters(const std::string& yaml_text, const std::string& origin);

// Apply one `-s key:value` override, typed as PyRadiomics' paramSchema types it: lists are
// comma-separated ("distances:1,2"), booleans "true"/"1" or "false"/"0", an empty value is null.
// Throws InputError naming "-s key:value" and the key.
void apply_setting_override(ExtractionParameters& parameters, const std::string& key_value);

// `--bin-widths 5,10,25`: positive numbers, comma-separated. Throws InputError.
std::vector<double> parse_bin_widths(const std::string& list);

// One Settings per bin width (binWidth replaced); `widths` empty gives {settings}.
// Throws InputError when widths are given while binCount is set.
std::vector<Settings> expand_bin_widths(const Settings& settings,
                                        const std::vector<double>& widths);

}  // namespace doseomics
