// Records formatted on several workers and written in order (cli/ordered_records.h), and analyze's JSON and JSON
// Lines written that way: the same bytes on 1, 2 and 7 workers, in the analysis's order, over several rounds.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_jsonl.h"
#include "cli/analyze_report.h"
#include "cli/ordered_records.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim::testing {
namespace {

/// 4,800 VMs with Standard public IPs in one subnet whose NSG allows tcp 22 from anywhere; VM i also has a NIC NSG
/// allowing tcp 22 from 52.(i % 40).0.0/16 only, so that its one exposure has that /16 as its sources: 40 distinct
/// source sets, first used by VMs 0 to 39 and reused by every later VM (more exposures than one round of records
/// on 1, 2 and 7 workers).
model::Model ordered_records_test_estate() {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-subnet", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/18", "nsg-subnet");
  for (int k = 0; k < 40; ++k) {
    b.nsg(fmt::format("nsg-{}", k), {{"allow-ssh-52", 100, kAllow, tcp(), {fmt::format("52.{}.0.0/16", k)}, {"22"}}});
  }
  for (int i = 0; i < 4800; ++i) {
    const std::string pip = fmt::format("pip{}", i);
    b.public_ip(pip, fmt::format("20.0.{}.{}", i / 250, i % 250 + 1), model::Sku::kStandard);
    b.vm(fmt::format("vm{}", i), "v", "s", fmt::format("10.0.{}.{}", i / 250, i % 250 + 4), pip,
         fmt::format("nsg-{}", i % 40));
  }
  model::Diagnostics diags;
  auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

}  // namespace

TEST_CASE("records formatted on several workers are written in index order", "[cli][jobs]") {
  for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{20000}}) {
    std::string want;
    for (std::size_t i = 0; i < count; ++i) want += fmt::format("{},", i);
    for (const int jobs : {1, 2, 7, 100}) {  // 100: more workers than a round's chunks
      CAPTURE(count, jobs);
      std::ostringstream out;
      std::vector<std::pair<std::size_t, std::size_t>> rounds;
      const auto caller = std::this_thread::get_id();
      bool prepared_elsewhere = false;
      cli::write_records_in_order(
          out, count, jobs,
          [&](std::size_t first, std::size_t last) {
            prepared_elsewhere |= std::this_thread::get_id() != caller;
            rounds.emplace_back(first, last);
          },
          [](std::size_t i, std::string& text) { text += fmt::format("{},", i); });
      CHECK(out.str() == want);
      CHECK_FALSE(prepared_elsewhere);
      // The rounds cover [0, count) in order, without gaps or overlaps.
      std::size_t next = 0;
      for (const auto& [first, last] : rounds) {
        CHECK(first == next);
        CHECK(last > first);
        next = last;
      }
      CHECK(next == count);
      if (count == 20000) CHECK(rounds.size() > 1);
    }
  }
}

TEST_CASE("analyze JSON and JSON Lines give the same bytes on 1 2 and 7 workers", "[cli][jobs]") {
  const auto m = ordered_records_test_estate();
  const auto a = solver::analyze(m);
  // Every VM is exposed once: tcp 22 from its NIC NSG's /16 (the subnet admits 22 from anywhere).
  REQUIRE(a.exposures.size() == 4800);
  for (const int version : {1, 2}) {
    for (const bool lines : {false, true}) {
      CAPTURE(version, lines);
      std::string first;
      for (const int jobs : {1, 2, 7}) {
        CAPTURE(jobs);
        std::ostringstream out;
        const cli::JsonOptions options{version, false, jobs};
        if (lines) {
          cli::write_json_lines(out, m, a, {}, options);
        } else {
          cli::write_json(out, m, a, {}, options);
        }
        if (jobs == 1) {
          first = out.str();
        } else {
          CHECK(out.str() == first);
        }
      }
      // The records are in the analysis's order, with their own sources.
      std::vector<nlohmann::json> exposures;
      std::vector<nlohmann::json> sets;
      if (lines) {
        std::istringstream in(first);
        for (std::string line; std::getline(in, line);) {
          const auto record = nlohmann::json::parse(line);
          if (record.contains("exposure")) exposures.push_back(record["exposure"]);
          if (record.contains("source_set")) sets.push_back(record["source_set"]);
        }
      } else {
        const auto doc = nlohmann::json::parse(first);
        for (const auto& e : doc["exposures"]) exposures.push_back(e);
        if (version == 2) {
          for (const auto& s : doc["source_sets"]) sets.push_back(s);
        }
      }
      REQUIRE(exposures.size() == 4800);
      for (std::size_t i = 0; i < exposures.size(); ++i) {
        const auto& e = a.exposures[i];
        const std::string name = m.vms[e.vm].name;
        REQUIRE(exposures[i]["target"]["name"] == name);
        const int k = std::stoi(name.substr(2)) % 40;
        const std::string cidr = fmt::format("52.{}.0.0/16", k);
        if (version == 1) {
          REQUIRE(exposures[i]["sources"] == nlohmann::json::array({cidr}));
        } else {
          const std::size_t id = exposures[i]["sources"].get<std::size_t>();
          REQUIRE(id < sets.size());
          REQUIRE(sets[id]["sources"] == nlohmann::json::array({cidr}));
        }
      }
      if (version == 2) {
        // 40 sets, each used by 4,800 / 40 exposures, numbered by first use.
        REQUIRE(sets.size() == 40);
        for (std::size_t id = 0; id < sets.size(); ++id) {
          CHECK(sets[id]["id"] == id);
          CHECK(sets[id]["references"] == 4800 / 40);
          CHECK(sets[id]["cidr_count"] == 1);
        }
      }
    }
  }
}

}  // namespace exposim::testing
