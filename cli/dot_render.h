// Rendering a Graphviz graph through the `dot` program (SVG, PNG), for `exposim graph` and `exposim matrix`.
#pragma once

#include <ostream>
#include <string>

namespace exposim::cli {

/// Runs Graphviz's `dot -T<format>` on `dot_text` and puts its output in `rendered`. Returns kExitOk, or
/// kExitOutputError after saying why on `err` (dot not on PATH, not runnable, failing or writing nothing); nothing is
/// written anywhere else.
int render_with_dot(const std::string& format, const std::string& dot_text, std::string& rendered, std::ostream& err);

}  // namespace exposim::cli
