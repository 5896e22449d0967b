#!/usr/bin/env python3
"""PyRadiomics 3.1.0 features of every region of a DOSEOMICS_ROIS v1 file, for cross-checking the C++ engine.

    .venv/bin/python benchmarks/pyradiomics_features_for_rois.py FILE --out CSV [--limit N]

Same extractor as benchmarks/bench_pyradiomics.py: binWidth 25, voxelArrayShift 2000, label 1,
minimumROIDimensions 1, imageType Original, firstorder/glcm/gldm/glrlm/glszm/ngtdm with all default
features plus firstorder StandardDeviation, no shape. Regions are converted exactly as the benchmark does
(numpy (z, y, x) -> SimpleITK, spacing set, mask label 1).

Output: long CSV `region,feature,value`; region is the 0-based index in the file. Per region the rows are
`diagnostics_Mask-original_VoxelNum`, `diagnostics_Mask-original_BoundingBox` (PyRadiomics' text, e.g.
"(1, 2, 0, 5, 4, 2)") and then the features in PyRadiomics' output order, values as repr(float) (exact
round trip; `nan` if PyRadiomics returned NaN). A region on which PyRadiomics raises gets no rows; it is
reported on stderr (and in --errors CSV if given). Exit status 1 only if no region succeeded.
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_pyradiomics import make_extractor, quiet_single_thread, read_regions, region_to_sitk  # noqa: E402

DIAGNOSTIC_KEYS = ['diagnostics_Mask-original_VoxelNum', 'diagnostics_Mask-original_BoundingBox']


def format_value(v):
  if isinstance(v, (tuple, list)):
    return str(tuple(v))
  if isinstance(v, int):
    return str(v)
  return repr(float(v))


def main():
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  ap.add_argument('file', help='DOSEOMICS_ROIS v1 file')
  ap.add_argument('--out', required=True, help='output CSV (region,feature,value)')
  ap.add_argument('--limit', type=int, help='only the first N regions')
  ap.add_argument('--errors', help='also write failures as CSV region,error')
  args = ap.parse_args()

  quiet_single_thread()
  ext = make_extractor()
  regions = read_regions(args.file)
  if args.limit is not None:
    regions = regions[:args.limit]
  ok, failures = 0, []
  with open(args.out, 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['region', 'feature', 'value'])
    for i, region in enumerate(regions):
      image, mask = region_to_sitk(region)
      try:
        res = ext.execute(image, mask)
      except Exception as e:
        failures.append((i, '%s: %s' % (type(e).__name__, e)))
        print('region %d failed: %s' % failures[-1], file=sys.stderr)
        continue
      for k in DIAGNOSTIC_KEYS:
        w.writerow([i, k, format_value(res[k])])
      for k, v in res.items():
        if not k.startswith('diagnostics_'):
          w.writerow([i, k, format_value(v)])
      ok += 1
  if args.errors:
    with open(args.errors, 'w', newline='') as f:
      w = csv.writer(f, lineterminator='\n')
      w.writerow(['region', 'error'])
      w.writerows(failures)
  print('%d regions: %d ok, %d failed -> %s' % (len(regions), ok, len(failures), args.out), file=sys.stderr)
  return 0 if ok > 0 or not regions else 1


if __name__ == '__main__':
  sys.exit(main())
