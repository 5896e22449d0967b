#!/usr/bin/env python3
"""Generate the PyRadiomics 3.1.0 golden feature tables used by the doseomics C++ tests.

Run with the pinned venv (tests/golden/setup_venv.sh):

    .venv/bin/python tests/golden/make_golden.py [--data-dir DIR] [--out-dir tests/golden]

Writes (into --out-dir):
  golden_features.csv  long format: case,settings,feature,value
  golden_settings.csv  settings,key,value (YAML/JSON-style values) to rebuild each settings set
  feature_order.txt    output key order of the default extractor restricted to the six texture/
                       intensity classes (firstorder, glcm, gldm, glrlm, glszm, ngtdm)
  matrix_check.csv     PyRadiomics 3.1.0 P_<class> vs data/baseline/<case>_<class>.npy
"""
import argparse
import ast
import collections
import csv
import logging
import os
import sys

import numpy
import SimpleITK as sitk

import radiomics
from radiomics import featureextractor, getFeatureClasses, imageoperations

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))

CASES = ['brain1', 'brain2', 'breast1']
# Texture/intensity classes, in the order the default extractor emits them (getFeatureClasses order).
CLASSES = ['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm']
MATRIX_CLASSES = ['glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm']
DIAGNOSTIC_KEYS = ['diagnostics_Mask-original_VoxelNum', 'diagnostics_Mask-original_BoundingBox']

BASELINE = collections.OrderedDict([
  ('binWidth', 25),
  ('voxelArrayShift', 2000),
  ('label', 1),
  ('minimumROIDimensions', 1),
])

# Each settings set = BASELINE with exactly one change (force2D: the pair force2D/force2Ddimension).
CHANGES = collections.OrderedDict([
  ('baseline', {}),
  ('binWidth5', {'binWidth': 5}),
  ('binWidth10', {'binWidth': 10}),
  ('binWidth50', {'binWidth': 50}),
  ('binCount16', {'binCount': 16}),
  ('binCount64', {'binCount': 64}),
  ('voxelArrayShift0', {'voxelArrayShift': 0}),
  ('force2D', collections.OrderedDict([('force2D', True), ('force2Ddimension', 0)])),
  ('distances2', {'distances': [2]}),
  ('gldm_a1', {'gldm_a': 1}),
  ('weightingNorm_no_weighting', {'weightingNorm': 'no_weighting'}),
])


def settings_for(name):
  s = collections.OrderedDict(BASELINE)
  s.update(CHANGES[name])
  return s


def yaml_value(v):
  """YAML/JSON-style scalar or list: 25, true, [2], no_weighting."""
  if isinstance(v, bool):
    return 'true' if v else 'false'
  if isinstance(v, (list, tuple)):
    return '[' + ', '.join(yaml_value(x) for x in v) + ']'
  return str(v)


def default_data_dir():
  for d in (os.environ.get('DOSEOMICS_PYRAD_DATA'),
            os.path.join(REPO_ROOT, '..', 'shared', 'data', 'pyradiomics', 'data'),
            os.path.join(REPO_ROOT, 'shared', 'data', 'pyradiomics', 'data'),
            '/work/shared/data/pyradiomics/data'):
    if d and os.path.isfile(os.path.join(d, 'brain1_image.nrrd')):
      return os.path.abspath(d)
  return '/work/shared/data/pyradiomics/data'


def firstorder_feature_list():
  """All default (non-deprecated) firstorder features plus StandardDeviation, in getFeatureNames order
  (inspect.getmembers order, i.e. sorted by method name get<Name>FeatureValue, as the default extractor)."""
  names = getFeatureClasses()['firstorder'].getFeatureNames()
  return [n for n in names if not names[n] or n == "StandardDeviation"]


def make_extractor(settings):
  featureClass = collections.OrderedDict((c, []) for c in CLASSES)  # [] -> all default features
  featureClass['firstorder'] = firstorder_feature_list()
  params = {'imageType': {'Original': {}}, 'featureClass': dict(featureClass), 'setting': dict(settings)}
  ext = featureextractor.RadiomicsFeatureExtractor(params)
  # featureClass comes from a dict; re-impose the default class order explicitly.
  ext.enabledFeatures = collections.OrderedDict((c, ext.enabledFeatures[c]) for c in CLASSES)
  return ext


def format_value(v):
  if isinstance(v, (tuple, list)):
    return str(tuple(v))
  if isinstance(v, (int, numpy.integer)) and not isinstance(v, bool):
    return str(int(v))
  return repr(float(v))


def default_feature_order(data_dir):
  """Keys (original_*) emitted by RadiomicsFeatureExtractor() with default settings, shape removed."""
  ext = featureextractor.RadiomicsFeatureExtractor()
  assert list(ext.enabledFeatures.keys())[:len(CLASSES)] == CLASSES, ext.enabledFeatures
  ext.enabledFeatures = collections.OrderedDict((c, ext.enabledFeatures[c]) for c in CLASSES)
  res = ext.execute(os.path.join(data_dir, 'brain1_image.nrrd'), os.path.join(data_dir, 'brain1_label.nrrd'))
  return [k for k in res if not k.startswith('diagnostics_')]


def matrix_check(data_dir):
  """Compare PyRadiomics' own P_<class> with data/baseline/<case>_<class>.npy, instantiating the feature
  classes exactly as tests/testUtils.py + tests/test_matrices.py do (settings from the baseline CSV's
  diagnostics_Configuration_Settings of the plain <case> column)."""
  classes = getFeatureClasses()
  rows = []
  for case in CASES:
    for cls in MATRIX_CLASSES:
      with open(os.path.join(data_dir, 'baseline', 'baseline_%s.csv' % cls)) as f:
        table = {r[0]: r[1:] for r in csv.reader(f)}
        header = table['featureName']
        settings = ast.literal_eval(table['diagnostics_Configuration_Settings'][header.index(case)])
      image = sitk.ReadImage(os.path.join(data_dir, '%s_image.nrrd' % case))
      mask = sitk.ReadImage(os.path.join(data_dir, '%s_label.nrrd' % case), sitk.sitkUInt32)
      ext = featureextractor.RadiomicsFeatureExtractor({'imageType': {'Original': {}}, 'setting': settings})
      image, mask = ext.loadImage(image, mask, **settings)
      bb, corrected = imageoperations.checkMask(image, mask, **settings)
      if corrected is not None:
        mask = corrected
      img_c, mask_c = imageoperations.cropToTumorMask(image, mask, bb)
      fc = classes[cls](img_c, mask_c, **settings)
      fc._initCalculation()
      P = numpy.asarray(getattr(fc, 'P_%s' % cls))
      base = numpy.load(os.path.join(data_dir, 'baseline', '%s_%s.npy' % (case, cls)))
      if P.ndim == base.ndim + 1 and P.shape[0] == 1:
        P = P[0]  # drop the leading per-voxel axis (Nvox = 1 for segment-based); test_matrices broadcasts
      if base.shape == P.shape:
        diff = float(numpy.max(numpy.abs(base - P)))
      else:
        diff = float('nan')
      rows.append((case, cls, 'x'.join(map(str, base.shape)), 'x'.join(map(str, P.shape)), repr(diff)))
  return rows


def main():
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  ap.add_argument('--data-dir', default=default_data_dir())
  ap.add_argument('--out-dir', default=HERE)
  ap.add_argument('--skip-matrices', action='store_true')
  args = ap.parse_args()

  radiomics.setVerbosity(logging.ERROR)
  logging.getLogger('radiomics').setLevel(logging.ERROR)
  sitk.ProcessObject_SetGlobalDefaultNumberOfThreads(1)

  assert radiomics.__version__ == 'v3.1.0', radiomics.__version__
  print('PyRadiomics %s, numpy %s, SimpleITK %s; data %s' % (
    radiomics.__version__, numpy.__version__, sitk.Version_VersionString(), args.data_dir), file=sys.stderr)

  # golden_settings.csv
  with open(os.path.join(args.out_dir, 'golden_settings.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['settings', 'key', 'value'])
    for name in CHANGES:
      for k, v in settings_for(name).items():
        w.writerow([name, k, yaml_value(v)])

  # golden_features.csv
  n = 0
  with open(os.path.join(args.out_dir, 'golden_features.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['case', 'settings', 'feature', 'value'])
    for case in CASES:
      img = os.path.join(args.data_dir, '%s_image.nrrd' % case)
      msk = os.path.join(args.data_dir, '%s_label.nrrd' % case)
      for name in CHANGES:
        ext = make_extractor(settings_for(name))
        res = ext.execute(img, msk)
        for k in DIAGNOSTIC_KEYS:
          w.writerow([case, name, k, format_value(res[k])])
          n += 1
        for k, v in res.items():
          if k.startswith('diagnostics_'):
            continue
          w.writerow([case, name, k, format_value(v)])
          n += 1
        print('  %s/%s: %d features' % (case, name, sum(1 for k in res if not k.startswith('diag'))),
              file=sys.stderr)
  print('golden_features.csv: %d rows' % n, file=sys.stderr)

  # feature_order.txt
  order = default_feature_order(args.data_dir)
  with open(os.path.join(args.out_dir, 'feature_order.txt'), 'w') as f:
    f.write('\n'.join(order) + '\n')
  print('feature_order.txt: %d keys' % len(order), file=sys.stderr)

  if not args.skip_matrices:
    rows = matrix_check(args.data_dir)
    with open(os.path.join(args.out_dir, 'matrix_check.csv'), 'w', newline='') as f:
      w = csv.writer(f, lineterminator='\n')
      w.writerow(['case', 'class', 'npy_shape', 'pyradiomics_shape', 'max_abs_diff'])
      w.writerows(rows)
    for r in rows:
      print('  matrix %s %s npy %s P %s max|diff| %s' % r, file=sys.stderr)


if __name__ == '__main__':
  main()
