#!/usr/bin/env python3
"""PyRadiomics 3.1.0 half of the doseomics speed benchmark (single thread, feature computation only).

    .venv/bin/python benchmarks/bench_pyradiomics.py [--regions FILE] [--limit N] [--repeat 5]
                                                     [--json OUT] [--data-dir DIR] [--no-brain1]

(a) brain1 (shared/data/pyradiomics/data): median of --repeat timed runs of `extractor.execute(image, mask)`
    on SimpleITK images already in memory (one untimed warm-up run first).
(b) --regions FILE: a batch of regions in the DOSEOMICS_ROIS v1 format written by the C++ benchmark
    (bench_cpu --write-regions). Every region is converted to SimpleITK images before timing; then
    `extractor.execute` is timed once per region. A region that raises is recorded as a failure and
    the run goes on. With --limit N only the first N regions are timed and the total is extrapolated
    (mean seconds per successful region x region count), which the output states.

Both use the same extractor: settings binWidth 25, voxelArrayShift 2000, label 1,
minimumROIDimensions 1 (everything else default), imageType Original, classes firstorder, glcm, gldm,
glrlm, glszm, ngtdm with all default features plus firstorder StandardDeviation, no shape;
additionalInfo stays on (the default), so the diagnostics PyRadiomics always computes are included.
Wall time (time.perf_counter) is the headline; process CPU time is recorded too ("*cpu*" keys), which
is the more stable number on a machine shared with other work. Single-threaded: OMP/MKL/OpenBLAS threads 1 (set before numpy is imported) and SimpleITK global
default threads 1.

JSON keys read by bench_cpu --pyradiomics-json: "brain1_seconds" and "regions_total_seconds"
(the latter is the extrapolated total when --limit is used; see "regions_extrapolated").
"""
import os

for _var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'NUMEXPR_NUM_THREADS',
             'VECLIB_MAXIMUM_THREADS'):
  os.environ[_var] = '1'

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy  # noqa: E402
import SimpleITK as sitk  # noqa: E402

import radiomics  # noqa: E402
from radiomics import featureextractor, getFeatureClasses  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)

MAGIC = b'DOSEOMICS_ROIS v1\n'
SETTINGS = collections.OrderedDict([('binWidth', 25), ('voxelArrayShift', 2000), ('label', 1),
                                    ('minimumROIDimensions', 1)])
CLASSES = ['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm']

Region = collections.namedtuple('Region', 'size_zyx spacing_zyx voxels mask')


def read_regions(path):
  """Reads a DOSEOMICS_ROIS v1 file (little-endian): magic line, int64 count, then per region
  int32 size z,y,x; float64 spacing z,y,x; float64 voxels[z*y*x] (x fastest); uint8 mask[same].
  Returns a list of Region with voxels/mask as (z, y, x) numpy arrays."""
  with open(path, 'rb') as f:
    data = f.read()
  if not data.startswith(MAGIC):
    raise ValueError('%s: not a DOSEOMICS_ROIS v1 file' % path)
  pos = len(MAGIC)
  (count,) = struct.unpack_from('<q', data, pos)
  pos += 8
  regions = []
  for i in range(count):
    size = struct.unpack_from('<3i', data, pos)
    pos += 12
    spacing = struct.unpack_from('<3d', data, pos)
    pos += 24
    n = size[0] * size[1] * size[2]
    if min(size) <= 0 or pos + 9 * n > len(data):
      raise ValueError('%s: region %d: bad size %s or truncated file' % (path, i, size))
    voxels = numpy.frombuffer(data, dtype='<f8', count=n, offset=pos).reshape(size)
    pos += 8 * n
    mask = numpy.frombuffer(data, dtype=numpy.uint8, count=n, offset=pos).reshape(size)
    pos += n
    regions.append(Region(tuple(size), tuple(spacing), voxels, mask))
  if pos != len(data):
    raise ValueError('%s: %d trailing bytes after %d regions' % (path, len(data) - pos, count))
  return regions


def region_to_sitk(region):
  """(image, mask) SimpleITK images; numpy (z, y, x) -> SimpleITK (x, y, z), spacing set, mask label 1."""
  spacing_xyz = tuple(float(s) for s in region.spacing_zyx[::-1])
  image = sitk.GetImageFromArray(numpy.ascontiguousarray(region.voxels, dtype=numpy.float64))
  image.SetSpacing(spacing_xyz)
  mask = sitk.GetImageFromArray(numpy.ascontiguousarray(region.mask, dtype=numpy.uint8))
  mask.SetSpacing(spacing_xyz)
  return image, mask


def make_extractor():
  names = getFeatureClasses()['firstorder'].getFeatureNames()
  featureClass = {c: [] for c in CLASSES}  # [] = all default features of the class
  featureClass['firstorder'] = [n for n in names if not names[n] or n == 'StandardDeviation']
  ext = featureextractor.RadiomicsFeatureExtractor(
    {'imageType': {'Original': {}}, 'featureClass': featureClass, 'setting': dict(SETTINGS)})
  ext.enabledFeatures = collections.OrderedDict((c, ext.enabledFeatures[c]) for c in CLASSES)
  return ext


def quiet_single_thread():
  radiomics.setVerbosity(logging.CRITICAL)
  logging.getLogger('radiomics').setLevel(logging.CRITICAL)
  sitk.ProcessObject_SetGlobalDefaultNumberOfThreads(1)


def default_data_dir():
  for d in (os.environ.get('DOSEOMICS_PYRAD_DATA'),
            os.path.join(REPO_ROOT, '..', 'shared', 'data', 'pyradiomics', 'data'),
            os.path.join(REPO_ROOT, 'shared', 'data', 'pyradiomics', 'data'),
            '/work/shared/data/pyradiomics/data'):
    if d and os.path.isfile(os.path.join(d, 'brain1_image.nrrd')):
      return os.path.abspath(d)
  return '/work/shared/data/pyradiomics/data'


def cpu_model():
  try:
    with open('/proc/cpuinfo') as f:
      for line in f:
        if line.startswith('model name'):
          return line.split(':', 1)[1].strip()
  except OSError:
    pass
  return platform.processor() or 'unknown'


def blas_info():
  try:
    import threadpoolctl
    return threadpoolctl.threadpool_info()
  except Exception:  # threadpoolctl is optional
    return None


def bench_brain1(ext, data_dir, repeat):
  image = sitk.ReadImage(os.path.join(data_dir, 'brain1_image.nrrd'))
  mask = sitk.ReadImage(os.path.join(data_dir, 'brain1_label.nrrd'))
  result = ext.execute(image, mask)  # warm-up (imports, caches)
  nfeat = sum(1 for k in result if not k.startswith('diagnostics_'))
  times, cpu = [], []
  for _ in range(repeat):
    c0, t0 = time.process_time(), time.perf_counter()
    ext.execute(image, mask)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
  return {'brain1_seconds': statistics.median(times), 'brain1_repeats_seconds': times,
          'brain1_cpu_seconds': statistics.median(cpu), 'brain1_repeats_cpu_seconds': cpu,
          'brain1_voxels': int(result['diagnostics_Mask-original_VoxelNum']), 'brain1_features': nfeat}


def bench_regions(ext, path, limit):
  regions = read_regions(path)
  timed = regions if limit is None else regions[:limit]
  prepared = [region_to_sitk(r) for r in timed]  # conversion is not timed
  # warm-up on a throw-away run of the first region (not counted)
  if prepared:
    try:
      ext.execute(*prepared[0])
    except Exception:
      pass
  times, cpu, failures = [], [], []
  for i, (image, mask) in enumerate(prepared):
    c0, t0 = time.process_time(), time.perf_counter()
    try:
      ext.execute(image, mask)
    except Exception as e:  # record and go on
      failures.append({'region': i, 'error': '%s: %s' % (type(e).__name__, e)})
      continue
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
  measured_total = sum(times)
  mean = statistics.mean(times) if times else float('nan')
  extrapolated = len(timed) < len(regions)
  total = mean * len(regions) if extrapolated else measured_total
  voxels = [int(r.mask.sum()) for r in timed]
  return collections.OrderedDict([
    ('regions_file', os.path.abspath(path)),
    ('regions_count', len(regions)),
    ('regions_timed', len(timed)),
    ('regions_succeeded', len(times)),
    ('regions_failed', len(failures)),
    ('regions_extrapolated', extrapolated),
    ('regions_total_seconds', total),
    ('regions_timed_total_seconds', measured_total),
    ('region_mean_seconds', mean),
    ('region_median_seconds', statistics.median(times) if times else float('nan')),
    ('regions_per_second', (len(times) / measured_total) if measured_total > 0 else float('nan')),
    ('regions_cpu_total_seconds', (statistics.mean(cpu) * len(regions) if extrapolated else sum(cpu))
     if cpu else float('nan')),
    ('regions_timed_cpu_seconds', sum(cpu)),
    ('regions_timed_voxels_total', sum(voxels)),
    ('regions_timed_voxels_min', min(voxels) if voxels else 0),
    ('regions_timed_voxels_max', max(voxels) if voxels else 0),
    ('failures', failures),
  ])


def main():
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  ap.add_argument('--regions', help='DOSEOMICS_ROIS v1 file written by the C++ benchmark')
  ap.add_argument('--limit', type=int, help='time only the first N regions and extrapolate the total')
  ap.add_argument('--repeat', type=int, default=5, help='timed repeats for brain1 (median reported)')
  ap.add_argument('--json', help='write the results as JSON to this path')
  ap.add_argument('--data-dir', default=default_data_dir())
  ap.add_argument('--no-brain1', action='store_true', help='skip the brain1 measurement')
  args = ap.parse_args()
  if args.limit is not None and args.limit < 1:
    ap.error('--limit must be >= 1')

  quiet_single_thread()
  ext = make_extractor()
  out = collections.OrderedDict([
    ('tool', 'pyradiomics'),
    ('pyradiomics_version', radiomics.__version__),
    ('numpy_version', numpy.__version__),
    ('simpleitk_version', sitk.Version_VersionString()),
    ('python_version', platform.python_version()),
    ('cpu_model', cpu_model()),
    ('cpu_count', os.cpu_count()),
    ('threads', 1),
    ('settings', dict(SETTINGS)),
    ('feature_classes', CLASSES),
    ('timing', 'extractor.execute(image, mask) on in-memory SimpleITK images; reading and conversion excluded'),
    ('env', {k: os.environ.get(k) for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
                                            'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')}),
    ('blas', blas_info()),
  ])

  if not args.no_brain1:
    r = bench_brain1(ext, args.data_dir, args.repeat)
    out.update(r)
    print('brain1: %d voxels, %d features, median of %d: %.4f s wall, %.4f s CPU (wall runs: %s)' % (
      r['brain1_voxels'], r['brain1_features'], args.repeat, r['brain1_seconds'], r['brain1_cpu_seconds'],
      ', '.join('%.4f' % t for t in r['brain1_repeats_seconds'])))

  if args.regions:
    r = bench_regions(ext, args.regions, args.limit)
    out.update(r)
    note = (' (EXTRAPOLATED from the first %d of %d regions)' % (r['regions_timed'], r['regions_count'])
            if r['regions_extrapolated'] else '')
    print('regions: %d timed of %d, %d ok, %d failed; %d voxels timed (%d-%d per region)' % (
      r['regions_timed'], r['regions_count'], r['regions_succeeded'], r['regions_failed'],
      r['regions_timed_voxels_total'], r['regions_timed_voxels_min'], r['regions_timed_voxels_max']))
    print('regions: total %.3f s wall (%.3f s CPU)%s; measured %.3f s; per region mean %.5f s, median %.5f s;'
          ' %.1f regions/s' % (r['regions_total_seconds'], r['regions_cpu_total_seconds'], note,
                               r['regions_timed_total_seconds'], r['region_mean_seconds'],
                               r['region_median_seconds'], r['regions_per_second']))
    for fail in r['failures'][:10]:
      print('  failed region %d: %s' % (fail['region'], fail['error']))

  if args.json:
    with open(args.json, 'w') as f:
      json.dump(out, f, indent=2, default=str)
      f.write('\n')
    print('wrote %s' % args.json)


if __name__ == '__main__':
  sys.exit(main())
