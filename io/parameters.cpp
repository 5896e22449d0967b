#include "parameters.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

// A setting's value as written, before it is typed: from a YAML node or from a `-s` string.
struct RawValue {
  enum class Kind { null, scalar, list, map } kind = Kind::null;
  std::string text;                // scalar
  std::vector<std::string> items;  // list of scalars
  bool from_cli = false;
};

// Where a value came from, for error messages.
struct Context {
  std::string origin;  // "parameter file 'x.yaml'" or "-s 'binWidth:abc'"
  std::string where;   // "setting 'binWidth'", "featureClass 'glcm'", ...

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(origin + ": " + where + ": " + what);
  }
};

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string show(const RawValue& value) {
  switch (value.kind) {
    case RawValue::Kind::null:
      return "null";
    case RawValue::Kind::scalar:
      return quoted(value.text);
    case RawValue::Kind::map:
      return "a mapping";
    case RawValue::Kind::list: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.items.size(); ++i) out += (i ? ", " : "") + value.items[i];
      return out + "]";
    }
  }
  return "?";
}

bool parse_integer_text(const std::string& text, long long& out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  std::size_t i = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  if (i == t.size()) return false;
  for (std::size_t k = i; k < t.size(); ++k)
    if (t[k] < '0' || t[k] > '9') return false;
  errno = 0;
  out = std::strtoll(t.c_str(), nullptr, 10);
  return errno == 0;
}

bool parse_double_text(const std::string& text, double& out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(t.c_str(), &end);
  return errno == 0 && end == t.c_str() + t.size() && std::isfinite(out);
}

long long as_int(const RawValue& value, const Context& ctx, long long min, long long max,
                 const std::string& requirement) {
  long long v = 0;
  if (value.kind != RawValue::Kind::scalar || !parse_integer_text(value.text, v) || v < min ||
      v > max)
    ctx.fail("must be " + requirement + ", got " + show(value));
  return v;
}

double as_double(const RawValue& value, const Context& ctx, double min, bool min_exclusive,
                 const std::string& requirement) {
  double v = 0;
  if (value.kind != RawValue::Kind::scalar || !parse_double_text(value.text, v) ||
      (min_exclusive ? !(v > min) : !(v >= min)))
    ctx.fail("must be " + requirement + ", got " + show(value));
  return v;
}

bool as_bool(const RawValue& value, const Context& ctx) {
  if (value.kind == RawValue::Kind::scalar) {
    const std::string t = trim(value.text);
    if (t == "true" || t == "True" || t == "TRUE") return true;
    if (t == "false" || t == "False" || t == "FALSE") return false;
    if (value.from_cli) {
      // PyRadiomics' command line reads "1" or "true" (any case) as true.
      std::string lower;
      for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (t == "1" || lower == "true") return true;
      if (t == "0" || lower == "false") return false;
    }
  }
  ctx.fail(std::string("must be a boolean (true or false") + (value.from_cli ? ", 1 or 0" : "") +
           "), got " + show(value));
}

std::vector<long long> as_int_list(const RawValue& value, const Context& ctx, long long min,
                                   const std::string& requirement) {
  if (value.kind != RawValue::Kind::list)
    ctx.fail("must be a list of " + requirement + " (e.g. [1, 2]; on the command line 1,2), got " +
             show(value));
  std::vector<long long> out;
  for (const auto& item : value.items) {
    long long v = 0;
    if (!parse_integer_text(item, v) || v < min)
      ctx.fail("must be a list of " + requirement + ", got " + show(value));
    out.push_back(v);
  }
  return out;
}

std::vector<double> as_double_list(const RawValue& value, const Context& ctx) {
  if (value.kind != RawValue::Kind::list) ctx.fail("must be a list of numbers, got " + show(value));
  std::vector<double> out;
  for (const auto& item : value.items) {
    double v = 0;
    if (!parse_double_text(item, v)) ctx.fail("must be a list of numbers, got " + show(value));
    out.push_back(v);
  }
  return out;
}

void require_value(const RawValue& value, const Context& ctx, const std::string& requirement) {
  if (value.kind == RawValue::Kind::null) ctx.fail("needs a value (" + requirement + ")");
}

// Resampling happens in PyRadiomics when both interpolator and resampledPixelSpacing are set.
void check_resampling(const ExtractionParameters& p, const Context& ctx) {
  if (p.interpolator_set && p.resampled_spacing_set)
    ctx.fail(
        "resampling (resampledPixelSpacing with an interpolator) is not supported by doseomics; "
        "leave resampledPixelSpacing null (or absent) and resample the images beforehand");
}

const std::set<std::string>& interpolator_names() {
  static const std::set<std::string> names = {"sitkNearestNeighbor",
                                              "sitkLinear",
                                              "sitkBSpline",
                                              "sitkGaussian",
                                              "sitkLabelGaussian",
                                              "sitkHammingWindowedSinc",
                                              "sitkCosineWindowedSinc",
                                              "sitkWelchWindowedSinc",
                                              "sitkLanczosWindowedSinc",
                                              "sitkBlackmanWindowedSinc"};
  return names;
}

bool is_cli_null_word(const RawValue& value) {
  if (!value.from_cli || value.kind != RawValue::Kind::scalar) return false;
  const std::string t = trim(value.text);
  return t == "None" || t == "none" || t == "null" || t == "Null";
}

using Handler = std::function<void(ExtractionParameters&, const RawValue&, const Context&)>;

const std::map<std::string, Handler>& setting_handlers() {
  static const std::map<std::string, Handler> handlers = [] {
    std::map<std::string, Handler> h;
    // ---- settings the engine implements ----
    h["binWidth"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "a number greater than 0");
      p.settings.bin_width = as_double(v, c, 0.0, true, "a number greater than 0");
    };
    h["binCount"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      p.settings.bin_count =
          v.kind == RawValue::Kind::null
              ? 0
              : static_cast<int>(as_int(v, c, 1, 1 << 30, "an integer greater than 0 (or null)"));
    };
    h["voxelArrayShift"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "an integer");
      p.settings.voxel_array_shift =
          static_cast<double>(as_int(v, c, -(1LL << 52), 1LL << 52, "an integer"));
    };
    h["label"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "an integer greater than 0");
      p.settings.label =
          static_cast<int>(as_int(v, c, 1, 2147483647LL, "an integer greater than 0"));
    };
    h["distances"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "a list of integers greater than 0");
      const auto list = as_int_list(v, c, 1, "integers greater than 0");
      if (list.empty()) c.fail("must list at least one distance");
      if (list.size() > static_cast<std::size_t>(kMaxDistances))
        c.fail("at most " + std::to_string(kMaxDistances) + " distances are supported, got " +
               std::to_string(list.size()));
      for (long long d : list)
        if (d > 1000) c.fail("distance " + std::to_string(d) + " is unreasonably large");
      for (int i = 0; i < kMaxDistances; ++i)
        p.settings.distances[i] = i < static_cast<int>(list.size()) ? static_cast<int>(list[i]) : 0;
      p.settings.distance_count = static_cast<int>(list.size());
    };
    h["symmetricalGLCM"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      p.settings.symmetrical_glcm = as_bool(v, c);
    };
    h["weightingNorm"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      if (v.kind == RawValue::Kind::null || is_cli_null_word(v)) {
        p.settings.weighting_norm = WeightingNorm::none;
        return;
      }
      const std::string t = v.kind == RawValue::Kind::scalar ? trim(v.text) : "";
      if (t != "infinity" && t != "euclidean" && t != "manhattan" && t != "no_weighting")
        c.fail("must be null, infinity, euclidean, manhattan or no_weighting, got " + show(v));
      p.settings.weighting_norm = parse_weighting_norm(t);
    };
    h["gldm_a"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "an integer >= 0");
      p.settings.gldm_a = static_cast<int>(
          as_int(v, c, 0, 1000000, "an integer >= 0 (PyRadiomics passes it to C as an int)"));
    };
    h["force2D"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      p.settings.force2d = as_bool(v, c);
    };
    h["force2Ddimension"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "0, 1 or 2");
      p.settings.force2d_dimension = static_cast<int>(as_int(v, c, 0, 2, "0, 1 or 2"));
    };
    h["minimumROIDimensions"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      require_value(v, c, "1, 2 or 3");
      p.settings.minimum_roi_dimensions = static_cast<int>(as_int(v, c, 1, 3, "1, 2 or 3"));
    };
    h["minimumROISize"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      p.settings.minimum_roi_size =
          v.kind == RawValue::Kind::null
              ? 0
              : as_int(v, c, 1, 1LL << 62, "an integer greater than 0 (or null)");
    };
    h["additionalInfo"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      p.additional_info = as_bool(v, c);
    };

    // ---- accepted at their no-op value only ----
    h["enableCExtensions"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      if (!as_bool(v, c))
        c.fail("false is not supported: doseomics always computes as PyRadiomics' C extensions");
    };
    h["interpolator"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      if (v.kind == RawValue::Kind::null || is_cli_null_word(v)) {
        p.interpolator_set = false;
        return;
      }
      long long code = 0;
      const bool valid = v.kind == RawValue::Kind::scalar &&
                         (interpolator_names().count(trim(v.text)) ||
                          (parse_integer_text(v.text, code) && code >= 1 && code <= 10));
      if (!valid)
        c.fail("must be null, a SimpleITK interpolator name (e.g. sitkBSpline) or 1..10, got " +
               show(v));
      p.interpolator_set = true;
    };
    h["resampledPixelSpacing"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      if (v.kind == RawValue::Kind::null || is_cli_null_word(v)) {
        p.resampled_spacing_set = false;
        return;
      }
      for (double s : as_double_list(v, c))
        if (s < 0) c.fail("spacings must be >= 0, got " + show(v));
      p.resampled_spacing_set = true;
    };
    h["normalize"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      if (as_bool(v, c))
        c.fail("normalization (normalize: true) is not supported by doseomics; set it to false");
    };
    h["normalizeScale"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      // Used only when normalize is true, which is rejected; a valid value is a no-op.
      require_value(v, c, "a number greater than 0");
      as_double(v, c, 0.0, true, "a number greater than 0");
    };
    h["removeOutliers"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      if (v.kind != RawValue::Kind::null) as_double(v, c, 0.0, true, "a number greater than 0");
    };
    h["preCrop"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      as_bool(v, c);  // cropping before the features never changes them
    };
    h["padDistance"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      require_value(v, c, "an integer >= 0");
      as_int(v, c, 0, 1LL << 30, "an integer >= 0");
    };
    h["correctMask"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      if (as_bool(v, c))
        c.fail(
            "correctMask: true (resampling the mask onto the image grid) is not supported by "
            "doseomics; set it to false and give a mask on the image's grid");
    };
    h["geometryTolerance"] = [](ExtractionParameters& p, const RawValue& v, const Context& c) {
      if (v.kind == RawValue::Kind::null) return;
      const double tolerance = as_double(v, c, 0.0, true, "a number greater than 0 (or null)");
      if (tolerance != 1e-6)
        p.warnings.push_back(c.origin + ": " + c.where +
                             ": doseomics checks image/mask geometry with SimpleITK's default "
                             "tolerance 1e-6; the given value is not used");
    };
    h["label_channel"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      require_value(v, c, "0");
      const long long channel = as_int(v, c, 0, 1LL << 30, "an integer >= 0");
      if (channel != 0)
        c.fail("only label_channel 0 is supported (vector-valued masks are not supported)");
    };
    h["resegmentRange"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      if (v.kind == RawValue::Kind::null || is_cli_null_word(v)) return;
      c.fail("resegmentation is not supported by doseomics; leave resegmentRange null (or absent)");
    };
    h["resegmentMode"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      // Used only with resegmentRange, which is rejected; a valid value is a no-op.
      const std::string t = v.kind == RawValue::Kind::scalar ? trim(v.text) : "";
      if (t != "absolute" && t != "relative" && t != "sigma")
        c.fail("must be absolute, relative or sigma, got " + show(v));
    };
    h["resegmentShape"] = [](ExtractionParameters&, const RawValue& v, const Context& c) {
      as_bool(v, c);
    };
    // ---- image-filter settings: only meaningful with filtered image types ----
    for (const char* name : {"sigma", "start_level", "level", "wavelet", "gradientUseSpacing",
                             "lbp2DRadius", "lbp2DSamples", "lbp2DMethod", "lbp3DLevels",
                             "lbp3DIcosphereRadius", "lbp3DIcosphereSubdivision"}) {
      h[name] = [](ExtractionParameters&, const RawValue&, const Context& c) {
        c.fail(
            "image-filter settings are not supported by doseomics (only the Original image type "
            "is); remove this setting");
      };
    }
    return h;
  }();
  return handlers;
}

void apply_setting(ExtractionParameters& p, const std::string& key, const RawValue& value,
                   const Context& ctx) {
  const auto& handlers = setting_handlers();
  const auto it = handlers.find(key);
  if (it == handlers.end())
    ctx.fail(
        "unknown setting (PyRadiomics 3.1 has no such setting; supported: binWidth, binCount, "
        "voxelArrayShift, label, distances, symmetricalGLCM, weightingNorm, gldm_a, force2D, "
        "force2Ddimension, minimumROIDimensions, minimumROISize, additionalInfo)");
  if (value.kind == RawValue::Kind::map) ctx.fail("must not be a mapping");
  it->second(p, value, ctx);
}

// ---- YAML -----------------------------------------------------------------------------------

RawValue raw_from_yaml(const YAML::Node& node, const Context& ctx) {
  RawValue value;
  if (!node || node.IsNull()) return value;
  if (node.IsScalar()) {
    value.kind = RawValue::Kind::scalar;
    value.text = node.Scalar();
  } else if (node.IsSequence()) {
    value.kind = RawValue::Kind::list;
    for (const auto& item : node) {
      if (!item.IsScalar()) ctx.fail("list items must be plain values");
      value.items.push_back(item.Scalar());
    }
  } else if (node.IsMap()) {
    value.kind = RawValue::Kind::map;
  }
  return value;
}

std::string key_text(const YAML::Node& key) {
  return key.IsScalar() ? key.Scalar() : std::string("<non-scalar key>");
}

void read_settings_section(ExtractionParameters& p, const YAML::Node& section,
                           const std::string& origin) {
  if (!section || section.IsNull()) return;  // `setting:` with nothing under it
  if (!section.IsMap())
    throw InputError(origin + ": section 'setting' must be a mapping of setting: value");
  for (const auto& entry : section) {
    const std::string key = key_text(entry.first);
    const Context ctx{origin, "setting '" + key + "'"};
    apply_setting(p, key, raw_from_yaml(entry.second, ctx), ctx);
  }
  check_resampling(p, Context{origin, "setting 'resampledPixelSpacing'"});
}

void read_voxel_settings_section(ExtractionParameters& p, const YAML::Node& section,
                                 const std::string& origin) {
  if (!section || section.IsNull()) return;
  if (!section.IsMap())
    throw InputError(origin + ": section 'voxelSetting' must be a mapping of setting: value");
  for (const auto& entry : section) {
    const std::string key = key_text(entry.first);
    const Context ctx{origin, "voxelSetting '" + key + "'"};
    const RawValue value = raw_from_yaml(entry.second, ctx);
    if (key == "kernelRadius" || key == "voxelBatch") {
      if (value.kind != RawValue::Kind::null)
        as_int(value, ctx, 1, 1LL << 30, "an integer greater than 0");
    } else if (key == "maskedKernel") {
      as_bool(value, ctx);
    } else if (key == "initValue") {
      if (value.kind != RawValue::Kind::null) as_double(value, ctx, -HUGE_VAL, false, "a number");
    } else {
      ctx.fail(
          "unknown voxel setting (expected kernelRadius, maskedKernel, initValue, voxelBatch)");
    }
    p.warnings.push_back(origin + ": voxelSetting '" + key +
                         "' is used only by voxel-based extraction; doseomics extracts "
                         "segment-based features, so it has no effect");
  }
}

void read_image_type_section(const YAML::Node& section, const std::string& origin) {
  static const std::set<std::string> filtered = {"Wavelet",    "LoG",       "Square",
                                                 "SquareRoot", "Logarithm", "Exponential",
                                                 "Gradient",   "LBP2D",     "LBP3D"};
  if (!section || section.IsNull())
    throw InputError(origin +
                     ": section 'imageType' must not be empty (null); use `Original: {}` or "
                     "remove the section");
  if (!section.IsMap())
    throw InputError(origin + ": section 'imageType' must be a mapping such as `Original: {}`");
  for (const auto& entry : section) {
    const std::string type = key_text(entry.first);
    const Context ctx{origin, "imageType '" + type + "'"};
    if (type == "Original") {
      const YAML::Node custom = entry.second;
      if (custom && !custom.IsNull() && !(custom.IsMap() && custom.size() == 0))
        ctx.fail(
            "custom settings per image type are not supported by doseomics; use `Original: {}` "
            "and put the settings under `setting:`");
    } else if (filtered.count(type)) {
      ctx.fail("filtered image types are not supported by doseomics (only Original)");
    } else {
      ctx.fail(
          "unknown image type (PyRadiomics has Original, Wavelet, LoG, Square, SquareRoot, "
          "Logarithm, Exponential, Gradient, LBP2D, LBP3D; doseomics supports Original only)");
    }
  }
}

// PyRadiomics features that are accepted by name but compute no value (DeprecationWarning).
bool deprecated_without_value(FeatureClass feature_class, const std::string& name) {
  if (feature_class == FeatureClass::glcm)
    return name == "Dissimilarity" || name == "Homogeneity1" || name == "Homogeneity2" ||
           name == "SumVariance";
  if (feature_class == FeatureClass::gldm)
    return name == "GrayLevelNonUniformityNormalized" || name == "DependencePercentage";
  return false;
}

std::string feature_names_of(FeatureClass feature_class) {
  std::string names;
  for (const auto& info : feature_catalogue())
    if (info.feature_class == feature_class) names += (names.empty() ? "" : ", ") + info.name;
  return names;
}

void read_feature_class_section(ExtractionParameters& p, const YAML::Node& section,
                                const std::string& origin) {
  if (!section || section.IsNull())
    throw InputError(origin +
                     ": section 'featureClass' must not be empty (null); remove it to enable "
                     "every class, or list classes such as `glcm: [Contrast]`");
  if (!section.IsMap())
    throw InputError(origin + ": section 'featureClass' must be a mapping of class: [features]");
  if (section.size() == 0) return;  // `featureClass: {}` enables every class
  p.features = FeatureSelection::none();
  for (const auto& entry : section) {
    const std::string class_name = key_text(entry.first);
    const Context ctx{origin, "featureClass '" + class_name + "'"};
    if (class_name == "shape" || class_name == "shape2D")
      ctx.fail(
          "shape features are not supported by doseomics yet; remove this class (doseomics "
          "computes firstorder, glcm, gldm, glrlm, glszm and ngtdm)");
    FeatureClass feature_class{};
    try {
      feature_class = parse_feature_class(class_name);
    } catch (const std::invalid_argument&) {
      ctx.fail("unknown feature class (supported: firstorder, glcm, gldm, glrlm, glszm, ngtdm)");
    }
    const YAML::Node features = entry.second;
    if (!features || features.IsNull() || (features.IsSequence() && features.size() == 0)) {
      p.features.enable_class(feature_class);  // null or []: the whole class
      continue;
    }
    if (!features.IsSequence())
      ctx.fail("must be a list of feature names (or empty for the whole class)");
    for (const auto& item : features) {
      if (!item.IsScalar()) ctx.fail("feature names must be plain strings");
      const std::string name = item.Scalar();
      if (deprecated_without_value(feature_class, name)) {
        p.warnings.push_back(origin + ": " + ctx.where + ": feature '" + name +
                             "' is deprecated; PyRadiomics computes no value for it, so it has "
                             "no column");
        continue;
      }
      try {
        p.features.enable_feature(feature_class, name);
      } catch (const std::invalid_argument&) {
        ctx.fail("unknown feature '" + name + "' (features of " + class_name + ": " +
                 feature_names_of(feature_class) + ")");
      }
    }
  }
}

}  // namespace

ExtractionParameters default_parameters() { return ExtractionParameters{}; }

ExtractionParameters parse_parameters(const std::string& yaml_text, const std::string& origin) {
  YAML::Node loaded;
  try {
    loaded = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw InputError(origin + ": not valid YAML/JSON: " + e.what());
  }
  const YAML::Node root = loaded;
  ExtractionParameters p = default_parameters();
  if (!root || root.IsNull()) return p;  // an empty file: defaults
  if (!root.IsMap())
    throw InputError(origin +
                     ": expected a mapping with the sections setting, featureClass, imageType");
  for (const auto& entry : root) {
    const std::string section = key_text(entry.first);
    if (section != "setting" && section != "featureClass" && section != "imageType" &&
        section != "voxelSetting")
      throw InputError(origin + ": unknown section '" + section +
                       "' (expected setting, featureClass, imageType or voxelSetting)");
  }
  if (root["imageType"]) read_image_type_section(root["imageType"], origin);
  if (root["featureClass"]) read_feature_class_section(p, root["featureClass"], origin);
  read_settings_section(p, root["setting"], origin);
  read_voxel_settings_section(p, root["voxelSetting"], origin);
  return p;
}

ExtractionParameters read_parameter_file(const std::string& path) {
  const std::string origin = "parameter file '" + path + "'";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(origin + ": cannot be opened (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(origin + ": cannot be read");
  return parse_parameters(text.str(), origin);
}

void apply_setting_override(ExtractionParameters& parameters, const std::string& key_value) {
  const std::string origin = "-s '" + key_value + "'";
  const auto colon = key_value.find(':');
  if (colon == std::string::npos)
    throw InputError(origin + ": expected SETTING:VALUE (e.g. -s binWidth:10)");
  const std::string key = trim(key_value.substr(0, colon));
  const std::string text = key_value.substr(colon + 1);
  const Context ctx{origin, "setting '" + key + "'"};
  static const std::set<std::string> list_settings = {"distances", "resampledPixelSpacing",
                                                      "resegmentRange", "sigma"};
  RawValue value;
  value.from_cli = true;
  if (trim(text).empty()) {
    value.kind = RawValue::Kind::null;
  } else if (list_settings.count(key)) {
    value.kind = RawValue::Kind::list;
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) value.items.push_back(trim(item));
    if (!text.empty() && text.back() == ',') value.items.push_back("");
  } else {
    value.kind = RawValue::Kind::scalar;
    value.text = trim(text);
  }
  if (key == "binWidth" && value.kind == RawValue::Kind::scalar &&
      value.text.find(',') != std::string::npos)
    ctx.fail("takes one width; for a bin-width sweep use --bin-widths " + value.text);
  apply_setting(parameters, key, value, ctx);
  check_resampling(parameters, ctx);
}

std::vector<double> parse_bin_widths(const std::string& list) {
  const std::string origin = "--bin-widths '" + list + "'";
  std::vector<double> widths;
  std::stringstream items(list);
  std::string item;
  while (std::getline(items, item, ',')) {
    double w = 0;
    if (!parse_double_text(item, w) || !(w > 0))
      throw InputError(origin + ": '" + trim(item) + "' is not a number greater than 0");
    widths.push_back(w);
  }
  if (widths.empty() || (!list.empty() && list.back() == ','))
    throw InputError(origin + ": expected comma-separated bin widths, e.g. 5,10,25");
  return widths;
}

std::vector<Settings> expand_bin_widths(const Settings& settings,
                                        const std::vector<double>& widths) {
  if (widths.empty()) return {settings};
  if (settings.bin_count > 0)
    throw InputError("--bin-widths cannot be combined with binCount " +
                     std::to_string(settings.bin_count) +
                     " (a fixed bin count overrides the bin width)");
  std::vector<Settings> out;
  for (double w : widths) {
    Settings s = settings;
    s.bin_width = w;
    out.push_back(s);
  }
  return out;
}

}  // namespace doseomics
