// The network recommendations (EXP-NET-*): rows of the catalog and their evaluation (docs/recommendations.md).
// Being written (issue 16): no rows yet.
#include "solver/recommendations/context.h"

namespace exposim::solver::recommendations {

const std::vector<RecommendationInfo>& network_rows() {
  static const std::vector<RecommendationInfo> kRows;
  return kRows;
}

void evaluate_network(Context&) {}

}  // namespace exposim::solver::recommendations
