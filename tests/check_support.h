// What the `check` tests on an example estate share: the estate imported and analysed, and assertions (JSON array
// text) parsed and evaluated against it.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace exposim::testing {

struct CheckedEstate {
  model::Model m;
  solver::Analysis a;
  check::Spec spec;
  std::vector<check::AssertionResult> results;
};

/// Resource JSON `estate` (a path) imported, validated and analysed, and `assertions` (a JSON array) evaluated.
inline CheckedEstate check_estate(const std::string& estate, const std::string& assertions) {
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
