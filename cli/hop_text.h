// The words a table gives a hop (private to the cli layer): analyze's table and CSV (describe_hop in
// cli/analyze_report.h) and explain's table (its AT column) name a hop's resource through one function. The kinds
// are named by solver::to_string(HopKind) (explain's HOP column); analyze's RULES cell abbreviates them ("lb:",
// "fw:") as its version 1 contract says.
#pragma once

#include <string>

#include "model/model.h"
#include "solver/hop.h"

namespace exposim::cli {

/// The name of hop `h`'s resource (the hop as analyze's path holds it: solver::path_hop() for explain's): its name
/// in the input; "no NSG" for a scope without one; "system route" for a route hop without a route table; empty
/// for a resource that is not in the input (each table says that in its own words) and for the source.
std::string hop_resource_name(const model::Model& m, const solver::Hop& h);

}  // namespace exposim::cli
