// Parsing of recommend's port lists and skip lists.
#include "cli/recommend_options.h"

#include <algorithm>

#include "model/ascii.h"

namespace exposim::cli {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

template <typename F>
void for_each_part(std::string_view text, char sep, F&& f) {
  while (true) {
    const auto at = text.find(sep);
    f(trim(text.substr(0, at)));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
}

}  // namespace

std::optional<model::PortSet> parse_port_list(std::string_view text) {
  model::PortSet ports;
  bool ok = true;
  for_each_part(text, ',', [&](std::string_view part) {
    const auto r = part.empty() ? std::nullopt : model::parse_port_range(part);
    if (!r) {
      ok = false;
      return;
    }
    ports.add(r->lo, r->hi);
  });
  if (!ok || ports.empty()) return std::nullopt;
  return ports;
}

std::vector<std::string> split_ids(const std::vector<std::string>& lists) {
  std::vector<std::string> ids;
  for (const auto& list : lists) {
    for_each_part(list, ',', [&](std::string_view part) {
      if (!part.empty()) ids.push_back(upper(part));
    });
  }
  return ids;
}

std::vector<std::string> skip_file_ids(std::string_view text) {
  std::vector<std::string> ids;
  for_each_part(text, '\n', [&](std::string_view line) {
    line = trim(line.substr(0, line.find('#')));
    if (!line.empty()) ids.push_back(upper(line));
  });
  return ids;
}

std::vector<std::string> unknown_ids(const std::vector<std::string>& ids,
                                     const std::vector<solver::RecommendationInfo>& catalog) {
  std::vector<std::string> unknown;
  for (const auto& id : ids) {
    const bool known = std::any_of(catalog.begin(), catalog.end(), [&](const auto& r) { return r.id == id; });
    if (!known && std::find(unknown.begin(), unknown.end(), id) == unknown.end()) unknown.push_back(id);
  }
  return unknown;
}

}  // namespace exposim::cli
