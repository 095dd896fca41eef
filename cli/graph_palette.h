// How `exposim graph` draws and colours: each resource kind's node (one row per kind of model/resource_kinds.h),
// one colour per exposed path within its class's band, and the colour and line style of each kind of edge.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace exposim::cli {

/// What a label adds after an address exposim assumed rather than read: a firewall's first usable address, a
/// template's public IP placeholder from 240.0.0.0/4.
inline constexpr const char* kPlaceholderMark = " (placeholder)";

/// The address is one of the placeholders the template expander hands out to public IPs without one
/// (240.0.0.0/4, reserved, never a real address).
bool is_placeholder_public_address(const model::IpAddress& a);

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
  const char* shape;   // a Graphviz shape; nullptr when not drawn
  NodeDetail detail;   // nullptr when not drawn
  NodeFrame frame;     // nullptr: always at the top level
  const char* legend;  // what the legend says of the shape; nullptr when not drawn
};

/// How the diagram draws a resource of kind `k`. Every resource kind has a row (checked when this layer is
/// compiled); `k` must not be ResourceKind::kInternet.
const NodeStyle& node_style(model::ResourceKind k);

/// The class of a drawn path: an exposure open to any internet source, one open to restricted sources only, a
/// Bastion session, a just-in-time rule, a broken flow.
enum class PathClass { kOpen = 0, kRestricted = 1, kBastion = 2, kJit = 3, kBroken = 4 };
inline constexpr int kPathClassCount = 5;

/// "open", "restricted", "bastion", "jit", "broken" (DiagramPath::path_class).
const char* to_string(PathClass c);

/// The class named `name` (to_string); kOpen for an unknown name.
PathClass path_class(std::string_view name);

/// The colour of a class as "#rrggbb", one per class so that the legend states it: open paths red, restricted
/// ones orange, Bastion sessions green, just-in-time paths blue, broken flows grey.
const char* path_colour(PathClass cls);

/// The line style of a path of class `path_class`: "solid" (open, restricted), "dotted" (broken), else "dashed".
const char* path_style(std::string_view path_class);

/// What a path's port label starts with: "restricted: ", "Bastion: ", "JIT: ", "broken: ", or "" for an open
/// path.
const char* path_label_prefix(std::string_view path_class);

/// What the legend says of a class: "open to any source", "restricted sources", "Bastion session", ...
const char* path_legend(PathClass cls);

/// The colour of a structural edge of `kind` (DiagramEdge::kind).
const char* structure_colour(std::string_view kind);

/// The line style of a structural edge of `kind`: "dashed" for secured-by, routed-by, private-link, management,
/// admin-rules, outbound (a NAT gateway to its subnet) and allocated (a prefix to a public IP taken from it), else
/// "solid".
const char* structure_style(std::string_view kind);

/// What the legend says of a structural edge of `kind`: "public IP attached", "route (prefixes)", ...
const char* structure_legend(std::string_view kind);

}  // namespace exposim::cli
