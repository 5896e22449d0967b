#include "feature_names.hpp"

#include <stdexcept>

namespace doseomics {
namespace {

// PyRadiomics feature names of each class, in the order of the class enums.
const char* const kFirstorderNames[] = {"10Percentile",
                                        "90Percentile",
                                        "Energy",
                                        "Entropy",
                                        "InterquartileRange",
                                        "Kurtosis",
                                        "Maximum",
                                        "MeanAbsoluteDeviation",
                                        "Mean",
                                        "Median",
                                        "Minimum",
                                        "Range",
                                        "RobustMeanAbsoluteDeviation",
                                        "RootMeanSquared",
                                        "Skewness",
                                        "StandardDeviation",
                                        "TotalEnergy",
                                        "Uniformity",
                                        "Variance"};
const char* const kGlcmNames[] = {"Autocorrelation",
                                  "ClusterProminence",
                                  "ClusterShade",
                                  "ClusterTendency",
                                  "Contrast",
                                  "Correlation",
                                  "DifferenceAverage",
                                  "DifferenceEntropy",
                                  "DifferenceVariance",
                                  "Id",
                                  "Idm",
                                  "Idmn",
                                  "Idn",
                                  "Imc1",
                                  "Imc2",
                                  "InverseVariance",
                                  "JointAverage",
                                  "JointEnergy",
                                  "JointEntropy",
                                  "MCC",
                                  "MaximumProbability",
                                  "SumAverage",
                                  "SumEntropy",
                                  "SumSquares"};
const char* const kGldmNames[] = {"DependenceEntropy",
                                  "DependenceNonUniformity",
                                  "DependenceNonUniformityNormalized",
                                  "DependenceVariance",
                                  "GrayLevelNonUniformity",
                                  "GrayLevelVariance",
                                  "HighGrayLevelEmphasis",
                                  "LargeDependenceEmphasis",
                                  "LargeDependenceHighGrayLevelEmphasis",
                                  "LargeDependenceLowGrayLevelEmphasis",
                                  "LowGrayLevelEmphasis",
                                  "SmallDependenceEmphasis",
                                  "SmallDependenceHighGrayLevelEmphasis",
                                  "SmallDependenceLowGrayLevelEmphasis"};
const char* const kGlrlmNames[] = {"GrayLevelNonUniformity",
                                   "GrayLevelNonUniformityNormalized",
                                   "GrayLevelVariance",
                                   "HighGrayLevelRunEmphasis",
                                   "LongRunEmphasis",
                                   "LongRunHighGrayLevelEmphasis",
                                   "LongRunLowGrayLevelEmphasis",
                                   "LowGrayLevelRunEmphasis",
                                   "RunEntropy",
                                   "RunLengthNonUniformity",
                                   "RunLengthNonUniformityNormalized",
                                   "RunPercentage",
                                   "RunVariance",
                                   "ShortRunEmphasis",
                                   "ShortRunHighGrayLevelEmphasis",
                                   "ShortRunLowGrayLevelEmphasis"};
const char* const kGlszmNames[] = {"GrayLevelNonUniformity",
                                   "GrayLevelNonUniformityNormalized",
                                   "GrayLevelVariance",
                                   "HighGrayLevelZoneEmphasis",
                                   "LargeAreaEmphasis",
                                   "LargeAreaHighGrayLevelEmphasis",
                                   "LargeAreaLowGrayLevelEmphasis",
                                   "LowGrayLevelZoneEmphasis",
                                   "SizeZoneNonUniformity",
                                   "SizeZoneNonUniformityNormalized",
                                   "SmallAreaEmphasis",
                                   "SmallAreaHighGrayLevelEmphasis",
                                   "SmallAreaLowGrayLevelEmphasis",
                                   "ZoneEntropy",
                                   "ZonePercentage",
                                   "ZoneVariance"};
const char* const kNgtdmNames[] = {"Busyness", "Coarseness", "Complexity", "Contrast", "Strength"};

static_assert(sizeof(kFirstorderNames) / sizeof(char*) == firstorder::kCount, "firstorder names");
static_assert(sizeof(kGlcmNames) / sizeof(char*) == glcm::kCount, "glcm names");
static_assert(sizeof(kGldmNames) / sizeof(char*) == gldm::kCount, "gldm names");
static_assert(sizeof(kGlrlmNames) / sizeof(char*) == glrlm::kCount, "glrlm names");
static_assert(sizeof(kGlszmNames) / sizeof(char*) == glszm::kCount, "glszm names");
static_assert(sizeof(kNgtdmNames) / sizeof(char*) == ngtdm::kCount, "ngtdm names");

const char* const* class_names(FeatureClass feature_class) {
  switch (feature_class) {
    case FeatureClass::firstorder:
      return kFirstorderNames;
    case FeatureClass::glcm:
      return kGlcmNames;
    case FeatureClass::gldm:
      return kGldmNames;
    case FeatureClass::glrlm:
      return kGlrlmNames;
    case FeatureClass::glszm:
      return kGlszmNames;
    case FeatureClass::ngtdm:
      return kNgtdmNames;
  }
  return nullptr;
}

std::vector<FeatureInfo> build_catalogue() {
  std::vector<FeatureInfo> catalogue;
  for (int c = 0; c < kFeatureClassCount; ++c) {
    const auto feature_class = static_cast<FeatureClass>(c);
    const char* const* names = class_names(feature_class);
    for (int f = 0; f < feature_count(feature_class); ++f) {
      const bool deprecated =
          feature_class == FeatureClass::firstorder && f == firstorder::StandardDeviation;
      catalogue.push_back(FeatureInfo{feature_class, f, names[f], !deprecated});
    }
  }
  return catalogue;
}

}  // namespace

const char* feature_class_name(FeatureClass feature_class) {
  switch (feature_class) {
    case FeatureClass::firstorder:
      return "firstorder";
    case FeatureClass::glcm:
      return "glcm";
    case FeatureClass::gldm:
      return "gldm";
    case FeatureClass::glrlm:
      return "glrlm";
    case FeatureClass::glszm:
      return "glszm";
    case FeatureClass::ngtdm:
      return "ngtdm";
  }
  return "";
}

int feature_count(FeatureClass feature_class) {
  switch (feature_class) {
    case FeatureClass::firstorder:
      return firstorder::kCount;
    case FeatureClass::glcm:
      return glcm::kCount;
    case FeatureClass::gldm:
      return gldm::kCount;
    case FeatureClass::glrlm:
      return glrlm::kCount;
    case FeatureClass::glszm:
      return glszm::kCount;
    case FeatureClass::ngtdm:
      return ngtdm::kCount;
  }
  return 0;
}

FeatureClass parse_feature_class(const std::string& name) {
  for (int c = 0; c < kFeatureClassCount; ++c)
    if (name == feature_class_name(static_cast<FeatureClass>(c)))
      return static_cast<FeatureClass>(c);
  throw std::invalid_argument("unknown or unsupported feature class '" + name +
                              "' (supported: firstorder, glcm, gldm, glrlm, glszm, ngtdm)");
}

std::string FeatureInfo::column_name() const {
  return std::string("original_") + feature_class_name(feature_class) + "_" + name;
}

const std::vector<FeatureInfo>& feature_catalogue() {
  static const std::vector<FeatureInfo> catalogue = build_catalogue();
  return catalogue;
}

FeatureSelection FeatureSelection::defaults() {
  FeatureSelection selection = none();
  for (int c = 0; c < kFeatureClassCount; ++c) selection.enable_class(static_cast<FeatureClass>(c));
  return selection;
}

FeatureSelection FeatureSelection::none() {
  FeatureSelection selection;
  selection.enabled.assign(feature_catalogue().size(), false);
  return selection;
}

void FeatureSelection::enable_class(FeatureClass feature_class) {
  const auto& catalogue = feature_catalogue();
  for (std::size_t i = 0; i < catalogue.size(); ++i)
    if (catalogue[i].feature_class == feature_class && catalogue[i].enabled_by_default)
      enabled[i] = true;
}

void FeatureSelection::enable_feature(FeatureClass feature_class, const std::string& name) {
  const auto& catalogue = feature_catalogue();
  for (std::size_t i = 0; i < catalogue.size(); ++i)
    if (catalogue[i].feature_class == feature_class && catalogue[i].name == name) {
      enabled[i] = true;
      return;
    }
  throw std::invalid_argument(std::string("unknown feature '") + name + "' in class " +
                              feature_class_name(feature_class));
}

bool FeatureSelection::any_in_class(FeatureClass feature_class) const {
  const auto& catalogue = feature_catalogue();
  for (std::size_t i = 0; i < catalogue.size(); ++i)
    if (enabled[i] && catalogue[i].feature_class == feature_class) return true;
  return false;
}

std::vector<int> FeatureSelection::enabled_indices() const {
  std::vector<int> indices;
  for (std::size_t i = 0; i < enabled.size(); ++i)
    if (enabled[i]) indices.push_back(static_cast<int>(i));
  return indices;
}

}  // namespace doseomics
