// A bundled example (examples/NAME) imported and validated as the command line reads it: what the path and explain
// tests trace through.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "importers/inputs.h"
#include "model/model.h"
#include "model/validate.h"

namespace exposim::testing {

/// Every JSON file of examples/NAME (in name order, any kind of input an example may hold: examples/terraform is a
/// plan), imported and validated; fails the test on any error.
inline model::Model load_example(const std::string& name) {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(EXPOSIM_SOURCE_DIR) / "examples" / name)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  model::Model m;
  model::Diagnostics diags;
  const auto reports = importers::import_inputs(files, {}, m, diags);
  model::validate(m, diags, model::ValidateOptions{importers::has_template(reports)});
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

}  // namespace exposim::testing
