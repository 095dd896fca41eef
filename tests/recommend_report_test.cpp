// `exposim recommend`: the table, JSON and SARIF writers on findings built by hand against catalog rows built by
// hand (tests/recommend_support.h), the option parsers, and the command's options and exit codes end to end.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/json_parts.h"
#include "cli/recommend_options.h"
#include "cli/recommend_report.h"
#include "cli_support.h"
#include "recommend_support.h"

namespace {

using exposim::cli::RecommendReport;
using exposim::model::ResourceKind;
using exposim::solver::FindingStatus;
using namespace exposim::testing;
using recommend_support::catalog;
using recommend_support::sarif_data;

const std::string kSummaryTable =
    "severity  unhealthy  healthy  not-applicable  undecidable\n"
    "high      0          0        0               1\n"
    "medium    0          0        0               0\n"
    "low       1          1        0               0\n";

}  // namespace

TEST_CASE("recommend table lists unhealthy findings by recommendation and counts every status", "[cli][recommend]") {
  const auto e = recommend_support::estate({sarif_data("resources.json")});
  const auto recs = recommend_support::findings(e.model);
  std::ostringstream out;
  exposim::cli::write_recommend_table(out, RecommendReport{e.model, e.analysis, recs, catalog(), {}, false});
  CHECK(out.str() ==
        "EXP-NET-006  low  Subnets should be associated with a network security group (1 unhealthy, 1 healthy)\n"
        "  web  subnet  unhealthy  properties.networkSecurityGroup.id = absent\n"
        "\n"
        "1 unhealthy, 1 healthy, 0 not applicable, 1 undecidable; 1 recommendation skipped (EXP-NET-010)\n" +
            kSummaryTable +
            "(healthy, not-applicable and undecidable results are counted, not listed: --all lists them)\n");
}

TEST_CASE("recommend table with all lists every status, worst severity first, unhealthy first", "[cli][recommend]") {
  const auto e = recommend_support::estate({sarif_data("resources.json")});
  auto recs = recommend_support::findings(e.model);
  std::swap(recs.findings[1], recs.findings[2]);  // db before web: unhealthy still listed first
  std::ostringstream out;
  exposim::cli::write_recommend_table(out, RecommendReport{e.model, e.analysis, recs, catalog(), {}, true});
  CHECK(out.str() ==
        "EXP-NET-013  high  Adaptive network hardening recommendations should be applied on internet facing virtual "
        "machines (1 undecidable)\n"
        "  vnet-app  virtual-network  undecidable  learned from traffic: not decidable before deployment\n"
        "\n"
        "EXP-NET-006  low  Subnets should be associated with a network security group (1 unhealthy, 1 healthy)\n"
        "  web  subnet  unhealthy  properties.networkSecurityGroup.id = absent\n"
        "  db   subnet  healthy    a network security group is associated\n"
        "\n"
        "1 unhealthy, 1 healthy, 0 not applicable, 1 undecidable; 1 recommendation skipped (EXP-NET-010)\n" +
            kSummaryTable);
}

TEST_CASE("recommend table says when nothing is unhealthy", "[cli][recommend]") {
  const auto e = recommend_support::estate({sarif_data("resources.json")});
  const exposim::solver::Recommendations none;
  std::ostringstream out;
  exposim::cli::write_recommend_table(out, RecommendReport{e.model, e.analysis, none, catalog(), {}, false});
  CHECK_THAT(out.str(), Catch::StartsWith("no unhealthy finding\n\n0 unhealthy, 0 healthy, 0 not applicable, 0 "
                                          "undecidable; 0 recommendations skipped\n"));
}

TEST_CASE("recommend JSON: the documented fields of a finding and the summary", "[cli][recommend]") {
  const auto e = recommend_support::estate({sarif_data("resources.json")});
  const auto recs = recommend_support::findings(e.model);
  std::ostringstream out;
  exposim::cli::write_recommend_json(out, RecommendReport{e.model, e.analysis, recs, catalog(), {"resources.json"}},
                                     {});
  const auto doc = nlohmann::json::parse(out.str());
  CHECK(doc.at("format") == "exposim-recommend");
  CHECK(doc.at("version") == 1);
  CHECK(doc.at("inputs") == nlohmann::json::array({"resources.json"}));
  REQUIRE(doc.at("findings").size() == 1);
  const auto& f = doc.at("findings")[0];
  CHECK(f.at("id") == "EXP-NET-006");
  CHECK(f.at("title") == "Subnets should be associated with a network security group");
  CHECK(f.at("severity") == "low");
  CHECK(f.at("status") == "unhealthy");
  CHECK(f.at("exposed") == false);
  CHECK(f.at("resource") == nlohmann::json{{"id",
                                            "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/"
                                            "providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/web"},
                                           {"name", "web"},
                                           {"type", "subnet"},
                                           {"address", nullptr}});
  const auto& prop = f.at("evidence").at("properties")[0];
  CHECK(prop.at("name") == "properties.networkSecurityGroup.id");
  CHECK(prop.at("value") == "absent");
  CHECK(prop.at("file") == sarif_data("resources.json"));
  CHECK(prop.at("pointer") == "/0/properties/subnets/0/properties/networkSecurityGroup");
  CHECK(prop.at("line") == 13);  // absent: the subnet's `properties`, the nearest value the file has
  CHECK(f.at("evidence").at("exposures").empty());
  CHECK(f.at("policy") == nlohmann::json{{"id", "e71308d3-144b-4262-b144-efdc3cc90517"},
                                         {"name", "Subnets should be associated with a Network Security Group"}});
  CHECK(f.at("defender") == nlohmann::json{{"assessment_key", "eade5b56-eefd-444f-95c8-23f29e5d93cb"}});
  CHECK(f.at("remediation") == "Associate a network security group with the subnet");
  CHECK(f.at("location").at("line") == 13);
  CHECK(f.at("location").at("column") == 25);
  const auto& s = doc.at("summary");
  CHECK(s.at("unhealthy") == nlohmann::json{{"total", 1}, {"high", 0}, {"medium", 0}, {"low", 1}});
  CHECK(s.at("healthy").at("low") == 1);
  CHECK(s.at("undecidable").at("high") == 1);
  CHECK(s.at("not-applicable").at("total") == 0);
  CHECK(s.at("skipped") == nlohmann::json::array({"EXP-NET-010"}));
  CHECK(doc.at("diagnostics").empty());

  std::ostringstream all;
  exposim::cli::write_recommend_json(all, RecommendReport{e.model, e.analysis, recs, catalog(), {}, true}, {});
  const auto every = nlohmann::json::parse(all.str());
  REQUIRE(every.at("findings").size() == 3);
  CHECK(every.at("findings")[0].at("status") == "undecidable");
  CHECK(every.at("findings")[0].at("help_uri") == nullptr);
}

TEST_CASE("recommend JSON: exposures as analyze writes them, the Terraform address of a plan", "[cli][recommend]") {
  // open-management: jumpbox is reached on tcp 22 and 3389 over its public IP (examples/open-management).
  const auto e =
      recommend_support::estate({example("open-management/nics.json"), example("open-management/nsgs.json"),
                                 example("open-management/public-ips.json"), example("open-management/vms.json"),
                                 example("open-management/vnets.json")});
  exposim::solver::Recommendations recs;
  exposim::solver::Finding f;
  f.recommendation = &catalog()[0];
  f.kind = ResourceKind::kVirtualMachine;
  f.index = recommend_support::index_of(e.model, ResourceKind::kVirtualMachine, "jumpbox");
  f.exposed = true;
  for (std::size_t i = 0; i < e.analysis.exposures.size(); ++i) {
    if (e.analysis.exposures[i].vm == f.index) f.exposures.push_back(i);
  }
  REQUIRE_FALSE(f.exposures.empty());
  f.tcp_ports = exposim::model::PortSet{{22, 22}, {3389, 3389}};
  recs.findings.push_back(f);
  std::ostringstream out;
  exposim::cli::write_recommend_json(out, RecommendReport{e.model, e.analysis, recs, catalog(), {}}, {});
  const auto doc = nlohmann::json::parse(out.str());
  const auto& evidence = doc.at("findings")[0].at("evidence");
  CHECK(evidence.at("tcp_ports") == nlohmann::json::parse("[[22, 22], [3389, 3389]]"));
  CHECK(evidence.at("udp_ports").empty());
  REQUIRE(evidence.at("exposures").size() == f.exposures.size());
  CHECK(evidence.at("exposures")[0] ==
        nlohmann::json::parse(exposim::cli::exposure_json(e.model, e.analysis.exposures[f.exposures[0]]).dump()));
  CHECK(doc.at("findings")[0].at("exposed") == true);

  const auto plan = recommend_support::estate({sarif_data("plan.json")});
  exposim::solver::Recommendations on_plan;
  exposim::solver::Finding sub;
  sub.recommendation = &catalog()[1];
  sub.kind = ResourceKind::kSubnet;
  sub.index = recommend_support::index_of(plan.model, ResourceKind::kSubnet, "web");
  on_plan.findings.push_back(sub);
  std::ostringstream plan_out;
  exposim::cli::write_recommend_json(plan_out, RecommendReport{plan.model, plan.analysis, on_plan, catalog(), {}}, {});
  CHECK(nlohmann::json::parse(plan_out.str()).at("findings")[0].at("resource").at("address") == "azurerm_subnet.web");
}

TEST_CASE("recommend SARIF: a rule per recommendation, results located at the source", "[cli][recommend][sarif]") {
  const auto e = recommend_support::estate({sarif_data("resources.json")});
  const auto recs = recommend_support::findings(e.model);
  std::ostringstream out;
  exposim::cli::write_recommend_sarif(out, RecommendReport{e.model, e.analysis, recs, catalog(), {}, false});
  const auto log = nlohmann::json::parse(out.str());
  recommend_support::require_sarif_structure(log);
  const auto& rules = log.at("runs")[0].at("tool").at("driver").at("rules");
  REQUIRE(rules.size() == 3);
  const auto& net006 = rules[1];
  CHECK(net006.at("id") == "EXP-NET-006");
  CHECK(net006.at("name") == "Subnets should be associated with a network security group");
  CHECK(net006.at("shortDescription").at("text") == "Subnets should be associated with a network security group");
  CHECK(net006.at("fullDescription").at("text") ==
        "Subnets should be associated with a network security group. Decided from properties; Defender for Cloud "
        "assessment eade5b56-eefd-444f-95c8-23f29e5d93cb; Azure Policy Subnets should be associated with a Network "
        "Security Group (e71308d3-144b-4262-b144-efdc3cc90517).");
  CHECK(net006.at("help").at("text") == "Associate a network security group with the subnet");
  CHECK(net006.at("helpUri") ==
        "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-networking");
  CHECK(net006.at("defaultConfiguration").at("level") == "note");
  CHECK(net006.at("properties").at("security-severity") == "3.9");
  CHECK(net006.at("properties").at("tags") == nlohmann::json::array({"security", "eade5b56-eefd-444f-95c8-23f29e5d93cb",
                                                                     "e71308d3-144b-4262-b144-efdc3cc90517"}));
  CHECK(net006.at("properties").at("assessment_key") == "eade5b56-eefd-444f-95c8-23f29e5d93cb");
  CHECK(net006.at("properties").at("policy_id") == "e71308d3-144b-4262-b144-efdc3cc90517");
  CHECK(rules[0].at("properties").at("security-severity") == "6.9");
  CHECK(rules[2].at("properties").at("security-severity") == "8.9");
  CHECK(rules[2].at("defaultConfiguration").at("level") == "error");

  const auto& results = log.at("runs")[0].at("results");
  REQUIRE(results.size() == 1);
  const auto& web = results[0];
  CHECK(web.at("ruleId") == "EXP-NET-006");
  CHECK(web.at("level") == "note");
  CHECK(web.at("message").at("text") ==
        "EXP-NET-006: web (subnet) is unhealthy: properties.networkSecurityGroup.id = absent");
  const auto& loc = web.at("locations")[0];
  CHECK(loc.at("physicalLocation").at("region") == nlohmann::json{{"startLine", 13}, {"startColumn", 25}});
  CHECK(loc.at("logicalLocations")[0].at("name") == "web");
  CHECK(web.at("partialFingerprints").at("exposimFinding/v1").get<std::string>().size() == 16);

  std::ostringstream all;
  exposim::cli::write_recommend_sarif(all, RecommendReport{e.model, e.analysis, recs, catalog(), {}, true});
  const auto every = nlohmann::json::parse(all.str());
  recommend_support::require_sarif_structure(every);
  const auto& r = every.at("runs")[0].at("results");
  REQUIRE(r.size() == 3);
  CHECK(r[0].at("kind") == "review");
  CHECK(r[0].at("level") == "none");
  CHECK(r[2].at("kind") == "pass");
  // Fingerprints differ by resource.
  CHECK(r[1].at("partialFingerprints") != r[2].at("partialFingerprints"));
  // vnet-app's object opens on line 2, column 3.
  CHECK(r[0].at("locations")[0].at("physicalLocation").at("region") ==
        nlohmann::json{{"startLine", 2}, {"startColumn", 3}});
}

TEST_CASE("recommend option parsers: port lists, skip lists and files, unknown ids", "[cli][recommend]") {
  using exposim::cli::parse_port_list;
  CHECK(parse_port_list("22,3389,5985-5986") == exposim::model::PortSet{{22, 22}, {3389, 3389}, {5985, 5986}});
  CHECK(parse_port_list(" 445 , 21 ") == exposim::model::PortSet{{21, 21}, {445, 445}});
  CHECK_FALSE(parse_port_list(""));
  CHECK_FALSE(parse_port_list("22,,23"));
  CHECK_FALSE(parse_port_list("22,ssh"));
  CHECK_FALSE(parse_port_list("70000"));
  CHECK(exposim::cli::split_ids({"exp-net-001, EXP-NET-006", "EXP-NET-013,"}) ==
        std::vector<std::string>{"EXP-NET-001", "EXP-NET-006", "EXP-NET-013"});
  CHECK(exposim::cli::skip_file_ids("# closed by design\nexp-net-001  # Bastion only\n\n  EXP-NET-006\r\n#x\n") ==
        std::vector<std::string>{"EXP-NET-001", "EXP-NET-006"});
  CHECK(exposim::cli::unknown_ids({"EXP-NET-001", "EXP-NET-999", "EXP-XX-1", "EXP-NET-999"}, catalog()) ==
        std::vector<std::string>{"EXP-NET-999", "EXP-XX-1"});
}

TEST_CASE("recommend command: formats, output file, usage errors and exit codes", "[cli][recommend]") {
  const auto dir = scratch_dir("recommend");
  const std::vector<std::string> inputs = {example("open-management/nics.json"), example("open-management/nsgs.json"),
                                           example("open-management/public-ips.json"),
                                           example("open-management/vms.json"), example("open-management/vnets.json")};
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"recommend"};
    a.insert(a.end(), inputs.begin(), inputs.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  // Findings never change the exit code: `check` gates.
  const auto table = run_exposim(args({}));
  CHECK(table.code == exposim::cli::kExitOk);
  CHECK_THAT(table.out, Catch::Contains("severity  unhealthy  healthy  not-applicable  undecidable\n"));

  const auto json = run_exposim(args({"--format", "json", "--management-ports", "22,3389", "--risky-ports", "445",
                                      "--ddos", "strict", "--broad-prefix", "8"}));
  CHECK(json.code == exposim::cli::kExitOk);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc.at("format") == "exposim-recommend");
  for (const auto& f : doc.at("findings")) CHECK(f.at("status") == "unhealthy");

  const auto sarif_file = dir / "out.sarif";
  const auto sarif = run_exposim(args({"--format", "sarif", "--all", "-o", sarif_file.string()}));
  CHECK(sarif.code == exposim::cli::kExitOk);
  CHECK(sarif.out.empty());
  recommend_support::require_sarif_structure(nlohmann::json::parse(read_file(sarif_file)));

  const auto unknown = run_exposim(args({"--skip", "exp-nope-001,EXP-NOPE-002"}));
  CHECK(unknown.code == exposim::cli::kExitUsage);
  CHECK_THAT(unknown.err, Catch::Contains("--skip: unknown recommendation ids EXP-NOPE-001, EXP-NOPE-002"));
  CHECK(unknown.out.empty());

  write_file(dir / "skip.txt", "# reviewed\nEXP-NOPE-003\n");
  const auto bad_file = run_exposim(args({"--skip-file", (dir / "skip.txt").string()}));
  CHECK(bad_file.code == exposim::cli::kExitBadInput);
  CHECK_THAT(bad_file.err, Catch::Contains("skip.txt: unknown recommendation id EXP-NOPE-003"));
  const auto missing = run_exposim(args({"--skip-file", (dir / "none.txt").string()}));
  CHECK(missing.code == exposim::cli::kExitBadInput);
  CHECK_THAT(missing.err, Catch::Contains("none.txt: cannot read the skip file"));

  CHECK(run_exposim(args({"--management-ports", "22,ssh"})).code == exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--ddos", "sometimes"})).code == exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--broad-prefix", "33"})).code == exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--format", "csv"})).code == exposim::cli::kExitUsage);
  const auto bad_out = run_exposim(args({"-o", (dir / "no/such/dir/x.txt").string()}));
  CHECK(bad_out.code == exposim::cli::kExitOutputError);
}
