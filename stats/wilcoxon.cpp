#include "stats/wilcoxon.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>

#include "stats/ranks.hpp"
#include "stats/t_test.hpp"

namespace doseomics::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Lower and upper tail probabilities P(S <= observed), P(S >= observed) of
// S = sum over i of s_i * doubled_ranks[i], with independent fair signs s_i in {0, 1}.
struct Tails {
  double lower = 0.0;
  double upper = 0.0;
};

Tails sign_flip_tails(const std::vector<long long>& doubled_ranks, long long observed) {
  const long long total = std::accumulate(doubled_ranks.begin(), doubled_ranks.end(), 0LL);
  std::vector<double> probability(static_cast<std::size_t>(total) + 1, 0.0);
  probability[0] = 1.0;
  long long reachable = 0;
  for (long long rank : doubled_ranks) {
    reachable += rank;
    for (long long s = reachable; s >= 0; --s) {
      const double without = probability[static_cast<std::size_t>(s)];
      const double with = s >= rank ? probability[static_cast<std::size_t>(s - rank)] : 0.0;
      probability[static_cast<std::size_t>(s)] = 0.5 * (without + with);
    }
  }
  Tails tails;
  for (long long s = 0; s <= total; ++s) {
    const double mass = probability[static_cast<std::size_t>(s)];
    if (s <= observed) tails.lower += mass;
    if (s >= observed) tails.upper += mass;
  }
  tails.lower = std::min(tails.lower, 1.0);
  tails.upper = std::min(tails.upper, 1.0);
  return tails;
}

double p_from_tails(double lower, double upper, Alternative alternative) {
  switch (alternative) {
    case Alternative::less:
      return lower;
    case Alternative::greater:
      return upper;
    case Alternative::two_sided:
    default:
      return std::min(1.0, 2.0 * std::min(lower, upper));
  }
}

}  // namespace

WilcoxonResult wilcoxon_signed_rank(const std::vector<double>& first,
                                    const std::vector<double>& second,
                                    const WilcoxonOptions& options) {
  return wilcoxon_signed_rank(paired_differences(first, second), options);
}

WilcoxonResult wilcoxon_signed_rank(const std::vector<double>& differences,
                                    const WilcoxonOptions& options) {
  WilcoxonResult result;
  // The differences that are ranked (zeros removed under Wilcoxon's method).
  std::vector<double> ranked;
  for (double d : differences) {
    if (d == 0.0) {
      ++result.zero_count;
      if (options.zero_method == WilcoxonZeroMethod::wilcox) continue;
    }
    ranked.push_back(d);
  }
  result.count = ranked.size();

  std::vector<double> magnitudes(ranked.size());
  std::transform(ranked.begin(), ranked.end(), magnitudes.begin(),
                 [](double d) { return std::fabs(d); });
  const std::vector<double> ranks = average_ranks(magnitudes);
  double zero_rank_sum = 0.0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    if (ranked[i] > 0.0) result.positive_rank_sum += ranks[i];
    if (ranked[i] < 0.0) result.negative_rank_sum += ranks[i];
    if (ranked[i] == 0.0) zero_rank_sum += ranks[i];
  }
  // Zero ranks that count half to each side under zsplit (a constant under the null).
  const double fixed_positive =
      options.zero_method == WilcoxonZeroMethod::zsplit ? 0.5 * zero_rank_sum : 0.0;
  result.positive_rank_sum += fixed_positive;
  result.negative_rank_sum += fixed_positive;
  result.statistic = options.alternative == Alternative::two_sided
                         ? std::min(result.positive_rank_sum, result.negative_rank_sum)
                         : result.positive_rank_sum;

  // Tie groups among the ranked magnitudes; Pratt leaves the zeros' group out of the correction.
  std::vector<double> tie_source = magnitudes;
  if (options.zero_method == WilcoxonZeroMethod::pratt) {
    tie_source.erase(std::remove(tie_source.begin(), tie_source.end(), 0.0), tie_source.end());
  }
  const std::vector<std::size_t> ties = tie_group_sizes(tie_source);
  result.has_ties = !tie_group_sizes(magnitudes).empty();

  if (result.count == 0 ||
      (options.zero_method == WilcoxonZeroMethod::pratt && result.count == result.zero_count)) {
    result.z_statistic = kNaN;
    result.p_value = kNaN;
    return result;
  }

  bool use_exact = options.method == WilcoxonMethod::exact;
  if (options.method == WilcoxonMethod::automatic) {
    use_exact =
        result.zero_count == 0 && !result.has_ties && result.count <= options.exact_max_count;
  }
  result.exact = use_exact;

  if (use_exact) {
    // Null distribution: every non-zero difference independently positive or negative.
    std::vector<long long> doubled_ranks;
    for (std::size_t i = 0; i < ranked.size(); ++i) {
      if (ranked[i] != 0.0) doubled_ranks.push_back(std::llround(2.0 * ranks[i]));
    }
    const long long observed = std::llround(2.0 * (result.positive_rank_sum - fixed_positive));
    const Tails tails = sign_flip_tails(doubled_ranks, observed);
    result.z_statistic = kNaN;
    result.p_value = p_from_tails(tails.lower, tails.upper, options.alternative);
    return result;
  }

  const double n = static_cast<double>(result.count);
  double expected = n * (n + 1.0) * 0.25;
  double variance_times_24 = n * (n + 1.0) * (2.0 * n + 1.0);
  if (options.zero_method == WilcoxonZeroMethod::pratt) {
    const double zeros = static_cast<double>(result.zero_count);
    expected -= zeros * (zeros + 1.0) * 0.25;
    variance_times_24 -= zeros * (zeros + 1.0) * (2.0 * zeros + 1.0);
  }
  double tie_correction = 0.0;
  for (std::size_t t : ties) {
    const double size = static_cast<double>(t);
    tie_correction += size * size * size - size;
  }
  const double sigma = std::sqrt((variance_times_24 - 0.5 * tie_correction) / 24.0);
  double z = (result.positive_rank_sum - expected) / sigma;
  if (options.continuity_correction) {
    double direction = 0.0;
    switch (options.alternative) {
      case Alternative::greater:
        direction = 1.0;
        break;
      case Alternative::less:
        direction = -1.0;
        break;
      case Alternative::two_sided:
        direction = z > 0.0 ? 1.0 : (z < 0.0 ? -1.0 : 0.0);
        break;
    }
    z -= direction * 0.5 / sigma;
  }
  result.z_statistic = z;
  const boost::math::normal standard_normal;
  const double lower = boost::math::cdf(standard_normal, z);
  const double upper = boost::math::cdf(boost::math::complement(standard_normal, z));
  result.p_value = p_from_tails(lower, upper, options.alternative);
  return result;
}

}  // namespace doseomics::stats
