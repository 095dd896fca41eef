// Terraform plans whose list attributes hold an element only known after apply: `terraform show -json` keeps the
// list, prints null in `after` at that element and `true` at its position in `after_unknown`
// (`backend_address_pool_ids = [azurerm_lb_backend_address_pool.web.id]` in a create plan: `[null]`, `[true]`).
// Such a list is partly unknown (docs/terraform.md, "Unknown values"): a list of ids keeps its known ids and
// resolves the rest through the configuration's references; any other list is unknown as a whole, which the Azure
// reader widens. The fixtures in tests/data/terraform/ are written in the shape Terraform prints; the expected
// exposures are worked out by hand from the resources they declare.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "scenario_summary.h"
#include "solver/analysis.h"
#include "terraform_support.h"

namespace {

using namespace exposim;
using Lines = std::vector<std::string>;

using terraform_support::run_terraform;
using terraform_support::terraform_data;
using terraform_support::TerraformRun;

/// "target via ports sources" for every exposure, sorted.
Lines unknown_list_exposures(const TerraformRun& r) {
  Lines out;
  for (const auto& e : r.analysis.exposures) {
    std::string sources = e.any_source ? "any" : "";
    if (!e.any_source) {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    out.push_back(fmt::format("{} {} {} {}", cli::target_name(r.model, e), solver::to_string(e.via),
                              model::to_string(e.ports), sources));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// "code pointer" of the diagnostics of `severity` and above, sorted.
Lines unknown_list_diagnostics(const TerraformRun& r, model::Severity severity) {
  Lines out;
  for (const auto& d : r.diags.sorted()) {
    if (d.severity >= severity) out.push_back(fmt::format("{} {}", d.code, d.where.pointer));
  }
  return out;
}

}  // namespace

TEST_CASE("a load balancing rule naming a pool created by the plan forwards to that pool", "[terraform]") {
  // lb_unknown_pool.json: lb-web (Basic) on pip-lb (20.6.0.1) and vm1 (nic-vm1, 10.6.0.4 in snet-lb, no NSG)
  // exist; the plan creates pool web-pool, rule http (80 -> 8080) with backend_address_pool_ids [null] (after_unknown
  // [true], the configuration references azurerm_lb_backend_address_pool.web) and vm1's association with the pool
  // (its pool id unknown too, resolved the same way). The rule forwards to web-pool, whose id is composed from the
  // load balancer's and the pool's name; vm1 joins it. A Basic load balancer with no NSG on the path is open: vm1's
  // 8080 is exposed to any source. Reading [null] as an empty list dropped the pool and hid the exposure.
  auto r = run_terraform("lb_unknown_pool.json");
  CHECK(unknown_list_exposures(r) == Lines{"vm1 load-balancer 8080 any"});
  REQUIRE(r.model.load_balancers.size() == 1);
  const auto& lb = r.model.load_balancers[0];
  REQUIRE(lb.rules.size() == 1);
  REQUIRE(lb.rules[0].backend_pools.size() == 1);
  // Resolved through the reference: no unknown pool is left.
  CHECK(unknown_list_diagnostics(r, model::Severity::kWarning).empty());
}

TEST_CASE("an NSG rule whose source prefix list holds an address only known after apply admits any source",
          "[terraform]") {
  // nsg_unknown_prefixes.json: vm1 (nic-vm1, 10.8.0.4, public IP pip-vm1 20.8.0.10, Standard) in snet-app behind
  // nsg-app exists; the plan creates pip-jump and rule allow-ssh (inbound allow Tcp 22, priority 100) with
  // source_address_prefixes [null] / [true] (azurerm_public_ip.jump.ip_address). The list is unknown as a whole and
  // the Azure reader widens an unknown source to every source: 22 is exposed to any source through allow-ssh.
  // Reading [null] as an empty list made the rule match no source and hid the exposure.
  auto r = run_terraform("nsg_unknown_prefixes.json");
  CHECK(unknown_list_exposures(r) == Lines{"vm1 public-ip 22 any"});
  // One unknown-value warning, at the list; the rule is read (no missing-field error for its source).
  CHECK(unknown_list_diagnostics(r, model::Severity::kWarning) ==
        Lines{"unknown-value /planned_values/root_module/resources/7/values/source_address_prefixes"});
}

TEST_CASE("a list of pool ids with a known and an unknown element keeps the known id and resolves the other",
          "[terraform]") {
  // lb_mixed_pools.json: lb-web (Basic, pip-lb 20.7.0.1) with existing pool old-pool (vm1, 10.7.0.4, joins it);
  // the plan creates pool new-pool (vm2, 10.7.0.5, joins it) and rule http (80 -> 8080) with
  // backend_address_pool_ids [<old-pool id>, null] (after_unknown [false, true]; the configuration references both
  // pools). The rule forwards to both pools, each once: vm1 and vm2 are exposed on 8080 to any source. Skipping the
  // null kept old-pool only and hid vm2.
  auto r = run_terraform("lb_mixed_pools.json");
  CHECK(unknown_list_exposures(r) == Lines{"vm1 load-balancer 8080 any", "vm2 load-balancer 8080 any"});
  REQUIRE(r.model.load_balancers.size() == 1);
  const auto& lb = r.model.load_balancers[0];
  REQUIRE(lb.rules.size() == 1);
  CHECK(lb.rules[0].backend_pools.size() == 2);
  CHECK(unknown_list_diagnostics(r, model::Severity::kWarning).empty());
}

TEST_CASE("an element of a list of pool ids that no reference resolves is any pool of the load balancer",
          "[terraform]") {
  // lb_unresolved_pool.json: lb_mixed_pools.json with the rule's backend_address_pool_ids written as
  // [azurerm_lb_backend_address_pool.old.id, var.extra_pool_id]: [<old-pool id>, null] / [false, true], and the
  // configuration references old-pool and a variable. The references resolve no id beyond the known one, so the
  // list is old-pool and one pool only known after apply. A rule's pools are its own load balancer's, and the
  // variable may hold new-pool's id: the unknown pool is read as every pool of the load balancer, so vm1
  // (old-pool) and vm2 (new-pool) are both exposed on 8080 to any source. Before this was fixed the unknown pool
  // was dropped (a missing-reference warning) and vm2 was not reported: an unknown hid an exposure.
  auto r = run_terraform("lb_unresolved_pool.json");
  CHECK(unknown_list_exposures(r) == Lines{"vm1 load-balancer 8080 any", "vm2 load-balancer 8080 any"});
  CHECK(unknown_list_diagnostics(r, model::Severity::kWarning) ==
        Lines{"unknown-value /planned_values/root_module/resources/6/values/backend_address_pool_ids"});
}
