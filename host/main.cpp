// The `doseomics` command line: subcommands `extract` and `version` (demo, run, study to come).
#include <CLI/CLI.hpp>

#include <iostream>

#include "extract_command.hpp"

#ifndef DOSEOMICS_VERSION
#define DOSEOMICS_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"doseomics: radiomics features as PyRadiomics 3.1.0 computes them, on CPU or GPU"};
  app.require_subcommand(1);

  doseomics::ExtractOptions extract_options;
  CLI::App* extract = doseomics::add_extract_command(app, extract_options);
  CLI::App* version = app.add_subcommand("version", "Print the doseomics version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  if (version->parsed()) {
    std::cout << "doseomics " << DOSEOMICS_VERSION
              << " (reproduces PyRadiomics 3.1.0; backends: cpu)\n";
    return 0;
  }
  if (extract->parsed()) return doseomics::run_extract(extract_options, std::cout, std::cerr);
  return 1;
}
