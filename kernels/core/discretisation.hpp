// Grey-level discretisation exactly as PyRadiomics 3.1 (imageoperations.getBinEdges / binImage).
//
// Bin indices are 1-based and are used as the grey values of every texture matrix. Edges are
// built the way numpy builds them (arange: first + k * (second - first); linspace: start + k * step
// with the last edge pinned) and a value's bin is the number of edges <= it (numpy.digitize), so
// float images bin identically at exact ties.
#pragma once

#include <cmath>

#include "platform.hpp"

namespace doseomics {

// Python's float modulo: the result takes the sign of the divisor.
DOSEOMICS_HD inline double python_float_mod(double value, double divisor) {
  double remainder = std::fmod(value, divisor);
  if (remainder != 0.0 && ((remainder < 0.0) != (divisor < 0.0))) remainder += divisor;
  return remainder;
}

// Edges of fixed-bin-width discretisation: edge k = first + k * step.
struct BinEdges {
  double first = 0.0;  // edge 0
  double step = 1.0;   // numpy's delta between edges
  int count = 0;       // number of edges (bins are 1 .. count - 1 for values in range)
  double last = 0.0;   // value of the last edge (linspace pins it; arange computes it)
  bool pin_last = false;
};

// PyRadiomics binWidth: lowBound = min - (min % W), edges = arange(lowBound, max + 2W, W).
DOSEOMICS_HD inline BinEdges fixed_bin_width_edges(double roi_min, double roi_max, double width) {
  BinEdges edges;
  edges.first = roi_min - python_float_mod(roi_min, width);
  // numpy's arange fills with start + k * (second - first), second = start + step.
  edges.step = (edges.first + width) - edges.first;
  const double stop = roi_max + 2.0 * width;
  edges.count = static_cast<int>(std::ceil((stop - edges.first) / width));
  edges.last = edges.first + (edges.count - 1) * edges.step;
  edges.pin_last = false;
  return edges;
}

// PyRadiomics binCount: edges = numpy.histogram(values, N)[1] (linspace over [min, max], or
// [min - 0.5, max + 0.5] when flat), then the last edge is raised by 1.
DOSEOMICS_HD inline BinEdges fixed_bin_count_edges(double roi_min, double roi_max, int bin_count) {
  BinEdges edges;
  double low = roi_min, high = roi_max;
  if (low == high) {
    low -= 0.5;
    high += 0.5;
  }
  edges.first = low;
  edges.step = (high - low) / bin_count;
  edges.count = bin_count + 1;
  edges.last = high + 1.0;
  edges.pin_last = true;
  return edges;
}

// Value of edge k.
DOSEOMICS_HD inline double bin_edge(const BinEdges& edges, int k) {
  if (edges.pin_last && k == edges.count - 1) return edges.last;
  return edges.first + k * edges.step;
}

// numpy.digitize(value, edges): the number of edges <= value (0 below the first edge).
DOSEOMICS_HD inline int digitize(const BinEdges& edges, double value) {
  // Estimate from the step, then correct so the answer is exact against the edges themselves.
  double estimate = std::floor((value - edges.first) / edges.step);
  int k = estimate < 0.0
              ? 0
              : (estimate > edges.count - 1 ? edges.count - 1 : static_cast<int>(estimate));
  // Invariant sought: edge(k) <= value < edge(k + 1); answer k + 1.
  while (k > 0 && bin_edge(edges, k) > value) --k;
  if (bin_edge(edges, k) > value) return 0;
  while (k + 1 < edges.count && bin_edge(edges, k + 1) <= value) ++k;
  return k + 1;
}

}  // namespace doseomics
