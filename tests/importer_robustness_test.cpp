// Robustness: thousands of deterministic mutations of real inputs (byte flips, truncations, insertions of
// JSON punctuation, duplicated spans) go through import, validation and analysis. Nothing may throw, crash
// or hang (the CI runs this under ASan and UBSan), and every rejected input must say why.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "test_scale.h"

namespace {

namespace fs = std::filesystem;

using exposim::testing::read_file;

std::string mutate(std::string text, std::mt19937& rng) {
  static const std::string kPunctuation = "{}[]\",:\\ 0-e.tfn/\x00\xff";
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = rng() % text.size();
    switch (rng() % 5) {
      case 0: text[at] = static_cast<char>(rng() % 256); break;                      // flip a byte
      case 1: text.resize(at); break;                                                // truncate
      case 2: text.insert(at, 1, kPunctuation[rng() % kPunctuation.size()]); break;  // insert punctuation
      case 3: text.erase(at, 1 + rng() % 16); break;                                 // delete a span
      case 4: {                                                                      // duplicate a span
        const std::size_t len = std::min<std::size_t>(1 + rng() % 64, text.size() - at);
        text.insert(at, text.substr(at, len));
        break;
      }
    }
  }
  return text;
}

}  // namespace

TEST_CASE("mutated inputs never crash, and rejected ones always say why", "[azure][robustness]") {
  std::vector<fs::path> inputs;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().parent_path().filename() != "expected") {
      inputs.push_back(e.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(inputs.size() >= 5);
  std::mt19937 rng(20261122);
  int rejected = 0, accepted = 0;
  for (int round = 0; round < exposim::test::rounds(1000); ++round) {
    for (const auto& path : inputs) {
      const std::string text = mutate(read_file(path), rng);
      exposim::model::Model m;
      exposim::model::Diagnostics diags;
      exposim::importers::azure::ImportOptions options;
      options.chunk_bytes = 1 + rng() % 4096;  // exercise elements split across reads
      REQUIRE_NOTHROW(exposim::importers::azure::import_text(text, "mutated.json", m, diags, options));
      if (!diags.has_errors()) {
        REQUIRE_NOTHROW(exposim::model::validate(m, diags, {true}));
      }
      if (diags.has_errors()) {
        ++rejected;
        for (const auto& d : diags.items()) {
          if (d.severity != exposim::model::Severity::kError) continue;
          CHECK_FALSE(d.code.empty());
          CHECK_FALSE(d.message.empty());
          CHECK(d.where.file == "mutated.json");
        }
        continue;
      }
      ++accepted;
      REQUIRE_NOTHROW(exposim::solver::analyze(m));
    }
  }
  // Both paths are exercised: many mutations break the JSON, some leave a valid estate.
  CHECK(rejected > 100);
  CHECK(accepted > 20);
}
