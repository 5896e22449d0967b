// Everything in doseomics::stats, for callers that want one include.
#pragma once

#include "stats/accurate_sum.hpp"
#include "stats/anova.hpp"
#include "stats/correlation.hpp"
#include "stats/descriptive.hpp"
#include "stats/hypothesis.hpp"
#include "stats/multiple_testing.hpp"
#include "stats/paired_comparison.hpp"
#include "stats/pca.hpp"
#include "stats/percent_change.hpp"
#include "stats/ranks.hpp"
#include "stats/regression.hpp"
#include "stats/shapiro_wilk.hpp"
#include "stats/t_test.hpp"
#include "stats/wilcoxon.hpp"
