// What the recommendation engine's tests share (tests/recommend_paas_test.cpp, tests/recommend_compute_test.cpp): a
// hand-built model validated, analysed and judged, and the lookup of one finding by recommendation id and resource.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>

#include "model/model.h"
#include "model/validate.h"
#include "solver/analysis.h"
#include "solver/recommendation.h"

namespace recommend_engine {

namespace model = exposim::model;
namespace solver = exposim::solver;

/// A location in the hand-built input "t.json".
inline model::SourceLocation at(const std::string& pointer) { return {"t.json", pointer, 0, 0}; }

struct EngineRun {
  model::Model m;
  solver::Analysis analysis;
  solver::Recommendations recs;
};

/// Validates `m`, analyses it and evaluates every recommendation.
EngineRun run_engine(model::Model m, const solver::RecommendOptions& options = {});

/// The one finding of recommendation `id` about the resource named `name` (fails the test unless exactly one).
inline const solver::Finding& finding(const EngineRun& r, std::string_view id, std::string_view name) {
  const solver::Finding* found = nullptr;
  int n = 0;
  for (const auto& f : r.recs.findings) {
    if (f.recommendation == nullptr || f.recommendation->id != id) continue;
    const auto* res = r.m.resource(model::GraphVertex{f.kind, f.index});
    if (res == nullptr || res->name != name) continue;
    found = &f;
    ++n;
  }
  INFO(id << " " << name);
  REQUIRE(n == 1);
  return *found;
}

}  // namespace recommend_engine
