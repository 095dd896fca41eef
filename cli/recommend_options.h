// What `recommend` reads from its command line besides the inputs: port lists, recommendation ids to skip (given
// on the command line or in a file), checked against the catalog.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ip.h"
#include "solver/recommendation.h"

namespace exposim::cli {

/// "22,3389,5985-5986" as a port set; nullopt when a part is not a port or a range, or the list is empty.
std::optional<model::PortSet> parse_port_list(std::string_view text);

/// The ids of comma-separated lists (`--skip`, repeatable), upper-cased, blanks dropped, in order given.
std::vector<std::string> split_ids(const std::vector<std::string>& lists);
/// The ids of a skip file: one per line, `#` starts a comment, blank lines ignored; upper-cased.
std::vector<std::string> skip_file_ids(std::string_view text);

/// The ids of `ids` that no row of `catalog` has, each once, in order given.
std::vector<std::string> unknown_ids(const std::vector<std::string>& ids,
                                     const std::vector<solver::RecommendationInfo>& catalog);

}  // namespace exposim::cli
