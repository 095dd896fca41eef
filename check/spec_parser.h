// Reads a check spec (docs/check-spec.md) from a JSON or YAML document, strictly: an unknown key, kind,
// selector, port, protocol or address is an error naming the file, the JSON pointer and (YAML) the line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/spec.h"
#include "model/diagnostic.h"
#include "solver/recommendation.h"

namespace exposim::check {

/// The spec in `text`, a JSON or YAML document that `file` names in diagnostics, or nullopt after adding every
/// error found to `diags` (document errors `document-*`, spec errors `spec-*`, listed in docs/diagnostics.md).
/// Never throws on bad input.
std::optional<Spec> parse_spec(std::string_view text, const std::string& file, model::Diagnostics& diags);

/// The same, checking the `ids` of recommendation assertions against `catalog` (the tests' own rows) instead of
/// solver::recommendation_catalog().
std::optional<Spec> parse_spec(std::string_view text, const std::string& file, model::Diagnostics& diags,
                               const std::vector<solver::RecommendationInfo>& catalog);

/// Loads `path` and parses it as parse_spec() does.
std::optional<Spec> load_spec(const std::string& path, model::Diagnostics& diags);

}  // namespace exposim::check
