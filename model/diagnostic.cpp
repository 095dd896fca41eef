// Formatting, ordering and de-duplication of diagnostics.
#include "model/diagnostic.h"

#include <algorithm>
#include <compare>
#include <map>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

namespace exposim::model {

std::string format_location(const SourceLocation& w) {
  std::string out = w.file.str();
  if (w.line > 0) out += fmt::format(":{}:{}", w.line, w.column);
  if (!w.pointer.empty()) out += ": " + w.pointer;
  return out;
}

const char* to_string(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "?";
}

std::string to_string(const Diagnostic& d) {
  const char* sev = to_string(d.severity);
  std::string loc = format_location(d.where);
  return fmt::format("{}{}{}: {} [{}]", loc, loc.empty() ? "" : ": ", sev, d.message, d.code);
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

namespace {

/// Orders JSON pointers segment by segment, array indices numerically ("/9" before "/10").
std::strong_ordering compare_pointers(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const auto next = [](std::string_view& p) {
      p.remove_prefix(1);  // the '/'
      const auto end = p.find('/');
      std::string_view seg = p.substr(0, end);
      p = end == std::string_view::npos ? std::string_view() : p.substr(end);
      return seg;
    };
    const std::string_view sa = next(a), sb = next(b);
    const bool na = !sa.empty() && sa.find_first_not_of("0123456789") == std::string_view::npos;
    const bool nb = !sb.empty() && sb.find_first_not_of("0123456789") == std::string_view::npos;
    if (na && nb && sa.size() != sb.size()) return sa.size() <=> sb.size();  // no leading zeros in indices
    if (auto c = sa.compare(sb); c != 0) return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return !a.empty()   ? std::strong_ordering::greater
         : !b.empty() ? std::strong_ordering::less
                      : std::strong_ordering::equal;
}

}  // namespace

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (auto c = std::tie(a.where.file, a.where.line, a.where.column) <=>
                 std::tie(b.where.file, b.where.line, b.where.column);
        c != 0) {
      return c < 0;
    }
    if (auto c = compare_pointers(a.where.pointer, b.where.pointer); c != 0) return c < 0;
    return std::tie(a.code, a.message) < std::tie(b.code, b.message);
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Diagnostics::promote_warnings() {
  for (auto& d : items_) {
    if (d.severity == Severity::kWarning) d.severity = Severity::kError;
  }
}

void Diagnostics::promote_codes(const std::set<std::string>& codes) {
  for (auto& d : items_) {
    if (d.severity != Severity::kError && codes.count(d.code) != 0) d.severity = Severity::kError;
  }
}

void Diagnostics::group_warnings(std::string_view code, std::size_t from, std::string_view more) {
  std::map<std::string, std::vector<std::size_t>> by_file;
  for (std::size_t i = from; i < items_.size(); ++i) {
    if (items_[i].severity == Severity::kWarning && items_[i].code == code)
      by_file[items_[i].where.file.str()].push_back(i);
  }
  for (const auto& [file, indices] : by_file) {
    if (indices.size() < 2) continue;
    items_[indices.front()].message += fmt::format(" ({} more {}; --verbose lists them)", indices.size() - 1, more);
    for (std::size_t k = 1; k < indices.size(); ++k) items_[indices[k]].severity = Severity::kNote;
  }
}

void Diagnostics::drop_codes(const std::set<std::string>& codes) {
  std::erase_if(items_,
                [&](const Diagnostic& d) { return d.severity != Severity::kError && codes.count(d.code) != 0; });
}

}  // namespace exposim::model
