// Values only known at deployment, as the template expander hands them to the resource importer. A template
// field whose expression cannot be evaluated before deployment (`reference()`, `list*()`, a parameter of type
// int, bool, array or object with no value) is written into the expanded resource JSON as a string starting
// with kUnknownPrefix (model/unknown.h) followed by the reason (the expression, e.g. "parameters('sshPort')"),
// instead of being left out; the resource importer reads such a field as unknown and treats it conservatively
// (docs/model.md, "Unknown values"). A string parameter with no value and no default is the text `<NAME>` (kept
// readable in names and ids, so that references built from it still match), and the names of those parameters
// reach the importer in ImportOptions, so that a diagnostic can say "parameter 'NAME' has no value".
#pragma once

#include <string>
#include <string_view>

#include "model/unknown.h"

namespace exposim::importers {

using model::kUnknownPrefix;

/// The value written for a field only known at deployment.
inline std::string unknown_value(std::string_view reason) {
  std::string s(kUnknownPrefix);
  s += reason;
  return s;
}

/// True for a value written by unknown_value().
inline bool is_unknown_value(std::string_view s) { return s.substr(0, kUnknownPrefix.size()) == kUnknownPrefix; }

/// The reason of a value written by unknown_value(); "" for any other string.
inline std::string_view unknown_reason(std::string_view s) {
  return is_unknown_value(s) ? s.substr(kUnknownPrefix.size()) : std::string_view{};
}

/// The text a string parameter with no value and no default takes: `<NAME>`.
inline std::string parameter_placeholder(std::string_view name) {
  std::string s = "<";
  s += name;
  s += '>';
  return s;
}

}  // namespace exposim::importers
