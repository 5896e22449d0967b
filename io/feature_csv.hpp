// The results CSV: input columns, PyRadiomics' diagnostics, feature columns, error.
//
// Header: the input columns (Image, Mask, and any others of a batch CSV, in input order);
// `BinWidth` when several settings (a bin-width sweep) are extracted; then, when diagnostics are
// on, diagnostics_Mask-original_VoxelNum, diagnostics_Mask-original_BoundingBox and
// diagnostics_Image-original_Spacing; then the FeatureTable's columns with PyRadiomics' names;
// then `error` (always present, empty for a good row). One row per case and setting.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "io/image_region.hpp"
#include "kernels/core/feature_table.hpp"
#include "kernels/core/settings.hpp"

namespace doseomics {

struct CaseResult {
  std::vector<std::string> input_values;  // one per input column
  bool loaded = false;                    // the region is in the batch; `source` is valid
  RegionSource source;
  std::string load_error;  // why the case could not be loaded
};

struct FeatureCsvOptions {
  bool diagnostics = true;        // PyRadiomics' additionalInfo
  bool bin_width_column = false;  // add `BinWidth` (a bin-width sweep)
};

// Write the header and one row per case x setting, cases in order. Values use the shortest text
// that reads back to the same double (as Python prints floats: 825.2354363065023, 6.5, 1e-05);
// NaN is written `nan`. Cells of a case that failed are empty and the error is in `error`.
void write_feature_csv(std::ostream& out, const std::vector<std::string>& input_columns,
                       const std::vector<CaseResult>& cases, const FeatureTable& table,
                       const std::vector<Settings>& settings, const FeatureCsvOptions& options);

// A double as Python's repr() prints it (shortest round-trip text; "1.0", "nan", "1e-05").
std::string python_float(double value);

}  // namespace doseomics
