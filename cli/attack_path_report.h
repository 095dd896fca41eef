// analyze --attack-paths: the attack paths (solver/attack_path.h) as a section of the table and as the `attack_paths`
// array of the JSON document (docs/output-format.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/model.h"
#include "solver/attack_path.h"

namespace exposim::cli {

/// "internet -> vm-web-1 -> vm-app-1 -> vm-db-1": the entry and each step's target.
std::string attack_chain_text(const model::Model& m, const solver::AttackPath& p);

/// The table's section: a blank line, "attack paths: N ...", then per path a line "N. RANK: CHAIN", its entries
/// (exposures) with their rules, and each step's flows with their ports and deciding rules. "attack paths: none" when
/// there is none.
void write_attack_paths_text(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                             const solver::AttackPaths& paths);

/// The `attack_paths` array: one object per path, in rank order.
nlohmann::ordered_json attack_paths_json(const model::Model& m, const solver::AttackPaths& paths);

}  // namespace exposim::cli
