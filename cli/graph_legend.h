// The legend of `exposim graph`: the path classes, structural edges and node shapes a diagram actually uses,
// each with what it means.
#pragma once

#include <string>
#include <vector>

#include "cli/graph_diagram.h"

namespace exposim::cli {

/// One line of the legend.
struct LegendEntry {
  enum class Kind {
    kPath,  // a path class: `color` and `style` of its edges
    kEdge,  // a structural edge kind: `color` and `style`
    kNode,  // a node shape: `shape`; `color` the fill of exposed nodes
    kNote,  // text only: what a mark in labels means
  };
  Kind kind{Kind::kNote};
  std::string key;  // stable: a path class, an edge kind, a node kind, "exposed", "placeholder"
  std::string text;
  std::string color;
  std::string style;
  std::string shape;
  std::string sample;  // what the legend shows for it: a line drawn in text ("————", "- - - -", ". . . ."), the
                       // shape in words ("folder", "hexagon"), a mark ("(placeholder)")
};

/// The entries `d` needs, in a fixed order: path classes (open, restricted, Bastion, JIT, broken), then the
/// structural edges, then the node shapes in the order of model/resource_kinds.h (frames first), then the fill
/// of exposed nodes and the placeholder mark. Only what `d` draws; empty for an empty diagram.
std::vector<LegendEntry> legend_entries(const Diagram& d);

}  // namespace exposim::cli
