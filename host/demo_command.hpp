// `doseomics demo`: the main job on a built-in example. Synthesises a cohort with planted truth,
// runs it (registration, dose bands, features into a store) and runs the study on the store.
#pragma once

#include <ostream>
#include <string>

namespace doseomics {

struct DemoOptions {
  std::string out_dir = "doseomics-demo";  // cohort/ and results/ (with results/report/) go here
  int patients = 54;                       // the seed study's cohort size
  unsigned seed = 2022;
  std::string backend = "auto";
};

// Exit code: 0 when every step succeeded, else the first failing step's code.
int run_demo(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace doseomics
