#!/usr/bin/env bash
# The GPU check: build the engine with CUDA, run the [cuda] differential tests (again under
# compute-sanitizer when present and time allows), run bench_cuda. Every log goes to OUTDIR.
# Needs CUDA, CMake, a C++ compiler and Python; Catch2 comes from third_party/catch2-deb
# (benchmarks/fetch_catch2.sh). Meant to finish in under 8 minutes on an H200 machine.
#   benchmarks/device_check.sh OUTDIR [--pyradiomics-json FILE]
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 OUTDIR [--pyradiomics-json FILE]" >&2
  exit 1
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build-device-check"
export PATH="/usr/local/cuda/bin:$PATH"
script_start=$(date +%s)
budget_seconds=${DEVICE_CHECK_BUDGET_SECONDS:-450}

step() {  # step NAME COMMAND...: run, tee the log, print the time taken
  local name=$1
  shift
  local start
  start=$(date +%s)
  echo "== $name: $*" | tee -a "$out/summary.log"
  local status=0
  "$@" > >(tee "$out/$name.log") 2>&1 || status=$?
  echo "== $name: exit $status after $(($(date +%s) - start)) s (total $(($(date +%s) - script_start)) s)" |
    tee -a "$out/summary.log"
  return $status
}
elapsed() { echo $(($(date +%s) - script_start)); }

{
  nvidia-smi || true
  nvcc --version
  cmake --version
} > "$out/environment.log" 2>&1

catch2_dir="$repo/third_party/catch2-deb/usr/lib/cmake/Catch2"
if [ ! -f "$catch2_dir/Catch2Config.cmake" ] && ! dpkg -s catch2 >/dev/null 2>&1; then
  echo "Catch2 not found: run benchmarks/fetch_catch2.sh on a machine with apt and copy" \
    "third_party/catch2-deb along" | tee -a "$out/summary.log"
  exit 1
fi

step configure cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDOSEOMICS_ENGINE_ONLY=ON \
  -DDOSEOMICS_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DCatch2_DIR="$catch2_dir"
step build cmake --build "$build" -j"$(nproc)" --target doseomics_engine_tests bench_cuda

status=0
step cuda_tests "$build/tests/doseomics_engine_tests" "[cuda],[cuda_plan]" --durations yes ||
  status=1
step cpu_engine_tests "$build/tests/doseomics_engine_tests" "~[cuda]" || status=1

if command -v compute-sanitizer >/dev/null 2>&1 && [ "$(elapsed)" -lt $((budget_seconds / 2)) ]; then
  # One seeded batch only: the sanitizer slows kernels down by 10-100x.
  step sanitizer timeout 150 compute-sanitizer --tool memcheck --error-exitcode 3 \
    "$build/tests/doseomics_engine_tests" \
    "CUDA backend matches the CPU backend on seeded random batches" || status=1
else
  echo "== sanitizer: skipped (not installed or past half the time budget)" | tee -a "$out/summary.log"
fi

if [ "$(elapsed)" -lt "$budget_seconds" ]; then
  step bench timeout $((budget_seconds + 60 - $(elapsed))) "$build/benchmarks/bench_cuda" --repeat 3 "$@" ||
    status=1
else
  echo "== bench: skipped (time budget spent)" | tee -a "$out/summary.log"
fi
echo "device check finished with status $status after $(elapsed) s" | tee -a "$out/summary.log"
exit $status
