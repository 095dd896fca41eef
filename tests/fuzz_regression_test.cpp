// The fuzz regression corpus (tests/fuzz_regressions/<entry>/): every reproducer a fuzz campaign found and every
// hand-written seed, replayed through the same entry function as its libFuzzer target (fuzz/entries.h), so that the
// ordinary suite, and the sanitizer build, keep the crashes fixed (docs/fuzzing.md).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "fuzz/entries.h"
#include "importers/azure/resource_importer.h"
#include "model/model.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace {

using FuzzRegressionEntry = int (*)(const std::uint8_t*, std::size_t);

struct FuzzRegressionTarget {
  const char* name;
  FuzzRegressionEntry entry;
};

constexpr FuzzRegressionTarget kFuzzRegressionTargets[] = {
    {"azure_resources", exposim::fuzz::fuzz_azure_resources},
    {"arm_template", exposim::fuzz::fuzz_arm_template},
    {"arm_expression", exposim::fuzz::fuzz_arm_expression},
    {"terraform_plan", exposim::fuzz::fuzz_terraform_plan},
    {"whatif_change", exposim::fuzz::fuzz_whatif_change},
    {"check_spec", exposim::fuzz::fuzz_check_spec},
    {"analyze", exposim::fuzz::fuzz_analyze},
};

/// The files of one target's regression directory, sorted by name.
std::vector<std::filesystem::path> fuzz_regression_files(const std::string& target) {
  const std::filesystem::path dir = std::filesystem::path(EXPOSIM_SOURCE_DIR) / "tests" / "fuzz_regressions" / target;
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every fuzz target has a regression corpus and each input replays through its entry", "[fuzz]") {
  for (const auto& target : kFuzzRegressionTargets) {
    const auto files = fuzz_regression_files(target.name);
    INFO("tests/fuzz_regressions/" << target.name);
    CHECK(files.size() >= 2);  // at least the hand-written seeds
    for (const auto& path : files) {
      std::ifstream in(path, std::ios::binary);
      REQUIRE(in);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      INFO(path.filename().string());
      // A reproducer fails by crashing, by a sanitizer report (the sanitizer build) or by hanging; the entry's
      // return value is libFuzzer's 0 for every input.
      CHECK(target.entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
    }
  }
}

TEST_CASE("the fuzz estate that change documents and check specs meet exposes SSH on vm-web", "[fuzz]") {
  // fuzz_whatif_change and fuzz_check_spec work on this estate: if it stopped importing cleanly they would fuzz an
  // empty model. nsg-web on subnet web allows TCP 22 from Internet (100) and denies 3389 (200); DenyAllInBound
  // (65500) closes the rest, and the Standard public IP adds nothing of its own: one exposure.
  exposim::model::Model m;
  exposim::model::Diagnostics diags;
  const auto stats = exposim::importers::azure::import_text(exposim::fuzz::fuzz_estate_text(), "estate.json", m, diags);
  exposim::model::validate(m, diags);
  CHECK(stats.resources == 5);
  CHECK_FALSE(diags.has_errors());
  const auto a = exposim::solver::analyze(m);
  std::vector<std::string> got;
  for (const auto& e : a.exposures) {
    got.push_back(fmt::format("{} {} {} {}{}", e.vm >= 0 ? m.vms[e.vm].name : "?", exposim::solver::to_string(e.via),
                              exposim::model::to_string(e.protocol), exposim::model::to_string(e.ports),
                              e.any_source ? " from internet" : ""));
  }
  CHECK(got == std::vector<std::string>{"vm-web public-ip tcp 22 from internet"});
}
