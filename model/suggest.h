// "Did you mean": the names nearest to a name that matched nothing, for the messages of every command that looks
// a resource or rule up by name (whatif's change documents, check's specs, explain's target, graph's focus).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace exposim::model {

/// The edit distance between `a` and `b` ignoring ASCII case: insertions, deletions, substitutions and swaps of
/// two adjacent characters count 1 each (optimal string alignment). Strings are compared on their first 256
/// characters.
std::size_t name_distance(std::string_view a, std::string_view b);

/// At most three of `names` near `wanted`, nearest first (ties by name): within max(1, length / 3) edits, the
/// length being `wanted`'s; an id (`wanted` with a '/') is compared by its last segment. Empty when none is near.
std::vector<std::string> nearest_names(std::string_view wanted, const std::vector<std::string>& names);

/// "did you mean 'nsg-web'?", "did you mean 'a' or 'b'?", "did you mean 'a', 'b' or 'c'?"; "" when no name is near.
std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& names);

/// `message` followed by "; did you mean ...?" when a name is near `wanted`, else `message` unchanged.
std::string with_suggestion(std::string message, std::string_view wanted, const std::vector<std::string>& names);

/// The `name` of every item of `items` (resources, rules, routes, rule collections), in order.
template <typename Items>
std::vector<std::string> names_of(const Items& items) {
  std::vector<std::string> out;
  for (const auto& x : items) out.push_back(x.name);
  return out;
}

/// The names of the model's resources of `kinds` (every kind when empty), in model order.
std::vector<std::string> resource_names(const Model& m, std::initializer_list<ResourceKind> kinds = {});

/// The message of a flow (explain, check's flow assertions) whose target is not in the input, followed by the
/// names nearest to `target` among public IPs, network interfaces and virtual machines; when the message is about
/// the Bastion of `--via bastion:NAME` (it starts "--via bastion:"), nearest to `bastion` among Bastion hosts and
/// public IPs.
std::string with_flow_target_suggestion(const Model& m, std::string error, std::string_view target,
                                        std::string_view bastion);

}  // namespace exposim::model
