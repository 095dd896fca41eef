// The JSON value of a parsed Document (importers/document.h), for the readers that walk it: change documents,
// check specs and the CLI's configuration file. The only header that shows a Document's nlohmann_json tree.
#pragma once

#include <nlohmann/json.hpp>

#include "importers/document.h"

namespace exposim::importers {

struct DocumentValue {
  nlohmann::json json;
};

/// The document's JSON value (YAML converted as parse_document says); null for a default-constructed Document.
inline const nlohmann::json& json_of(const Document& doc) {
  static const nlohmann::json kNull;
  return doc.value ? doc.value->json : kNull;
}

}  // namespace exposim::importers
