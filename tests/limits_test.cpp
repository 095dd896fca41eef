// Hard limits against hostile input (docs/security.md, "Limits"): each at the limit and one past it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/process.h"
#include "importers/arm/template.h"
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
