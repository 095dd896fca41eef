// Tests of cli::SourceLists: analyze's `sources` lists formatted once per distinct set and dropped after their last
// use.
#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "cli/source_lists.h"
#include "model/ip.h"
#include "solver/analysis.h"

namespace {

namespace model = exposim::model;
namespace solver = exposim::solver;

solver::Exposure exposure_from(const std::vector<std::string>& prefixes) {
  model::IpSet s;
  for (const auto& p : prefixes) s = s.unite(model::to_set(*model::IpPrefix::parse(p)));
  solver::Exposure e;
  e.sources = s;
  return e;
}

TEST_CASE("source lists are formatted once per distinct set and dropped after their last use", "[cli]") {
  // Records 0 and 3 have equal sets held apart; record 1's set is used once; record 2 has no source.
  const std::vector<solver::Exposure> records = {exposure_from({"52.10.0.0/24"}),
                                                 exposure_from({"40.1.2.0/24", "40.1.3.0/24"}), exposure_from({}),
                                                 exposure_from({"52.10.0.0/25", "52.10.0.128/25"})};
  exposim::cli::SourceLists lists(records.size(), [&](std::size_t i) -> const solver::Exposure& { return records[i]; });
  CHECK(lists.held() == 3);
  const auto round1 = lists.prepare(0, 2, 2);
  REQUIRE(round1.size() == 2);
  CHECK(*round1[0] == R"(["52.10.0.0/24"])");
  CHECK(*round1[1] == R"(["40.1.2.0/23"])");
  const auto round2 = lists.prepare(2, 3, 1);
  REQUIRE(round2.size() == 1);
  CHECK(*round2[0] == "[]");
  CHECK(lists.held() == 2);  // record 1's list: no later record uses it
  const auto round3 = lists.prepare(3, 4, 1);
  REQUIRE(round3.size() == 1);
  CHECK(*round3[0] == R"(["52.10.0.0/24"])");  // record 0's list, not formatted again
  CHECK(round3[0] == round1[0]);
  CHECK(lists.held() == 1);  // the empty set's list dropped
}

}  // namespace
