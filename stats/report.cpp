// The study report: HTML with inline SVG figures, and the CSV tables (see report.hpp).
#include "stats/report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "stats/descriptive.hpp"

namespace doseomics::stats {

const char* const kDeltasCsvHeader = "patient,sequence,band,feature,pre,post,delta_percent";
const char* const kDoseResponseCsvFixedColumns =
    "sequence,feature,slope,slope_se,slope_p,intercept,r_squared,n_points,x_axis,common";
const char* const kCorrelationsCsvHeader = "sequence,band,feature,blood_count,n,r,p,q,significant";

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// -log10 p drawn for p == 0 (a perfect separation), so such a point stays on the plot.
constexpr double kMaxMinusLog10P = 16.0;
// Most curves drawn in one dose-response figure (the strongest slopes; all are in the CSV).
constexpr std::size_t kMaxCurvesPerFigure = 10;
// Most correlation rows printed in the report (all are in correlations.csv).
constexpr std::size_t kMaxCorrelationRows = 40;
// Colour-blind-safe categorical palette (Okabe-Ito, then Tableau).
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22"};
constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

const char* colour(std::size_t i) { return kPalette[i % kPaletteSize]; }

// ---- text helpers ---------------------------------------------------------------------------

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A number with `digits` decimals; "n/a" when not finite.
std::string fixed(double value, int digits) {
  if (!std::isfinite(value)) return "n/a";
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

// A p-value as journals print it: "< 0.001" or three decimals.
std::string format_p(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p < 0.001) return "&lt; 0.001";
  return fixed(p, 3);
}

// Signed percent: "+12.3 %".
std::string signed_percent(double value) {
  if (!std::isfinite(value)) return "n/a";
  return (value >= 0 ? "+" : "") + fixed(value, 1) + " %";
}

std::string median_range_text(const MedianRange& summary, int digits) {
  if (summary.n == 0) return "not recorded";
  return fixed(summary.median, digits) + " (" + fixed(summary.minimum, digits) + "&ndash;" +
         fixed(summary.maximum, digits) + ")";
}

// CSV field: full precision; empty when not finite.
std::string csv_number(double value) {
  if (!std::isfinite(value)) return "";
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<double>::max_digits10) << value;
  return out.str();
}

std::string csv_number(const std::optional<double>& value) {
  return value ? csv_number(*value) : std::string();
}

// Quotes a CSV text field when it needs it (RFC 4180).
std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// "original_firstorder_Mean" -> "firstorder Mean".
std::string display_feature(const std::string& feature) {
  const std::string feature_class = feature_class_of(feature);
  return feature_class.empty() ? feature : feature_class + " " + feature_short_name(feature);
}

// The unit of the slope's x.
std::string slope_unit(const StudyOptions& options) {
  return options.slope_axis == SlopeAxis::band_index ? "% per band" : "% per Gy";
}

// ---- SVG charts -----------------------------------------------------------------------------

// Round tick positions covering [low, high]: steps of 1, 2 or 5 x 10^k, about `target` of them.
std::vector<double> nice_ticks(double low, double high, int target = 6) {
  if (!(high > low)) return {low};
  const double raw_step = (high - low) / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw_step) break;
  }
  std::vector<double> ticks;
  for (double tick = std::ceil(low / step - 1e-9) * step; tick <= high + 1e-9 * step;
       tick += step) {
    ticks.push_back(std::fabs(tick) < 1e-12 * step ? 0.0 : tick);
  }
  return ticks;
}

// "12", "2.5", "0.05": a tick label without trailing zeros.
std::string tick_text(double value) {
  std::ostringstream out;
  out << std::setprecision(6) << value;
  return out.str();
}

// A plot area with linear axes, tick labels, axis titles and a legend on the right. Add the axes
// first; every drawing call takes data coordinates.
class SvgChart {
 public:
  // `id` names the figure (data-figure attribute, so tests and the render check can find it).
  SvgChart(std::string id, int width = 760, int height = 380, int legend_width = 200)
      : id_(std::move(id)), width_(width), height_(height), legend_width_(legend_width) {}

  // Linear x axis; `ticks` overrides the automatic ones (position, label).
  void set_x_axis(double low, double high, std::string title,
                  std::vector<std::pair<double, std::string>> ticks = {},
                  bool stagger_labels = false) {
    stagger_labels_ = stagger_labels;
    x_low_ = low;
    x_high_ = high;
    x_title_ = std::move(title);
    x_ticks_ = std::move(ticks);
    if (x_ticks_.empty()) {
      for (double tick : nice_ticks(low, high)) x_ticks_.emplace_back(tick, tick_text(tick));
    }
  }
  // Linear y axis with automatic ticks.
  void set_y_axis(double low, double high, std::string title) {
    if (!(high > low)) high = low + 1.0;
    y_low_ = low;
    y_high_ = high;
    y_title_ = std::move(title);
  }

  // A polyline through the finite points (a gap where a value is missing).
  void line(const std::vector<double>& x, const std::vector<double>& y, const std::string& stroke,
            bool dashed = false, double stroke_width = 2.0) {
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
        pen_down = false;
        continue;
      }
      path += (pen_down ? " L" : " M") + number(px(x[i])) + "," + number(py(y[i]));
      pen_down = true;
    }
    if (path.empty()) return;
    body_ << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << stroke << "\" stroke-width=\""
          << stroke_width << "\"" << (dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n";
  }
  // Circles at the finite points.
  void points(const std::vector<double>& x, const std::vector<double>& y, const std::string& fill,
              double radius = 3.0, const std::string& title = "") {
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
      body_ << "<circle cx=\"" << number(px(x[i])) << "\" cy=\"" << number(py(y[i])) << "\" r=\""
            << radius << "\" fill=\"" << fill << "\" fill-opacity=\"0.85\">";
      if (!title.empty()) body_ << "<title>" << escape_html(title) << "</title>";
      body_ << "</circle>\n";
    }
  }
  // A shaded band between two curves.
  void area(const std::vector<double>& x, const std::vector<double>& low,
            const std::vector<double>& high, const std::string& fill, double opacity = 0.2) {
    std::string path;
    for (std::size_t i = 0; i < x.size(); ++i) {
      path += (path.empty() ? "M" : " L") + number(px(x[i])) + "," + number(py(high[i]));
    }
    for (std::size_t i = x.size(); i-- > 0;) {
      path += " L" + number(px(x[i])) + "," + number(py(low[i]));
    }
    if (path.empty()) return;
    body_ << "<path d=\"" << path << " Z\" fill=\"" << fill << "\" fill-opacity=\"" << opacity
          << "\" stroke=\"none\"/>\n";
  }
  // A vertical bar from y = 0 to y, centred at x, `width` in data units.
  void bar(double x, double y, double width, const std::string& fill) {
    const double left = px(x - width / 2), right = px(x + width / 2);
    const double top = py(std::max(0.0, y)), bottom = py(std::min(0.0, y));
    body_ << "<rect x=\"" << number(left) << "\" y=\"" << number(top) << "\" width=\""
          << number(right - left) << "\" height=\"" << number(bottom - top) << "\" fill=\"" << fill
          << "\"/>\n";
  }
  // A horizontal reference line across the plot with a label at its right end.
  void horizontal_line(double y, const std::string& stroke, const std::string& label) {
    body_ << "<line x1=\"" << number(plot_left()) << "\" x2=\"" << number(plot_right())
          << "\" y1=\"" << number(py(y)) << "\" y2=\"" << number(py(y)) << "\" stroke=\"" << stroke
          << "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n";
    if (!label.empty()) {
      body_ << "<text x=\"" << number(plot_right() - 4) << "\" y=\"" << number(py(y) - 4)
            << "\" text-anchor=\"end\" font-size=\"11\" fill=\"" << stroke << "\">"
            << escape_html(label) << "</text>\n";
    }
  }
  // A vertical separator (between the class blocks of a Manhattan plot).
  void vertical_separator(double x) {
    body_ << "<line x1=\"" << number(px(x)) << "\" x2=\"" << number(px(x)) << "\" y1=\""
          << number(plot_top()) << "\" y2=\"" << number(plot_bottom())
          << "\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>\n";
  }
  // Text at a data position.
  void label(double x, double y, const std::string& text, const std::string& fill = "#222") {
    body_ << "<text x=\"" << number(px(x) + 5) << "\" y=\"" << number(py(y) - 5)
          << "\" font-size=\"11\" fill=\"" << fill << "\">" << escape_html(text) << "</text>\n";
  }
  // Legend entries: kind "line", "dashed", "point", "box" (shaded area), "bar" (solid).
  void legend(const std::string& text, const std::string& paint, const std::string& kind) {
    legend_.push_back({text, paint, kind});
  }

  // The finished <svg> element.
  std::string str() const {
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" data-figure=\"" << escape_html(id_)
        << "\" width=\"" << width_ << "\" height=\"" << height_ << "\" viewBox=\"0 0 " << width_
        << " " << height_ << "\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n";
    svg << "<rect x=\"0\" y=\"0\" width=\"" << width_ << "\" height=\"" << height_
        << "\" fill=\"white\"/>\n";
    // Grid and ticks.
    for (double tick : nice_ticks(y_low_, y_high_)) {
      const double y = py(tick);
      svg << "<line x1=\"" << number(plot_left()) << "\" x2=\"" << number(plot_right())
          << "\" y1=\"" << number(y) << "\" y2=\"" << number(y)
          << "\" stroke=\"#eeeeee\" stroke-width=\"1\"/>\n";
      svg << "<text x=\"" << number(plot_left() - 6) << "\" y=\"" << number(y + 4)
          << "\" text-anchor=\"end\" font-size=\"11\">" << tick_text(tick) << "</text>\n";
    }
    for (std::size_t i = 0; i < x_ticks_.size(); ++i) {
      const auto& [position, text] = x_ticks_[i];
      const double x = px(position);
      const double row = stagger_labels_ && i % 2 == 1 ? 13.0 : 0.0;
      svg << "<line x1=\"" << number(x) << "\" x2=\"" << number(x) << "\" y1=\""
          << number(plot_bottom()) << "\" y2=\"" << number(plot_bottom() + 5)
          << "\" stroke=\"#333\"/>\n";
      svg << "<text x=\"" << number(x) << "\" y=\"" << number(plot_bottom() + 18 + row)
          << "\" text-anchor=\"middle\" font-size=\"11\">" << escape_html(text) << "</text>\n";
    }
    svg << body_.str();
    // Axes and titles.
    svg << "<path d=\"M" << number(plot_left()) << "," << number(plot_top()) << " L"
        << number(plot_left()) << "," << number(plot_bottom()) << " L" << number(plot_right())
        << "," << number(plot_bottom()) << "\" fill=\"none\" stroke=\"#333\"/>\n";
    svg << "<text x=\"" << number((plot_left() + plot_right()) / 2) << "\" y=\""
        << number(height_ - 8) << "\" text-anchor=\"middle\" font-size=\"13\">"
        << escape_html(x_title_) << "</text>\n";
    const double y_middle = (plot_top() + plot_bottom()) / 2;
    svg << "<text x=\"16\" y=\"" << number(y_middle) << "\" text-anchor=\"middle\" "
        << "font-size=\"13\" transform=\"rotate(-90 16 " << number(y_middle) << ")\">"
        << escape_html(y_title_) << "</text>\n";
    // Legend.
    double y = plot_top() + 6;
    const double x = plot_right() + 16;
    for (const auto& entry : legend_) {
      if (entry.kind == "point") {
        svg << "<circle cx=\"" << number(x + 10) << "\" cy=\"" << number(y) << "\" r=\"4\" fill=\""
            << entry.paint << "\"/>\n";
      } else if (entry.kind == "box" || entry.kind == "bar") {
        svg << "<rect x=\"" << number(x) << "\" y=\"" << number(y - 6)
            << "\" width=\"20\" height=\"12\" fill=\"" << entry.paint << "\" fill-opacity=\""
            << (entry.kind == "bar" ? "1" : "0.35") << "\"/>\n";
      } else {
        svg << "<line x1=\"" << number(x) << "\" x2=\"" << number(x + 20) << "\" y1=\"" << number(y)
            << "\" y2=\"" << number(y) << "\" stroke=\"" << entry.paint << "\" stroke-width=\"2\""
            << (entry.kind == "dashed" ? " stroke-dasharray=\"5 3\"" : "") << "/>\n";
      }
      svg << "<text x=\"" << number(x + 26) << "\" y=\"" << number(y + 4) << "\" font-size=\"11\">"
          << escape_html(entry.text) << "</text>\n";
      y += 17;
    }
    svg << "</svg>\n";
    return svg.str();
  }

 private:
  struct LegendEntry {
    std::string text, paint, kind;
  };
  static std::string number(double value) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << value;
    return out.str();
  }
  double plot_left() const { return 64; }
  double plot_right() const { return width_ - legend_width_ - 10; }
  double plot_top() const { return 14; }
  double plot_bottom() const { return height_ - (stagger_labels_ ? 60 : 48); }
  double px(double x) const {
    const double span = x_high_ > x_low_ ? x_high_ - x_low_ : 1.0;
    return plot_left() + (x - x_low_) / span * (plot_right() - plot_left());
  }
  double py(double y) const {
    y = std::clamp(y, y_low_, y_high_);
    return plot_bottom() - (y - y_low_) / (y_high_ - y_low_) * (plot_bottom() - plot_top());
  }

  std::string id_;
  int width_, height_, legend_width_;
  double x_low_ = 0, x_high_ = 1, y_low_ = 0, y_high_ = 1;
  std::string x_title_, y_title_;
  std::vector<std::pair<double, std::string>> x_ticks_;
  bool stagger_labels_ = false;
  std::ostringstream body_;
  std::vector<LegendEntry> legend_;
};

// Padded [low, high] covering the finite values and the extra ones given.
std::pair<double, double> data_range(const std::vector<double>& values,
                                     std::initializer_list<double> always = {}) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (double v : values) {
    if (std::isfinite(v)) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  for (double v : always) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  if (!std::isfinite(low)) return {0.0, 1.0};
  const double pad = (high - low) * 0.06 + (high == low ? 1.0 : 0.0);
  return {low - pad, high + pad};
}

// x ticks at the bands, labelled with their dose ranges.
std::vector<std::pair<double, std::string>> band_ticks(const StudyResults& results) {
  std::vector<std::pair<double, std::string>> ticks;
  for (const auto& band : results.bands) {
    const double x =
        results.options.slope_axis == SlopeAxis::band_index ? band.index : band.midpoint_gy;
    if (std::isfinite(x)) ticks.emplace_back(x, band.label);
  }
  return ticks;
}

double band_x(const StudyResults& results, const DoseBand& band) {
  return results.options.slope_axis == SlopeAxis::band_index ? band.index : band.midpoint_gy;
}

// ---- figures ----------------------------------------------------------------------------------

struct Figure {
  std::string id;       // data-figure name
  std::string svg;      // the <svg> element; empty when the data do not allow the figure
  std::string caption;  // what it shows, in words
};

Figure dose_volume_figure(const StudyResults& results) {
  Figure figure{"dose-volume", "", ""};
  const auto& dvh = results.dose_volume;
  if (dvh.dose_gy.empty()) return figure;
  SvgChart chart(figure.id);
  chart.set_x_axis(0.0, dvh.dose_gy.back(), "Dose (Gy)");
  chart.set_y_axis(0.0, 105.0, "Marrow volume receiving \u2265 dose (%)");
  chart.area(dvh.dose_gy, dvh.min_percent, dvh.max_percent, colour(0), 0.18);
  chart.line(dvh.dose_gy, dvh.mean_percent, colour(0), false, 2.5);
  std::vector<double> marks_x, marks_y;
  for (double dose : {5.0, 10.0, 20.0, 30.0, 40.0, 50.0}) {
    if (dose > dvh.dose_gy.back()) continue;
    marks_x.push_back(dose);
    marks_y.push_back(dvh.mean_volume_at(dose));
    chart.label(dose, marks_y.back(), "V" + tick_text(dose) + " " + fixed(marks_y.back(), 1) + "%");
  }
  chart.points(marks_x, marks_y, colour(1), 4.0);
  chart.legend("Mean of " + std::to_string(dvh.patients) + " patients", colour(0), "line");
  chart.legend("Range (min\u2013max)", colour(0), "box");
  chart.legend("V_dose of the mean", colour(1), "point");
  figure.svg = chart.str();
  figure.caption =
      "Cumulative dose-volume curve of the pelvic bone marrow: the share of the marrow volume "
      "that receives at least a given dose (mean over patients, shaded: range).";
  return figure;
}

Figure manhattan_figure(const StudyResults& results, const std::string& sequence) {
  Figure figure{"manhattan-" + sequence, "", ""};
  // Feature positions, grouped by class in the order the paired results list them.
  std::vector<std::string> features;
  std::map<std::string, std::size_t> position;
  std::vector<double> minus_log_p;
  for (const auto& result : results.paired) {
    if (result.sequence != sequence) continue;
    if (!position.count(result.feature)) {
      position[result.feature] = features.size() + 1;
      features.push_back(result.feature);
    }
    if (std::isfinite(result.p_value)) {
      minus_log_p.push_back(result.p_value > 0 ? -std::log10(result.p_value) : kMaxMinusLog10P);
    }
  }
  if (features.empty() || minus_log_p.empty()) return figure;
  const double top = std::max(2.0, *std::max_element(minus_log_p.begin(), minus_log_p.end())) * 1.1;
  // Class blocks: [first position, last position] of each class, in order.
  std::vector<std::pair<std::string, std::pair<std::size_t, std::size_t>>> blocks;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const std::string feature_class = feature_class_of(features[i]);
    if (blocks.empty() || blocks.back().first != feature_class) {
      blocks.push_back({feature_class, {i + 1, i + 1}});
    }
    blocks.back().second.second = i + 1;
  }
  std::vector<std::pair<double, std::string>> class_ticks;
  for (const auto& [feature_class, span] : blocks) {
    class_ticks.emplace_back(0.5 * (span.first + span.second), feature_class);
  }
  SvgChart chart(figure.id, 760, 360, 130);
  chart.set_x_axis(0.0, static_cast<double>(features.size()) + 1.0,
                   "Features of " + sequence + ", grouped by class", class_ticks,
                   /*stagger_labels=*/true);
  chart.set_y_axis(0.0, top, "\u2212log10 p (pre vs post)");
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    chart.vertical_separator(blocks[i].second.first - 0.5);
  }
  for (std::size_t b = 0; b < results.bands.size(); ++b) {
    std::vector<double> x, y;
    for (const auto& result : results.paired) {
      if (result.sequence != sequence || result.band != results.bands[b].index) continue;
      if (!std::isfinite(result.p_value)) continue;
      // Bands side by side within a feature's slot so they do not hide each other.
      const double offset = (static_cast<double>(b) - 0.5 * (results.bands.size() - 1)) * 0.08;
      x.push_back(static_cast<double>(position[result.feature]) + offset);
      y.push_back(result.p_value > 0 ? -std::log10(result.p_value) : kMaxMinusLog10P);
    }
    chart.points(x, y, colour(b), 3.0);
    chart.legend(results.bands[b].label, colour(b), "point");
  }
  chart.horizontal_line(-std::log10(results.options.alpha), "#1f4fd1", "");
  chart.legend("p = " + tick_text(results.options.alpha), "#1f4fd1", "dashed");
  figure.svg = chart.str();
  figure.caption = "Manhattan plot of " + sequence +
                   ": one point per feature and dose band (colour), height \u2212log10 of the "
                   "pre- vs post-RT p-value; points above the dashed line have p < " +
                   tick_text(results.options.alpha) + ". " + std::to_string(features.size()) +
                   " features passed the baseline check.";
  return figure;
}

Figure scree_figure(const StudyResults& results) {
  Figure figure{"pca-scree", "", ""};
  const PcaSummary& summary = results.pca;
  if (!summary.ran) return figure;
  const auto& ratio = summary.pca.explained_variance_ratio;
  const auto& cumulative = summary.pca.cumulative_explained_variance_ratio;
  const std::size_t shown = std::min<std::size_t>(static_cast<std::size_t>(ratio.size()), 15);
  SvgChart chart(figure.id, 760, 360, 210);
  std::vector<std::pair<double, std::string>> ticks;
  for (std::size_t c = 1; c <= shown; ++c) ticks.emplace_back(c, std::to_string(c));
  chart.set_x_axis(0.3, shown + 0.7, "Principal component", ticks);
  chart.set_y_axis(0.0, 105.0, "Explained variance (%)");
  std::vector<double> x, y;
  for (std::size_t c = 0; c < shown; ++c) {
    chart.bar(c + 1.0, 100.0 * ratio(static_cast<Eigen::Index>(c)), 0.6, colour(0));
    x.push_back(c + 1.0);
    y.push_back(100.0 * cumulative(static_cast<Eigen::Index>(c)));
  }
  chart.line(x, y, colour(1));
  chart.points(x, y, colour(1), 3.5);
  chart.horizontal_line(100.0 * results.options.pca_variance_threshold, "#555555",
                        tick_text(100.0 * results.options.pca_variance_threshold) + " %");
  chart.legend("Variance of the component", colour(0), "bar");
  chart.legend("Cumulative", colour(1), "line");
  chart.legend(tick_text(100.0 * results.options.pca_variance_threshold) + " % threshold",
               "#555555", "dashed");
  figure.svg = chart.str();
  figure.caption = "PCA scree plot of " + std::to_string(summary.features.size()) + " " +
                   summary.feature_set + " " + summary.sequence + " features (z-standardised " +
                   (results.options.pca_input == PcaInput::delta_percent
                        ? std::string("\u0394RF")
                        : std::string(to_string(results.options.pca_input)) + "-RT values") +
                   " of " + std::to_string(summary.observations) +
                   " regions): share of the variance per component and cumulative.";
  return figure;
}

// The curves shown for a sequence: common features, or (none common) the three significant in
// the most bands; the strongest slopes first, at most kMaxCurvesPerFigure.
std::vector<const DoseResponse*> curves_to_show(const StudyResults& results,
                                                const std::string& sequence, bool& fallback) {
  std::vector<const DoseResponse*> curves;
  for (const auto& curve : results.dose_response) {
    if (curve.sequence == sequence && curve.common) curves.push_back(&curve);
  }
  fallback = curves.empty();
  if (fallback) {
    std::map<std::string, int> bands_significant;
    for (const auto& result : results.paired) {
      if (result.sequence == sequence && result.significant) ++bands_significant[result.feature];
    }
    for (const auto& curve : results.dose_response) {
      if (curve.sequence == sequence && bands_significant.count(curve.feature)) {
        curves.push_back(&curve);
      }
    }
    std::stable_sort(curves.begin(), curves.end(), [&](const auto* a, const auto* b) {
      return bands_significant[a->feature] > bands_significant[b->feature];
    });
    if (curves.size() > 3) curves.resize(3);
  }
  std::stable_sort(curves.begin(), curves.end(), [](const auto* a, const auto* b) {
    return std::fabs(a->fit.slope) > std::fabs(b->fit.slope);
  });
  if (curves.size() > kMaxCurvesPerFigure) curves.resize(kMaxCurvesPerFigure);
  return curves;
}

Figure dose_response_figure(const StudyResults& results, const std::string& sequence) {
  Figure figure{"dose-response-" + sequence, "", ""};
  bool fallback = false;
  const auto curves = curves_to_show(results, sequence, fallback);
  if (curves.empty()) return figure;
  std::vector<double> all_y{0.0};
  for (const auto* curve : curves) {
    all_y.insert(all_y.end(), curve->band_mean.begin(), curve->band_mean.end());
  }
  std::vector<double> x;
  for (const auto& band : results.bands) x.push_back(band_x(results, band));
  const auto [x_low, x_high] = data_range(x);
  const auto [y_low, y_high] = data_range(all_y);
  SvgChart chart(figure.id, 980, 380, 400);
  chart.set_x_axis(
      x_low, x_high,
      results.options.slope_axis == SlopeAxis::band_index ? "Dose band" : "Dose band midpoint (Gy)",
      band_ticks(results));
  chart.set_y_axis(y_low, y_high, "Mean \u0394RF (%)");
  chart.horizontal_line(0.0, "#999999", "");
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const DoseResponse& curve = *curves[i];
    chart.line(x, curve.band_mean, colour(i));
    chart.points(x, curve.band_mean, colour(i), 3.5, display_feature(curve.feature));
    // The fitted line, dashed, over the bands.
    std::vector<double> fitted;
    for (double xi : x) fitted.push_back(curve.fit.intercept + curve.fit.slope * xi);
    chart.line(x, fitted, colour(i), true, 1.0);
    chart.legend(display_feature(curve.feature) + " (slope " + fixed(curve.fit.slope, 2) + ")",
                 colour(i), "line");
  }
  chart.legend("Fitted line", "#555555", "dashed");
  figure.svg = chart.str();
  figure.caption =
      "Dose-response curves of " + sequence +
      ": mean \u0394RF = (post \u2212 pre) / pre \u00d7 "
      "100 % per dose band; dashed, the least-squares line whose slope (" +
      slope_unit(results.options) + ") the legend gives. " +
      (fallback ? "No feature was common (" + common_feature_rule(results.options) +
                      "); shown are the features significant in the most bands."
                : "Shown: the common features (" + common_feature_rule(results.options) + ")" +
                      std::string(curves.size() == kMaxCurvesPerFigure
                                      ? ", the " + std::to_string(kMaxCurvesPerFigure) + " steepest"
                                      : "") +
                      ".");
  return figure;
}

Figure blood_trend_figure(const StudyResults& results) {
  Figure figure{"blood-counts", "", ""};
  if (results.blood_trends.empty()) return figure;
  const std::vector<std::string> names = {"Pre-RT", "Mid-RT", "End-RT", "1 month"};
  std::vector<std::pair<double, std::string>> ticks;
  std::vector<double> x;
  for (int t = 0; t < kBloodTimepointCount; ++t) {
    ticks.emplace_back(t + 1.0, names[static_cast<std::size_t>(t)]);
    x.push_back(t + 1.0);
  }
  std::vector<double> all_y{0.0, 100.0};
  for (const auto& trend : results.blood_trends) {
    all_y.insert(all_y.end(), trend.median_percent_of_pre.begin(),
                 trend.median_percent_of_pre.end());
  }
  const auto [y_low, y_high] = data_range(all_y);
  SvgChart chart(figure.id, 760, 360, 200);
  chart.set_x_axis(0.6, 4.4, "Time point", ticks);
  chart.set_y_axis(std::max(0.0, y_low), y_high, "Median count (% of pre-RT)");
  chart.horizontal_line(100.0, "#999999", "pre-RT level");
  for (std::size_t i = 0; i < results.blood_trends.size(); ++i) {
    const auto& trend = results.blood_trends[i];
    chart.line(x, trend.median_percent_of_pre, colour(i));
    chart.points(x, trend.median_percent_of_pre, colour(i), 3.5, trend.count);
    chart.legend(trend.count, colour(i), "line");
  }
  figure.svg = chart.str();
  figure.caption =
      "Peripheral blood counts over treatment: median of each patient's count as a percentage of "
      "their own pre-RT value.";
  return figure;
}

std::string figure_html(const Figure& figure, const std::string& number) {
  if (figure.svg.empty()) return "";
  return "<figure data-figure-id=\"" + escape_html(figure.id) + "\">\n" + figure.svg +
         "<figcaption><b>Figure " + number + ".</b> " + escape_html(figure.caption) +
         "</figcaption>\n</figure>\n";
}

// ---- tables -----------------------------------------------------------------------------------

std::string table1_html(const StudyResults& results) {
  const CohortSummary& cohort = results.cohort;
  std::ostringstream html;
  html << "<table class=\"data\"><caption><b>Table 1.</b> Patient characteristics (n = "
       << cohort.patients << ")</caption>\n<tr><th>Characteristic</th><th>Value</th></tr>\n";
  auto row = [&](const std::string& name, const std::string& value) {
    html << "<tr><td>" << name << "</td><td>" << value << "</td></tr>\n";
  };
  row("Patients", std::to_string(cohort.patients));
  row("Age (years, median, range)", median_range_text(cohort.age_years, 0));
  auto categories = [&](const std::string& heading,
                        const std::vector<std::pair<std::string, std::size_t>>& values) {
    if (values.empty()) {
      row(heading + ", n (%)", "not recorded");
      return;
    }
    std::size_t total = 0;
    for (const auto& [name, n] : values) total += n;
    html << "<tr><td colspan=\"2\"><i>" << heading << ", n (%)</i></td></tr>\n";
    for (const auto& [name, n] : values) {
      row("&nbsp;&nbsp;" + escape_html(name),
          std::to_string(n) + " (" + fixed(100.0 * n / total, 0) + "%)");
    }
  };
  categories("Pathology", cohort.pathology);
  categories("FIGO stage", cohort.figo_stage);
  row("Radiotherapy days (median, range)", median_range_text(cohort.radiotherapy_days, 0));
  row("PTV prescription dose (Gy, median, range)",
      median_range_text(cohort.prescription_dose_gy, 1));
  if (cohort.fractions.n) row("Fractions (median, range)", median_range_text(cohort.fractions, 0));
  for (const auto& [count, summary] : cohort.pre_counts) {
    const std::string unit = count == "HGB" ? "g/L" : "&times;10<sup>9</sup>/L";
    row(escape_html(count) + " at pre-RT (" + unit + ", median, range)",
        median_range_text(summary, count == "HGB" || count == "PLT" ? 0 : 2));
  }
  for (std::size_t b = 0; b < results.bands.size(); ++b) {
    if (b >= cohort.regions_per_band.size() || cohort.regions_per_band[b] == 0) continue;
    row("Marrow regions " + escape_html(results.bands[b].label) +
            " (n; volume cm&sup3;, median, range)",
        std::to_string(cohort.regions_per_band[b]) + "; " +
            median_range_text(cohort.region_volume_cc[b], 1));
  }
  if (cohort.regions_excluded) {
    row("Regions excluded (status not ok)", std::to_string(cohort.regions_excluded));
  }
  html << "</table>\n";
  return html.str();
}

std::string class_heading(const std::string& feature_class) {
  if (feature_class == "firstorder") return "First order";
  std::string upper = feature_class;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

std::string table2_html(const StudyResults& results) {
  std::ostringstream html;
  html << "<p class=\"caption\"><b>Table 2.</b> Number of features with a significant pre- vs "
          "post-RT difference ("
       << (results.options.fdr ? "BH q" : "p") << " &lt; " << tick_text(results.options.alpha)
       << ") per dose band and feature class.</p>\n"
       << "<div class=\"grid\">\n";
  for (const auto& table : results.significance) {
    html << "<table class=\"data counts\"><caption>" << escape_html(table.sequence)
         << "</caption>\n<tr><th>Band</th>";
    for (const auto& feature_class : table.classes) {
      html << "<th>" << escape_html(class_heading(feature_class)) << "</th>";
    }
    html << "<th>Total</th></tr>\n";
    for (std::size_t b = 0; b < table.counts.size(); ++b) {
      html << "<tr><td>" << escape_html(results.bands[b].label) << "</td>";
      for (int count : table.counts[b]) html << "<td>" << count << "</td>";
      html << "<td><b>" << table.band_total(b) << "</b></td></tr>\n";
    }
    html << "</table>\n";
  }
  html << "</div>\n";
  return html.str();
}

std::string slopes_table_html(const StudyResults& results, const std::string& sequence) {
  bool fallback = false;
  const auto curves = curves_to_show(results, sequence, fallback);
  if (curves.empty()) return "";
  std::ostringstream html;
  html << "<table class=\"data\"><tr><th>Feature</th>";
  for (const auto& band : results.bands) html << "<th>" << escape_html(band.label) << "</th>";
  html << "<th>Slope (" << slope_unit(results.options) << ")</th><th>SE</th><th>p</th></tr>\n";
  for (const auto* curve : curves) {
    html << "<tr><td>" << escape_html(display_feature(curve->feature)) << "</td>";
    for (double value : curve->band_mean) html << "<td>" << signed_percent(value) << "</td>";
    html << "<td><b>" << fixed(curve->fit.slope, 2) << "</b></td><td>"
         << fixed(curve->fit.slope_standard_error, 2) << "</td><td>"
         << format_p(curve->fit.slope_p_value) << "</td></tr>\n";
  }
  html << "</table>\n";
  return html.str();
}

// Correlations printed: the significant ones, strongest first (or the ten smallest p if none).
std::vector<const CorrelationRow*> correlations_to_show(const StudyResults& results,
                                                        bool& none_significant) {
  std::vector<const CorrelationRow*> rows;
  for (const auto& row : results.correlations) {
    if (row.significant) rows.push_back(&row);
  }
  none_significant = rows.empty();
  if (none_significant) {
    for (const auto& row : results.correlations) {
      if (std::isfinite(row.p_value)) rows.push_back(&row);
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto* a, const auto* b) { return a->p_value < b->p_value; });
  const std::size_t limit = none_significant ? 10 : kMaxCorrelationRows;
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

std::string correlation_table_html(const StudyResults& results) {
  bool none_significant = false;
  const auto rows = correlations_to_show(results, none_significant);
  std::ostringstream html;
  html << "<table class=\"data\"><caption><b>Table 3.</b> Pearson correlation of \u0394RF with "
       << "\u0394count ((" << blood_timepoint_name(results.options.count_timepoint)
       << " \u2212 pre) / pre \u00d7 100 %) per dose band. "
       << (none_significant ? "No correlation was significant; the ten smallest p are shown."
                            : "Significant correlations, smallest p first.")
       << " All " << results.correlations.size() << " are in tables/correlations.csv.</caption>\n"
       << "<tr><th>Sequence</th><th>Band</th><th>Feature</th><th>Count</th><th>n</th><th>r</th>"
       << "<th>p</th><th>BH q</th></tr>\n";
  for (const auto* row : rows) {
    html << "<tr" << (row->significant ? " class=\"sig\"" : "") << "><td>"
         << escape_html(row->sequence) << "</td><td>" << escape_html(results.band_label(row->band))
         << "</td><td>" << escape_html(display_feature(row->feature)) << "</td><td>"
         << escape_html(row->count) << "</td><td>" << row->n << "</td><td>" << fixed(row->r, 3)
         << "</td><td>" << format_p(row->p_value) << "</td><td>" << format_p(row->q_value)
         << "</td></tr>\n";
  }
  html << "</table>\n";
  return html.str();
}

std::string options_html(const StudyResults& results) {
  const StudyOptions& o = results.options;
  std::ostringstream html;
  html << "<table class=\"data\"><tr><th>Choice</th><th>Used</th></tr>\n";
  auto row = [&](const std::string& name, const std::string& value) {
    html << "<tr><td>" << name << "</td><td>" << value << "</td></tr>\n";
  };
  row("Significance level", tick_text(o.alpha));
  row("Baseline consistency (ANOVA of pre-RT across bands, keep p &gt; level)",
      o.baseline_filter ? "on" : "off");
  row("Paired test",
      o.paired_test == PairedTestChoice::shapiro_wilk_decides
          ? "Shapiro&ndash;Wilk on the differences decides (p &gt; " +
                tick_text(o.normality_alpha) + ": paired t-test, else Wilcoxon signed-rank)"
          : std::string(o.paired_test == PairedTestChoice::paired_t ? "paired t-test"
                                                                    : "Wilcoxon signed-rank"));
  row("False-discovery-rate control (Benjamini&ndash;Hochberg)",
      o.fdr ? "on: q &lt; level decides" : "off: p &lt; level decides (as the paper)");
  row("Common feature", common_feature_rule(o));
  row("Dose-response slope x", o.slope_axis == SlopeAxis::band_index
                                   ? "band index 1&ndash;7"
                                   : "band dose midpoint (Gy; open top band: lower bound + 5 Gy)");
  row("Slope fitted to", o.slope_fit == SlopeFit::band_means ? "the band means (the curve)"
                                                             : "every region's &Delta;RF");
  row("PCA", escape_html(o.pca_sequence) + ", " + to_string(o.pca_features) + " features, " +
                 (o.pca_input == PcaInput::delta_percent
                      ? std::string("&Delta;RF")
                      : std::string(to_string(o.pca_input)) + "-RT values") +
                 " of each region, z-standardised");
  row("&Delta;count", std::string("(") + blood_timepoint_name(o.count_timepoint) +
                          " &minus; pre) / pre &times; 100 %");
  row("Features correlated", to_string(o.correlation_features));
  row("Extraction setting",
      std::to_string(results.setting_id) + (results.setting_label.empty()
                                                ? std::string()
                                                : " (" + escape_html(results.setting_label) + ")"));
  html << "</table>\n";
  return html.str();
}

const char* const kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 24px auto;
       padding: 0 16px; color: #222; line-height: 1.45; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 34px;
     border-bottom: 1px solid #ccc; padding-bottom: 4px; } h3 { font-size: 16px; }
.meta { color: #666; font-size: 13px; }
ul.findings li { margin: 6px 0; }
table.data { border-collapse: collapse; margin: 10px 0 18px 0; font-size: 13px; }
table.data th, table.data td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
table.data th { background: #f2f4f7; }
table.data caption { text-align: left; padding: 4px 0; font-size: 13px; }
table.counts td { text-align: right; } table.counts td:first-child { text-align: left; }
tr.sig td { background: #fff6e0; }
.grid { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 16px 0 26px 0; }
figcaption { font-size: 13px; color: #333; max-width: 800px; }
p.caption, p.note { font-size: 13px; } p.note { color: #8a4b00; }
)";

}  // namespace

std::vector<std::string> main_findings(const StudyResults& results) {
  std::vector<std::string> findings;
  const StudyOptions& options = results.options;
  const auto& cohort = results.cohort;
  {
    std::ostringstream s;
    s << cohort.patients << " patients";
    if (cohort.age_years.n) {
      s << " (median age " << fixed(cohort.age_years.median, 0) << ", range "
        << fixed(cohort.age_years.minimum, 0) << "\u2013" << fixed(cohort.age_years.maximum, 0)
        << " years)";
    }
    s << "; " << results.sequences.size() << " MR sequences, " << results.bands.size()
      << " dose bands.";
    findings.push_back(s.str());
  }
  if (!results.blood_trends.empty()) {
    std::ostringstream s;
    s << "Blood counts fell during treatment: at " << blood_timepoint_name(options.count_timepoint)
      << "-RT the median change from pre-RT was ";
    for (std::size_t i = 0; i < results.blood_trends.size(); ++i) {
      const auto& trend = results.blood_trends[i];
      s << (i ? ", " : "") << trend.count << " " << signed_percent(trend.median_delta_percent)
        << " (p "
        << (trend.pre_vs_timepoint_p < 0.001 ? "< 0.001"
                                             : "= " + fixed(trend.pre_vs_timepoint_p, 3))
        << ")";
    }
    s << ".";
    // Nadir of each count's median trend.
    std::vector<std::string> nadirs;
    const char* names[] = {"pre-RT", "mid-RT", "end-RT", "one month after"};
    for (const auto& trend : results.blood_trends) {
      std::size_t nadir = 0;
      for (std::size_t t = 1; t < trend.median_percent_of_pre.size(); ++t) {
        if (trend.median_percent_of_pre[t] < trend.median_percent_of_pre[nadir]) nadir = t;
      }
      if (nadir > 0) {
        nadirs.push_back(trend.count + " at " + names[nadir] + " (" +
                         fixed(trend.median_percent_of_pre[nadir], 1) + " % of pre-RT)");
      }
    }
    if (!nadirs.empty()) {
      s << " Median nadirs: ";
      for (std::size_t i = 0; i < nadirs.size(); ++i) s << (i ? "; " : "") << nadirs[i];
      s << ".";
    }
    findings.push_back(s.str());
  }
  if (results.dose_volume.patients) {
    const auto& dvh = results.dose_volume;
    std::ostringstream s;
    s << "On average " << fixed(dvh.mean_volume_at(5), 2) << " % of the marrow received at least "
      << "5 Gy, " << fixed(dvh.mean_volume_at(10), 2) << " % at least 10 Gy and "
      << fixed(dvh.mean_volume_at(50), 2) << " % at least 50 Gy.";
    findings.push_back(s.str());
  }
  {
    std::map<std::string, std::pair<std::size_t, std::size_t>> kept;  // sequence -> kept, total
    for (const auto& baseline : results.baseline) {
      auto& entry = kept[baseline.sequence];
      ++entry.second;
      entry.first += baseline.kept;
    }
    std::ostringstream s;
    s << (options.baseline_filter ? "Features comparable across bands before RT (ANOVA p > " +
                                        tick_text(options.alpha) + ") and so analysed: "
                                  : "Baseline filter off; features analysed: ");
    for (std::size_t i = 0; i < results.sequences.size(); ++i) {
      const auto& entry = kept[results.sequences[i]];
      s << (i ? ", " : "") << results.sequences[i] << " " << entry.first << " of " << entry.second;
    }
    s << ".";
    findings.push_back(s.str());
  }
  {
    std::ostringstream s;
    s << results.paired_significant_p << " of " << results.paired.size()
      << " pre- vs post-RT tests had p < " << tick_text(options.alpha) << "; "
      << results.paired_significant_q << " of them survive Benjamini\u2013Hochberg FDR control at "
      << tick_text(options.alpha) << " within each sequence"
      << (options.fdr ? " (FDR control is on: only these count as significant)."
                      : " (FDR control is off, as in the paper).");
    findings.push_back(s.str());
  }
  for (const auto& table : results.significance) {
    std::size_t best = 0;
    int total = 0;
    for (std::size_t b = 0; b < table.counts.size(); ++b) {
      total += table.band_total(b);
      if (table.band_total(b) > table.band_total(best)) best = b;
    }
    const auto& common = results.common_features(table.sequence);
    std::ostringstream s;
    s << table.sequence << ": " << total << " significant feature-band pairs";
    if (total > 0) {
      s << ", most at " << results.bands[best].label << " (" << table.band_total(best) << ")";
    }
    s << "; " << common.size() << " common feature" << (common.size() == 1 ? "" : "s");
    if (!common.empty()) {
      std::map<std::string, int> by_class;
      for (const auto& feature : common) ++by_class[feature_class_of(feature)];
      s << " (";
      bool first = true;
      for (const auto& [feature_class, n] : by_class) {
        s << (first ? "" : ", ") << n << " " << feature_class;
        first = false;
      }
      s << ")";
    }
    s << ".";
    // The steepest common curve.
    const DoseResponse* steepest = nullptr;
    for (const auto& curve : results.dose_response) {
      if (curve.sequence != table.sequence || !curve.common) continue;
      if (!steepest || std::fabs(curve.fit.slope) > std::fabs(steepest->fit.slope)) {
        steepest = &curve;
      }
    }
    if (steepest && std::isfinite(steepest->fit.slope)) {
      double extreme = 0.0;
      std::size_t at = 0;
      for (std::size_t b = 0; b < steepest->band_mean.size(); ++b) {
        if (std::isfinite(steepest->band_mean[b]) &&
            std::fabs(steepest->band_mean[b]) > std::fabs(extreme)) {
          extreme = steepest->band_mean[b];
          at = b;
        }
      }
      s << " Steepest dose response: " << display_feature(steepest->feature) << ", slope "
        << fixed(steepest->fit.slope, 2) << " " << slope_unit(options) << " (SE "
        << fixed(steepest->fit.slope_standard_error, 2) << ", p "
        << (steepest->fit.slope_p_value < 0.001 ? "< 0.001"
                                                : "= " + fixed(steepest->fit.slope_p_value, 3))
        << "), largest mean change " << signed_percent(extreme) << " at " << results.bands[at].label
        << ".";
    }
    findings.push_back(s.str());
  }
  if (results.pca.ran) {
    const auto& pca = results.pca;
    std::ostringstream s;
    s << "PCA of " << pca.features.size() << " " << pca.feature_set << " " << pca.sequence
      << " features: the first component explains "
      << fixed(100.0 * pca.pca.cumulative_explained_variance_ratio(0), 1) << " %";
    if (pca.pca.cumulative_explained_variance_ratio.size() > 1) {
      s << ", the first two together "
        << fixed(100.0 * pca.pca.cumulative_explained_variance_ratio(1), 1) << " %";
    }
    s << "; " << pca.components_needed << " component" << (pca.components_needed == 1 ? "" : "s")
      << " reach " << tick_text(100.0 * options.pca_variance_threshold) << " %.";
    if (!pca.top_loadings.empty()) {
      s << " Largest loadings on the first component: ";
      for (std::size_t i = 0; i < pca.top_loadings[0].size(); ++i) {
        s << (i ? ", " : "") << display_feature(pca.top_loadings[0][i]);
      }
      s << ".";
    }
    findings.push_back(s.str());
  }
  {
    std::vector<const CorrelationRow*> significant;
    for (const auto& row : results.correlations) {
      if (row.significant) significant.push_back(&row);
    }
    std::sort(significant.begin(), significant.end(),
              [](const auto* a, const auto* b) { return a->p_value < b->p_value; });
    std::ostringstream s;
    s << significant.size() << " of " << results.correlations.size()
      << " correlations of \u0394RF with \u0394count were significant ("
      << results.correlations_significant_q << " survive Benjamini\u2013Hochberg FDR control)";
    if (!significant.empty()) {
      s << "; the strongest: ";
      for (std::size_t i = 0; i < std::min<std::size_t>(4, significant.size()); ++i) {
        const auto& row = *significant[i];
        s << (i ? "; " : "") << row.sequence << " " << display_feature(row.feature) << " vs \u0394"
          << row.count << " at " << results.band_label(row.band) << " (r = " << fixed(row.r, 3)
          << ", p " << (row.p_value < 0.001 ? "< 0.001" : "= " + fixed(row.p_value, 3)) << ")";
      }
    }
    s << ".";
    findings.push_back(s.str());
  }
  return findings;
}

std::string render_report_html(const StudyResults& results, const ReportContext& context) {
  std::ostringstream html;
  int figure_number = 0;
  auto next_figure = [&](const Figure& figure) {
    if (figure.svg.empty()) return std::string();
    return figure_html(figure, std::to_string(++figure_number));
  };
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
       << escape_html(context.title) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n"
       << "<h1>" << escape_html(context.title) << "</h1>\n<p class=\"meta\">";
  if (!context.source.empty()) html << "Data: " << escape_html(context.source) << ". ";
  if (!context.generated_by.empty())
    html << "Generated by " << escape_html(context.generated_by) << ". ";
  html << "Analysis after Qin et al., BMC Cancer 2022;22:1149. Every number below is in the CSV "
          "files under <code>tables/</code>.</p>\n";

  html << "<h2>Main findings</h2>\n<ul class=\"findings\">\n";
  for (const auto& finding : main_findings(results)) {
    html << "<li>" << escape_html(finding) << "</li>\n";
  }
  html << "</ul>\n";
  for (const auto& note : results.notes)
    html << "<p class=\"note\">" << escape_html(note) << "</p>\n";
  if (!results.pca.note.empty()) {
    html << "<p class=\"note\">" << escape_html(results.pca.note) << "</p>\n";
  }

  html << "<h2>Cohort</h2>\n" << table1_html(results);
  html << next_figure(dose_volume_figure(results));

  html << "<h2>Blood counts</h2>\n" << next_figure(blood_trend_figure(results));
  if (!results.blood_trends.empty()) {
    html << "<table class=\"data\"><tr><th>Count</th><th>Pre-RT</th><th>Mid-RT</th>"
            "<th>End-RT</th><th>1 month</th><th>Patients</th></tr>\n";
    for (const auto& trend : results.blood_trends) {
      html << "<tr><td>" << escape_html(trend.count) << "</td>";
      for (double value : trend.median_percent_of_pre)
        html << "<td>" << fixed(value, 1) << " %</td>";
      html << "<td>" << (trend.n.empty() ? 0 : trend.n[0]) << "</td></tr>\n";
    }
    html << "</table>\n";
  }

  html << "<h2>Pre- vs post-RT changes</h2>\n" << table2_html(results);
  for (const auto& sequence : results.sequences) {
    html << next_figure(manhattan_figure(results, sequence));
  }

  html << "<h2>Principal component analysis</h2>\n";
  const Figure scree = scree_figure(results);
  if (scree.svg.empty()) {
    html << "<p>" << escape_html(results.pca.note.empty() ? "No PCA was run." : results.pca.note)
         << "</p>\n";
  } else {
    html << next_figure(scree);
    html << "<p>Top loadings: ";
    for (std::size_t c = 0; c < results.pca.top_loadings.size(); ++c) {
      html << (c ? "; " : "") << "component " << c + 1 << ": ";
      for (std::size_t i = 0; i < results.pca.top_loadings[c].size(); ++i) {
        html << (i ? ", " : "") << escape_html(display_feature(results.pca.top_loadings[c][i]));
      }
    }
    html << ".</p>\n";
  }

  html << "<h2>Dose-response curves</h2>\n";
  for (const auto& sequence : results.sequences) {
    html << "<h3>" << escape_html(sequence) << "</h3>\n";
    const Figure figure = dose_response_figure(results, sequence);
    if (figure.svg.empty()) {
      html << "<p>No feature of " << escape_html(sequence)
           << " changed significantly at any band; no curve is drawn.</p>\n";
      continue;
    }
    html << next_figure(figure) << slopes_table_html(results, sequence);
  }

  html << "<h2>Radiomic changes and blood counts</h2>\n" << correlation_table_html(results);

  html
      << "<h2>Methods and choices</h2>\n<p>Regions: pelvic bone marrow inside each dose band, "
         "the same region before and after RT. \u0394RF = (post \u2212 pre) / pre \u00d7 100 % per "
         "region; undefined (left empty) when the pre-RT value is 0. Choices where the paper is "
         "not explicit (see docs/study.md):</p>\n"
      << options_html(results) << "</body>\n</html>\n";
  return html.str();
}

namespace {

class CsvFile {
 public:
  CsvFile(const std::filesystem::path& path, ReportFiles& files) : path_(path), out_(path) {
    if (!out_) throw std::runtime_error("cannot write " + path.string());
    files.tables.push_back(path.string());
  }
  std::ofstream& out() { return out_; }
  ~CsvFile() = default;
  void close() {
    out_.close();
    if (!out_) throw std::runtime_error("error writing " + path_.string());
  }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

void write_tables(const StudyResults& results, const std::filesystem::path& dir,
                  ReportFiles& files) {
  {
    CsvFile csv(dir / "deltas.csv", files);
    csv.out() << kDeltasCsvHeader << "\n";
    for (const auto& row : results.deltas) {
      csv.out() << csv_text(row.patient) << "," << csv_text(row.sequence) << "," << row.band << ","
                << csv_text(row.feature) << "," << csv_number(row.pre) << ","
                << csv_number(row.post) << "," << csv_number(row.delta_percent) << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "dose_response.csv", files);
    csv.out() << kDoseResponseCsvFixedColumns;
    for (const auto& band : results.bands) csv.out() << ",mean_delta_percent_band_" << band.index;
    for (const auto& band : results.bands) csv.out() << ",n_band_" << band.index;
    csv.out() << "\n";
    for (const auto& curve : results.dose_response) {
      csv.out() << csv_text(curve.sequence) << "," << csv_text(curve.feature) << ","
                << csv_number(curve.fit.slope) << "," << csv_number(curve.fit.slope_standard_error)
                << "," << csv_number(curve.fit.slope_p_value) << ","
                << csv_number(curve.fit.intercept) << "," << csv_number(curve.fit.r_squared) << ","
                << curve.fit.count << "," << to_string(results.options.slope_axis) << ","
                << (curve.common ? 1 : 0);
      for (double value : curve.band_mean) csv.out() << "," << csv_number(value);
      for (std::size_t n : curve.band_n) csv.out() << "," << n;
      csv.out() << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "correlations.csv", files);
    csv.out() << kCorrelationsCsvHeader << "\n";
    for (const auto& row : results.correlations) {
      csv.out() << csv_text(row.sequence) << "," << row.band << "," << csv_text(row.feature) << ","
                << csv_text(row.count) << "," << row.n << "," << csv_number(row.r) << ","
                << csv_number(row.p_value) << "," << csv_number(row.q_value) << ","
                << (row.significant ? 1 : 0) << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "bands.csv", files);
    csv.out() << "band,lower_gy,upper_gy,midpoint_gy,label\n";
    for (const auto& band : results.bands) {
      csv.out() << band.index << "," << csv_number(band.lower_gy) << ","
                << csv_number(band.upper_gy) << "," << csv_number(band.midpoint_gy) << ","
                << csv_text(band.label) << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "table1.csv", files);
    const auto& cohort = results.cohort;
    csv.out() << "characteristic,n,median,minimum,maximum\n";
    auto summary_row = [&](const std::string& name, const MedianRange& summary) {
      csv.out() << csv_text(name) << "," << summary.n << "," << csv_number(summary.median) << ","
                << csv_number(summary.minimum) << "," << csv_number(summary.maximum) << "\n";
    };
    csv.out() << "patients," << cohort.patients << ",,,\n";
    summary_row("age_years", cohort.age_years);
    for (const auto& [name, n] : cohort.pathology) {
      csv.out() << csv_text("pathology_" + name) << "," << n << ",,,\n";
    }
    for (const auto& [name, n] : cohort.figo_stage) {
      csv.out() << csv_text("figo_stage_" + name) << "," << n << ",,,\n";
    }
    summary_row("radiotherapy_days", cohort.radiotherapy_days);
    summary_row("prescription_dose_gy", cohort.prescription_dose_gy);
    summary_row("fractions", cohort.fractions);
    for (const auto& [count, summary] : cohort.pre_counts) summary_row(count + "_pre", summary);
    for (std::size_t b = 0; b < cohort.region_volume_cc.size(); ++b) {
      summary_row("region_volume_cc_band_" + std::to_string(results.bands[b].index),
                  cohort.region_volume_cc[b]);
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "baseline_anova.csv", files);
    csv.out() << "sequence,feature,class,n,anova_p,lsd_pairs_below_alpha,kept\n";
    for (const auto& row : results.baseline) {
      csv.out() << csv_text(row.sequence) << "," << csv_text(row.feature) << ","
                << feature_class_of(row.feature) << "," << row.observations << ","
                << csv_number(row.anova_p) << "," << row.lsd_pairs_below_alpha << ","
                << (row.kept ? 1 : 0) << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "paired_tests.csv", files);
    csv.out() << "sequence,feature,class,band,pairs,mean_pre,mean_post,normality_p,t_test_p,"
                 "wilcoxon_p,test,p,q,significant\n";
    for (const auto& row : results.paired) {
      csv.out() << csv_text(row.sequence) << "," << csv_text(row.feature) << ","
                << feature_class_of(row.feature) << "," << row.band << "," << row.pairs << ","
                << csv_number(row.mean_pre) << "," << csv_number(row.mean_post) << ","
                << csv_number(row.normality_p) << "," << csv_number(row.t_test_p) << ","
                << csv_number(row.wilcoxon_p) << "," << csv_text(row.test) << ","
                << csv_number(row.p_value) << "," << csv_number(row.q_value) << ","
                << (row.significant ? 1 : 0) << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "significant_counts.csv", files);
    csv.out() << "sequence,band,class,count\n";
    for (const auto& table : results.significance) {
      for (std::size_t b = 0; b < table.counts.size(); ++b) {
        for (std::size_t c = 0; c < table.classes.size(); ++c) {
          csv.out() << csv_text(table.sequence) << "," << results.bands[b].index << ","
                    << table.classes[c] << "," << table.counts[b][c] << "\n";
        }
      }
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "common_features.csv", files);
    csv.out() << "sequence,feature\n";
    for (const auto& [sequence, features] : results.common) {
      for (const auto& feature : features) {
        csv.out() << csv_text(sequence) << "," << csv_text(feature) << "\n";
      }
    }
    csv.close();
  }
  {
    CsvFile variance(dir / "pca_variance.csv", files);
    variance.out() << "sequence,component,eigenvalue,explained_percent,cumulative_percent\n";
    CsvFile loadings(dir / "pca_loadings.csv", files);
    loadings.out() << "sequence,feature,component,loading\n";
    const auto& pca = results.pca;
    if (pca.ran) {
      for (Eigen::Index c = 0; c < pca.pca.eigenvalues.size(); ++c) {
        variance.out() << csv_text(pca.sequence) << "," << c + 1 << ","
                       << csv_number(pca.pca.eigenvalues(c)) << ","
                       << csv_number(100.0 * pca.pca.explained_variance_ratio(c)) << ","
                       << csv_number(100.0 * pca.pca.cumulative_explained_variance_ratio(c))
                       << "\n";
        for (std::size_t f = 0; f < pca.features.size(); ++f) {
          loadings.out() << csv_text(pca.sequence) << "," << csv_text(pca.features[f]) << ","
                         << c + 1 << ","
                         << csv_number(pca.pca.loadings(static_cast<Eigen::Index>(f), c)) << "\n";
        }
      }
    }
    variance.close();
    loadings.close();
  }
  {
    CsvFile csv(dir / "blood_trends.csv", files);
    csv.out() << "count,timepoint,median_percent_of_pre,n\n";
    for (const auto& trend : results.blood_trends) {
      for (std::size_t t = 0; t < trend.median_percent_of_pre.size(); ++t) {
        csv.out() << csv_text(trend.count) << ","
                  << blood_timepoint_name(static_cast<BloodTimepoint>(t)) << ","
                  << csv_number(trend.median_percent_of_pre[t]) << "," << trend.n[t] << "\n";
      }
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "blood_deltas.csv", files);
    csv.out() << "patient,count,timepoint,delta_percent\n";
    for (const auto& row : results.blood_deltas) {
      csv.out() << csv_text(row.patient) << "," << csv_text(row.count) << ","
                << blood_timepoint_name(results.options.count_timepoint) << ","
                << csv_number(row.delta_percent) << "\n";
    }
    csv.close();
  }
  {
    CsvFile csv(dir / "dose_volume.csv", files);
    csv.out() << "dose_gy,mean_volume_percent,min_volume_percent,max_volume_percent\n";
    const auto& dvh = results.dose_volume;
    for (std::size_t i = 0; i < dvh.dose_gy.size(); ++i) {
      csv.out() << csv_number(dvh.dose_gy[i]) << "," << csv_number(dvh.mean_percent[i]) << ","
                << csv_number(dvh.min_percent[i]) << "," << csv_number(dvh.max_percent[i]) << "\n";
    }
    csv.close();
  }
}

}  // namespace

ReportFiles write_report(const StudyResults& results, const std::string& report_dir,
                         const ReportContext& context) {
  namespace fs = std::filesystem;
  const fs::path dir(report_dir);
  std::error_code error;
  fs::create_directories(dir / "tables", error);
  if (error) {
    throw std::runtime_error("cannot create " + (dir / "tables").string() + ": " + error.message());
  }
  ReportFiles files;
  write_tables(results, dir / "tables", files);
  files.index_html = (dir / "index.html").string();
  std::ofstream out(files.index_html);
  if (!out) throw std::runtime_error("cannot write " + files.index_html);
  out << render_report_html(results, context);
  out.close();
  if (!out) throw std::runtime_error("error writing " + files.index_html);
  return files;
}

}  // namespace doseomics::stats
