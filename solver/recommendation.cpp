// The recommendation catalog and its evaluation (solver/recommendation.h): the areas of solver/recommendations/ put
// together, findings sorted.
#include "solver/recommendation.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "solver/recommendations/context.h"

namespace exposim::solver {

const char* to_string(RecommendationSeverity s) {
  switch (s) {
    case RecommendationSeverity::kHigh: return "high";
    case RecommendationSeverity::kMedium: return "medium";
    case RecommendationSeverity::kLow: break;
  }
  return "low";
}

const char* to_string(Decision d) {
  switch (d) {
    case Decision::kReachability: return "reachability";
    case Decision::kProperties: return "properties";
    case Decision::kReachabilityAndProperties: return "reachability+properties";
    case Decision::kNotDecidable: break;
  }
  return "not-decidable";
}

const char* to_string(FindingStatus s) {
  switch (s) {
    case FindingStatus::kUnhealthy: return "unhealthy";
    case FindingStatus::kHealthy: return "healthy";
    case FindingStatus::kNotApplicable: return "not-applicable";
    case FindingStatus::kUndecidable: break;
  }
  return "undecidable";
}

namespace {

constexpr std::array<recommendations::Area, 3> kAreas = {{
    {recommendations::network_rows, recommendations::evaluate_network},
    {recommendations::paas_rows, recommendations::evaluate_paas},
    {recommendations::compute_rows, recommendations::evaluate_compute},
}};

}  // namespace

const std::vector<RecommendationInfo>& recommendation_catalog() {
  static const std::vector<RecommendationInfo> kCatalog = [] {
    std::vector<RecommendationInfo> rows;
    for (const auto& area : kAreas) rows.insert(rows.end(), area.rows().begin(), area.rows().end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return rows;
  }();
  return kCatalog;
}

const RecommendationInfo* find_recommendation(std::string_view id) {
  for (const auto& r : recommendation_catalog())
    if (r.id == id) return &r;
  return nullptr;
}

namespace recommendations {

Finding& Context::add(std::string_view id, FindingStatus status, model::ResourceKind kind, int index) {
  Finding f;
  f.recommendation = find_recommendation(id);
  f.status = status;
  f.kind = kind;
  f.index = index;
  if (const auto* r = model.resource(model::GraphVertex{kind, index})) f.where = r->where;
  findings.push_back(std::move(f));
  return findings.back();
}

void Context::locate_unset(std::size_t first) {
  const model::SourceLocation none;
  for (std::size_t i = first; i < findings.size(); ++i) {
    auto& f = findings[i];
    const auto* r = model.resource(model::GraphVertex{f.kind, f.index});
    if (r == nullptr) continue;
    if (f.where == none) f.where = r->where;
    for (auto& p : f.properties) {
      if (p.where == none) p.where = r->where;
    }
  }
}

std::string setting_text(const model::Setting<bool>& v) {
  if (v.unknown) return kUnknownValue;
  if (!v.value) return "absent";
  return *v.value ? "true" : "false";
}

std::string setting_text(const model::Setting<std::string>& v) {
  if (v.unknown) return kUnknownValue;
  return v.value ? *v.value : "absent";
}

}  // namespace recommendations

Recommendations recommend(const model::Model& m, const Analysis& analysis, const RecommendOptions& options) {
  Recommendations out;
  for (const auto& id : options.skip)
    if (find_recommendation(id) != nullptr) out.skipped.push_back(id);
  recommendations::Context ctx{m, analysis, options, out.findings};
  for (const auto& area : kAreas) area.evaluate(ctx);
  auto resource_id = [&](const Finding& f) -> std::string_view {
    const auto* r = m.resource(model::GraphVertex{f.kind, f.index});
    return r != nullptr ? std::string_view(r->key) : std::string_view();
  };
  std::stable_sort(out.findings.begin(), out.findings.end(), [&](const Finding& a, const Finding& b) {
    return std::make_tuple(a.recommendation->severity, a.recommendation->id, resource_id(a)) <
           std::make_tuple(b.recommendation->severity, b.recommendation->id, resource_id(b));
  });
  return out;
}

}  // namespace exposim::solver
