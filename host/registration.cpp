// Rigid registration with ITK's v4 framework. Kept in its own translation unit: the registration
// templates take about half a minute to compile.
#include "host/registration.hpp"

#include <itkCenteredTransformInitializer.h>
#include <itkEuler3DTransform.h>
#include <itkImageMaskSpatialObject.h>
#include <itkImageRegionConstIteratorWithIndex.h>
#include <itkImageRegistrationMethodv4.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkMattesMutualInformationImageToImageMetricv4.h>
#include <itkRegistrationParameterScalesFromPhysicalShift.h>
#include <itkRegularStepGradientDescentOptimizerv4.h>
#include <itkVersorRigid3DTransform.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "io/image_region.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr const char* kTransformWord = "rigid3d";

using Matrix3 = std::array<double, 9>;

Matrix3 multiply(const Matrix3& a, const Matrix3& b) {
  Matrix3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return c;
}

Matrix3 transpose(const Matrix3& a) {
  return {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
}

Point3D multiply(const Matrix3& a, const Point3D& v) {
  return {a[0] * v[0] + a[1] * v[1] + a[2] * v[2], a[3] * v[0] + a[4] * v[1] + a[5] * v[2],
          a[6] * v[0] + a[7] * v[1] + a[8] * v[2]};
}

double determinant(const Matrix3& a) {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
         a[2] * (a[3] * a[7] - a[4] * a[6]);
}

// Largest |M M^T - I| entry and |det M - 1|.
double rotation_defect(const Matrix3& m) {
  const Matrix3 product = multiply(m, transpose(m));
  double defect = std::abs(determinant(m) - 1.0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      defect = std::max(defect, std::abs(product[3 * i + j] - (i == j ? 1.0 : 0.0)));
  return defect;
}

template <typename ItkMatrixOffsetTransform>
RigidTransform from_itk(const ItkMatrixOffsetTransform& transform) {
  RigidTransform result;
  const auto& matrix = transform.GetMatrix();
  const auto& translation = transform.GetTranslation();
  const auto& centre = transform.GetCenter();
  for (unsigned i = 0; i < 3; ++i) {
    for (unsigned j = 0; j < 3; ++j) result.matrix[3 * i + j] = matrix(i, j);
    result.translation_mm[i] = translation[i];
    result.centre_mm[i] = centre[i];
  }
  return result;
}

void require_image(const itk::ImageBase<3>* image, const char* what) {
  if (image == nullptr) throw InputError(std::string("registration: no ") + what + " image");
  const auto size = image->GetLargestPossibleRegion().GetSize();
  if (size[0] == 0 || size[1] == 0 || size[2] == 0)
    throw InputError(std::string("registration: the ") + what + " image is empty");
}

// Throws InputError unless `mask` has the grid of `image` (origin, spacing, direction, size).
void require_same_grid(const itk::ImageBase<3>* image, const itk::ImageBase<3>* mask) {
  const std::string difference = geometry_difference(image, mask);
  if (!difference.empty())
    throw InputError("registration: the fixed mask is not on the fixed image's grid (" +
                     difference + ")");
}

void require_valid(const RegistrationOptions& options) {
  const auto fail = [](const std::string& why) {
    throw InputError("registration options: " + why);
  };
  if (options.histogram_bins < 5) fail("histogram_bins must be at least 5 (Mattes MI)");
  if (options.iterations_per_level < 1) fail("iterations_per_level must be at least 1");
  if (!(options.sampling_fraction > 0.0 && options.sampling_fraction <= 1.0))
    fail("sampling_fraction must be in (0, 1]");
  if (options.shrink_factors.empty()) fail("at least one level (shrink factor) is needed");
  if (options.shrink_factors.size() != options.smoothing_sigmas_mm.size())
    fail("shrink_factors and smoothing_sigmas_mm must have one entry per level");
  for (unsigned factor : options.shrink_factors)
    if (factor < 1) fail("shrink factors must be at least 1");
  for (double sigma : options.smoothing_sigmas_mm)
    if (!(sigma >= 0.0)) fail("smoothing sigmas must be >= 0");
  if (!(options.learning_rate > 0.0)) fail("learning_rate must be > 0");
  if (!(options.minimum_step_length > 0.0)) fail("minimum_step_length must be > 0");
  if (!(options.relaxation_factor > 0.0 && options.relaxation_factor < 1.0))
    fail("relaxation_factor must be in (0, 1)");
}

std::string describe(const RegistrationOptions& options) {
  std::ostringstream text;
  text << "mattes-mi bins=" << options.histogram_bins << " versor-rigid rsgd levels=";
  for (std::size_t i = 0; i < options.shrink_factors.size(); ++i)
    text << (i ? "/" : "") << options.shrink_factors[i];
  text << " sigmas_mm=";
  for (std::size_t i = 0; i < options.smoothing_sigmas_mm.size(); ++i)
    text << (i ? "/" : "") << options.smoothing_sigmas_mm[i];
  text << " sampling=" << options.sampling_fraction << " seed=" << options.random_seed << " init="
       << (options.initialisation == RegistrationInitialisation::geometry_centres ? "geometry"
                                                                                  : "identity");
  return text.str();
}

// Mattes MI with a say over how many work units the metric's domain threaders split into. With
// several, ITK adds the threads' joint-PDF derivatives in arrival order (a lock), so repeated runs
// agree only to rounding; with one, bit for bit.
class MattesMetric
    : public itk::MattesMutualInformationImageToImageMetricv4<FloatImage3D, FloatImage3D> {
 public:
  using Self = MattesMetric;
  using Superclass = itk::MattesMutualInformationImageToImageMetricv4<FloatImage3D, FloatImage3D>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;
  itkNewMacro(Self);

  // Work units of both threaders (sparse: sampled points; dense: every voxel).
  void set_number_of_work_units(itk::ThreadIdType count) {
    this->m_SparseGetValueAndDerivativeThreader->SetNumberOfWorkUnits(count);
    this->m_DenseGetValueAndDerivativeThreader->SetNumberOfWorkUnits(count);
  }
};

std::string trim_dicom(const std::string& text) {
  const char* padding = " \t\r\n";
  std::string trimmed = text.substr(0, text.find('\0'));
  const auto first = trimmed.find_first_not_of(padding);
  if (first == std::string::npos) return "";
  const auto last = trimmed.find_last_not_of(padding);
  return trimmed.substr(first, last - first + 1);
}

// Shannon entropy (nats) of a histogram with `total` counts.
double entropy(const std::vector<double>& counts, double total) {
  double h = 0.0;
  for (double c : counts)
    if (c > 0.0) h -= (c / total) * std::log(c / total);
  return h;
}

}  // namespace

// ---- RigidTransform ---------------------------------------------------------------------------

RigidTransform RigidTransform::from_euler_zxy(const Point3D& angles_rad,
                                              const Point3D& translation_mm,
                                              const Point3D& centre_mm) {
  auto euler = itk::Euler3DTransform<double>::New();
  itk::Euler3DTransform<double>::InputPointType centre;
  itk::Euler3DTransform<double>::OutputVectorType translation;
  for (unsigned i = 0; i < 3; ++i) {
    centre[i] = centre_mm[i];
    translation[i] = translation_mm[i];
  }
  euler->SetCenter(centre);
  euler->SetRotation(angles_rad[0], angles_rad[1], angles_rad[2]);
  euler->SetTranslation(translation);
  return from_itk(*euler);
}

Point3D RigidTransform::apply(const Point3D& point_mm) const {
  const Point3D relative = {point_mm[0] - centre_mm[0], point_mm[1] - centre_mm[1],
                            point_mm[2] - centre_mm[2]};
  const Point3D rotated = multiply(matrix, relative);
  return {rotated[0] + centre_mm[0] + translation_mm[0],
          rotated[1] + centre_mm[1] + translation_mm[1],
          rotated[2] + centre_mm[2] + translation_mm[2]};
}

RigidTransform RigidTransform::inverse() const {
  // p = M^T (q - c - t) + c: same centre, matrix M^T, translation -M^T t.
  RigidTransform result;
  result.matrix = transpose(matrix);
  const Point3D back = multiply(result.matrix, translation_mm);
  result.translation_mm = {-back[0], -back[1], -back[2]};
  result.centre_mm = centre_mm;
  return result;
}

RigidTransform RigidTransform::followed_by(const RigidTransform& next) const {
  // next(this(p)) = M2 M1 (p - c1) + M2 (c1 + t1 - c2) + c2 + t2; keep c1 as the centre.
  RigidTransform result;
  result.matrix = multiply(next.matrix, matrix);
  result.centre_mm = centre_mm;
  const Point3D shifted = {centre_mm[0] + translation_mm[0] - next.centre_mm[0],
                           centre_mm[1] + translation_mm[1] - next.centre_mm[1],
                           centre_mm[2] + translation_mm[2] - next.centre_mm[2]};
  const Point3D moved = multiply(next.matrix, shifted);
  for (int i = 0; i < 3; ++i)
    result.translation_mm[i] = moved[i] + next.centre_mm[i] + next.translation_mm[i] - centre_mm[i];
  return result;
}

double RigidTransform::rotation_angle_deg() const {
  const double cosine = std::clamp((matrix[0] + matrix[4] + matrix[8] - 1.0) / 2.0, -1.0, 1.0);
  return std::acos(cosine) * 180.0 / kPi;
}

bool RigidTransform::is_identity(double tolerance) const {
  for (int i = 0; i < 9; ++i)
    if (!(std::abs(matrix[i] - (i % 4 == 0 ? 1.0 : 0.0)) <= tolerance)) return false;
  for (double component : translation_mm)
    if (!(std::abs(component) <= tolerance)) return false;
  return true;
}

std::array<double, 12> RigidTransform::parameters() const {
  std::array<double, 12> result{};
  std::copy(matrix.begin(), matrix.end(), result.begin());
  std::copy(translation_mm.begin(), translation_mm.end(), result.begin() + 9);
  return result;
}

RigidTransform RigidTransform::from_parameters(const std::array<double, 12>& parameters,
                                               const Point3D& centre_mm) {
  RigidTransform result;
  std::copy(parameters.begin(), parameters.begin() + 9, result.matrix.begin());
  std::copy(parameters.begin() + 9, parameters.end(), result.translation_mm.begin());
  result.centre_mm = centre_mm;
  for (double value : parameters)
    if (!std::isfinite(value)) throw InputError("rigid transform: a parameter is not finite");
  for (double value : centre_mm)
    if (!std::isfinite(value)) throw InputError("rigid transform: the centre is not finite");
  const double defect = rotation_defect(result.matrix);
  if (!(defect <= kRotationTolerance))
    throw InputError("rigid transform: the matrix is not a rotation (deviation " +
                     std::to_string(defect) + ")");
  return result;
}

std::string RigidTransform::to_string() const {
  std::string text = kTransformWord;
  char number[32];
  const auto append = [&](double value) {
    std::snprintf(number, sizeof number, " %.17g", value);
    text += number;
  };
  for (double value : parameters()) append(value);
  for (double value : centre_mm) append(value);
  return text;
}

RigidTransform RigidTransform::from_string(const std::string& text) {
  std::istringstream stream(text);
  std::string word;
  if (!(stream >> word) || word != kTransformWord)
    throw InputError("rigid transform \"" + text + "\": does not start with \"" + kTransformWord +
                     "\"");
  std::vector<double> numbers;
  std::string token;
  while (stream >> token) {
    char* end = nullptr;
    const double value = std::strtod(token.c_str(), &end);
    if (end == token.c_str() || *end != '\0')
      throw InputError("rigid transform \"" + text + "\": \"" + token + "\" is not a number");
    numbers.push_back(value);
  }
  if (numbers.size() != 15)
    throw InputError("rigid transform \"" + text + "\": expected 15 numbers (12 parameters and " +
                     "a centre), found " + std::to_string(numbers.size()));
  std::array<double, 12> parameters{};
  std::copy(numbers.begin(), numbers.begin() + 12, parameters.begin());
  return from_parameters(parameters, {numbers[12], numbers[13], numbers[14]});
}

// ---- Registration -----------------------------------------------------------------------------

namespace {

// One optimisation with `options`; also measures the alignment at its starting transform.
RegistrationResult register_once(const FloatImage3D* fixed, const FloatImage3D* moving,
                                 const RegistrationOptions& options,
                                 const MaskImage3D* fixed_mask) {
  using TransformType = itk::VersorRigid3DTransform<double>;
  using MetricType = MattesMetric::Superclass;
  using OptimizerType = itk::RegularStepGradientDescentOptimizerv4<double>;
  using RegistrationType =
      itk::ImageRegistrationMethodv4<FloatImage3D, FloatImage3D, TransformType>;
  using InitializerType =
      itk::CenteredTransformInitializer<TransformType, FloatImage3D, FloatImage3D>;
  using ScalesEstimatorType = itk::RegistrationParameterScalesFromPhysicalShift<MetricType>;
  using MaskSpatialObjectType = itk::ImageMaskSpatialObject<3>;

  RegistrationResult result;
  result.method = describe(options);
  RigidTransform start_transform;
  const auto start = std::chrono::steady_clock::now();

  try {
    auto transform = TransformType::New();
    if (options.initialisation == RegistrationInitialisation::geometry_centres) {
      auto initializer = InitializerType::New();
      initializer->SetTransform(transform);
      initializer->SetFixedImage(fixed);
      initializer->SetMovingImage(moving);
      initializer->GeometryOn();
      initializer->InitializeTransform();
    } else {
      // Identity, rotating about the fixed grid's centre (better conditioned than the origin).
      const auto size = fixed->GetLargestPossibleRegion().GetSize();
      const auto first = fixed->GetLargestPossibleRegion().GetIndex();
      itk::ContinuousIndex<double, 3> middle;
      for (unsigned i = 0; i < 3; ++i) middle[i] = first[i] + (size[i] - 1) / 2.0;
      TransformType::InputPointType centre;
      fixed->TransformContinuousIndexToPhysicalPoint(middle, centre);
      transform->SetCenter(centre);
    }
    start_transform = from_itk(*transform);

    auto metric = MattesMetric::New();
    metric->SetNumberOfHistogramBins(options.histogram_bins);
    metric->SetUseMovingImageGradientFilter(false);
    metric->SetUseFixedImageGradientFilter(false);
    if (options.metric_work_units > 0) metric->set_number_of_work_units(options.metric_work_units);
    MaskSpatialObjectType::Pointer mask_object;
    if (fixed_mask != nullptr) {
      mask_object = MaskSpatialObjectType::New();
      mask_object->SetImage(fixed_mask);
      mask_object->Update();
      metric->SetFixedImageMask(mask_object);
    }

    auto scales_estimator = ScalesEstimatorType::New();
    scales_estimator->SetMetric(metric);
    scales_estimator->SetTransformForward(true);

    auto optimizer = OptimizerType::New();
    optimizer->SetLearningRate(options.learning_rate);
    optimizer->SetMinimumStepLength(options.minimum_step_length);
    optimizer->SetRelaxationFactor(options.relaxation_factor);
    optimizer->SetNumberOfIterations(options.iterations_per_level);
    optimizer->SetGradientMagnitudeTolerance(options.gradient_magnitude_tolerance);
    optimizer->SetScalesEstimator(scales_estimator);
    optimizer->SetDoEstimateLearningRateOnce(true);
    optimizer->SetDoEstimateLearningRateAtEachIteration(false);
    optimizer->SetReturnBestParametersAndValue(false);

    auto registration = RegistrationType::New();
    registration->SetFixedImage(fixed);
    registration->SetMovingImage(moving);
    registration->SetMetric(metric);
    registration->SetOptimizer(optimizer);
    registration->SetInitialTransform(transform);
    registration->InPlaceOn();

    const std::size_t levels = options.shrink_factors.size();
    RegistrationType::ShrinkFactorsArrayType shrink(levels);
    RegistrationType::SmoothingSigmasArrayType sigmas(levels);
    RegistrationType::MetricSamplingPercentageArrayType sampling(levels);
    for (std::size_t level = 0; level < levels; ++level) {
      shrink[level] = options.shrink_factors[level];
      sigmas[level] = options.smoothing_sigmas_mm[level];
      // The same number of samples at every level: a coarse level has factor^3 fewer voxels.
      const double factor = options.shrink_factors[level];
      sampling[level] = std::min(1.0, options.sampling_fraction * factor * factor * factor);
    }
    registration->SetNumberOfLevels(static_cast<itk::SizeValueType>(levels));
    registration->SetShrinkFactorsPerLevel(shrink);
    registration->SetSmoothingSigmasPerLevel(sigmas);
    registration->SetSmoothingSigmasAreSpecifiedInPhysicalUnits(true);
    if (options.sampling_fraction < 1.0) {
      registration->SetMetricSamplingStrategy(RegistrationType::MetricSamplingStrategyEnum::RANDOM);
      registration->SetMetricSamplingPercentagePerLevel(sampling);
      registration->MetricSamplingReinitializeSeed(options.random_seed);
    } else {
      registration->SetMetricSamplingStrategy(RegistrationType::MetricSamplingStrategyEnum::NONE);
    }

    // A level starts with MultiResolutionIterationEvent; the optimiser then iterates.
    registration->AddObserver(itk::MultiResolutionIterationEvent(), [&](const itk::EventObject&) {
      result.iterations_per_level.push_back(0);
    });
    optimizer->AddObserver(itk::IterationEvent(), [&](const itk::EventObject&) {
      if (!result.iterations_per_level.empty()) ++result.iterations_per_level.back();
    });

    registration->Update();

    result.transform = from_itk(*registration->GetTransform());
    result.final_metric_value = optimizer->GetValue();
    result.stop_condition = optimizer->GetStopConditionDescription();
  } catch (const itk::ExceptionObject& error) {
    throw InputError(std::string("registration failed: ") + error.GetDescription());
  }
  for (int count : result.iterations_per_level) result.total_iterations += count;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.quality = measure_alignment(fixed, moving, result.transform, fixed_mask);
  result.start_quality = measure_alignment(fixed, moving, start_transform, fixed_mask);
  return result;
}

// Whether a registration left the images at least as well aligned as it found them.
bool improved_on_start(const RegistrationResult& result) {
  return result.quality.normalised_mutual_information >=
         result.start_quality.normalised_mutual_information - kDivergenceMarginNmi;
}

}  // namespace

RegistrationResult register_rigid(const FloatImage3D* fixed, const FloatImage3D* moving,
                                  const RegistrationOptions& options,
                                  const MaskImage3D* fixed_mask) {
  require_image(fixed, "fixed");
  require_image(moving, "moving");
  if (fixed_mask != nullptr) require_same_grid(fixed, fixed_mask);
  require_valid(options);

  // The given options first; should the optimiser leave the images worse aligned than it found
  // them (it diverged), the other starting transform, then a coarser pyramid (a wider capture
  // range). The first attempt that does not diverge is kept; else the best-aligned one.
  std::vector<RegistrationOptions> attempts = {options};
  RegistrationOptions other_start = options;
  other_start.initialisation =
      options.initialisation == RegistrationInitialisation::geometry_centres
          ? RegistrationInitialisation::identity
          : RegistrationInitialisation::geometry_centres;
  attempts.push_back(other_start);
  RegistrationOptions coarser = options;
  coarser.shrink_factors.insert(coarser.shrink_factors.begin(), 2 * coarser.shrink_factors.front());
  coarser.smoothing_sigmas_mm.insert(coarser.smoothing_sigmas_mm.begin(),
                                     2 * std::max(1.0, coarser.smoothing_sigmas_mm.front()));
  attempts.push_back(coarser);

  RegistrationResult best;
  double seconds = 0.0;
  for (std::size_t a = 0; a < attempts.size(); ++a) {
    RegistrationResult result;
    if (a == 0) {
      result = register_once(fixed, moving, attempts[a], fixed_mask);
    } else {
      try {  // a retry ITK refuses (e.g. a level too coarse for a small image) is just skipped
        result = register_once(fixed, moving, attempts[a], fixed_mask);
      } catch (const InputError&) {
        best.attempts = static_cast<int>(a) + 1;
        continue;
      }
    }
    seconds += result.seconds;
    const bool first_or_better = a == 0 || result.quality.normalised_mutual_information >
                                               best.quality.normalised_mutual_information;
    if (first_or_better) best = std::move(result);
    best.attempts = static_cast<int>(a) + 1;
    best.improved_on_start = improved_on_start(best);
    if (best.improved_on_start) break;
  }
  best.seconds = seconds;
  if (best.attempts > 1)
    best.method += " (attempt " + std::to_string(best.attempts) + ": earlier ones diverged)";
  return best;
}

bool same_frame_of_reference(const std::string& fixed_frame_uid,
                             const std::string& moving_frame_uid) {
  const std::string fixed_uid = trim_dicom(fixed_frame_uid);
  return !fixed_uid.empty() && fixed_uid == trim_dicom(moving_frame_uid);
}

RegistrationResult skip_registration_same_frame(const FloatImage3D* fixed,
                                                const FloatImage3D* moving,
                                                const MaskImage3D* fixed_mask) {
  require_image(fixed, "fixed");
  require_image(moving, "moving");
  if (fixed_mask != nullptr) require_same_grid(fixed, fixed_mask);
  RegistrationResult result;
  result.skipped = true;
  result.method = "identity: same frame of reference";
  result.stop_condition = "skipped";
  result.quality = measure_alignment(fixed, moving, result.transform, fixed_mask);
  return result;
}

AlignmentQuality measure_alignment(const FloatImage3D* fixed, const FloatImage3D* moving,
                                   const RigidTransform& fixed_to_moving,
                                   const MaskImage3D* fixed_mask, int histogram_bins) {
  require_image(fixed, "fixed");
  require_image(moving, "moving");
  if (fixed_mask != nullptr) require_same_grid(fixed, fixed_mask);
  if (histogram_bins < 2) throw InputError("measure_alignment: histogram_bins must be >= 2");

  auto interpolator = itk::LinearInterpolateImageFunction<FloatImage3D, double>::New();
  interpolator->SetInputImage(moving);

  std::vector<float> fixed_values;
  std::vector<float> moving_values;
  std::size_t region_count = 0;
  itk::ImageRegionConstIteratorWithIndex<FloatImage3D> it(fixed, fixed->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (fixed_mask != nullptr && fixed_mask->GetPixel(it.GetIndex()) == 0) continue;
    ++region_count;
    FloatImage3D::PointType point;
    fixed->TransformIndexToPhysicalPoint(it.GetIndex(), point);
    const Point3D mapped = fixed_to_moving.apply({point[0], point[1], point[2]});
    const itk::Point<double, 3> mapped_point(mapped.data());
    itk::ContinuousIndex<double, 3> index;
    moving->TransformPhysicalPointToContinuousIndex(mapped_point, index);
    if (!interpolator->IsInsideBuffer(index)) continue;
    fixed_values.push_back(it.Get());
    moving_values.push_back(static_cast<float>(interpolator->EvaluateAtContinuousIndex(index)));
  }

  AlignmentQuality quality;
  quality.voxel_count = fixed_values.size();
  quality.overlap_fraction =
      region_count == 0 ? 0.0 : static_cast<double>(fixed_values.size()) / region_count;
  if (fixed_values.size() < 2) return quality;

  // Pearson correlation, two-pass for accuracy.
  const double n = static_cast<double>(fixed_values.size());
  double mean_f = 0.0, mean_m = 0.0;
  for (std::size_t i = 0; i < fixed_values.size(); ++i) {
    mean_f += fixed_values[i];
    mean_m += moving_values[i];
  }
  mean_f /= n;
  mean_m /= n;
  double sff = 0.0, smm = 0.0, sfm = 0.0;
  for (std::size_t i = 0; i < fixed_values.size(); ++i) {
    const double df = fixed_values[i] - mean_f;
    const double dm = moving_values[i] - mean_m;
    sff += df * df;
    smm += dm * dm;
    sfm += df * dm;
  }
  quality.correlation = (sff > 0.0 && smm > 0.0) ? sfm / std::sqrt(sff * smm) : 0.0;

  // Normalised mutual information from a joint histogram over each image's value range.
  const auto [min_f, max_f] = std::minmax_element(fixed_values.begin(), fixed_values.end());
  const auto [min_m, max_m] = std::minmax_element(moving_values.begin(), moving_values.end());
  const auto bin_of = [histogram_bins](float value, float low, float high) {
    if (!(high > low)) return 0;
    const int bin = static_cast<int>((value - low) / (high - low) * histogram_bins);
    return std::clamp(bin, 0, histogram_bins - 1);
  };
  const auto bins = static_cast<std::size_t>(histogram_bins);
  std::vector<double> joint(bins * bins, 0.0), marginal_f(bins, 0.0), marginal_m(bins, 0.0);
  for (std::size_t i = 0; i < fixed_values.size(); ++i) {
    const int bf = bin_of(fixed_values[i], *min_f, *max_f);
    const int bm = bin_of(moving_values[i], *min_m, *max_m);
    joint[bf * bins + bm] += 1.0;
    marginal_f[bf] += 1.0;
    marginal_m[bm] += 1.0;
  }
  const double joint_entropy = entropy(joint, n);
  quality.normalised_mutual_information =
      joint_entropy > 0.0 ? (entropy(marginal_f, n) + entropy(marginal_m, n)) / joint_entropy : 2.0;
  return quality;
}

TransformDiscrepancy transform_discrepancy(const RigidTransform& a, const RigidTransform& b,
                                           const MaskImage3D* region, unsigned stride) {
  if (region == nullptr) throw InputError("transform_discrepancy: no region mask");
  if (stride < 1) throw InputError("transform_discrepancy: stride must be >= 1");
  TransformDiscrepancy result;
  double sum = 0.0;
  const auto start = region->GetLargestPossibleRegion().GetIndex();
  itk::ImageRegionConstIteratorWithIndex<MaskImage3D> it(region,
                                                         region->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    if (it.Get() == 0) continue;
    const auto index = it.GetIndex();
    if ((index[0] - start[0]) % stride != 0 || (index[1] - start[1]) % stride != 0 ||
        (index[2] - start[2]) % stride != 0)
      continue;
    MaskImage3D::PointType point;
    region->TransformIndexToPhysicalPoint(index, point);
    const Point3D p = {point[0], point[1], point[2]};
    const Point3D pa = a.apply(p);
    const Point3D pb = b.apply(p);
    const double distance =
        std::sqrt((pa[0] - pb[0]) * (pa[0] - pb[0]) + (pa[1] - pb[1]) * (pa[1] - pb[1]) +
                  (pa[2] - pb[2]) * (pa[2] - pb[2]));
    result.max_mm = std::max(result.max_mm, distance);
    sum += distance;
    ++result.point_count;
  }
  if (result.point_count > 0) result.mean_mm = sum / static_cast<double>(result.point_count);
  return result;
}

}  // namespace doseomics
