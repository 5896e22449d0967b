// `doseomics extract`: PyRadiomics-style segment-based extraction from the command line.
//
//   doseomics extract IMAGE MASK [-p params.yaml] [-s key:value]... [-l N] [--bin-widths 5,10,25]
//                     [-o out.csv] [-j N] [--backend auto|cpu|cuda]
//   doseomics extract cases.csv  [same options]         (a .csv first argument means batch)
//
// Exit codes: 0 every case succeeded; 1 bad usage, parameters or batch file; 2 some cases
// failed (their rows carry the error); 3 an unexpected internal error.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace doseomics {

struct ExtractOptions {
  std::string input;                   // image, or a batch .csv
  std::string mask;                    // required for a single image, not allowed for a batch
  std::string params_file;             // -p
  std::vector<std::string> overrides;  // -s key:value, in order
  std::optional<int> label;            // -l/--label: overrides the parameters' label
  std::string bin_widths;              // --bin-widths 5,10,25
  std::string output;                  // -o; "" writes to stdout
  int jobs = 0;                        // -j; 0 = every hardware thread
  std::string backend = "auto";        // auto | cpu | cuda
};

// Add the `extract` subcommand to `app`, binding its options to `options`.
CLI::App* add_extract_command(CLI::App& app, ExtractOptions& options);

// Run an extraction; CSV to `options.output` or `out`, messages to `err`. Returns the exit code.
int run_extract(const ExtractOptions& options, std::ostream& out, std::ostream& err);

}  // namespace doseomics
