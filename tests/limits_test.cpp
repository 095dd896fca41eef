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
/// (the i-th /24 from 20.0.0.0), source ports 1000+i to 3000+i and destination ports 1+i to 1001+i: the port ranges
/// overlap in staggered windows, so each boundary starts a class of its own (about 2 x rules classes per port axis).
std::string limits_wide_nsg_estate(int rules) {
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/";
  const std::string subnet_id = sub + "Microsoft.Network/virtualNetworks/vnet/subnets/web";
  const std::string nsg_id = sub + "Microsoft.Network/networkSecurityGroups/nsg-wide";
  const std::string pip_id = sub + "Microsoft.Network/publicIPAddresses/pip-1";
  const std::string nic_id = sub + "Microsoft.Network/networkInterfaces/nic-1";
  const std::string vm_id = sub + "Microsoft.Compute/virtualMachines/vm-1";
  json list = json::array();
  for (int i = 0; i < rules; ++i) {
    list.push_back({{"name", fmt::format("r{}", i)},
                    {"properties",
                     {{"priority", 100 + i},
                      {"direction", "Inbound"},
                      {"access", "Allow"},
                      {"protocol", "Tcp"},
                      {"sourceAddressPrefix", fmt::format("20.{}.{}.0/24", i / 256, i % 256)},
                      {"sourcePortRange", fmt::format("{}-{}", 1000 + i, 3000 + i)},
                      {"destinationAddressPrefix", "*"},
                      {"destinationPortRange", fmt::format("{}-{}", 1 + i, 1001 + i)}}}});
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

TEST_CASE("an NSG evaluation past the work budget ends the run with exit 2 at once instead of running for minutes",
          "[cli][security]") {
  const auto dir = exposim::testing::scratch_dir("limits-work-budget");
  // 1,000 rules (Azure's most per NSG): about 1,001 source classes x 2,000 x 2,000 port classes x 2 ported
  // protocols x 16 words of rule bits, 1.3 x 10^11 units, past the budget of 10^9; the budget is charged before
  // the cells are tested, so the run ends in the time the import takes.
  exposim::testing::write_file(dir / "wide.json", limits_wide_nsg_estate(1000));
  const auto past = exposim::testing::run_exposim({"analyze", (dir / "wide.json").string()});
  // 30 rules: 2 x 60 x 60 x 31 x 1 word, about 2 x 10^5 units, analysed.
  exposim::testing::write_file(dir / "narrow.json", limits_wide_nsg_estate(30));
  const auto under = exposim::testing::run_exposim({"analyze", (dir / "narrow.json").string()});
  std::filesystem::remove_all(dir);
  INFO(past.err);
  CHECK(past.code == cli::kExitBadInput);
  CHECK(past.out.empty());
  CHECK(past.err ==
        "exposim: error: evaluating NSG 'nsg-wide' for 10.0.1.4 needs more than 1000000000 work units (its rules "
        "cut the packets into too many cells); the evaluation is not done\n");
  CHECK(under.code == cli::kExitOk);
  CHECK_THAT(under.out, Catch::Contains("vm-1"));
}
