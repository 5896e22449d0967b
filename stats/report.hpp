// The study report: one self-contained HTML page (figures as inline SVG, no scripts, no external
// files) for a clinical reader, and CSV tables of every number behind it so anyone can recompute.
//
//   REPORT/index.html
//   REPORT/tables/deltas.csv          patient,sequence,band,feature,pre,post,delta_percent
//   REPORT/tables/dose_response.csv   sequence,feature,slope,slope_se,slope_p,... per-band means
//   REPORT/tables/correlations.csv    sequence,band,feature,blood_count,n,r,p,q,significant
//   ... and bands, table1, baseline_anova, paired_tests, significant_counts, common_features,
//       pca_variance, pca_loadings, blood_trends, blood_deltas, dose_volume.
// Undefined numbers (a Delta with a zero baseline, a p-value that cannot be computed) are written
// as empty CSV fields, never inf or nan.
#pragma once

#include <string>
#include <vector>

#include "stats/study.hpp"

namespace doseomics::stats {

// Where the data came from, printed in the report's header.
struct ReportContext {
  std::string title = "Pelvic bone marrow dose-response radiomics";  // page title
  std::string source;        // e.g. the results store's path
  std::string generated_by;  // e.g. "doseomics 0.1.0 study"
};

// The files a report consists of.
struct ReportFiles {
  std::string index_html;           // REPORT/index.html
  std::vector<std::string> tables;  // REPORT/tables/*.csv, in writing order
};

// Header line of each CSV table (exact column names; tests and readers rely on them).
extern const char* const kDeltasCsvHeader;
extern const char* const kDoseResponseCsvFixedColumns;  // before the per-band columns
extern const char* const kCorrelationsCsvHeader;

// The main findings as plain sentences (also the report's first section).
std::vector<std::string> main_findings(const StudyResults& results);

// The HTML page.
std::string render_report_html(const StudyResults& results, const ReportContext& context = {});

// Writes index.html and tables/*.csv under report_dir (created if missing). Throws
// std::runtime_error naming the file when one cannot be written.
ReportFiles write_report(const StudyResults& results, const std::string& report_dir,
                         const ReportContext& context = {});

}  // namespace doseomics::stats
