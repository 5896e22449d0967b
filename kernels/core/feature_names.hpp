// The feature catalogue: every feature the engine computes, with PyRadiomics' names and order.
//
// Classes are in PyRadiomics' output order (alphabetical module names) and features within a class
// in the order PyRadiomics lists them: ASCII-sorted method names get<Name>FeatureValue, so
// MeanAbsoluteDeviation comes before Mean.
// Each class's compute function writes its features into an array indexed by its enum below.
#pragma once

#include <string>
#include <vector>

namespace doseomics {

enum class FeatureClass { firstorder = 0, glcm, gldm, glrlm, glszm, ngtdm };
constexpr int kFeatureClassCount = 6;

// PyRadiomics' module name of a class: "firstorder", "glcm", ...
const char* feature_class_name(FeatureClass feature_class);

namespace firstorder {
enum Feature {
  Percentile10,
  Percentile90,
  Energy,
  Entropy,
  InterquartileRange,
  Kurtosis,
  Maximum,
  MeanAbsoluteDeviation,
  Mean,
  Median,
  Minimum,
  Range,
  RobustMeanAbsoluteDeviation,
  RootMeanSquared,
  Skewness,
  StandardDeviation,
  TotalEnergy,
  Uniformity,
  Variance,
  kCount
};
}  // namespace firstorder

namespace glcm {
enum Feature {
  Autocorrelation,
  ClusterProminence,
  ClusterShade,
  ClusterTendency,
  Contrast,
  Correlation,
  DifferenceAverage,
  DifferenceEntropy,
  DifferenceVariance,
  Id,
  Idm,
  Idmn,
  Idn,
  Imc1,
  Imc2,
  InverseVariance,
  JointAverage,
  JointEnergy,
  JointEntropy,
  MCC,
  MaximumProbability,
  SumAverage,
  SumEntropy,
  SumSquares,
  kCount
};
}  // namespace glcm

namespace gldm {
enum Feature {
  DependenceEntropy,
  DependenceNonUniformity,
  DependenceNonUniformityNormalized,
  DependenceVariance,
  GrayLevelNonUniformity,
  GrayLevelVariance,
  HighGrayLevelEmphasis,
  LargeDependenceEmphasis,
  LargeDependenceHighGrayLevelEmphasis,
  LargeDependenceLowGrayLevelEmphasis,
  LowGrayLevelEmphasis,
  SmallDependenceEmphasis,
  SmallDependenceHighGrayLevelEmphasis,
  SmallDependenceLowGrayLevelEmphasis,
  kCount
};
}  // namespace gldm

namespace glrlm {
enum Feature {
  GrayLevelNonUniformity,
  GrayLevelNonUniformityNormalized,
  GrayLevelVariance,
  HighGrayLevelRunEmphasis,
  LongRunEmphasis,
  LongRunHighGrayLevelEmphasis,
  LongRunLowGrayLevelEmphasis,
  LowGrayLevelRunEmphasis,
  RunEntropy,
  RunLengthNonUniformity,
  RunLengthNonUniformityNormalized,
  RunPercentage,
  RunVariance,
  ShortRunEmphasis,
  ShortRunHighGrayLevelEmphasis,
  ShortRunLowGrayLevelEmphasis,
  kCount
};
}  // namespace glrlm

namespace glszm {
enum Feature {
  GrayLevelNonUniformity,
  GrayLevelNonUniformityNormalized,
  GrayLevelVariance,
  HighGrayLevelZoneEmphasis,
  LargeAreaEmphasis,
  LargeAreaHighGrayLevelEmphasis,
  LargeAreaLowGrayLevelEmphasis,
  LowGrayLevelZoneEmphasis,
  SizeZoneNonUniformity,
  SizeZoneNonUniformityNormalized,
  SmallAreaEmphasis,
  SmallAreaHighGrayLevelEmphasis,
  SmallAreaLowGrayLevelEmphasis,
  ZoneEntropy,
  ZonePercentage,
  ZoneVariance,
  kCount
};
}  // namespace glszm

namespace ngtdm {
enum Feature { Busyness, Coarseness, Complexity, Contrast, Strength, kCount };
}  // namespace ngtdm

// Number of features a class computes (its enum's kCount).
int feature_count(FeatureClass feature_class);

// One entry of the catalogue.
struct FeatureInfo {
  FeatureClass feature_class;
  int index_in_class;       // index into the class's feature array
  std::string name;         // PyRadiomics feature name, e.g. "Contrast"
  bool enabled_by_default;  // false only for firstorder StandardDeviation (deprecated)
  // Column name in PyRadiomics' output, e.g. "original_glcm_Contrast".
  std::string column_name() const;
};

// Every feature, classes in output order, features in class order.
const std::vector<FeatureInfo>& feature_catalogue();

// Which features to report: one flag per catalogue entry.
struct FeatureSelection {
  std::vector<bool> enabled;

  // The PyRadiomics default: all classes, every feature except deprecated ones.
  static FeatureSelection defaults();
  // Nothing enabled; enable classes or single features afterwards.
  static FeatureSelection none();
  // Enable a whole class (default features only) or one feature by PyRadiomics name.
  // Throws std::invalid_argument naming the feature when it is unknown or deprecated-and-absent.
  void enable_class(FeatureClass feature_class);
  void enable_feature(FeatureClass feature_class, const std::string& feature_name);
  bool any_in_class(FeatureClass feature_class) const;
  // Catalogue indices of the enabled features, in output order.
  std::vector<int> enabled_indices() const;
};

// Parse a PyRadiomics class name ("glcm"); throws std::invalid_argument on an unknown name.
FeatureClass parse_feature_class(const std::string& name);

}  // namespace doseomics
