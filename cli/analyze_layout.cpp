// analyze's table fitted to a width (cli/analyze_layout.h).
#include "cli/analyze_layout.h"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

namespace exposim::cli {
namespace {

using namespace table_column;
constexpr std::size_t kCells = kCount;
constexpr std::size_t kElided = 24;   // ENTRY and SOURCES when the rows do not fit
constexpr std::size_t kMinLast = 40;  // the least room the last column keeps on the rows' line
constexpr std::size_t kIndent = 4;    // the second line of a two-line row

/// The columns of the first line of a two-line row.
constexpr std::size_t kFirstLine[] = {0, 1, 4, 5, kSources};

const char* colour_of(Risk r) {
  switch (r) {
    case Risk::kManagementFromAny: return "\x1b[31m";
    case Risk::kFromAny: return "\x1b[33m";
    case Risk::kRestricted: break;
  }
  return "";
}

void rstrip(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

/// Greedy wrapping of `tokens` joined by `sep` into lines of at most `width`; a continuation line starts with
/// `cont`; a token longer than a line is cut.
std::vector<std::string> wrap(const std::vector<std::string>& tokens, const std::string& sep, const std::string& cont,
                              std::size_t width) {
  width = std::max<std::size_t>(width, cont.size() + 1);
  std::vector<std::string> lines;
  std::string cur;
  for (const auto& t : tokens) {
    if (!cur.empty() && cur.size() + sep.size() + t.size() <= width) {
      cur += sep + t;
      continue;
    }
    if (!cur.empty() || !lines.empty()) {
      if (!cur.empty()) lines.push_back(cur);
      cur = cont;
    }
    std::string rest = t;
    while (cur.size() + rest.size() > width) {
      const std::size_t n = width - cur.size();
      lines.push_back(cur + rest.substr(0, n));
      rest.erase(0, n);
      cur = cont;
    }
    cur += rest;
  }
  if (!cur.empty() || lines.empty()) lines.push_back(cur);
  for (auto& l : lines) rstrip(l);
  return lines;
}

std::vector<std::string> split(const std::string& text, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find(sep, from)) != std::string::npos; from = at + sep.size()) {
    out.push_back(text.substr(from, at - from));
  }
  out.push_back(text.substr(from));
  return out;
}

std::string joined(const std::vector<std::string>& cells, const std::vector<std::size_t>& columns,
                   const std::vector<std::size_t>& width) {
  std::string s;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = cells[columns[i]];
    s += c;
    if (i + 1 < columns.size()) s += std::string(width[columns[i]] - c.size() + 2, ' ');
  }
  rstrip(s);
  return s;
}

}  // namespace

char risk_marker(Risk r) {
  switch (r) {
    case Risk::kManagementFromAny: return '!';
    case Risk::kFromAny: return '*';
    case Risk::kRestricted: break;
  }
  return ' ';
}

std::string elide_end(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width <= 3) return text.substr(0, width);
  return text.substr(0, width - 3) + "...";
}

std::string elide_list(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  std::string prefix;
  std::string list = text;
  if (list.rfind("any except ", 0) == 0) {
    prefix = "any except ";
    list.erase(0, prefix.size());
  }
  std::size_t more = 0;
  if (const auto at = list.find(" +");
      at != std::string::npos && list.size() > 5 && list.compare(list.size() - 5, 5, " more") == 0) {
    more = std::stoul(list.substr(at + 2, list.size() - 5 - at - 2));
    list.erase(at);
  }
  const auto items = split(list, ",");
  std::string best;
  for (std::size_t k = 1; k <= items.size(); ++k) {
    std::string s = prefix;
    for (std::size_t i = 0; i < k; ++i) s += (i ? "," : "") + items[i];
    const std::size_t left = items.size() - k + more;
    if (left > 0) s += fmt::format(" +{} more", left);
    if (k > 1 && s.size() > width) break;
    best = s;
  }
  return best;
}

std::vector<std::string> layout_table(const std::vector<std::string>& header, const std::vector<RiskRow>& rows,
                                      const TerminalLayout& layout, LastColumn last) {
  const std::string mark_header = layout.colour ? "" : "  ";
  auto prefix = [&](Risk r) { return layout.colour ? std::string() : std::string{risk_marker(r), ' '}; };
  auto paint = [&](std::vector<std::string>& out, std::size_t from, Risk r) {
    if (!layout.colour || r == Risk::kRestricted) return;
    for (std::size_t i = from; i < out.size(); ++i) out[i] = colour_of(r) + out[i] + "\x1b[0m";
  };
  auto widths_of = [&](const std::vector<std::vector<std::string>>& cells) {
    std::vector<std::size_t> w(kCells);
    for (std::size_t c = 0; c < kCells; ++c) w[c] = header[c].size();
    for (const auto& r : cells) {
      for (std::size_t c = 0; c < kCells; ++c) w[c] = std::max(w[c], r[c].size());
    }
    return w;
  };
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size());
  for (const auto& r : rows) {  // escaped (cli/terminal.h) before measured, elided and coloured
    auto& c = cells.emplace_back();
    c.reserve(r.cells.size());
    for (const auto& cell : r.cells) c.push_back(terminal_cell(cell));
  }
  std::vector<std::size_t> all_columns(kCells);
  for (std::size_t c = 0; c < kCells; ++c) all_columns[c] = c;
  std::vector<std::size_t> width = widths_of(cells);
  const std::size_t columns = layout.columns > 0 ? static_cast<std::size_t>(layout.columns) : 0;
  auto left_width = [&] {
    std::size_t n = mark_header.size();
    for (std::size_t c = 0; c < kLast; ++c) n += width[c] + 2;
    return n;
  };

  std::vector<std::string> out;
  out.reserve(rows.size() + 1);
  // One line per row: unlimited, or everything fits.
  if (columns == 0 || left_width() + width[kLast] <= columns) {
    out.push_back(mark_header + joined(header, all_columns, width));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out.push_back(prefix(rows[i].risk) + joined(cells[i], all_columns, width));
      paint(out, out.size() - 1, rows[i].risk);
    }
    return out;
  }
  // Elide the long cells of the left columns.
  auto split_last = [&](const std::string& text) {
    return last == LastColumn::kRules ? split(text, " > ") : split(text, " ");
  };
  const std::string sep = last == LastColumn::kRules ? " > " : " ";
  const std::string cont = last == LastColumn::kRules ? "> " : "";
  std::vector<std::vector<std::string>> full = cells;
  for (auto& r : cells) {
    r[kEntry] = elide_end(r[kEntry], kElided);
    r[kSources] = elide_list(r[kSources], kElided);
  }
  width = widths_of(cells);
  const std::size_t left = left_width();
  if (left + kMinLast <= columns) {
    // The last column wraps under itself.
    const std::string pad(left, ' ');
    out.push_back(mark_header + joined(header, all_columns, width));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::size_t from = out.size();
      auto parts = wrap(split_last(cells[i][kLast]), sep, cont, columns - left);
      auto first = cells[i];
      first[kLast] = parts.front();
      out.push_back(prefix(rows[i].risk) + joined(first, all_columns, width));
      for (std::size_t p = 1; p < parts.size(); ++p) out.push_back(pad + parts[p]);
      paint(out, from, rows[i].risk);
    }
    return out;
  }
  // Two lines per row: what is reached and from where, then the way in and the rules.
  const std::vector<std::size_t> first_line(std::begin(kFirstLine), std::end(kFirstLine));
  const std::string indent(mark_header.size() + kIndent, ' ');
  const std::size_t room = columns > indent.size() ? columns - indent.size() : 1;
  out.push_back(mark_header + joined(header, first_line, width));
  out.push_back(indent + header[kVia] + " " + header[kEntry] + (last == LastColumn::kRules ? " > " : ": ") +
                header[kLast]);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t from = out.size();
    out.push_back(prefix(rows[i].risk) + joined(cells[i], first_line, width));
    const std::string way = full[i][kVia] + " " + full[i][kEntry];
    std::vector<std::string> tokens;
    if (last == LastColumn::kRules) {
      tokens.push_back(way);
      for (auto& t : split_last(full[i][kLast])) tokens.push_back(std::move(t));
    } else {
      tokens = split(way + ": " + full[i][kLast], " ");
    }
    for (const auto& l : wrap(tokens, sep, cont, room)) out.push_back(indent + l);
    paint(out, from, rows[i].risk);
  }
  return out;
}

}  // namespace exposim::cli
