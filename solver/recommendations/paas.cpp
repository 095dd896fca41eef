// The paas recommendations (EXP-STO-*, EXP-KV-*, EXP-SQL-*, EXP-COS-*, EXP-APP-*): rows of the catalog and their
// evaluation (docs/recommendations.md). Being written (issue 16): no rows yet.
#include "solver/recommendations/context.h"

namespace exposim::solver::recommendations {

const std::vector<RecommendationInfo>& paas_rows() {
  static const std::vector<RecommendationInfo> kRows;
  return kRows;
}

void evaluate_paas(Context&) {}

}  // namespace exposim::solver::recommendations
