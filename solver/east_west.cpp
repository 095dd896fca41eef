// East-west reachability (solver/east_west.h). A placeholder that finds nothing, until the engine lands: the API is the
// contract the commands and tests build against.
#include "solver/east_west.h"

namespace exposim::solver {

Reach reach(const model::Model&, const ReachSource&, const ReachOptions&) { return {}; }

std::vector<Stage> east_west_path(const model::Model&, const EastWestEnds&) { return {}; }

}  // namespace exposim::solver
