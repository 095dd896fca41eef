// `analyze --attack-paths [--critical SELECTOR]` and `graph --attack-paths` end to end on examples/three-tier, whose
// attack paths are worked out by hand in its README: the internet reaches vm-web-1 on TCP 443 (fw-hub's DNAT
// https-to-web, nsg-web/allow-https-from-firewall); vm-web-1 reaches vm-app-1 on TCP 8080 only (fw-hub
// east-west/web-to-app, nsg-app/allow-8080-from-web); vm-app-1 reaches vm-db-1 (criticality=high) on TCP 1433
// (east-west/app-to-db, nsg-db/allow-sql-from-app).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli_support.h"

namespace exposim {
namespace {

using testing::run_exposim;

std::string attack_three_tier_path() {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/examples/three-tier/estate.json");
  return path;
}

}  // namespace

TEST_CASE("analyze --attack-paths --critical adds the ranked chains after the table", "[cli][attack-paths]") {
  const auto plain = run_exposim({"analyze", attack_three_tier_path()});
  REQUIRE(plain.code == cli::kExitOk);
  const auto r =
      run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--critical", "tag:criticality=high"});
  REQUIRE(r.code == cli::kExitOk);
  CHECK(r.err.empty());
  // The table is unchanged; the section follows it.
  REQUIRE(r.out.starts_with(plain.out));
  const std::string web_app =
      "vm-web-1 -> vm-app-1 tcp 8080: nic-outbound: no NSG > subnet-outbound: nsg-web/AllowVnetOutBound (65000) > "
      "route: rt-web/vnet-through-firewall > fw: fw-hub/east-west/web-to-app (200) > subnet: "
      "nsg-app/allow-8080-from-web (100) > nic: no NSG\n";
  const std::string entry =
      "   entry   20.60.0.10 firewall-dnat tcp 443 from any: fw: fw-hub/inbound-dnat/https-to-web (100) > subnet: "
      "nsg-web/allow-https-from-firewall (100) > nic: no NSG\n";
  CHECK(r.out.substr(plain.out.size()) ==
        "\n"
        "attack paths: 2 from 1 exposed ip configuration\n"
        "1. critical: internet -> vm-web-1 -> vm-app-1 -> vm-db-1\n" +
            entry + "   step 1  " + web_app +
            "   step 2  vm-app-1 -> vm-db-1 tcp 1433: nic-outbound: no NSG > subnet-outbound: "
            "nsg-app/AllowVnetOutBound (65000) > route: rt-app/vnet-through-firewall > fw: fw-hub/east-west/app-to-db "
            "(200) > subnet: nsg-db/allow-sql-from-app (100) > nic: no NSG\n"
            "2. vm: internet -> vm-web-1 -> vm-app-1\n" +
            entry + "   step 1  " + web_app);
}

TEST_CASE("analyze --attack-paths without a critical VM has the one step to the app tier", "[cli][attack-paths]") {
  const auto r = run_exposim({"analyze", attack_three_tier_path(), "--attack-paths"});
  REQUIRE(r.code == cli::kExitOk);
  const auto at = r.out.find("\nattack paths: ");
  REQUIRE(at != std::string::npos);
  CHECK(
      r.out.substr(at).starts_with("\nattack paths: 1 from 1 exposed ip configuration\n"
                                   "1. vm: internet -> vm-web-1 -> vm-app-1\n"));
}

TEST_CASE("analyze --attack-paths JSON: the attack_paths array, the rest of the document unchanged",
          "[cli][attack-paths]") {
  const auto plain = run_exposim({"analyze", attack_three_tier_path(), "--format", "json"});
  const auto r = run_exposim(
      {"analyze", attack_three_tier_path(), "--format", "json", "--attack-paths", "--critical", "name:vm-db-*"});
  REQUIRE(plain.code == cli::kExitOk);
  REQUIRE(r.code == cli::kExitOk);
  auto doc = nlohmann::ordered_json::parse(r.out);
  REQUIRE(doc.contains("attack_paths"));
  const auto paths = doc["attack_paths"];
  doc.erase("attack_paths");
  CHECK(doc == nlohmann::ordered_json::parse(plain.out));
  // The section comes just before the diagnostics.
  CHECK(r.out.find("\"attack_paths\": [") < r.out.find("\"diagnostics\": ["));
  CHECK(r.out.find("\"exposures\": [") < r.out.find("\"attack_paths\": ["));

  REQUIRE(paths.size() == 2);
  CHECK(paths[0]["rank"] == "critical");
  CHECK(paths[0]["chain"] == "internet -> vm-web-1 -> vm-app-1 -> vm-db-1");
  CHECK(paths[0]["entry"]["name"] == "vm-web-1");
  CHECK(paths[0]["entry"]["ip"] == "10.1.1.4");
  // The entry is exposure 1 of the document (exposure 0 is fw-hub's own DNAT frontend).
  CHECK(paths[0]["exposures"] == nlohmann::ordered_json::array({1}));
  CHECK(doc["exposures"][1]["target"]["name"] == "vm-web-1");
  REQUIRE(paths[0]["steps"].size() == 2);
  CHECK(paths[0]["steps"][0]["target"]["name"] == "vm-app-1");
  CHECK(paths[0]["steps"][0]["ports"].dump() == R"({"tcp":[[8080,8080]]})");
  CHECK(paths[0]["steps"][1]["target"]["name"] == "vm-db-1");
  CHECK(paths[0]["steps"][1]["ports"].dump() == R"({"tcp":[[1433,1433]]})");
  CHECK(paths[1]["rank"] == "vm");
  CHECK(paths[1]["chain"] == "internet -> vm-web-1 -> vm-app-1");
  CHECK(paths[1]["steps"].size() == 1);

  // A step's flows are exactly what `exposim reach` gives for that source and target.
  const auto web =
      run_exposim({"reach", attack_three_tier_path(), "--from", "vm-web-1", "--to", "vm-app-1", "--format", "json"});
  const auto app =
      run_exposim({"reach", attack_three_tier_path(), "--from", "vm-app-1", "--to", "vm-db-1", "--format", "json"});
  REQUIRE(web.code == cli::kExitOk);
  REQUIRE(app.code == cli::kExitOk);
  CHECK(paths[0]["steps"][0]["flows"] == nlohmann::ordered_json::parse(web.out)["flows"]);
  CHECK(paths[0]["steps"][1]["flows"] == nlohmann::ordered_json::parse(app.out)["flows"]);
  CHECK(paths[1]["steps"][0]["flows"] == nlohmann::ordered_json::parse(web.out)["flows"]);
}

TEST_CASE("analyze --attack-paths option errors exit 3", "[cli][attack-paths]") {
  const auto alone = run_exposim({"analyze", attack_three_tier_path(), "--critical", "name:vm-db-1"});
  CHECK(alone.code == cli::kExitUsage);
  CHECK(alone.err == "exposim: --critical applies with --attack-paths\n");
  const auto unknown = run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--critical", "role:db"});
  CHECK(unknown.code == cli::kExitUsage);
  CHECK(unknown.err == "exposim: --critical 'role:db': unknown selector 'role' (name, id, tag, subnet or vnet)\n");
  const auto bare = run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--critical", "vm-db-1"});
  CHECK(bare.code == cli::kExitUsage);
  CHECK(bare.err ==
        "exposim: --critical 'vm-db-1': expected name:GLOB, id:GLOB, tag:KEY=VALUE, tag:KEY, subnet:GLOB or "
        "vnet:GLOB\n");
  const auto csv = run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--format", "csv"});
  CHECK(csv.code == cli::kExitUsage);
  CHECK(csv.err == "exposim: --attack-paths applies to --format table and json (without --summary), not csv\n");
  const auto summary =
      run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--format", "json", "--summary"});
  CHECK(summary.code == cli::kExitUsage);
}

TEST_CASE("analyze --critical that selects nothing warns with the nearest name", "[cli][attack-paths]") {
  const auto r =
      run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--critical", "name:vm-db-2", "--quiet"});
  CHECK(r.code == cli::kExitOk);
  CHECK(r.err ==
        "exposim: warning: --critical 'name:vm-db-2' selects no ip configuration; name 'vm-db-2': did you mean "
        "'vm-db-1' or 'vm-web-2'?\n");
  // Nothing critical: the one-step path alone.
  CHECK(r.out.find("1. vm: internet -> vm-web-1 -> vm-app-1\n") != std::string::npos);
  CHECK(r.out.find("2. ") == std::string::npos);
}

TEST_CASE("analyze --critical by subnet selects the database tier", "[cli][attack-paths]") {
  const auto r = run_exposim({"analyze", attack_three_tier_path(), "--attack-paths", "--critical", "subnet:snet-db"});
  REQUIRE(r.code == cli::kExitOk);
  CHECK(r.out.find("1. critical: internet -> vm-web-1 -> vm-app-1 -> vm-db-1\n") != std::string::npos);
}

TEST_CASE("graph --attack-paths draws the chains as attack-path edges with their ports", "[cli][attack-paths]") {
  const auto plain = run_exposim({"graph", attack_three_tier_path(), "--format", "json"});
  const auto r = run_exposim(
      {"graph", attack_three_tier_path(), "--format", "json", "--attack-paths", "--critical", "name:vm-db-1"});
  REQUIRE(plain.code == cli::kExitOk);
  REQUIRE(r.code == cli::kExitOk);
  const auto before = nlohmann::ordered_json::parse(plain.out);
  const auto after = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> attacks;
  std::size_t others = 0;
  for (const auto& e : after["edges"]) {
    if (e["kind"] != "attack-path") {
      ++others;
      continue;
    }
    const std::string from = e["from"];
    const std::string to = e["to"];
    attacks.push_back(from.substr(from.rfind('/') + 1) + " -> " + to.substr(to.rfind('/') + 1) + " " +
                      e["label"].get<std::string>() + " " + e["color"].get<std::string>());
  }
  CHECK(attacks == std::vector<std::string>{"vm-web-1-nic -> vm-app-1-nic tcp 8080 #c2185b",
                                            "vm-app-1-nic -> vm-db-1-nic tcp 1433 #c2185b"});
  // Everything else is drawn as without the flag.
  CHECK(others == before["edges"].size());
  CHECK(after["nodes"] == before["nodes"]);
  for (const auto& e : before["edges"]) CHECK(e["kind"] != "attack-path");
  // The DOT legend names the edge.
  const auto dot = run_exposim({"graph", attack_three_tier_path(), "--attack-paths"});
  CHECK(dot.out.find("attack path: an exposed target reaches it east-west (ports)") != std::string::npos);
  const auto dot_plain = run_exposim({"graph", attack_three_tier_path()});
  CHECK(dot_plain.out.find("attack path") == std::string::npos);
}

}  // namespace exposim
