// Small user-written documents (check specs, what-if changes) in JSON or YAML, read into one JSON value so
// that every reader validates one shape and names fields by JSON pointer, whatever the syntax.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/diagnostic.h"

namespace exposim::importers {

/// The parsed tree of a document, opaque here: importers/document_value.h gives the readers that walk it (change
/// documents, check specs, the CLI's configuration) its JSON value, so that nlohmann_json stays out of this header.
struct DocumentValue;

struct Document {
  /// The tree, shared by copies (never modified after parsing); null only in a default-constructed Document.
  std::shared_ptr<const DocumentValue> value;
  model::FileName file;
  /// YAML only: the line and column (1-based) of the node at each JSON pointer, so that a reader's error
  /// can name the line as well as the pointer. Empty for JSON.
  std::map<std::string, std::pair<int, int>> positions;

  /// Where `pointer` is: file, pointer, and its line:column when known.
  model::SourceLocation at(const std::string& pointer) const;
};

struct DocumentLimits {
  std::uint64_t max_bytes = std::uint64_t{16} << 20;
  std::size_t max_nodes = 1'000'000;  // after YAML aliases are expanded (guards against "billion laughs")
  /// YAML aliases may expand a document to at most this many nodes per byte of its text (or to
  /// `min_alias_nodes`, whichever is more; never past max_nodes). Without aliases a document has fewer nodes than
  /// bytes, so only an alias-heavy document meets this bound: a few hundred bytes that expand to a million nodes
  /// cost a second to convert, a minute under the sanitizers (tests/fuzz_regressions/whatif_change).
  std::size_t max_nodes_per_byte = 16;
  std::size_t min_alias_nodes = 10'000;
  std::size_t max_depth = 200;
  /// Also record positions for a JSON document (by reading it once more as YAML, which JSON without comments
  /// is), so that errors in a small JSON file name the line too.
  bool json_positions = false;
};

/// Parses `text` as JSON when it starts with `{`, `[` or a comment (comments allowed), as YAML 1.2 otherwise (plain
/// scalars typed by the core schema: null, true/false, integers, floats, else strings; quoted scalars are
/// strings). Errors go to `diags` at the file and line:column: `document-syntax` for syntax,
/// `document-too-large` past the limits, `document-shape` for a non-string mapping key or a duplicate key.
/// Never throws on bad input.
std::optional<Document> parse_document(std::string_view text, const std::string& file, model::Diagnostics& diags,
                                       const DocumentLimits& limits = {});

/// Reads and parses `path`; a file that cannot be read is `document-read`.
std::optional<Document> load_document(const std::string& path, model::Diagnostics& diags,
                                      const DocumentLimits& limits = {});

}  // namespace exposim::importers
