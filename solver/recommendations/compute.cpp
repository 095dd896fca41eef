// The compute recommendations (EXP-VM-*, EXP-IDN-*): rows of the catalog and their evaluation
// (docs/recommendations.md). Being written (issue 16): no rows yet.
#include "solver/recommendations/context.h"

namespace exposim::solver::recommendations {

const std::vector<RecommendationInfo>& compute_rows() {
  static const std::vector<RecommendationInfo> kRows;
  return kRows;
}

void evaluate_compute(Context&) {}

}  // namespace exposim::solver::recommendations
