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
#include "solver/analysis.h"

namespace exposim::testing {

struct CheckedEstate {
  model::Model m;
  solver::Analysis a;
  check::Spec spec;
  std::vector<check::AssertionResult> results;
};

/// Resource JSON `estate` (a path) imported, validated and analysed, and `assertions` (a JSON array) evaluated.
CheckedEstate check_estate(const std::string& estate, const std::string& assertions);

}  // namespace exposim::testing
