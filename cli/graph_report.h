// Writers for `exposim graph`: Graphviz DOT text and the JSON node/edge list (docs/output-format.md).
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "cli/graph_diagram.h"

namespace exposim::cli {

/// The diagram as a Graphviz digraph. Every id and label is quoted and escaped (names are untrusted input).
void write_dot(std::ostream& out, const Diagram& d);
/// The diagram as JSON: {"format": "exposim-graph", "version": 1, clusters, nodes, edges, paths}.
void write_graph_json(std::ostream& out, const Diagram& d);

/// A DOT double-quoted string for `text`: '"' and '\' escaped, each '\n' a centred line break, '&' as "&amp;"
/// (Graphviz decodes HTML entities in labels); other control characters, C1 controls, bidirectional overrides and
/// bytes that are not UTF-8 as terminal_text() (cli/terminal.h) escapes them. Other text is kept as it is.
std::string dot_string(std::string_view text);

}  // namespace exposim::cli
