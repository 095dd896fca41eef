// The segmentation matrix (solver/segmentation.h). A placeholder that finds nothing, until the engine lands.
#include "solver/segmentation.h"

namespace exposim::solver {

Segmentation segmentation(const model::Model&, const Grouping&, const ReachOptions&) { return {}; }

}  // namespace exposim::solver
