// `--attack-paths` and `--critical SELECTOR` of analyze and graph (docs/model.md, "Attack paths"): the selectors'
// compact form parsed into check's Selector, and the attack paths computed with the predicate they make.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "check/spec.h"
#include "model/model.h"
#include "solver/attack_path.h"

namespace CLI {
class App;
}  // namespace CLI

namespace exposim::cli {

struct AttackPathFlags {
  bool enabled{false};                // --attack-paths
  std::vector<std::string> critical;  // --critical, as given (any of them selects)
};

/// Adds --attack-paths and --critical to `cmd`.
void add_attack_path_options(CLI::App& cmd, AttackPathFlags& flags);

/// One --critical text as a check selector: `name:GLOB` (a VM's, NIC's or scale set's name), `id:GLOB`,
/// `tag:KEY=VALUE` or `tag:KEY` (globs; a key without a value: any value), `subnet:GLOB` or `vnet:GLOB` (a name, or
/// an id when it starts with '/'). The error, one line, when the text is none of those forms.
struct CriticalSelector {
  check::Selector selector;
  std::string error;
};
CriticalSelector parse_critical_selector(std::string_view text);

/// The attack paths of an analysed model under `flags` (with `jobs` workers), or nullopt after printing why on `err`
/// (a --critical that does not parse). Warns on `err` when a --critical
/// selects no ip configuration (with check's "did you mean" when a name is near).
std::optional<solver::AttackPaths> compute_attack_paths(const model::Model& m, const solver::Analysis& a,
                                                        const AttackPathFlags& flags, int jobs, std::ostream& err);

}  // namespace exposim::cli
