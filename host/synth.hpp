// `doseomics synth`: a synthetic radiotherapy cohort with planted truth, for testing the whole
// study end to end (registration, dose bands, extraction, statistics) against known answers.
//
// Per patient: a pelvis-like phantom (body with subcutaneous fat, bladder, iliac wings, sacrum,
// L4-L5 vertebral bodies and femoral heads, each bone a cortex shell around marrow) with random
// anatomy; a planning CT; an IMRT-like dose (45, 50 or 50.4 Gy to a central + nodal target,
// falling off through the marrow); the marrow mask; pre- and post-RT MR maps T2fs, FatFrac,
// R2star, WATER and FAT with texture and noise, each MR acquisition rigidly misplaced relative to
// the CT; blood counts (WBC, ANC, ALC, PLT, HGB at pre, mid, end, one month). Post-RT marrow
// responds to the dose band with planted per-band changes; the low-dose band's changes are tied
// to the falls in ANC and WBC with planted correlations. Everything planted, and each MR's
// transform, is written to truth.json; the model and its numbers are in synth.cpp's comments and
// docs/cohort-manifest.md ("A synthetic cohort").
//
// Output (DIR): cohort.yaml (io/cohort_manifest.hpp), truth.json, params.yaml (PyRadiomics
// parameters, bin width 25), and per patient DIR/SYNnnn/{ct,dose,marrow}.nii.gz and
// {pre,post}_{T2fs,FatFrac,R2star,WATER,FAT}.nii.gz.
//
// Deterministic: the same options give byte-identical files (std::mt19937_64 and hand-written
// distributions, no std:: distribution whose algorithm is implementation-defined).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace doseomics {

// What to synthesise. The defaults make a 54-patient cohort small enough for a CPU run.
struct SynthOptions {
  int patients = 54;
  std::uint64_t seed = 1;
  std::string out_dir;
  std::array<unsigned, 3> mr_size = {64, 64, 30};  // covers L4 to below the femoral heads
  std::array<double, 3> mr_spacing_mm = {4.2, 4.2, 5.0};
  std::array<unsigned, 3> ct_size = {72, 72, 32};
  std::array<double, 3> ct_spacing_mm = {4.0, 4.0, 5.0};
  double misplacement_max_mm = 5.0;   // each MR acquisition: translation up to this per axis
  double misplacement_max_deg = 3.0;  // and rotation up to this about each axis
};

// The MR sequences synthesised, in order: T2fs, FatFrac, R2star, WATER, FAT.
const std::vector<std::string>& synth_sequence_names();

// Writes the cohort into options.out_dir (created if needed; existing files are overwritten).
// Throws InputError for bad options (patients < 1, empty out_dir) or a file that cannot be written.
void synthesise_cohort(const SynthOptions& options);

// `doseomics synth --patients N --seed S --out DIR`: synthesises, prints one summary line
// (patients, folder, seconds) and returns 0; on an error prints it to stderr and returns 1.
int run_synth_command(int patients, unsigned seed, const std::string& out_dir);

}  // namespace doseomics
