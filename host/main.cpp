// The `doseomics` command line: extract, synth, run, study, demo, version.
#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "demo_command.hpp"
#include "extract_command.hpp"
#include "run_command.hpp"
#include "study_command.hpp"
#include "synth.hpp"

#ifndef DOSEOMICS_VERSION
#define DOSEOMICS_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{
      "doseomics: radiomics features as PyRadiomics 3.1.0 computes them, on CPU or GPU, "
      "and the dose-response study built on them"};
  app.require_subcommand(1);

  doseomics::ExtractOptions extract_options;
  CLI::App* extract = doseomics::add_extract_command(app, extract_options);

  int synth_patients = 54;
  unsigned synth_seed = 2022;
  std::string synth_out;
  CLI::App* synth = app.add_subcommand("synth", "Write a synthetic cohort with planted truth");
  synth->add_option("--patients", synth_patients, "Number of patients")->check(CLI::PositiveNumber);
  synth->add_option("--seed", synth_seed, "Random seed");
  synth->add_option("--out", synth_out, "Output folder")->required();

  doseomics::RunOptions run_options;
  CLI::App* run = app.add_subcommand("run", "Run a cohort: registration, dose bands, features");
  run->add_option("cohort", run_options.cohort_path, "Cohort manifest (YAML)")->required();
  run->add_option("--out", run_options.out_dir, "Output folder")->required();
  run->add_option("--backend", run_options.backend, "Engine backend: auto, cpu, cuda");
  run->add_option("-j,--jobs", run_options.jobs, "Engine threads (0 = all)");

  doseomics::StudyCommandOptions study_options;
  CLI::App* study = doseomics::add_study_command(app, study_options);

  doseomics::DemoOptions demo_options;
  CLI::App* demo =
      app.add_subcommand("demo", "Synthesise 54 patients, run them and the study, in one go");
  demo->add_option("--out", demo_options.out_dir, "Output folder");
  demo->add_option("--patients", demo_options.patients, "Number of patients")
      ->check(CLI::PositiveNumber);
  demo->add_option("--backend", demo_options.backend, "Engine backend: auto, cpu, cuda");

  CLI::App* version = app.add_subcommand("version", "Print the doseomics version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  if (version->parsed()) {
    std::cout << "doseomics " << DOSEOMICS_VERSION << " (reproduces PyRadiomics 3.1.0)\n";
    return 0;
  }
  if (extract->parsed()) return doseomics::run_extract(extract_options, std::cout, std::cerr);
  if (synth->parsed()) return doseomics::run_synth_command(synth_patients, synth_seed, synth_out);
  if (run->parsed()) {
    std::ostringstream command;
    for (int i = 0; i < argc; ++i) command << (i ? " " : "") << argv[i];
    run_options.command_line = command.str();
    return doseomics::run_cohort(run_options, std::cout, std::cerr);
  }
  if (study->parsed())
    return doseomics::run_study_command(study_options.dir, study_options.report_dir,
                                        study_options.study);
  if (demo->parsed()) return doseomics::run_demo(demo_options, std::cout, std::cerr);
  return 1;
}
