// The synthetic cohort: phantom anatomy, plan dose, MR response model and blood counts.
//
// Frames. The CT frame is the patient frame (LPS, mm; x to the patient's left, y posterior,
// z superior, origin near the centre of the pelvis); the CT, the dose and the marrow mask share
// it and its grid. Each MR acquisition (pre T2fs, pre IDEAL-IQ, post T2fs, post IDEAL-IQ; the
// four IDEAL-IQ maps of one acquisition share it) has its own frame: a voxel at MR point m shows
// the anatomy at CT point mr_to_ct(m), a rigid transform of up to misplacement_max_deg about each
// axis (about the MR grid's centre, the MR frame's origin) and misplacement_max_mm along each.
// So mr_to_ct is what register_rigid(fixed = that MR, moving = the CT) should find. The marrow
// mask keeps 4 mm inside the marrow (the seed study's ROIs excluded the cortical edge).
//
// The marrow response. A post-RT MR voxel takes the dose band of the dose IMAGE, linearly
// interpolated at its anatomy point (what a perfect registration and resampling gives the
// pipeline); below 5 Gy nothing changes. In band b (1 = 5-10 Gy ... 7 = >= 50 Gy) the marrow's
// fat fraction is multiplied by 1 + k_FF[b] * r, R2* by 1 + k_R2[b] * r and T2fs by
// 1 + k_T2[b] * r (+ e in band 1), r the patient's response scale (mean 1, sd 0.15); a
// multiplicative change moves the mean and every percentile by the same percentage and the
// Energy by (1 + k)^2 - 1. FAT = S * FF and WATER = S * (1 - FF) with the total signal S
// unchanged, so FAT follows FatFrac and WATER falls by about k * FF / (1 - FF) (0.94 k at the
// cohort's FF of 48.5 %). Fat fractions above 88 % are compressed smoothly towards 98 %.
//
// The low-dose coupling (band 1, 5-10 Gy): the spread of the marrow texture (total signal and fat
// fraction) changes by a factor 1 + delta (delta = 0.15 + 0.45 z_fat, at least -0.7), which moves
// the Range of FatFrac, FAT and WATER, and T2fs shifts by e = 0.15 z_t2. The end-RT falls of ANC
// and WBC share latents with z_fat and z_t2: corr(z_fat, z_anc) = 0.744, corr(z_t2, z_anc) =
// -0.654, corr(z_t2, z_wbc) = -0.563 (the seed paper's r), realised exactly in the sample when the
// cohort has at least 10 patients.
#include "synth.hpp"

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkImageRegionIteratorWithIndex.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNiftiImageIOFactory.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "host/registration.hpp"
#include "io/cohort_manifest.hpp"
#include "kernels/core/errors.hpp"

namespace doseomics {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegree = kPi / 180.0;

// ---- Planted numbers ------------------------------------------------------------------------

constexpr int kBandCount = 7;  // the default bands: 5-10, 10-15, 15-20, 20-30, 30-40, 40-50, >=50

// Nominal change of the marrow's value (percent, post vs pre) in each band, r = 1.
constexpr double kFatFracChangePercent[kBandCount] = {10, 20, 30, 40, 50, 60, 70};
constexpr double kR2starChangePercent[kBandCount] = {7.0, 3.2, -0.6, -4.4, -8.2, -12.0, -15.8};
constexpr double kT2fsChangePercent[kBandCount] = {4.0, 10.0, 12.7, 6.0, -5.0, -15.0, -25.0};

constexpr double kResponseScaleSd = 0.15;      // r = 1 + 0.15 z_r, clamped to [0.5, 1.5]
constexpr double kFatSpreadChangeMean = 0.15;  // delta = 0.15 + 0.45 z_fat in band 1
constexpr double kFatSpreadChangeSd = 0.45;
constexpr double kT2fsLowDoseShiftSd = 0.15;  // e = 0.15 z_t2 in band 1

// Correlations of the latents (the seed paper's r at 5-10 Gy).
constexpr double kRhoFatRangeAnc = 0.744;
constexpr double kRhoT2fsAnc = -0.654;
constexpr double kRhoT2fsWbc = -0.563;
constexpr double kRhoAncWbc = 0.80;  // neutrophils are most of the white cells
constexpr double kRhoAncAlc = 0.30;
constexpr double kRhoAncPlt = 0.40;

// Marrow baselines (pre-RT): FF = 48.5 % + 0.2 %/year (age - 51) + 3.5 % z; texture amplitudes.
constexpr double kMarrowFatFracPercent = 48.5;
constexpr double kMarrowFatFracTexture = 6.0;  // percentage points per unit texture
constexpr double kMarrowSignal = 1000.0;
constexpr double kMarrowSignalTexture = 0.06;  // relative
constexpr double kMarrowR2star = 110.0;        // 1/s
constexpr double kMarrowR2starTexture = 0.15;
constexpr double kMarrowT2fs = 350.0;
constexpr double kMarrowT2fsTexture = 0.12;
constexpr double kMarrowHu = 200.0;
constexpr double kMarrowHuTexture = 40.0;

// Noise (sd) per image.
constexpr double kCtNoiseHu = 12.0;
constexpr double kWaterFatNoise = 20.0;
constexpr double kR2starNoise = 6.0;
constexpr double kT2fsNoise = 12.0;

constexpr double kEdgeMm = 0.5;       // tissue boundaries: logistic width
constexpr double kCortexMm = 3.5;     // cortical shell of every bone
constexpr double kRoiMarginMm = 4.0;  // the marrow mask keeps this far inside the marrow
constexpr int kTextureWaves = 16;     // plane waves per texture field
constexpr double kTextureMinWavelengthMm = 10.0;
constexpr double kTextureMaxWavelengthMm = 30.0;

enum Tissue { kAir, kFat, kSoft, kBladder, kCortex, kMarrow, kTissueCount };

// Tissue values outside the marrow (the marrow's come from the response model).
struct TissueValues {
  double hu, signal, fat_fraction_percent, r2star, t2fs;
};
constexpr TissueValues kTissueValues[kTissueCount] = {
    {-1000, 0, 0, 0, 0},       // air
    {-100, 1000, 92, 45, 40},  // subcutaneous fat
    {40, 700, 4, 30, 220},     // soft tissue, muscle
    {10, 900, 0, 5, 800},      // bladder (urine)
    {700, 60, 20, 250, 15},    // cortical bone
    {kMarrowHu, kMarrowSignal, kMarrowFatFracPercent, kMarrowR2star, kMarrowT2fs},  // marrow
};

// Blood counts: pre-RT median and range (seed paper Table 1), end-RT change median and sd.
struct CountModel {
  const char* name;
  double median, minimum, maximum;
  double end_change_percent, end_change_sd, min_change_percent, max_change_percent;
  double mid_fraction_lo, mid_fraction_hi;              // mid change = end change * U(lo, hi)
  double one_month_fraction_lo, one_month_fraction_hi;  // one-month change, likewise
  int decimals;
};
constexpr CountModel kCountModels[5] = {
    {"WBC", 6.0, 3.19, 9.52, -49.4, 12.0, -90, 40, 0.65, 0.90, 0.30, 0.60, 2},
    {"ANC", 4.0, 1.72, 8.21, -41.4, 15.0, -90, 40, 0.60, 0.90, 0.20, 0.50, 2},
    {"ALC", 1.4, 0.53, 2.74, -76.3, 8.0, -97, 0, 0.60, 0.90, 0.70, 0.95, 2},
    {"PLT", 244, 113, 471, -37.9, 15.0, -90, 40, 0.50, 0.80, 0.10, 0.40, 0},
    {"HGB", 120, 87, 144, -8.0, 6.0, -40, 20, 0.40, 0.80, 0.30, 0.70, 0},
};
enum CountIndex { kWbc, kAnc, kAlc, kPlt, kHgb };
// ANC + ALC are at most this share of WBC (monocytes, eosinophils and basophils are the rest).
constexpr double kMaxNeutrophilLymphocyteShare = 0.96;

const char* const kSequences[5] = {"T2fs", "FatFrac", "R2star", "WATER", "FAT"};
enum Sequence { kT2fs, kFatFrac, kR2star, kWater, kFatMap, kSequenceCount };

// ---- Seeded random numbers, the same on every platform ---------------------------------------

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {  // Box-Muller
    const double u1 = std::max(uniform(), 1e-300);
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }

 private:
  std::mt19937_64 engine_;
};

double clamp(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }
double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// ---- Geometry ---------------------------------------------------------------------------------

// An ellipsoid turned by `yaw` about z and then `pitch` about x; signed distance approximated to
// first order (exact on the surface, good to a few percent nearby).
struct Shape {
  Point3D centre{0, 0, 0};
  Point3D radii{1, 1, 1};
  double yaw_rad = 0.0;
  double pitch_rad = 0.0;

  double signed_distance_mm(const Point3D& p) const {
    const double dx = p[0] - centre[0], dy = p[1] - centre[1], dz = p[2] - centre[2];
    const double cy = std::cos(yaw_rad), sy = std::sin(yaw_rad);
    const double cp = std::cos(pitch_rad), sp = std::sin(pitch_rad);
    const double x1 = cy * dx + sy * dy, y1 = -sy * dx + cy * dy;
    const double q[3] = {x1, cp * y1 + sp * dz, -sp * y1 + cp * dz};
    double rho2 = 0.0, gradient2 = 0.0;
    for (int i = 0; i < 3; ++i) {
      const double a = q[i] / radii[i];
      rho2 += a * a;
      gradient2 += (a / radii[i]) * (a / radii[i]);
    }
    const double rho = std::sqrt(rho2);
    if (rho < 1e-12) return -std::min({radii[0], radii[1], radii[2]});
    return (rho - 1.0) * rho / std::sqrt(gradient2);
  }

  Shape shrunk(double margin_mm) const {
    Shape inner = *this;
    for (double& r : inner.radii) r = std::max(r - margin_mm, 0.5);
    return inner;
  }
};

json point_json(const Point3D& p) { return json::array({p[0], p[1], p[2]}); }

json shape_json(const Shape& s) {
  return {{"centre_mm", point_json(s.centre)},
          {"radii_mm", point_json(s.radii)},
          {"yaw_deg", s.yaw_rad / kDegree},
          {"pitch_deg", s.pitch_rad / kDegree}};
}

struct Bone {
  std::string name;
  Shape outer;
  Shape marrow;
};

// Tissue fractions at a point: layers painted in order, each with a logistic edge.
struct Anatomy {
  Shape body;        // elliptic cylinder (huge z radius): subcutaneous fat ...
  Shape inner_body;  // ... around soft tissue
  Shape bladder;
  std::vector<Bone> bones;

  // How deep `p` lies inside the marrow of any bone (negative outside).
  double marrow_depth_mm(const Point3D& p) const {
    double depth = -1e300;
    for (const Bone& bone : bones) depth = std::max(depth, -bone.marrow.signed_distance_mm(p));
    return depth;
  }

  std::array<double, kTissueCount> fractions(const Point3D& p) const {
    std::array<double, kTissueCount> f{};
    f[kAir] = 1.0;
    const auto paint = [&f](const Shape& shape, const Point3D& q, Tissue tissue) {
      const double d = shape.signed_distance_mm(q);
      if (d > 12.0 * kEdgeMm) return;
      const double w = logistic(-d / kEdgeMm);
      for (double& x : f) x *= 1.0 - w;
      f[tissue] += w;
    };
    paint(body, p, kFat);
    paint(inner_body, p, kSoft);
    paint(bladder, p, kBladder);
    for (const Bone& bone : bones) {
      if (bone.outer.signed_distance_mm(p) > 12.0 * kEdgeMm) continue;
      paint(bone.outer, p, kCortex);
      paint(bone.marrow, p, kMarrow);
    }
    return f;
  }
};

// ---- Dose ---------------------------------------------------------------------------------------

// An IMRT-like plan: prescription inside the target (central + nodal + presacral volumes) with a
// small hot spot, a steep fall-off (12 mm) over a long tail (40 mm) outside, and beam ridges.
struct DosePlan {
  double prescription_gy = 50.0;
  int fractions = 25;
  std::vector<Shape> target;
  Point3D hot_centre{0, 0, 0};
  std::vector<std::array<double, 3>> ridges;  // beam angle (rad), wavelength (mm), phase

  double dose_gy(const Point3D& p, double body_distance_mm) const {
    if (body_distance_mm > 4.0) return 0.0;
    double d = 1e300;
    for (const Shape& s : target) d = std::min(d, s.signed_distance_mm(p));
    double h;
    if (d <= 0.0) {
      double r2 = 0.0;
      for (int i = 0; i < 3; ++i) r2 += (p[i] - hot_centre[i]) * (p[i] - hot_centre[i]);
      h = 1.0 + 0.035 * (1.0 - std::exp(d / 4.0)) + 0.03 * std::exp(-r2 / (2.0 * 20.0 * 20.0));
    } else {
      h = 0.55 * std::exp(-d / 12.0) + 0.45 * std::exp(-d / 40.0);
      double ridge = 0.0;
      for (const auto& r : ridges) {
        const double along = p[0] * std::cos(r[0]) + p[1] * std::sin(r[0]);
        ridge += std::cos(2.0 * kPi * along / r[1] + r[2]);
      }
      if (!ridges.empty()) ridge /= static_cast<double>(ridges.size());
      h *= 1.0 + 0.08 * ridge * (1.0 - std::exp(-d / 10.0));
    }
    return prescription_gy * h * logistic(-body_distance_mm / 1.0);
  }
};

// ---- Texture ------------------------------------------------------------------------------------

// A smooth random field of mean 0 and variance 1: a sum of plane waves.
struct TextureField {
  std::vector<std::array<double, 4>> waves;  // wave vector (rad/mm), phase

  static TextureField random(Random& random) {
    TextureField field;
    for (int i = 0; i < kTextureWaves; ++i) {
      const double z = random.uniform(-1.0, 1.0);
      const double azimuth = random.uniform(0.0, 2.0 * kPi);
      const double planar = std::sqrt(1.0 - z * z);
      const double wavelength = random.uniform(kTextureMinWavelengthMm, kTextureMaxWavelengthMm);
      const double k = 2.0 * kPi / wavelength;
      field.waves.push_back({k * planar * std::cos(azimuth), k * planar * std::sin(azimuth), k * z,
                             random.uniform(0.0, 2.0 * kPi)});
    }
    return field;
  }

  double at(const Point3D& p) const {
    double sum = 0.0;
    for (const auto& w : waves) sum += std::cos(w[0] * p[0] + w[1] * p[1] + w[2] * p[2] + w[3]);
    return sum * std::sqrt(2.0 / static_cast<double>(waves.size()));
  }
};

// ---- One patient
// ----------------------------------------------------------------------------------

// The four MR acquisitions: time point x (T2fs, IDEAL-IQ).
enum Acquisition { kPreT2fs, kPreIdeal, kPostT2fs, kPostIdeal, kAcquisitionCount };
const char* const kAcquisitionNames[kAcquisitionCount] = {"pre T2fs", "pre IDEAL-IQ", "post T2fs",
                                                          "post IDEAL-IQ"};
bool is_post(int acquisition) { return acquisition >= kPostT2fs; }

struct Misplacement {
  Point3D angles_deg{0, 0, 0};  // about x, y, z (ITK Euler3D: R = Rz Rx Ry)
  Point3D translation_mm{0, 0, 0};
  RigidTransform mr_to_ct;
};

struct CountSeries {
  double value[4] = {0, 0, 0, 0};  // pre, mid, end, one month (as written)
  double planned_end_change_percent = 0.0;
};

struct PatientModel {
  std::string id;
  int age = 51;
  Anatomy anatomy;
  DosePlan plan;
  TextureField texture_signal, texture_fat_fraction, texture_r2star, texture_t2fs;
  double fat_fraction_percent = kMarrowFatFracPercent;
  double r2star = kMarrowR2star;
  double t2fs = kMarrowT2fs;
  double response_scale = 1.0;
  double fat_spread_change = 0.0;    // delta, band 1
  double t2fs_low_dose_shift = 0.0;  // e, band 1
  std::array<Misplacement, kAcquisitionCount> misplacement;
  std::string ct_frame_uid;
  std::array<std::string, kAcquisitionCount> mr_frame_uid;
  std::array<CountSeries, 5> counts;
  std::uint64_t noise_seed = 0;
};

// Marrow values at anatomy point `p` (noise-free).
struct MarrowValues {
  double signal, fat_fraction_percent, r2star, t2fs, hu;
  double water() const { return signal * (1.0 - fat_fraction_percent / 100.0); }
  double fat() const { return signal * fat_fraction_percent / 100.0; }
};

// Smoothly compresses fat fractions above 88 % towards 98 %.
double soft_cap_fat_fraction(double ff) {
  constexpr double kKnee = 88.0, kHeadroom = 10.0;
  if (ff <= kKnee) return std::max(ff, 0.5);
  return kKnee + kHeadroom * std::tanh((ff - kKnee) / kHeadroom);
}

// `band`: 0 below the bands (no change), 1..7; `post`: whether the response applies.
MarrowValues marrow_values(const PatientModel& m, const Point3D& p, int band, bool post) {
  const bool responds = post && band >= 1;
  const double r = m.response_scale;
  MarrowValues v{};
  const double spread = (responds && band == 1) ? 1.0 + m.fat_spread_change : 1.0;
  v.signal = kMarrowSignal * (1.0 + kMarrowSignalTexture * spread * m.texture_signal.at(p));
  const double ff_pre =
      m.fat_fraction_percent + kMarrowFatFracTexture * spread * m.texture_fat_fraction.at(p);
  const double k_ff = responds ? kFatFracChangePercent[band - 1] / 100.0 * r : 0.0;
  v.fat_fraction_percent = soft_cap_fat_fraction(ff_pre * (1.0 + k_ff));
  const double k_r2 = responds ? kR2starChangePercent[band - 1] / 100.0 * r : 0.0;
  v.r2star = m.r2star * (1.0 + kMarrowR2starTexture * m.texture_r2star.at(p)) * (1.0 + k_r2);
  double k_t2 = responds ? kT2fsChangePercent[band - 1] / 100.0 * r : 0.0;
  if (responds && band == 1) k_t2 += m.t2fs_low_dose_shift;
  v.t2fs = m.t2fs * (1.0 + kMarrowT2fsTexture * m.texture_t2fs.at(p)) * (1.0 + k_t2);
  v.hu = kMarrowHu + kMarrowHuTexture * m.texture_signal.at(p);
  return v;
}

// The default bands' index of a dose (0 below 5 Gy).
int band_of(double dose_gy, const std::vector<DoseBand>& bands) {
  for (std::size_t i = 0; i < bands.size(); ++i)
    if (bands[i].contains(dose_gy)) return static_cast<int>(i) + 1;
  return 0;
}

// A UID under the UUID-derived root 2.25 from 64 random bits (deterministic from the seed).
std::string make_uid(Random& random) {
  return "2.25." + std::to_string(random.next() >> 1) + std::to_string(random.next() % 1000000);
}

// A pre-RT count: log-normal with the median, sd per side from the range (about +-2.2 sd over
// 54 patients), clamped to the range.
double draw_pre_count(Random& random, const CountModel& c) {
  const double z = random.normal();
  const double sd =
      z < 0 ? std::log(c.median / c.minimum) / 2.2 : std::log(c.maximum / c.median) / 2.2;
  return clamp(c.median * std::exp(sd * z), c.minimum, c.maximum);
}

double round_to(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

// Anatomy, plan and per-patient constants from the patient's own random stream.
PatientModel make_patient(const std::string& id, Random& random, const SynthOptions& options) {
  PatientModel m;
  m.id = id;
  m.age = static_cast<int>(clamp(std::round(51.0 + 9.0 * random.normal()), 20, 65));

  // Anatomy (nominal numbers in mm, CT frame), scaled and jittered per patient.
  const double body_scale = random.uniform(0.93, 1.07);
  const double bone_scale = random.uniform(0.94, 1.06);
  const double fat_mm = random.uniform(10.0, 18.0);
  m.anatomy.body = {{0, 0, 0}, {125 * body_scale, 92 * body_scale, 1e6}, 0, 0};
  m.anatomy.inner_body = m.anatomy.body.shrunk(fat_mm);
  m.anatomy.inner_body.radii[2] = 1e6;
  const double bladder_size = random.uniform(0.8, 1.2);
  m.anatomy.bladder = {{random.normal() * 3, -42 + random.normal() * 3, -30 + random.normal() * 3},
                       {35 * bladder_size, 25 * bladder_size, 22 * bladder_size},
                       0,
                       0};
  struct NominalBone {
    const char* name;
    Point3D centre, radii;
    double yaw_deg, pitch_deg;
  };
  const NominalBone nominal[] = {
      {"iliac_left", {78, 22, 15}, {52, 15, 40}, -40.6, 0},
      {"iliac_right", {-78, 22, 15}, {52, 15, 40}, 40.6, 0},
      {"sacrum", {0, 55, -5}, {36, 16, 30}, 0, 25},
      {"L5", {0, 35, 36}, {24, 18, 11}, 0, 0},
      {"L4", {0, 33, 56}, {23, 17, 10}, 0, 0},
      {"femoral_head_left", {82, -8, -45}, {21, 21, 21}, 0, 0},
      {"femoral_head_right", {-82, -8, -45}, {21, 21, 21}, 0, 0},
  };
  for (const NominalBone& n : nominal) {
    Bone bone;
    bone.name = n.name;
    const double size = random.uniform(0.95, 1.05);
    for (int i = 0; i < 3; ++i) {
      bone.outer.centre[i] = n.centre[i] * bone_scale + random.normal() * 2.0;
      bone.outer.radii[i] = n.radii[i] * bone_scale * size;
    }
    bone.outer.yaw_rad = (n.yaw_deg + random.normal() * 3.0) * kDegree;
    bone.outer.pitch_rad = (n.pitch_deg + random.normal() * 3.0) * kDegree;
    bone.marrow = bone.outer.shrunk(kCortexMm);
    m.anatomy.bones.push_back(bone);
  }

  // Plan: 45 Gy / 25 (15 %), 50 Gy / 25 (65 %) or 50.4 Gy / 28 (20 %).
  const double u = random.uniform();
  m.plan.prescription_gy = u < 0.15 ? 45.0 : (u < 0.80 ? 50.0 : 50.4);
  m.plan.fractions = u < 0.80 ? 25 : 28;
  const Shape nominal_target[] = {
      {{0, -8, -15}, {42, 32, 36}, 0, 0},             // cervix, uterus, parametria
      {{50, 12, 8}, {16, 20, 42}, -20 * kDegree, 0},  // left external/internal iliac nodes
      {{-50, 12, 8}, {16, 20, 42}, 20 * kDegree, 0},  // right
      {{0, 36, 8}, {24, 12, 30}, 0, 0},               // presacral nodes
      {{0, 18, 38}, {34, 18, 14}, 0, 0},              // common iliac nodes
  };
  for (const Shape& n : nominal_target) {
    Shape s = n;
    for (int i = 0; i < 3; ++i) {
      s.centre[i] = n.centre[i] * bone_scale + random.normal() * 3.0;
      s.radii[i] = n.radii[i] * bone_scale * random.uniform(0.9, 1.1);
    }
    m.plan.target.push_back(s);
  }
  m.plan.hot_centre = {random.normal() * 10, random.normal() * 10, -10 + random.normal() * 10};
  const int beams = 7;
  for (int b = 0; b < beams; ++b)
    m.plan.ridges.push_back({2.0 * kPi * b / beams + random.uniform(0, 0.3),
                             random.uniform(40.0, 80.0), random.uniform(0, 2.0 * kPi)});

  // Marrow constants and textures.
  m.fat_fraction_percent =
      clamp(kMarrowFatFracPercent + 0.2 * (m.age - 51) + 3.5 * random.normal(), 36.0, 62.0);
  m.r2star = kMarrowR2star + 10.0 * random.normal();
  m.t2fs = kMarrowT2fs + 25.0 * random.normal();
  m.texture_signal = TextureField::random(random);
  m.texture_fat_fraction = TextureField::random(random);
  m.texture_r2star = TextureField::random(random);
  m.texture_t2fs = TextureField::random(random);

  // Misplacement of each MR acquisition; frames of reference.
  m.ct_frame_uid = make_uid(random);
  for (int a = 0; a < kAcquisitionCount; ++a) {
    Misplacement& mp = m.misplacement[a];
    Point3D angles_rad;
    for (int i = 0; i < 3; ++i) {
      mp.angles_deg[i] =
          random.uniform(-options.misplacement_max_deg, options.misplacement_max_deg);
      mp.translation_mm[i] =
          random.uniform(-options.misplacement_max_mm, options.misplacement_max_mm);
      angles_rad[i] = mp.angles_deg[i] * kDegree;
    }
    mp.mr_to_ct = RigidTransform::from_euler_zxy(angles_rad, mp.translation_mm, {0, 0, 0});
    m.mr_frame_uid[a] = make_uid(random);
  }
  m.noise_seed = random.next();
  return m;
}

// ---- Images -----------------------------------------------------------------------------------

template <typename ImageType>
typename ImageType::Pointer make_grid(const std::array<unsigned, 3>& size,
                                      const std::array<double, 3>& spacing_mm) {
  auto image = ImageType::New();
  typename ImageType::SizeType itk_size;
  typename ImageType::SpacingType spacing;
  typename ImageType::PointType origin;
  for (unsigned i = 0; i < 3; ++i) {
    itk_size[i] = size[i];
    spacing[i] = spacing_mm[i];
    origin[i] = -(static_cast<double>(size[i]) - 1.0) / 2.0 * spacing_mm[i];  // centred on 0
  }
  image->SetRegions(typename ImageType::RegionType(itk_size));
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->Allocate(true);
  return image;
}

Point3D physical_point(const itk::ImageBase<3>* image, const itk::Index<3>& index) {
  itk::Point<double, 3> point;
  image->TransformIndexToPhysicalPoint(index, point);
  return {point[0], point[1], point[2]};
}

template <typename ImageType>
void write_image(const ImageType* image, const fs::path& path) {
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetInput(image);
  writer->SetFileName(path.string());
  writer->SetUseCompression(true);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw InputError("synth: cannot write '" + path.string() + "': " + e.GetDescription());
  }
}

// What one patient's images hold, for truth.json.
struct PatientImagesTruth {
  std::array<double, kBandCount> band_volume_cc{};
  double marrow_volume_cc = 0.0;
  double marrow_v5 = 0.0, marrow_v10 = 0.0, marrow_v50 = 0.0;  // fraction of marrow >= dose
  // Noise-free marrow means per band and sequence, pre and post, over the mask's CT voxels.
  std::array<std::array<double, kSequenceCount>, kBandCount> pre_sum{}, post_sum{};
  std::array<double, kBandCount> voxel_count{};
  // Band 1: noise-free FAT range pre and post.
  double fat_min[2] = {1e300, 1e300}, fat_max[2] = {-1e300, -1e300};
};

// CT, dose and marrow mask on the CT grid; the band truth from the same voxels.
void write_ct_frame(const PatientModel& m, const SynthOptions& options, const fs::path& dir,
                    FloatImage3D::Pointer& dose_out, PatientImagesTruth& truth) {
  auto ct = make_grid<FloatImage3D>(options.ct_size, options.ct_spacing_mm);
  auto dose = make_grid<FloatImage3D>(options.ct_size, options.ct_spacing_mm);
  auto mask = make_grid<MaskImage3D>(options.ct_size, options.ct_spacing_mm);
  Random noise(m.noise_seed ^ 0x9e3779b97f4a7c15ull);
  const std::vector<DoseBand> bands = default_dose_bands();
  const double voxel_cc =
      options.ct_spacing_mm[0] * options.ct_spacing_mm[1] * options.ct_spacing_mm[2] / 1000.0;
  itk::ImageRegionIteratorWithIndex<FloatImage3D> it(ct, ct->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const itk::Index<3> index = it.GetIndex();
    const Point3D p = physical_point(ct, index);
    const auto f = m.anatomy.fractions(p);
    const double dose_gy = m.plan.dose_gy(p, m.anatomy.body.signed_distance_mm(p));
    double hu = 0.0;
    for (int t = 0; t < kTissueCount; ++t) {
      if (f[t] == 0.0) continue;
      hu += f[t] * (t == kMarrow ? marrow_values(m, p, 0, false).hu : kTissueValues[t].hu);
    }
    it.Set(static_cast<float>(hu + kCtNoiseHu * noise.normal()));
    const float dose_value = static_cast<float>(dose_gy);
    dose->SetPixel(index, dose_value);
    // The region excludes the cortical edge, as the seed study's contours did.
    const bool marrow = f[kMarrow] >= 0.5 && m.anatomy.marrow_depth_mm(p) >= kRoiMarginMm;
    mask->SetPixel(index, marrow ? 1 : 0);
    if (!marrow) continue;
    truth.marrow_volume_cc += voxel_cc;
    if (dose_value >= 5.0f) truth.marrow_v5 += voxel_cc;
    if (dose_value >= 10.0f) truth.marrow_v10 += voxel_cc;
    if (dose_value >= 50.0f) truth.marrow_v50 += voxel_cc;
    const int band = band_of(dose_value, bands);
    if (band == 0) continue;
    const int b = band - 1;
    truth.band_volume_cc[b] += voxel_cc;
    truth.voxel_count[b] += 1.0;
    for (int post = 0; post < 2; ++post) {
      const MarrowValues v = marrow_values(m, p, band, post == 1);
      auto& sum = post ? truth.post_sum[b] : truth.pre_sum[b];
      sum[kT2fs] += v.t2fs;
      sum[kFatFrac] += v.fat_fraction_percent;
      sum[kR2star] += v.r2star;
      sum[kWater] += v.water();
      sum[kFatMap] += v.fat();
      if (band == 1) {
        truth.fat_min[post] = std::min(truth.fat_min[post], v.fat());
        truth.fat_max[post] = std::max(truth.fat_max[post], v.fat());
      }
    }
  }
  if (truth.marrow_volume_cc > 0) {
    truth.marrow_v5 /= truth.marrow_volume_cc;
    truth.marrow_v10 /= truth.marrow_volume_cc;
    truth.marrow_v50 /= truth.marrow_volume_cc;
  }
  write_image(ct.GetPointer(), dir / "ct.nii.gz");
  write_image(dose.GetPointer(), dir / "dose.nii.gz");
  write_image(mask.GetPointer(), dir / "marrow.nii.gz");
  dose_out = dose;
}

// One MR acquisition: T2fs, or the four IDEAL-IQ maps (FatFrac, R2star, WATER, FAT).
void write_mr_acquisition(const PatientModel& m, const SynthOptions& options, int acquisition,
                          const FloatImage3D* dose, const fs::path& dir) {
  using Interpolator = itk::LinearInterpolateImageFunction<FloatImage3D, double>;
  auto interpolator = Interpolator::New();
  interpolator->SetInputImage(dose);
  const std::vector<DoseBand> bands = default_dose_bands();
  const bool post = is_post(acquisition);
  const bool ideal = acquisition == kPreIdeal || acquisition == kPostIdeal;
  const std::string prefix = post ? "post_" : "pre_";
  Random noise(m.noise_seed + 0x1000u * static_cast<unsigned>(acquisition + 1));

  std::vector<FloatImage3D::Pointer> maps;
  const int map_count = ideal ? 4 : 1;
  for (int i = 0; i < map_count; ++i)
    maps.push_back(make_grid<FloatImage3D>(options.mr_size, options.mr_spacing_mm));
  const RigidTransform& mr_to_ct = m.misplacement[acquisition].mr_to_ct;

  itk::ImageRegionIteratorWithIndex<FloatImage3D> it(maps[0], maps[0]->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it) {
    const itk::Index<3> index = it.GetIndex();
    const Point3D p = mr_to_ct.apply(physical_point(maps[0], index));
    const auto f = m.anatomy.fractions(p);
    MarrowValues marrow{};
    if (f[kMarrow] > 0.0) {
      int band = 0;
      if (post) {
        itk::Point<double, 3> point;
        for (int i = 0; i < 3; ++i) point[i] = p[i];
        if (interpolator->IsInsideBuffer(point))
          band = band_of(interpolator->Evaluate(point), bands);
      }
      marrow = marrow_values(m, p, band, post);
    }
    const auto value = [&](int t, double TissueValues::*field, double marrow_value) {
      return t == kMarrow ? marrow_value : kTissueValues[t].*field;
    };
    if (!ideal) {
      double t2 = 0.0;
      for (int t = 0; t < kTissueCount; ++t)
        if (f[t] != 0.0) t2 += f[t] * value(t, &TissueValues::t2fs, marrow.t2fs);
      it.Set(static_cast<float>(std::abs(t2 + kT2fsNoise * noise.normal())));
      continue;
    }
    double water = 0.0, fat = 0.0, r2 = 0.0;
    for (int t = 0; t < kTissueCount; ++t) {
      if (f[t] == 0.0) continue;
      const double signal = t == kMarrow ? marrow.signal : kTissueValues[t].signal;
      const double ff = value(t, &TissueValues::fat_fraction_percent, marrow.fat_fraction_percent);
      water += f[t] * signal * (1.0 - ff / 100.0);
      fat += f[t] * signal * ff / 100.0;
      r2 += f[t] * value(t, &TissueValues::r2star, marrow.r2star);
    }
    water += kWaterFatNoise * noise.normal();
    fat += kWaterFatNoise * noise.normal();
    r2 += kR2starNoise * noise.normal();
    const double fat_fraction = clamp(100.0 * fat / std::max(water + fat, 50.0), 0.0, 100.0);
    maps[0]->SetPixel(index, static_cast<float>(fat_fraction));
    maps[1]->SetPixel(index, static_cast<float>(std::abs(r2)));
    maps[2]->SetPixel(index, static_cast<float>(std::abs(water)));
    maps[3]->SetPixel(index, static_cast<float>(std::abs(fat)));
  }
  if (!ideal) {
    write_image(maps[0].GetPointer(), dir / (prefix + "T2fs.nii.gz"));
    return;
  }
  const char* names[4] = {"FatFrac", "R2star", "WATER", "FAT"};
  for (int i = 0; i < 4; ++i)
    write_image(maps[i].GetPointer(), dir / (prefix + names[i] + ".nii.gz"));
}

// ---- Cohort-level latents and blood counts ------------------------------------------------------

// K standardised latent vectors over n patients. With n >= K + 2 they are made exactly
// uncorrelated in the sample (Gram-Schmidt on centred vectors, sample sd 1), so combinations of
// them have exactly the planted sample correlations; otherwise they are plain normal draws.
std::vector<std::vector<double>> latent_vectors(Random& random, int n, int k) {
  std::vector<std::vector<double>> z(k, std::vector<double>(n));
  for (auto& v : z)
    for (double& x : v) x = random.normal();
  if (n < k + 2) return z;
  for (int a = 0; a < k; ++a) {
    auto& v = z[a];
    double mean = 0.0;
    for (double x : v) mean += x;
    mean /= n;
    for (double& x : v) x -= mean;
    for (int b = 0; b < a; ++b) {
      double dot = 0.0, norm = 0.0;
      for (int i = 0; i < n; ++i) dot += v[i] * z[b][i], norm += z[b][i] * z[b][i];
      for (int i = 0; i < n; ++i) v[i] -= dot / norm * z[b][i];
    }
    double ss = 0.0;
    for (double x : v) ss += x * x;
    const double scale = std::sqrt((n - 1) / ss);
    for (double& x : v) x *= scale;
  }
  return z;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 3) return std::nan("");
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Least-squares slope of `values` against band index 1..n.
double slope_per_band(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < values.size(); ++i) mx += i + 1.0, my += values[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    sxy += (i + 1.0 - mx) * (values[i] - my);
    sxx += (i + 1.0 - mx) * (i + 1.0 - mx);
  }
  return sxy / sxx;
}

// The counts of every patient from the latents: pre from the seed's ranges (ANC 56-76 % of WBC,
// ALC bounded so that ANC + ALC <= 0.96 WBC), end change = median + sd * latent, mid and one
// month a random share of the end change; values rounded as a laboratory reports them and WBC
// raised where ANC + ALC would exceed 0.96 WBC.
void make_blood_counts(std::vector<PatientModel>& patients, Random& random,
                       const std::array<const std::vector<double>*, 5>& latent) {
  for (std::size_t p = 0; p < patients.size(); ++p) {
    PatientModel& m = patients[p];
    double pre[5];
    pre[kWbc] = draw_pre_count(random, kCountModels[kWbc]);
    pre[kAnc] = clamp(pre[kWbc] * random.uniform(0.56, 0.76), kCountModels[kAnc].minimum,
                      kCountModels[kAnc].maximum);
    pre[kAlc] = clamp(draw_pre_count(random, kCountModels[kAlc]), kCountModels[kAlc].minimum,
                      std::min(kCountModels[kAlc].maximum,
                               kMaxNeutrophilLymphocyteShare * pre[kWbc] - pre[kAnc]));
    pre[kPlt] = draw_pre_count(random, kCountModels[kPlt]);
    pre[kHgb] = draw_pre_count(random, kCountModels[kHgb]);
    for (int c = 0; c < 5; ++c) {
      const CountModel& model = kCountModels[c];
      CountSeries& s = m.counts[c];
      const double end_change =
          clamp(model.end_change_percent + model.end_change_sd * (*latent[c])[p],
                model.min_change_percent, model.max_change_percent);
      s.planned_end_change_percent = end_change;
      const double mid_change =
          end_change * random.uniform(model.mid_fraction_lo, model.mid_fraction_hi);
      const double month_change =
          end_change * random.uniform(model.one_month_fraction_lo, model.one_month_fraction_hi);
      const double changes[4] = {0.0, mid_change, end_change, month_change};
      for (int t = 0; t < 4; ++t)
        s.value[t] = round_to(pre[c] * (1.0 + changes[t] / 100.0), model.decimals);
    }
    for (int t = 0; t < 4; ++t) {
      const double floor_wbc =
          (m.counts[kAnc].value[t] + m.counts[kAlc].value[t]) / kMaxNeutrophilLymphocyteShare;
      if (m.counts[kWbc].value[t] < floor_wbc)
        m.counts[kWbc].value[t] = std::ceil(floor_wbc * 100.0) / 100.0;
    }
  }
}

double realised_change_percent(const CountSeries& s, int time_point) {
  return (s.value[time_point] - s.value[0]) / s.value[0] * 100.0;
}

json transform_json(const RigidTransform& t, const Point3D* angles_deg,
                    const Point3D* translation) {
  json j;
  if (angles_deg) j["euler_xyz_deg"] = point_json(*angles_deg);
  if (translation) j["translation_mm"] = point_json(*translation);
  const auto parameters = t.parameters();
  j["itk_affine_parameters"] = json(std::vector<double>(parameters.begin(), parameters.end()));
  j["itk_fixed_parameters"] = point_json(t.fixed_parameters());
  j["rotation_angle_deg"] = t.rotation_angle_deg();
  j["text"] = t.to_string();
  return j;
}

std::vector<double> as_vector(const double (&values)[kBandCount]) {
  return std::vector<double>(values, values + kBandCount);
}

std::vector<double> energy_change(const std::vector<double>& mean_change_percent) {
  std::vector<double> energy;
  for (double k : mean_change_percent) energy.push_back(((1 + k / 100) * (1 + k / 100) - 1) * 100);
  return energy;
}

// One patient's files, manifest entry and truth.
struct PatientOutput {
  PatientEntry entry;
  json truth;
  PatientImagesTruth images;
};

// Which acquisition each sequence comes from, pre (0) and post (1).
constexpr int kAcquisitionOfSequence[2][kSequenceCount] = {
    {kPreT2fs, kPreIdeal, kPreIdeal, kPreIdeal, kPreIdeal},
    {kPostT2fs, kPostIdeal, kPostIdeal, kPostIdeal, kPostIdeal}};

PatientOutput synthesise_patient(const PatientModel& m, const SynthOptions& options,
                                 const fs::path& out) {
  PatientOutput result;
  const fs::path dir = out / m.id;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw InputError("synth: cannot create '" + dir.string() + "': " + error.message());
  FloatImage3D::Pointer dose;
  PatientImagesTruth images;
  write_ct_frame(m, options, dir, dose, images);
  for (int a = 0; a < kAcquisitionCount; ++a) write_mr_acquisition(m, options, a, dose, dir);
  result.images = images;

  PatientEntry entry;
  entry.id = m.id;
  entry.planning_ct = {(dir / "ct.nii.gz").string(), m.ct_frame_uid};
  entry.dose = {(dir / "dose.nii.gz").string(), m.ct_frame_uid};
  entry.marrow.mask = {(dir / "marrow.nii.gz").string(), m.ct_frame_uid};
  for (int post = 0; post < 2; ++post) {
    for (int s = 0; s < kSequenceCount; ++s) {
      const std::string file = std::string(post ? "post_" : "pre_") + kSequences[s] + ".nii.gz";
      const ImageEntry image{(dir / file).string(),
                             m.mr_frame_uid[kAcquisitionOfSequence[post][s]]};
      (post ? entry.mr_post : entry.mr_pre)[kSequences[s]] = image;
    }
  }
  BloodCounts counts;
  for (int c = 0; c < 5; ++c) {
    BloodCountSeries& series = *counts.find(kCountModels[c].name);
    series.pre = m.counts[c].value[0];
    series.mid = m.counts[c].value[1];
    series.end = m.counts[c].value[2];
    series.one_month = m.counts[c].value[3];
  }
  entry.blood_counts = counts;
  entry.clinical.age_years = m.age;
  entry.clinical.prescription_dose_gy = m.plan.prescription_gy;
  entry.clinical.fractions = m.plan.fractions;
  result.entry = entry;

  // Truth for this patient.
  json p;
  p["id"] = m.id;
  p["age"] = m.age;
  p["prescription_gy"] = m.plan.prescription_gy;
  p["fractions"] = m.plan.fractions;
  p["marrow_volume_cc"] = images.marrow_volume_cc;
  p["marrow_fraction_receiving"] = {
      {"5Gy", images.marrow_v5}, {"10Gy", images.marrow_v10}, {"50Gy", images.marrow_v50}};
  p["band_marrow_volume_cc"] =
      json(std::vector<double>(images.band_volume_cc.begin(), images.band_volume_cc.end()));
  p["marrow_baseline"] = {{"FatFrac_percent", m.fat_fraction_percent},
                          {"R2star_per_s", m.r2star},
                          {"T2fs", m.t2fs},
                          {"signal_WATER_plus_FAT", kMarrowSignal}};
  p["response_scale"] = m.response_scale;
  p["low_dose_band"] = {{"texture_spread_change", m.fat_spread_change},
                        {"T2fs_extra_change", m.t2fs_low_dose_shift}};
  json noise_free = json::object();
  for (int s = 0; s < kSequenceCount; ++s) {
    json per_band = json::array();
    for (int b = 0; b < kBandCount; ++b) {
      if (images.voxel_count[b] == 0) {
        per_band.push_back(nullptr);
        continue;
      }
      per_band.push_back((images.post_sum[b][s] / images.pre_sum[b][s] - 1.0) * 100.0);
    }
    noise_free[kSequences[s]] = per_band;
  }
  p["noise_free_mean_change_percent_by_band"] = noise_free;
  if (images.voxel_count[0] > 0)
    p["noise_free_FAT_range_change_percent_5_10Gy"] =
        ((images.fat_max[1] - images.fat_min[1]) / (images.fat_max[0] - images.fat_min[0]) - 1.0) *
        100.0;
  json counts_json = json::object();
  for (int c = 0; c < 5; ++c) {
    const CountSeries& s = m.counts[c];
    counts_json[kCountModels[c].name] = {
        {"pre", s.value[0]},
        {"mid", s.value[1]},
        {"end", s.value[2]},
        {"one_month", s.value[3]},
        {"planned_end_change_percent", s.planned_end_change_percent},
        {"end_change_percent", realised_change_percent(s, 2)}};
  }
  p["blood_counts"] = counts_json;
  p["frame_of_reference_uid"] = {{"ct", m.ct_frame_uid}};
  json mr = json::object();
  const RigidTransform& reference = m.misplacement[kPreT2fs].mr_to_ct;
  for (int post = 0; post < 2; ++post) {
    json images_json = json::object();
    for (int s = 0; s < kSequenceCount; ++s) {
      const int a = kAcquisitionOfSequence[post][s];
      const Misplacement& mp = m.misplacement[a];
      images_json[kSequences[s]] = {
          {"acquisition", kAcquisitionNames[a]},
          {"frame_of_reference_uid", m.mr_frame_uid[a]},
          {"mr_to_ct", transform_json(mp.mr_to_ct, &mp.angles_deg, &mp.translation_mm)},
          {"reference_to_mr",
           transform_json(reference.followed_by(mp.mr_to_ct.inverse()), nullptr, nullptr)}};
    }
    mr[post ? "post" : "pre"] = images_json;
  }
  p["mr"] = mr;
  p["anatomy"] = {{"body", shape_json(m.anatomy.body)}, {"bladder", shape_json(m.anatomy.bladder)}};
  for (const Bone& bone : m.anatomy.bones) p["anatomy"][bone.name] = shape_json(bone.outer);
  json target = json::array();
  for (const Shape& s : m.plan.target) target.push_back(shape_json(s));
  p["target"] = target;
  result.truth = p;
  return result;
}

void register_nifti_io() {
  static std::once_flag once;
  std::call_once(once, [] { itk::NiftiImageIOFactory::RegisterOneFactory(); });
}

}  // namespace

const std::vector<std::string>& synth_sequence_names() {
  static const std::vector<std::string> names(kSequences, kSequences + kSequenceCount);
  return names;
}

void synthesise_cohort(const SynthOptions& options) {
  if (options.patients < 1) throw InputError("synth: --patients must be at least 1");
  if (options.out_dir.empty()) throw InputError("synth: --out must name a folder");
  register_nifti_io();
  const fs::path out = fs::absolute(options.out_dir).lexically_normal();
  std::error_code error;
  fs::create_directories(out, error);
  if (error) throw InputError("synth: cannot create '" + out.string() + "': " + error.message());

  Random cohort_random(options.seed);
  const int n = options.patients;

  // Latents: u (ANC), e_fat, e_t2, e_wbc, e_alc, e_plt, e_hgb, e_r.
  const auto z = latent_vectors(cohort_random, n, 8);
  std::vector<double> z_anc = z[0], z_fat(n), z_t2(n), z_wbc(n), z_alc(n), z_plt(n), z_hgb = z[6];
  const double wbc_t2 =
      (kRhoT2fsWbc - kRhoT2fsAnc * kRhoAncWbc) / std::sqrt(1 - kRhoT2fsAnc * kRhoT2fsAnc);
  const double wbc_rest = std::sqrt(1 - kRhoAncWbc * kRhoAncWbc - wbc_t2 * wbc_t2);
  for (int i = 0; i < n; ++i) {
    z_fat[i] =
        kRhoFatRangeAnc * z[0][i] + std::sqrt(1 - kRhoFatRangeAnc * kRhoFatRangeAnc) * z[1][i];
    z_t2[i] = kRhoT2fsAnc * z[0][i] + std::sqrt(1 - kRhoT2fsAnc * kRhoT2fsAnc) * z[2][i];
    z_wbc[i] = kRhoAncWbc * z[0][i] + wbc_t2 * z[2][i] + wbc_rest * z[3][i];
    z_alc[i] = kRhoAncAlc * z[0][i] + std::sqrt(1 - kRhoAncAlc * kRhoAncAlc) * z[4][i];
    z_plt[i] = kRhoAncPlt * z[0][i] + std::sqrt(1 - kRhoAncPlt * kRhoAncPlt) * z[5][i];
  }

  std::vector<PatientModel> patients;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "SYN%03d", i + 1);
    Random patient_random(cohort_random.next());
    PatientModel m = make_patient(id, patient_random, options);
    m.response_scale = clamp(1.0 + kResponseScaleSd * z[7][i], 0.5, 1.5);
    m.fat_spread_change = clamp(kFatSpreadChangeMean + kFatSpreadChangeSd * z_fat[i], -0.7, 2.0);
    m.t2fs_low_dose_shift = kT2fsLowDoseShiftSd * z_t2[i];
    patients.push_back(std::move(m));
  }
  make_blood_counts(patients, cohort_random, {&z_wbc, &z_anc, &z_alc, &z_plt, &z_hgb});

  // The study's parameter file: PyRadiomics defaults, the seed study's bin width 25.
  {
    std::ofstream params(out / "params.yaml", std::ios::binary);
    params << "# PyRadiomics parameters for the synthetic cohort: Original image, every class "
              "doseomics implements,\n# fixed bin width 25 as in the seed study.\n"
              "imageType:\n  Original: {}\nsetting:\n  binWidth: 25\n";
    if (!params) throw InputError("synth: cannot write '" + (out / "params.yaml").string() + "'");
  }

  CohortManifest manifest;
  manifest.study.name = "doseomics synthetic cohort (seed " + std::to_string(options.seed) + ")";
  manifest.study.parameter_file = (out / "params.yaml").string();

  // Patients are independent: a few workers, results kept in patient order (deterministic).
  std::vector<PatientOutput> outputs(patients.size());
  std::vector<std::exception_ptr> failures(patients.size());
  std::atomic<std::size_t> next_patient{0};
  const auto worker = [&] {
    for (std::size_t i = next_patient++; i < patients.size(); i = next_patient++) {
      try {
        outputs[i] = synthesise_patient(patients[i], options, out);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    }
  };
  const unsigned thread_count =
      std::max(1u, std::min({std::thread::hardware_concurrency(), 4u, static_cast<unsigned>(n)}));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < thread_count; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& thread : threads) thread.join();
  for (const std::exception_ptr& failure : failures)
    if (failure) std::rethrow_exception(failure);

  json truth_patients = json::array();
  std::vector<PatientImagesTruth> image_truths;
  for (PatientOutput& output : outputs) {
    manifest.patients.push_back(std::move(output.entry));
    truth_patients.push_back(std::move(output.truth));
    image_truths.push_back(output.images);
  }

  write_cohort_manifest(manifest, (out / "cohort.yaml").string());

  // Cohort-level truth.
  json truth;
  truth["generator"] = "doseomics synth";
  truth["format_version"] = 1;
  truth["seed"] = options.seed;
  truth["patients_count"] = n;
  json conventions;
  conventions["frames"] =
      "CT, dose and marrow mask share the CT frame (LPS mm). Each MR acquisition (pre T2fs, pre "
      "IDEAL-IQ, post T2fs, post IDEAL-IQ) has its own frame; FatFrac, R2star, WATER and FAT of "
      "one "
      "acquisition share frame and transform.";
  conventions["mr_to_ct"] =
      "maps a point of the MR image's physical frame to the CT-frame point showing the same "
      "anatomy: the fixed->moving transform of register_rigid(fixed = MR, moving = CT) "
      "(host/registration.hpp), the one resample_dose_onto_grid(dose, MR grid, .) takes as it "
      "comes. Euler angles (deg) about x, y, z as ITK's Euler3DTransform (R = Rz Rx Ry), about "
      "the centre itk_fixed_parameters, then translation_mm.";
  conventions["reference_to_mr"] =
      "maps a point of the reference image (pre T2fs) to this MR's point: the fixed->moving "
      "transform of register_rigid(fixed = pre T2fs, moving = this MR).";
  conventions["percent_change"] = "(post - pre) / pre * 100";
  conventions["bands"] = "index 1..7 = 5-10, 10-15, 15-20, 20-30, 30-40, 40-50, >=50 Gy, half-open";
  conventions["noise_free"] =
      "noise-free marrow values at the CT voxel centres of the marrow mask, by the dose image's "
      "band at that voxel: what a perfect registration and no noise would measure";
  truth["conventions"] = conventions;

  json planted;
  json bands = json::array();
  for (const DoseBand& band : default_dose_bands()) bands.push_back(band.label());
  planted["bands"] = bands;
  const std::vector<double> ff = as_vector(kFatFracChangePercent);
  const std::vector<double> r2 = as_vector(kR2starChangePercent);
  const std::vector<double> t2 = as_vector(kT2fsChangePercent);
  std::vector<double> water;
  const double ff0 = kMarrowFatFracPercent / 100.0;
  for (double k : ff) water.push_back(-k * ff0 / (1.0 - ff0));
  const json mean_change = {
      {"FatFrac", ff}, {"FAT", ff}, {"WATER", water}, {"R2star", r2}, {"T2fs", t2}};
  planted["marrow_mean_change_percent_by_band"] = mean_change;
  planted["marrow_mean_change_note"] =
      "nominal, response scale 1, before the fat-fraction soft cap; WATER at FatFrac 48.5 %. "
      "Every first-order location feature (Mean, Median, percentiles, RootMeanSquared) changes by "
      "the same percentage; Energy and TotalEnergy by (1 + k)^2 - 1 up to texture and noise.";
  json slopes, energy, energy_slopes;
  for (const auto& item : mean_change.items()) {
    const std::vector<double> v = item.value().get<std::vector<double>>();
    slopes[item.key()] = slope_per_band(v);
    energy[item.key()] = energy_change(v);
    energy_slopes[item.key()] = slope_per_band(energy_change(v));
  }
  planted["mean_change_slope_percent_per_band"] = slopes;
  planted["implied_energy_change_percent_by_band"] = energy;
  planted["implied_energy_slope_percent_per_band"] = energy_slopes;
  planted["response_scale"] = {{"mean", 1.0},
                               {"sd", kResponseScaleSd},
                               {"clamp", {0.5, 1.5}},
                               {"applies_to", "FatFrac, R2star and T2fs band changes"}};
  planted["low_dose_band"] = {
      {"band", "5-10Gy"},
      {"texture_spread_change",
       {{"mean", kFatSpreadChangeMean},
        {"sd", kFatSpreadChangeSd},
        {"latent", "z_fat"},
        {"applies_to", "marrow total-signal and fat-fraction texture"},
        {"moves", "Range (and spread features) of FatFrac, FAT, WATER"}}},
      {"T2fs_extra_change",
       {{"mean", 0.0},
        {"sd", kT2fsLowDoseShiftSd},
        {"latent", "z_t2"},
        {"moves", "every T2fs location feature (10Percentile, Mean, ...)"}}}};

  // Realised correlations: latent effect vs the written counts' end changes.
  std::vector<double> d_anc, d_wbc, spread, shift;
  for (const PatientModel& m : patients) {
    d_anc.push_back(realised_change_percent(m.counts[kAnc], 2));
    d_wbc.push_back(realised_change_percent(m.counts[kWbc], 2));
    spread.push_back(m.fat_spread_change);
    shift.push_back(m.t2fs_low_dose_shift);
  }
  const auto target = [&](const char* feature, const char* count, double r, double realised,
                          const char* mechanism) {
    return json{{"feature", feature},
                {"band", "5-10Gy"},
                {"count_change", count},
                {"r_target", r},
                {"r_realised_latent", std::isnan(realised) ? json(nullptr) : json(realised)},
                {"mechanism", mechanism}};
  };
  planted["correlation_targets"] = json::array(
      {target("FAT original_firstorder_Range", "ANC end", kRhoFatRangeAnc, pearson(spread, d_anc),
              "marrow texture spread change vs realised ANC change"),
       target("T2fs original_firstorder_10Percentile", "ANC end", kRhoT2fsAnc,
              pearson(shift, d_anc), "T2fs low-dose shift vs realised ANC change"),
       target("T2fs original_firstorder_10Percentile", "WBC end", kRhoT2fsWbc,
              pearson(shift, d_wbc), "T2fs low-dose shift vs realised WBC change"),
       target(
           "T2fs original_gldm_LargeDependenceHighGrayLevelEmphasis", "ANC end", -0.623,
           pearson(shift, d_anc),
           "not planted on its own: follows the T2fs low-dose shift (grey levels move with it)")});
  planted["correlation_note"] =
      "r_realised_latent is exact in the latents' sample (>= 10 patients) up to the counts' "
      "rounding and clamping; a measured r is lower by the features' measurement noise.";
  json count_models = json::object();
  for (const CountModel& c : kCountModels)
    count_models[c.name] = {
        {"pre_median", c.median},
        {"pre_range", {c.minimum, c.maximum}},
        {"end_change_percent_median", c.end_change_percent},
        {"end_change_percent_sd", c.end_change_sd},
        {"mid_change_share_of_end", {c.mid_fraction_lo, c.mid_fraction_hi}},
        {"one_month_change_share_of_end", {c.one_month_fraction_lo, c.one_month_fraction_hi}},
        {"units", std::string(c.name) == "HGB" ? "g/L" : "10^9/L"}};
  planted["blood_counts"] = count_models;
  planted["latent_correlations"] = {{"ANC_WBC", kRhoAncWbc}, {"ANC_ALC", kRhoAncAlc},
                                    {"ANC_PLT", kRhoAncPlt}, {"fat_ANC", kRhoFatRangeAnc},
                                    {"t2_ANC", kRhoT2fsAnc}, {"t2_WBC", kRhoT2fsWbc}};
  planted["prescriptions"] = "45 Gy/25 (15 %), 50 Gy/25 (65 %), 50.4 Gy/28 (20 %)";
  truth["planted"] = planted;

  // Cohort summaries of what was realised.
  json realised;
  double v5 = 0, v10 = 0, v50 = 0;
  std::array<int, kBandCount> populated{};
  for (const PatientImagesTruth& t : image_truths) {
    v5 += t.marrow_v5, v10 += t.marrow_v10, v50 += t.marrow_v50;
    for (int b = 0; b < kBandCount; ++b)
      if (t.band_volume_cc[b] >= 0.5) ++populated[b];
  }
  realised["mean_marrow_percent_receiving"] = {
      {"5Gy", 100 * v5 / n}, {"10Gy", 100 * v10 / n}, {"50Gy", 100 * v50 / n}};
  realised["patients_with_band_volume_at_least_0.5cc"] =
      json(std::vector<int>(populated.begin(), populated.end()));
  json mean_noise_free = json::object();
  for (int s = 0; s < kSequenceCount; ++s) {
    std::vector<double> per_band;
    for (int b = 0; b < kBandCount; ++b) {
      double sum = 0;
      int count = 0;
      for (const json& p : truth_patients) {
        const json& v = p["noise_free_mean_change_percent_by_band"][kSequences[s]][b];
        if (v.is_null()) continue;
        sum += v.get<double>(), ++count;
      }
      per_band.push_back(count ? sum / count : std::nan(""));
    }
    mean_noise_free[kSequences[s]] = {{"by_band", per_band}, {"slope", slope_per_band(per_band)}};
  }
  realised["cohort_mean_noise_free_mean_change_percent"] = mean_noise_free;
  truth["realised"] = realised;
  truth["patients"] = truth_patients;

  std::ofstream file(out / "truth.json", std::ios::binary);
  file << truth.dump(1) << "\n";
  if (!file) throw InputError("synth: cannot write '" + (out / "truth.json").string() + "'");
}

int run_synth_command(int patients, unsigned seed, const std::string& out_dir) {
  try {
    SynthOptions options;
    options.patients = patients;
    options.seed = seed;
    options.out_dir = out_dir;
    const auto start = std::chrono::steady_clock::now();
    synthesise_cohort(options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("synth: %d patients (seed %u) written to %s (cohort.yaml, truth.json) in %.1f s\n",
                patients, seed, out_dir.c_str(), seconds);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "doseomics synth: %s\n", e.what());
    return 1;
  }
}

}  // namespace doseomics
