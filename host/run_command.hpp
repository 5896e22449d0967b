// `doseomics run COHORT.yaml --out DIR`: a cohort from images, dose and contours to a resumable
// store of features.
//
// Per patient: read the images; register the CT and every MR acquisition to the pre-treatment
// reference MR (rigid, mutual information) or reuse the transforms already stored; carry the dose
// (linear) and the marrow (nearest neighbour) onto the reference grid; cut the marrow into dose
// bands there; carry the bands onto every other MR's own grid (nearest neighbour, as the seed
// study carried its ROIs, so no image intensity is interpolated); extract every band of every
// sequence and time point under every setting with one engine call per image;
// store everything in DIR/results.sqlite, one transaction per unit. The next patients' reading and
// registration run while the current one is extracted and stored. A patient that fails is recorded
// with its error and the run goes on. Running again after a kill skips what is stored.
#pragma once

#include <ostream>
#include <string>

namespace doseomics {

struct RunOptions {
  std::string cohort_path;       // the manifest
  std::string out_dir;           // results.sqlite and features.csv go here
  std::string backend = "auto";  // auto | cpu | cuda
  int jobs = 0;                  // engine threads; 0 = all
  std::string command_line;      // recorded in the store
};

// Exit code: 0 all patients stored, 1 bad manifest/settings/store, 2 some patients failed.
int run_cohort(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace doseomics
