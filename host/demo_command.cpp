#include "host/demo_command.hpp"

#include <filesystem>

#include "host/run_command.hpp"
#include "host/study_command.hpp"
#include "host/synth.hpp"

namespace doseomics {

int run_demo(const DemoOptions& options, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  const fs::path root = fs::absolute(options.out_dir);
  const fs::path cohort = root / "cohort";
  const fs::path results = root / "results";

  out << "doseomics demo: 1/3 synthesising " << options.patients << " patients into " << cohort
      << '\n';
  if (!fs::exists(cohort / "cohort.yaml")) {
    const int code = run_synth_command(options.patients, options.seed, cohort.string());
    if (code != 0) return code;
  } else {
    out << "doseomics demo: " << (cohort / "cohort.yaml") << " exists; reusing it\n";
  }

  out << "doseomics demo: 2/3 running the cohort into " << results << '\n';
  RunOptions run;
  run.cohort_path = (cohort / "cohort.yaml").string();
  run.out_dir = results.string();
  run.backend = options.backend;
  run.command_line = "doseomics demo";
  const int run_code = run_cohort(run, out, err);
  if (run_code == 1) return run_code;  // nothing usable was stored

  out << "doseomics demo: 3/3 the study, report in " << (results / "report") << '\n';
  const int study_code =
      run_study_command(results.string(), (results / "report").string(), stats::StudyOptions{});
  if (study_code != 0) return study_code;
  out << "doseomics demo: done. Open " << (results / "report" / "index.html")
      << "; planted truth in " << (cohort / "truth.json") << '\n';
  return run_code;
}

}  // namespace doseomics
