// Reads a check spec (docs/check-spec.md) from a JSON or YAML document, strictly: an unknown key, kind,
// selector, port, protocol or address is an error naming the file, the JSON pointer and (YAML) the line.
#pragma once

#include <optional>
#include <string>

#include "check/spec.h"
#include "importers/document.h"
#include "model/diagnostic.h"

namespace exposim::check {

/// The spec in `doc`, or nullopt after adding every error found to `diags` (codes `spec-*`, listed in
/// docs/diagnostics.md). Never throws on bad input.
std::optional<Spec> parse_spec(const importers::Document& doc, model::Diagnostics& diags);

/// Loads `path` (importers::load_document) and parses it; document errors (`document-*`) go to `diags` too.
std::optional<Spec> load_spec(const std::string& path, model::Diagnostics& diags);

}  // namespace exposim::check
