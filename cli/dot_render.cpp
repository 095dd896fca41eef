// Rendering a Graphviz graph through the `dot` program (cli/dot_render.h).
#include "cli/dot_render.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/process.h"

namespace exposim::cli {
namespace {

/// The last non-empty lines of a child's stderr, for an error message.
std::string dot_render_tail_lines(const std::string& text) {
  constexpr std::size_t kMax = 600;
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  if (t.size() > kMax) t = "..." + t.substr(t.size() - kMax);
  return t;
}

}  // namespace

int render_with_dot(const std::string& format, const std::string& dot_text, std::string& rendered, std::ostream& err) {
  const ProcessResult p = run_process({"dot", "-T" + format}, dot_text);
  if (p.spawn_error == ENOENT) {
    err << fmt::format(
        "exposim: error: --format {} needs Graphviz: the program 'dot' was not found on PATH (install Graphviz, or "
        "write --format dot and render it elsewhere); nothing was written\n",
        format);
    return kExitOutputError;
  }
  if (p.spawn_error != 0) {
    err << fmt::format("exposim: error: cannot run Graphviz 'dot': {}; nothing was written\n",
                       std::strerror(p.spawn_error));
    return kExitOutputError;
  }
  if (p.exit_status != 0 || p.out.empty()) {
    err << fmt::format(
        "exposim: error: Graphviz 'dot -T{}' failed ({}){}{}; nothing was written\n", format,
        p.exit_status < 0 ? std::string("killed by a signal") : fmt::format("exit status {}", p.exit_status),
        p.err.empty() ? "" : ": ", dot_render_tail_lines(p.err));
    return kExitOutputError;
  }
  rendered = p.out;
  return kExitOk;
}

}  // namespace exposim::cli
