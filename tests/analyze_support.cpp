// The test support functions that run analyze(), compiled once: their headers declare them, so that a test file
// depends on the analysis's types (solver/analysis.h) only when it reads an analysis, and on analyze() itself
// (solver/exposure.h) only when it calls it. Unity builds batch this file with test files: names at namespace scope
// here are unique among the tests.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/recommendation.h"
#include "tests/check_support.h"
#include "tests/gateway_estate.h"
#include "tests/recommend_engine_support.h"
#include "tests/recommend_support.h"
#include "tests/scenario_summary.h"
#include "tests/terraform_support.h"

namespace exposim::testing {

/// Resource JSON `estate` (a path) imported, validated and analysed, and `assertions` (a JSON array) evaluated.
CheckedEstate check_estate(const std::string& estate, const std::string& assertions) {
  CheckedEstate c;
  model::Diagnostics diags;
  importers::azure::import_file(estate, c.m, diags);
  model::validate(c.m, diags);
  REQUIRE_FALSE(diags.has_errors());
  c.a = solver::analyze(c.m);
  auto spec = check::parse_spec(R"({"version": 1, "assertions": )" + assertions + "}", "spec.json", diags);
  for (const auto& d : diags.items()) INFO(model::to_string(d));
  REQUIRE(spec);
  c.spec = std::move(*spec);
  c.results = check::evaluate(c.spec, c.m, c.a);
  return c;
}

}  // namespace exposim::testing

namespace exposim::testing::gateway_estate {

Run run(const json& resources, bool allow_missing) {
  Run r;
  importers::azure::import_text(resources.dump(), "t.json", r.m, r.diags);
  if (!r.diags.has_errors()) model::validate(r.m, r.diags, {allow_missing});
  if (!r.diags.has_errors()) r.a = solver::analyze(r.m);
  return r;
}

}  // namespace exposim::testing::gateway_estate

namespace exposim::testing::scenario {
namespace {

std::string scenario_hop_text(const model::Model& m, const solver::Hop& h) {
  if (h.kind == solver::Hop::Kind::kNoNsg) return "none";
  if (h.resource < 0) return "missing";
  const auto& nsg = m.nsgs[h.resource];
  return fmt::format("{}/{}", nsg.name, nsg.rules[h.rule].name);
}

}  // namespace

/// "vm1 tcp 80 any nsg1/allow-http > nsg2/allow-http": one line per exposure, in the solver's order.
std::vector<std::string> summary(const model::Model& m, const solver::Analysis& a) {
  std::vector<std::string> out;
  for (const auto& e : a.exposures) {
    const std::string target = e.vm >= 0 ? m.vms[e.vm].name : m.nics[e.nic].name;
    std::string ports = model::has_ports(e.protocol) ? model::to_string(e.ports) : "-";
    if (!e.source_ports.is_all()) ports += " sport " + model::to_string(e.source_ports);
    std::string sources;
    if (e.any_source) {
      sources = "any";
    } else {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    std::string rules;
    for (const auto& h : e.path) {
      if (h.kind == solver::Hop::Kind::kNsg || h.kind == solver::Hop::Kind::kNoNsg)
        rules += (rules.empty() ? "" : " > ") + scenario_hop_text(m, h);
    }
    out.push_back(fmt::format("{} {} {} {} {}", target, model::to_string(e.protocol), ports, sources, rules));
  }
  return out;
}

std::vector<std::string> analyze(EstateBuilder& b) {
  model::Diagnostics diags;
  model::Model m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return summary(m, solver::analyze(m));
}

}  // namespace exposim::testing::scenario

namespace recommend_engine {

/// Validates `m`, analyses it and evaluates every recommendation.
EngineRun run_engine(model::Model m, const solver::RecommendOptions& options) {
  EngineRun r;
  model::Diagnostics d;
  model::validate(m, d);
  r.m = std::move(m);
  r.analysis = solver::analyze(r.m);
  r.recs = solver::recommend(r.m, r.analysis, options);
  return r;
}

}  // namespace recommend_engine

namespace recommend_support {

Estate estate(const std::vector<std::string>& files) {
  Estate e;
  exposim::model::Diagnostics diags;
  exposim::importers::import_inputs(files, {}, e.model, diags);
  exposim::model::validate(e.model, diags, exposim::model::ValidateOptions{true});
  REQUIRE_FALSE(diags.has_errors());
  e.analysis = exposim::solver::analyze(e.model);
  return e;
}

}  // namespace recommend_support

namespace terraform_support {

TerraformRun run_terraform(const std::string& name) {
  TerraformRun r;
  exposim::importers::import_inputs({terraform_data(name)}, {}, r.model, r.diags);
  exposim::model::validate(r.model, r.diags, exposim::model::ValidateOptions{true});
  r.analysis = exposim::solver::analyze(r.model);
  return r;
}

}  // namespace terraform_support
