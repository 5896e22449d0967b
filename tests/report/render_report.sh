#!/usr/bin/env bash
# Renders a doseomics study report in headless Chromium, checks that every figure was laid out
# with a real size and drawn marks, and writes a full-page PNG screenshot.
#
#   tests/report/render_report.sh [REPORT_DIR] [OUT_PNG]
#
# REPORT_DIR holds index.html (`doseomics study DIR` writes DIR/report). Without it the example
# report of the stats tests is built first (test "[report]" of doseomics_stats_tests in
# $BUILD_DIR, default build-study) into a temporary folder. OUT_PNG defaults to
# REPORT_DIR/index.png. When ImageMagick's `convert` is present the page is also cut into
# 1600-pixel tiles (OUT_PNG minus .png, -0.png, -1.png, ...) that an image viewer shows legibly.
#
# Needs Debian's `chromium` (apt-get install -y chromium). Exit 0: every figure present and
# non-empty; 1: a check failed; 2: usage or a missing tool.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# A figure smaller than this (CSS pixels) or with fewer drawn marks counts as empty.
min_figure_px=100
min_figure_marks=3

chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "${chromium_bin}" ]]; then
  echo "render_report: chromium not found (apt-get install -y chromium)" >&2
  exit 2
fi

report_dir="${1:-}"
if [[ -z "${report_dir}" ]]; then
  build_dir="${BUILD_DIR:-${repo_root}/build-study}"
  tests="${build_dir}/tests/doseomics_stats_tests"
  if [[ ! -x "${tests}" ]]; then
    echo "render_report: ${tests} not built (cmake --build ${build_dir} --target doseomics_stats_tests)" >&2
    exit 2
  fi
  report_dir="$(mktemp -d)/report"
  DOSEOMICS_STUDY_REPORT_DIR="${report_dir}" "${tests}" "[report]" >/dev/null
fi
report_dir="$(cd "${report_dir}" && pwd)"
index="${report_dir}/index.html"
if [[ ! -s "${index}" ]]; then
  echo "render_report: ${index} missing or empty" >&2
  exit 2
fi
out_png="${2:-${report_dir}/index.png}"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
chromium_flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files
                --user-data-dir="${work}/profile" --window-size=1200,900)

# 1. Layout check: a copy of the page with a script that measures every figure's SVG in the
#    browser and writes the result into the DOM, which --dump-dom prints.
probe="${report_dir}/.render_probe.html"
sed 's#</body>#<script>\
const lines = [];\
document.querySelectorAll("figure").forEach(figure => {\
  const svg = figure.querySelector("svg");\
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};\
  const marks = svg ? svg.querySelectorAll("path, circle, rect, line").length - 1 : 0;\
  const texts = svg ? svg.querySelectorAll("text").length : 0;\
  lines.push([figure.dataset.figureId, Math.round(box.width), Math.round(box.height), marks, texts].join(" "));\
});\
const pre = document.createElement("pre");\
pre.id = "render-check";\
pre.textContent = "page_height " + document.documentElement.scrollHeight + "\\n" + lines.join("\\n");\
document.body.appendChild(pre);\
</script></body>#' "${index}" >"${probe}"
"${chromium_bin}" "${chromium_flags[@]}" --dump-dom "file://${probe}" 2>/dev/null >"${work}/dom.html"
rm -f "${probe}"
check="$(sed -n '/<pre id="render-check">/,/<\/pre>/p' "${work}/dom.html" |
         sed 's/.*<pre id="render-check">//; s#</pre>.*##')"
if [[ -z "${check}" ]]; then
  echo "render_report: the browser produced no layout report" >&2
  exit 1
fi
page_height="$(echo "${check}" | awk '$1 == "page_height" {print $2}')"
expected_figures="$(grep -o '<figure data-figure-id=' "${index}" | wc -l)"
status=0
checked=0
while read -r id width height marks texts; do
  [[ "${id}" == "page_height" || -z "${id}" ]] && continue
  checked=$((checked + 1))
  if (( width < min_figure_px || height < min_figure_px || marks < min_figure_marks || texts < 2 )); then
    echo "EMPTY  ${id}: ${width}x${height} px, ${marks} marks, ${texts} texts"
    status=1
  else
    echo "ok     ${id}: ${width}x${height} px, ${marks} marks, ${texts} texts"
  fi
done <<<"${check}"
if (( checked == 0 || checked != expected_figures )); then
  echo "render_report: ${checked} figures rendered, ${expected_figures} in the page" >&2
  status=1
fi

# 2. Full-page screenshot.
"${chromium_bin}" "${chromium_flags[@]}" --window-size="1200,${page_height:-4000}" \
  --screenshot="${out_png}" "file://${index}" 2>/dev/null >/dev/null
if [[ ! -s "${out_png}" ]] || [[ "$(head -c 8 "${out_png}" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]]; then
  echo "render_report: no PNG screenshot at ${out_png}" >&2
  exit 1
fi
echo "screenshot: ${out_png} (1200 x ${page_height} px), ${checked} figures"

if command -v convert >/dev/null 2>&1; then
  convert "${out_png}" -crop 1200x1600 +repage "${out_png%.png}-%d.png"
  echo "tiles: ${out_png%.png}-*.png"
fi
exit "${status}"
