// Formatting, ordering and de-duplication of diagnostics.
#include "model/diagnostic.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace exposim::model {

std::string format_location(const SourceLocation& w) {
  std::string out = w.file;
  if (w.line > 0) {
    out += fmt::format(":{}:{}", w.line, w.column);
  } else if (!w.pointer.empty()) {
    out += ": " + w.pointer;
  }
  return out;
}

std::string to_string(const Diagnostic& d) {
  const char* sev = d.severity == Severity::kError ? "error" : d.severity == Severity::kWarning ? "warning" : "note";
  std::string loc = format_location(d.where);
  return fmt::format("{}{}{}: {} [{}]", loc, loc.empty() ? "" : ": ", sev, d.message, d.code);
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  auto key = [](const Diagnostic& d) {
    return std::tie(d.where.file, d.where.line, d.where.column, d.where.pointer, d.code, d.message);
  };
  std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Diagnostics::promote_warnings() {
  for (auto& d : items_) {
    if (d.severity == Severity::kWarning) d.severity = Severity::kError;
  }
}

}  // namespace exposim::model
