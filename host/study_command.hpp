// `doseomics study`: the seed paper's analysis on a results store, and its report.
//
//   doseomics study DIR [--report DIR/report] [--paired-test auto|t|wilcoxon] [--fdr]
//                   [--slope-x band|dose] [--slope-fit means|regions] [--pca-sequence FAT]
//                   [--pca-input delta|post|pre] [--pca-features common|significant|kept]
//                   [--count-timepoint mid|end|one_month] [--correlate common|significant|kept]
//                   [--common-max-missed N] [--common-min-bands N] [--no-baseline-filter]
//                   [--alpha 0.05] [--setting ID]
//
// Reads DIR/results.sqlite (io/result_store.hpp), runs stats::run_study and writes
// REPORT/index.html and REPORT/tables/*.csv (stats/report.hpp). docs/study.md explains each
// choice. Exit codes: 0 report written; 1 bad usage or input (no store, no features);
// 3 an unexpected internal error.
#pragma once

#include <iosfwd>
#include <string>

#include "stats/study.hpp"

namespace CLI {
class App;
}

namespace doseomics {

// The command line of `doseomics study`.
struct StudyCommandOptions {
  std::string dir;            // output folder of `doseomics run`, holding results.sqlite
  std::string report_dir;     // "" = DIR/report
  stats::StudyOptions study;  // the analysis choices
};

// Add the `study` subcommand to `app`, binding its arguments and flags to `options`.
CLI::App* add_study_command(CLI::App& app, StudyCommandOptions& options);

// The store's tables as the study's plain input. Throws InputError naming the file when
// DIR/results.sqlite does not exist or is not a doseomics store.
stats::StudyData load_study_data(const std::string& dir);

// Load DIR's store, run the study with `options`, write the report to report_dir ("" =
// DIR/report). Prints where the report is and the main findings to stdout, errors to stderr.
// Returns the exit code.
int run_study_command(const std::string& dir, const std::string& report_dir,
                      const stats::StudyOptions& options);

// The same with explicit streams (for tests).
int run_study_command(const std::string& dir, const std::string& report_dir,
                      const stats::StudyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace doseomics
