// How `exposim graph` draws and colours: each resource kind's node (one row per kind of model/resource_kinds.h),
// one colour per exposed path within its class's band, and the colour and line style of each kind of edge.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace exposim::cli {

/// How the diagram draws the resources of one kind.
enum class NodeForm {
  kNotDrawn,  // no node: the kind shows through others (a VM names its NICs' nodes, an IP group lies in rules, ...)
  kFrame,     // a frame holding what is placed in it, with an anchor node whose label is the detail line
  kNode,      // one node per resource: the name, then the detail line
  kNics,      // one node per NIC, named after its VM; NICs on no path collapsed per subnet (cli/graph_diagram.cpp)
};

/// The second line of a resource's label (a frame's anchor: its whole label), from the model and its index.
using NodeDetail = std::string (*)(const model::Model& m, int index);
/// The subnet or virtual network whose frame holds a resource (a frame: its enclosing frame); nullopt for the
/// top level.
using NodeFrame = std::optional<model::GraphVertex> (*)(const model::Model& m, int index);

/// One row of the diagram's kind table.
struct NodeStyle {
  model::ResourceKind kind;
  NodeForm form;
  const char* shape;  // a Graphviz shape; nullptr when not drawn
  NodeDetail detail;  // nullptr when not drawn
  NodeFrame frame;    // nullptr: always at the top level
};

/// How the diagram draws a resource of kind `k`. Every resource kind has a row (checked when this layer is
/// compiled); `k` must not be ResourceKind::kInternet.
const NodeStyle& node_style(model::ResourceKind k);

/// The class of a drawn path: an open exposure, a Bastion session, a just-in-time rule, a broken flow.
enum class PathClass { kOpen = 0, kBastion = 1, kJit = 2, kBroken = 3 };

/// "open", "bastion", "jit", "broken" (DiagramPath::path_class).
const char* to_string(PathClass c);

/// The k-th colour of a class as "#rrggbb": open paths in warm colours, Bastion sessions in greens, just-in-time
/// paths in blues, broken flows grey. Distinct palette colours first, then generated ones in the class's band.
std::string path_colour(PathClass cls, std::size_t k);

/// The line style of a path of class `path_class`: "solid" (open), "dotted" (broken), else "dashed".
const char* path_style(std::string_view path_class);

/// What a path's port label starts with: "Bastion: ", "JIT: ", "broken: ", or "" for an open path.
const char* path_label_prefix(std::string_view path_class);

/// The colour of a structural edge of `kind` (DiagramEdge::kind).
const char* structure_colour(std::string_view kind);

/// The line style of a structural edge of `kind`: "dashed" for secured-by, routed-by and private-link, else "solid".
const char* structure_style(std::string_view kind);

}  // namespace exposim::cli
