// Hard limits against hostile input (docs/security.md, "Limits"): each at the limit and one past it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/process.h"
#include "cli_support.h"
#include "importers/arm/expression.h"
#include "importers/arm/template.h"
#include "importers/azure/resource_importer.h"
#include "importers/terraform/plan.h"
#include "model/diagnostic.h"
#include "solver/nsg.h"

namespace {

using namespace exposim;
using nlohmann::json;

/// A template with one deployment copied `deployments` times, each deploying an inline template whose NSG is
/// copied `per_deployment` times: deployments + deployments * per_deployment resource instances.
json limits_copy_of_copy(int deployments, int per_deployment) {
  const json inner = {{"$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
                      {"contentVersion", "1.0.0.0"},
                      {"parameters", {{"d", {{"type", "int"}}}}},
                      {"resources",
                       {{{"type", "Microsoft.Network/networkSecurityGroups"},
                         {"apiVersion", "2023-04-01"},
                         {"name", "[format('nsg-{0}-{1}', parameters('d'), copyIndex())]"},
                         {"copy", {{"name", "nsgs"}, {"count", per_deployment}}},
                         {"properties", json::object()}}}}};
  return {{"$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
          {"contentVersion", "1.0.0.0"},
          {"resources",
           {{{"type", "Microsoft.Resources/deployments"},
             {"apiVersion", "2022-09-01"},
             {"name", "[format('d-{0}', copyIndex())]"},
             {"copy", {{"name", "deployments"}, {"count", deployments}}},
             {"properties",
              {{"mode", "Incremental"},
               {"expressionEvaluationOptions", {{"scope", "inner"}}},
               {"parameters", {{"d", {{"value", "[copyIndex()]"}}}}},
               {"template", inner}}}}}}};
}

std::size_t limits_count_code(const model::Diagnostics& diags, const std::string& code) {
  std::size_t n = 0;
  for (const auto& d : diags.items()) n += d.code == code ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("ARM JSON nests at most 128 levels", "[arm][security]") {
  // The top-level object (level 1), `variables` (2) and `arrays` empty arrays inside each other (levels 3 on).
  auto nested = [](int arrays) {
    return std::string(
               R"({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",)"
               R"( "contentVersion": "1.0.0.0", "resources": [], "variables": {"x": )") +
           std::string(static_cast<std::size_t>(arrays), '[') + std::string(static_cast<std::size_t>(arrays), ']') +
           "}}";
  };
  model::Diagnostics at_limit;
  CHECK(importers::arm::parse_arm_json(nested(126), "t.json", at_limit).has_value());  // 128 levels
  CHECK(at_limit.items().empty());
  model::Diagnostics past;
  CHECK_FALSE(importers::arm::parse_arm_json(nested(127), "t.json", past).has_value());  // 129
  REQUIRE(past.items().size() == 1);
  CHECK(past.items()[0].code == "json-too-deep");
  CHECK(past.items()[0].message == "nesting deeper than 128 levels");
  // 200,000 levels (which overflowed the stack when the value was walked): the same error, no crash.
  model::Diagnostics deep;
  CHECK_FALSE(importers::arm::parse_arm_json(nested(200000), "t.json", deep).has_value());
  CHECK(limits_count_code(deep, "json-too-deep") == 1);
}

TEST_CASE("a template's total expansion stops at max_expanded resource instances", "[arm][security]") {
  importers::arm::TemplateOptions options;
  options.max_expanded = 24;  // 4 deployments of 5 NSGs: 4 + 20 instances
  SECTION("at the limit: everything is expanded") {
    model::Diagnostics diags;
    const auto out = importers::arm::expand_template(limits_copy_of_copy(4, 5), "main.json", options, diags);
    CHECK(out.size() == 20);
    CHECK(limits_count_code(diags, "limit-exceeded") == 0);
    CHECK_FALSE(diags.has_errors());
  }
  SECTION("one past it: one error, and what was expanded before it is kept") {
    model::Diagnostics diags;
    options.max_expanded = 23;
    const auto out = importers::arm::expand_template(limits_copy_of_copy(4, 5), "main.json", options, diags);
    // Deployment 0 and its 5 NSGs, 1 and its 5, 2 and its 5, deployment 3 (the 19th instance) and 4 of its NSGs:
    // the 24th instance is the fifth NSG of deployment 3.
    CHECK(out.size() == 19);
    REQUIRE(limits_count_code(diags, "limit-exceeded") == 1);
    for (const auto& d : diags.items()) {
      if (d.code != "limit-exceeded") continue;
      CHECK(d.severity == model::Severity::kError);
      CHECK(d.message ==
            "the template expands to more than 23 resource instances (copy loops, nested and linked deployments); "
            "the expansion stops here");
    }
  }
  SECTION("the default is the one docs/security.md gives") {
    CHECK(importers::arm::TemplateOptions{}.max_expanded == 200000);
  }
}

TEST_CASE("a memory limit given with max-memory stops a run that needs more with out of memory and exit 2",
          "[cli][security]") {
#ifdef EXPOSIM_SANITIZED
  WARN("skipped: AddressSanitizer's shadow memory is address space, so --max-memory is not applied");
#else
  // The real program in its own process: the limit stays on the process that sets it.
  std::string input = EXPOSIM_SOURCE_DIR;  // appended: GCC 12 warns falsely on the concatenation
  input.append("/examples/web-https-only/estate.json");
  auto run = [&](const std::string& limit) {
    return cli::run_process({EXPOSIM_BINARY, "analyze", input, "--jobs", "1", "--max-memory", limit}, "");
  };
  const auto roomy = run("4G");
  CHECK(roomy.exit_status == cli::kExitOk);
  CHECK_THAT(roomy.out, Catch::Contains("exposure"));
  // 1 MiB of address space is less than the program has mapped already: the next allocation fails, and the run
  // ends with the message and exit 2, not a crash.
  const auto tight = run("1M");
  INFO(tight.err);
  CHECK(tight.exit_status == cli::kExitBadInput);
  CHECK_THAT(tight.err, Catch::Contains("out of memory"));
  CHECK(tight.out.empty());
  const auto none = run("0");
  CHECK(none.exit_status == cli::kExitOk);
  CHECK(run("lots").exit_status == cli::kExitUsage);
#endif
}

namespace {

/// `n` NSGs as a resource JSON array, one per line: element i starts at line i + 2, column 1.
std::string limits_nsg_array(int n) {
  std::string out = "[\n";
  for (int i = 0; i < n; ++i) {
    out += fmt::format(
        R"({{"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg-{0}", "id": )"
        R"("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-{0}", )"
        R"("properties": {{}}}})",
        i);
    out += i + 1 < n ? ",\n" : "\n";
  }
  return out + "]";
}

/// A Terraform plan whose planned values hold `n` resource groups.
std::string limits_plan(int n) {
  json resources = json::array();
  for (int i = 0; i < n; ++i) {
    const std::string name = fmt::format("rg{}", i);
    resources.push_back({{"address", "azurerm_resource_group." + name},
                         {"mode", "managed"},
                         {"type", "azurerm_resource_group"},
                         {"name", name},
                         {"values", {{"name", name}, {"location", "westeurope"}}}});
  }
  return json{{"format_version", "1.2"}, {"planned_values", {{"root_module", {{"resources", resources}}}}}}.dump();
}

}  // namespace

TEST_CASE("a resource JSON file holds at most max_resources resources", "[azure][security]") {
  importers::azure::ImportOptions options;
  options.max_resources = 3;
  SECTION("at the limit: every resource is read") {
    model::Model m;
    model::Diagnostics diags;
    const auto stats = importers::azure::import_text(limits_nsg_array(3), "estate.json", m, diags, options);
    CHECK(stats.resources == 3);
    CHECK(m.nsgs.size() == 3);
    CHECK(diags.items().empty());
  }
  SECTION("one past it: an error at the first resource past it, and the rest of the file is not read") {
    model::Model m;
    model::Diagnostics diags;
    const auto stats = importers::azure::import_text(limits_nsg_array(5), "estate.json", m, diags, options);
    CHECK(stats.resources == 3);
    CHECK(m.nsgs.size() == 3);
    REQUIRE(diags.items().size() == 1);
    const auto& d = diags.items()[0];
    CHECK(d.severity == model::Severity::kError);
    CHECK(d.code == "limit-exceeded");
    CHECK(d.message == "more than 3 resources in the file; the rest of the file is not read");
    CHECK(d.where.file.str() == "estate.json");
    CHECK(d.where.line == 5);  // the fourth NSG
    CHECK(d.where.column == 1);
  }
  SECTION("the default is the one docs/security.md gives") {
    CHECK(importers::azure::ImportOptions{}.max_resources == 10'000'000);
  }
}

TEST_CASE("a Terraform plan holds at most max_resources resource instances", "[terraform][security]") {
  importers::azure::ImportOptions options;
  options.max_resources = 2;
  model::Model at_limit;
  model::Diagnostics at_limit_diags;
  importers::terraform::import_plan(limits_plan(2), "plan.json", options, at_limit, at_limit_diags);
  CHECK(limits_count_code(at_limit_diags, "limit-exceeded") == 0);
  CHECK_FALSE(at_limit_diags.has_errors());
  model::Model past;
  model::Diagnostics past_diags;
  importers::terraform::import_plan(limits_plan(3), "plan.json", options, past, past_diags);
  REQUIRE(limits_count_code(past_diags, "limit-exceeded") == 1);
  for (const auto& d : past_diags.items()) {
    if (d.code != "limit-exceeded") continue;
    CHECK(d.severity == model::Severity::kError);
    CHECK(d.where.pointer == "/planned_values/root_module/resources/2");
    CHECK(d.message == "more than 2 resources in the file; the rest of the file is not read");
  }
}

TEST_CASE("an ARM expression is at most max_expression characters long", "[arm][security]") {
  // "[concat('" + k letters + "')]" is k + 12 characters.
  auto expression = [](std::size_t length) { return "[concat('" + std::string(length - 12, 'a') + "')]"; };
  importers::arm::Limits limits;
  limits.max_expression = 40;
  SECTION("at the limit it is evaluated, one past it is the error limit-exceeded") {
    importers::arm::Evaluator ev(importers::arm::Context{}, limits);
    const auto at = ev.evaluate_string(expression(40));
    REQUIRE(at.known());
    CHECK(at.value == std::string(28, 'a'));
    const auto past = ev.evaluate_string(expression(41));
    REQUIRE(past.error);
    CHECK(past.error->code == "limit-exceeded");
    CHECK(past.error->offset == 0);
    CHECK(past.error->message == "expression of 41 characters is longer than 40");
  }
  SECTION("a literal string, even a long one, is not an expression") {
    importers::arm::Evaluator ev(importers::arm::Context{}, limits);
    const auto literal = ev.evaluate_string("[[" + std::string(100, 'b') + "]");
    REQUIRE(literal.known());
    CHECK(literal.value == "[" + std::string(100, 'b') + "]");
  }
  SECTION("the default: 2^20 characters, far above Azure's 24,576") {
    CHECK(importers::arm::Limits{}.max_expression == std::size_t{1} << 20);
    importers::arm::Evaluator ev(importers::arm::Context{});
    CHECK(ev.evaluate_string(expression(24576)).known());  // Azure's own limit
    CHECK(ev.evaluate_string(expression(std::size_t{1} << 20)).known());
    const auto past = ev.evaluate_string(expression((std::size_t{1} << 20) + 1));
    REQUIRE(past.error);
    CHECK(past.error->message == "expression of 1048577 characters is longer than 1048576");
    // The diagnostic quotes the expression's first 64 characters, not a megabyte.
    CHECK(past.error->expression == "[concat('" + std::string(55, 'a') + "...");
  }
}

TEST_CASE("analyze stops before a report of more than max-exposures exposures and asks for summary",
          "[cli][security]") {
  using exposim::testing::run_exposim;
  // web-https-only has 2 exposures (its expected/analyze.txt): vm-web over IPv4 and over IPv6.
  const std::string estate = exposim::testing::example("web-https-only/estate.json");
  const auto at_limit = run_exposim({"analyze", estate, "--max-exposures", "2"});
  CHECK(at_limit.code == cli::kExitOk);
  CHECK_THAT(at_limit.out, Catch::Contains("2 exposures on 2 of 2 ip configurations"));
  for (const std::string format : {"table", "json", "csv"}) {
    INFO(format);
    const auto past = run_exposim({"analyze", estate, "--max-exposures", "1", "--format", format});
    CHECK(past.code == cli::kExitBadInput);
    CHECK(past.out.empty());
    CHECK(past.err ==
          "exposim: error: the report would hold 2 exposures, more than the limit of 1; --summary writes them as "
          "aggregates, --format jsonl streams them, --max-exposures N raises the limit (0: none)\n");
  }
  // Not limited: aggregates, a stream, and 0.
  CHECK(run_exposim({"analyze", estate, "--max-exposures", "1", "--summary"}).code == cli::kExitOk);
  CHECK(run_exposim({"analyze", estate, "--max-exposures", "1", "--format", "json", "--summary"}).code == cli::kExitOk);
  const auto jsonl = run_exposim({"analyze", estate, "--max-exposures", "1", "--format", "jsonl"});
  CHECK(jsonl.code == cli::kExitOk);
  CHECK_THAT(jsonl.out, Catch::Contains("vm-web"));
  CHECK(run_exposim({"analyze", estate, "--max-exposures", "0"}).code == cli::kExitOk);
}

namespace {

/// A VM behind a public IP in a subnet whose NSG has `rules` allow rules, rule i admitting TCP from 20.x.y.0/24
/// (the i-th /24 from 20.0.0.0; with `mixed`, the Internet tag for even i and eight /24s of its own for odd i), and
/// `ranges` windows of ports on each side, window j from source ports 1000+i+16000j to 3000+i+16000j to destination
/// ports 1+i+16000j to 1001+i+16000j: the windows overlap in staggered steps, so each boundary starts a class of its
/// own (about 2 x rules x ranges classes per port axis). With `alternate`, the odd rules deny: subtracting rule by rule
/// then fragments what is left.
std::string limits_wide_nsg_estate(int rules, int ranges = 1, bool mixed = false, bool alternate = false) {
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/";
  const std::string subnet_id = sub + "Microsoft.Network/virtualNetworks/vnet/subnets/web";
  const std::string nsg_id = sub + "Microsoft.Network/networkSecurityGroups/nsg-wide";
  const std::string pip_id = sub + "Microsoft.Network/publicIPAddresses/pip-1";
  const std::string nic_id = sub + "Microsoft.Network/networkInterfaces/nic-1";
  const std::string vm_id = sub + "Microsoft.Compute/virtualMachines/vm-1";
  json list = json::array();
  for (int i = 0; i < rules; ++i) {
    json sports = json::array();
    json dports = json::array();
    json sources = json::array();
    if (mixed && i % 2 == 0) {
      sources.push_back("Internet");
    } else {
      for (int k = mixed ? 8 * i : i; k < (mixed ? 8 * i + 8 : i + 1); ++k) {
        sources.push_back(fmt::format("20.{}.{}.0/24", k / 256, k % 256));
      }
    }
    for (int j = 0; j < ranges; ++j) {
      sports.push_back(fmt::format("{}-{}", 1000 + i + 16000 * j, 3000 + i + 16000 * j));
      dports.push_back(fmt::format("{}-{}", 1 + i + 16000 * j, 1001 + i + 16000 * j));
    }
    list.push_back({{"name", fmt::format("r{}", i)},
                    {"properties",
                     {{"priority", 100 + i},
                      {"direction", "Inbound"},
                      {"access", alternate && i % 2 == 1 ? "Deny" : "Allow"},
                      {"protocol", "Tcp"},
                      {"sourceAddressPrefixes", sources},
                      {"sourcePortRanges", sports},
                      {"destinationAddressPrefix", "*"},
                      {"destinationPortRanges", dports}}}});
  }
  json estate = json::array();
  estate.push_back(
      {{"type", "Microsoft.Network/virtualNetworks"},
       {"name", "vnet"},
       {"id", sub + "Microsoft.Network/virtualNetworks/vnet"},
       {"properties",
        {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
         {"subnets",
          {{{"name", "web"},
            {"id", subnet_id},
            {"properties", {{"addressPrefix", "10.0.1.0/24"}, {"networkSecurityGroup", {{"id", nsg_id}}}}}}}}}}});
  estate.push_back({{"type", "Microsoft.Network/networkSecurityGroups"},
                    {"name", "nsg-wide"},
                    {"id", nsg_id},
                    {"properties", {{"securityRules", list}}}});
  estate.push_back({{"type", "Microsoft.Network/publicIPAddresses"},
                    {"name", "pip-1"},
                    {"id", pip_id},
                    {"sku", {{"name", "Standard"}}},
                    {"properties", {{"ipAddress", "20.1.1.10"}, {"publicIPAllocationMethod", "Static"}}}});
  estate.push_back({{"type", "Microsoft.Network/networkInterfaces"},
                    {"name", "nic-1"},
                    {"id", nic_id},
                    {"properties",
                     {{"virtualMachine", {{"id", vm_id}}},
                      {"ipConfigurations",
                       {{{"name", "ipconfig1"},
                         {"properties",
                          {{"primary", true},
                           {"privateIPAddress", "10.0.1.4"},
                           {"subnet", {{"id", subnet_id}}},
                           {"publicIPAddress", {{"id", pip_id}}}}}}}}}}});
  estate.push_back({{"type", "Microsoft.Compute/virtualMachines"},
                    {"name", "vm-1"},
                    {"id", vm_id},
                    {"properties", {{"networkProfile", {{"networkInterfaces", {{{"id", nic_id}}}}}}}}});
  return estate.dump();
}

}  // namespace

TEST_CASE("an NSG past the work budget is read as admitting everything with a warning and the run goes on",
          "[cli][security]") {
  const auto dir = exposim::testing::scratch_dir("limits-work-budget");
  // 1,000 rules (Azure's most per NSG), allow and deny alternating: the even ones from the Internet tag, the odd ones
  // from eight /24s of their own (4,000 prefixes, Azure's most). Each of the 4,000 source classes is in about 500
  // rules, whose port windows cut its axes into about 1,000 classes each: about 6 x 10^10 units class by class,
  // 5 x 10^11 as one product, past the budget of 10^9 either way. The budget is charged before the cells are tested,
  // so the run goes on at once with the NSG admitting everything.
  const std::string wide = (dir / "wide.json").string();
  exposim::testing::write_file(wide, limits_wide_nsg_estate(1000, 1, true, true));
  const auto table = exposim::testing::run_exposim({"analyze", wide});
  const auto js = exposim::testing::run_exposim({"analyze", wide, "--format", "json"});
  // explain decides its one packet exactly: from 20.0.0.7 (only in the Internet tag of the even rules) with source
  // port 49152 (outside every rule's source ports), DenyAllInBound, a packet the over-approximation holds.
  const auto explained = exposim::testing::run_exposim(
      {"explain", wide, "--from", "20.0.0.7", "--to", "vm-1", "--port", "5000", "--protocol", "tcp"});
  // 30 rules: 2 x 60 x 60 x 31 x 1 word, about 2 x 10^5 units, analysed exactly.
  exposim::testing::write_file(dir / "narrow.json", limits_wide_nsg_estate(30));
  const auto under = exposim::testing::run_exposim({"analyze", (dir / "narrow.json").string()});
  std::filesystem::remove_all(dir);
  INFO(table.err);
  CHECK(table.code == cli::kExitOk);
  const std::string warning =
      "warning: the rules of network security group 'nsg-wide' cut the packets arriving at it into more cells than "
      "1000000000 work units decide: it is read as admitting every packet that arrives at it, so the exposures "
      "through it are an over-approximation [nsg-over-approximated]\n";
  CHECK_THAT(table.err, Catch::Contains(warning));
  // The over-approximation: every protocol and port from any source, through the NSG and no rule of it. It holds the
  // exact answer (TCP from any source, source ports 1000-3000 to destination ports 1-1001 through r0, ...) and more
  // (UDP, which no rule admits).
  CHECK_THAT(table.out, Catch::Contains("public-ip  tcp          all    any      subnet: nsg-wide (over-approximated: "
                                        "assumed to allow) > nic: no NSG\n"));
  CHECK_THAT(table.out, Catch::Contains("public-ip  udp          all    any      subnet: nsg-wide (over-approximated: "
                                        "assumed to allow) > nic: no NSG\n"));
  CHECK_THAT(table.out, Catch::Contains("5 exposures on 1 of 1 ip configuration with an internet entry"));
  REQUIRE(js.code == cli::kExitOk);
  const auto doc = json::parse(js.out);
  bool noted = false;
  for (const auto& e : doc["exposures"]) {
    for (const auto& h : e["path"]) {
      if (h.value("hop", "") == "nsg") {
        CHECK(h["name"] == "nsg-wide");
        CHECK_FALSE(h.contains("rule"));
        CHECK(h.value("note", "") == std::string(solver::kNsgOverApproximatedNote));
        noted = true;
      }
    }
  }
  CHECK(noted);
  CHECK_THAT(explained.out, Catch::Contains("flow: tcp 20.0.0.7:49152 -> vm-1 (20.1.1.10) port 5000\n"));
  CHECK_THAT(explained.out, Catch::Contains("verdict: denied at nsg (subnet): DenyAllInBound (65500, deny, default "
                                            "rule)"));
  CHECK(under.code == cli::kExitOk);
  CHECK_THAT(under.out, Catch::Contains("vm-1"));
  CHECK(under.err.find("nsg-over-approximated") == std::string::npos);
}
