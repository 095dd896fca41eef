// How `exposim graph` colours and styles what it draws: one colour per exposed path within its class's band,
// and the colour and line style of each kind of edge.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace exposim::cli {

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
