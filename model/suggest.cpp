// "Did you mean" (model/suggest.h).
#include "model/suggest.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "model/ascii.h"

namespace exposim::model {

namespace {

constexpr std::size_t kMaxCompared = 256;
constexpr std::size_t kMaxSuggestions = 3;

std::string_view last_segment(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  const auto slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

}  // namespace

std::size_t name_distance(std::string_view a, std::string_view b) {
  const std::string x = ascii::lower(a.substr(0, kMaxCompared));
  const std::string y = ascii::lower(b.substr(0, kMaxCompared));
  const std::size_t n = x.size();
  const std::size_t w = y.size() + 1;
  // Three rows of the dynamic programme: i - 2, i - 1 and i.
  std::vector<std::size_t> d(3 * w);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[(i % 3) * w + j]; };
  for (std::size_t j = 0; j < w; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i) {
    at(i, 0) = i;
    for (std::size_t j = 1; j < w; ++j) {
      const std::size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
      std::size_t best = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) best = std::min(best, at(i - 2, j - 2) + 1);
      at(i, j) = best;
    }
  }
  return at(n, w - 1);
}

std::vector<std::string> nearest_names(std::string_view wanted, const std::vector<std::string>& names) {
  const std::string_view key = wanted.find('/') == std::string_view::npos ? wanted : last_segment(wanted);
  if (key.empty()) return {};
  const std::size_t limit = std::max<std::size_t>(1, key.size() / 3);
  std::vector<std::tuple<std::size_t, std::string, std::string>> near;  // distance, folded name, name
  for (const auto& name : names) {
    // A length difference beyond the limit is beyond it too: skip the quadratic work on a large estate.
    const std::size_t gap = name.size() > key.size() ? name.size() - key.size() : key.size() - name.size();
    if (name.empty() || gap > limit) continue;
    if (const std::size_t dist = name_distance(key, name); dist <= limit)
      near.emplace_back(dist, ascii::lower(name), name);
  }
  std::sort(near.begin(), near.end());
  std::vector<std::string> out;
  for (const auto& [dist, folded, name] : near) {
    if (std::find(out.begin(), out.end(), name) != out.end()) continue;
    out.push_back(name);
    if (out.size() == kMaxSuggestions) break;
  }
  return out;
}

std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& names) {
  const auto near = nearest_names(wanted, names);
  if (near.empty()) return "";
  std::string out = "did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i) {
    if (i > 0) out += i + 1 == near.size() ? " or " : ", ";
    out.append("'").append(near[i]).append("'");
  }
  return out + "?";
}

std::string with_suggestion(std::string message, std::string_view wanted, const std::vector<std::string>& names) {
  if (const std::string hint = did_you_mean(wanted, names); !hint.empty()) message.append("; ").append(hint);
  return message;
}

std::vector<std::string> resource_names(const Model& m, std::initializer_list<ResourceKind> kinds) {
  std::vector<std::string> out;
  for_each_kind([&](const auto& row) {
    if (kinds.size() != 0 && std::find(kinds.begin(), kinds.end(), row.kind) == kinds.end()) return;
    for (const auto& r : m.*row.items) out.push_back(r.name);
  });
  return out;
}

std::string with_flow_target_suggestion(const Model& m, std::string error, std::string_view target,
                                        std::string_view bastion) {
  if (!bastion.empty() && error.rfind("--via bastion:", 0) == 0) {
    return with_suggestion(std::move(error), bastion,
                           resource_names(m, {ResourceKind::kBastionHost, ResourceKind::kPublicIp}));
  }
  return with_suggestion(
      std::move(error), target,
      resource_names(m, {ResourceKind::kPublicIp, ResourceKind::kNetworkInterface, ResourceKind::kVirtualMachine}));
}

}  // namespace exposim::model
