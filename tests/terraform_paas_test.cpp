// Terraform plans of PaaS services (Key Vault, SQL, Cosmos DB, App Service) and of scale sets behind a load
// balancer's NAT pool, read through the Azure reader. The fixtures in tests/data/terraform/ are written in the shape
// `terraform show -json` prints; the expected exposures are worked out by hand from the resources they declare and
// Azure's ports for each service (docs/model.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_report.h"
#include "importers/inputs.h"
#include "importers/terraform/plan.h"
#include "model/unknown.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "terraform_support.h"

namespace {

using namespace exposim;
using Lines = std::vector<std::string>;
using solver::Hop;

using terraform_support::run_terraform;
using terraform_support::terraform_data;
using terraform_support::TerraformRun;

/// A fixture changed by `edit` before the import (a variant of a plan, named `name` in diagnostics).
template <typename Edit>
TerraformRun run_edited(const std::string& name, Edit edit) {
  std::ifstream in(terraform_data(name));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str());
  edit(doc);
  TerraformRun r;
  importers::terraform::import_plan(doc.dump(), name, {}, r.model, r.diags);
  model::validate(r.model, r.diags, model::ValidateOptions{true});
  r.analysis = solver::analyze(r.model);
  return r;
}

/// "service ports sources scope" for every PaaS public endpoint exposure, sorted; scope is the deciding hop's
/// (`ip-rules`, `default-action`, `firewall-rules`, `access-restrictions`, `scm-...` for the SCM site).
Lines paas_plan_paas_side(const TerraformRun& r) {
  Lines out;
  for (const auto& e : r.analysis.exposures) {
    if (e.via != solver::Via::kPaasPublic) continue;
    std::string sources = e.any_source ? "any" : "";
    if (!e.any_source) {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    out.push_back(
        fmt::format("{} {} {} {}", cli::target_name(r.model, e), model::to_string(e.ports), sources, e.path[1].scope));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// "instance tcp 22 entry 50000 any lb/pool": exposures of VMs and scale set instances, sorted.
Lines paas_plan_vm_side(const TerraformRun& r) {
  Lines out;
  for (const auto& e : r.analysis.exposures) {
    if (e.nic < 0) continue;
    std::string line =
        fmt::format("{} {} {} entry {} {}", cli::target_name(r.model, e), model::to_string(e.protocol),
                    model::to_string(e.ports), model::to_string(e.entry_ports), e.any_source ? "any" : "some");
    for (const auto& h : e.path) {
      if (h.kind == Hop::Kind::kLoadBalancer && std::string_view(h.scope) == "inbound-nat-pool") {
        const auto& lb = r.model.load_balancers[h.resource];
        line += fmt::format(" {}/{}", lb.name, lb.nat_pools[h.rule].name);
      }
    }
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// "code pointer: message" of the diagnostics of `severity` and above, sorted.
Lines paas_plan_diagnostics(const TerraformRun& r, model::Severity severity) {
  Lines out;
  for (const auto& d : r.diags.sorted()) {
    if (d.severity >= severity) out.push_back(fmt::format("{} {}: {}", d.code, d.where.pointer, d.message));
  }
  return out;
}

/// Adds resource `type`.`name` to a plan: its known `values`, the attributes in `unknown` (known after apply) and the
/// configuration's `expressions`.
void paas_plan_add(nlohmann::json& doc, const std::string& type, const std::string& name, const nlohmann::json& values,
                   const nlohmann::json& unknown, const nlohmann::json& expressions) {
  const std::string address = type + "." + name;
  doc["planned_values"]["root_module"]["resources"].push_back(
      {{"address", address},
       {"mode", "managed"},
       {"type", type},
       {"name", name},
       {"provider_name", "registry.terraform.io/hashicorp/azurerm"},
       {"schema_version", 0},
       {"values", values},
       {"sensitive_values", nlohmann::json::object()}});
  doc["resource_changes"].push_back({{"address", address},
                                     {"mode", "managed"},
                                     {"type", type},
                                     {"name", name},
                                     {"provider_name", "registry.terraform.io/hashicorp/azurerm"},
                                     {"change",
                                      {{"actions", {"create"}},
                                       {"before", nullptr},
                                       {"after", values},
                                       {"after_unknown", unknown},
                                       {"before_sensitive", false},
                                       {"after_sensitive", nlohmann::json::object()}}}});
  doc["configuration"]["root_module"]["resources"].push_back({{"address", address},
                                                              {"mode", "managed"},
                                                              {"type", type},
                                                              {"name", name},
                                                              {"provider_config_key", "azurerm"},
                                                              {"expressions", expressions},
                                                              {"schema_version", 0}});
}

bool admits(const solver::Exposure& e, const char* address) {
  return e.sources.contains(model::to_set(*model::IpAddress::parse(address)));
}

}  // namespace

TEST_CASE("terraform PaaS: Key Vault, SQL, Cosmos DB and web apps of an azurerm 4.x plan", "[terraform]") {
  // paas.json. Ports (docs/model.md): Key Vault 443; SQL 1433 and 11000-11999 (connection policy Default); Cosmos
  // DB's NoSQL API 443 and 10000-20000; a web app 443, and 80 unless https_only.
  // - kv-orders-open: no network_acls (computed, not configured): Azure's default, Allow, assumed and noted.
  // - kv-orders-locked: Deny with one IP rule, 81.2.69.0/24; bypass AzureServices admits no internet client.
  // - kv-orders-private: public network access disabled: closed, and no note.
  // - sql-orders: one firewall rule, 81.2.69.10-81.2.69.20 = .10/31, .12/30, .16/30, .20/32.
  // - cosmos-orders: ip_range_filter (a set in 4.x): two rules, everything else denied.
  // - app-orders: https_only, one restriction (office) and default action Deny; the SCM site uses the main
  //   site's restrictions.
  // - app-orders-open: the same restriction, but the default action is the provider's default, Allow (azurerm
  //   3.95 and later): every other source reaches it too; its SCM site has no restriction and Allow.
  auto r = run_terraform("paas.json");
  CHECK_FALSE(r.diags.has_errors());
  Lines lines = paas_plan_paas_side(r);
  // The rest of the internet through app-orders-open's default action: every source but the office.
  const auto rest = std::find_if(r.analysis.exposures.begin(), r.analysis.exposures.end(), [&](const auto& e) {
    return e.via == solver::Via::kPaasPublic && cli::target_name(r.model, e) == "app-orders-open" &&
           std::string_view(e.path[1].scope) == "default-action";
  });
  REQUIRE(rest != r.analysis.exposures.end());
  CHECK(admits(*rest, "8.8.8.8"));
  CHECK_FALSE(admits(*rest, "81.2.69.1"));
  const auto is_rest = [](const std::string& l) {
    const std::string_view tail = " default-action";
    return l.rfind("app-orders-open ", 0) == 0 && l.size() > tail.size() &&
           l.compare(l.size() - tail.size(), tail.size(), tail) == 0;
  };
  REQUIRE(std::count_if(lines.begin(), lines.end(), is_rest) == 1);
  lines.erase(std::remove_if(lines.begin(), lines.end(), is_rest), lines.end());
  CHECK(lines == Lines{
                     "app-orders 443 81.2.69.0/24 access-restrictions",
                     "app-orders 443 81.2.69.0/24 scm-access-restrictions",
                     "app-orders-open 80,443 81.2.69.0/24 access-restrictions",
                     "app-orders-open 80,443 any scm-default-action",
                     "cosmos-orders 443,10000-20000 20.30.40.0/24 ip-rules",
                     "cosmos-orders 443,10000-20000 81.2.69.7/32 ip-rules",
                     "kv-orders-locked 443 81.2.69.0/24 ip-rules",
                     "kv-orders-open 443 any default-action",
                     "sql-orders 1433,11000-11999 81.2.69.10/31,81.2.69.12/30,81.2.69.16/30,81.2.69.20/32 "
                     "firewall-rules",
                 });
  CHECK(paas_plan_diagnostics(r, model::Severity::kNote) ==
        Lines{"unmodelled-types /planned_values/root_module: 1 resource of an azurerm type exposim does not read yet "
              "is left out: azurerm_service_plan.plan",
              "assumed-default /planned_values/root_module/resources/1/values: azurerm_key_vault.open: no network ACLs "
              "are configured: Azure's default is assumed, the public endpoint admits every internet source (default "
              "action Allow)"});
  // The firewall rule, a separate resource, is attached to its server through the configuration's reference.
  const auto sql = std::find_if(r.model.paas_services.begin(), r.model.paas_services.end(),
                                [](const auto& s) { return s.name == "sql-orders"; });
  REQUIRE(sql != r.model.paas_services.end());
  REQUIRE(sql->ip_rules.size() == 1);
  CHECK(sql->ip_rules[0].where.pointer == "/planned_values/root_module/resources/5");
}

TEST_CASE("terraform PaaS: an azurerm 2.x plan's legacy SQL server, Cosmos DB string filter and app service",
          "[terraform]") {
  // paas_azurerm2.json.
  // - sql-legacy (azurerm_sql_server): connection policy Proxy, 1433 only; its azurerm_sql_firewall_rule (found by
  //   server_name and resource group) is 0.0.0.0-0.0.0.0, "allow Azure services": taken as the whole internet.
  // - cosmos-legacy: kind MongoDB with EnableMongo: 443 and 10250-10256; ip_range_filter as one string.
  // - app-legacy (azurerm_app_service): the restriction is 81.2.69.0 with subnet mask 255.255.255.0, a /24 (read
  //   without the mask it would be one address); no default action: deny after the restrictions. Its SCM site has
  //   no restriction: open. Not https_only: 80 and 443.
  auto r = run_terraform("paas_azurerm2.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(paas_plan_paas_side(r) == Lines{
                                      "app-legacy 80,443 81.2.69.0/24 access-restrictions",
                                      "app-legacy 80,443 any scm-default-action",
                                      "cosmos-legacy 443,10250-10256 20.30.40.0/24 ip-rules",
                                      "cosmos-legacy 443,10250-10256 81.2.69.7/32 ip-rules",
                                      "sql-legacy 1433 any firewall-rules",
                                  });
  CHECK(paas_plan_diagnostics(r, model::Severity::kWarning) ==
        Lines{"unmodelled-types /planned_values/root_module: 1 resource of an azurerm type exposim does not read yet "
              "is left out: azurerm_app_service_plan.plan",
              "unresolved-service-tag /planned_values/root_module/resources/2: azurerm_sql_firewall_rule.azure: "
              "firewall rule 'AllowAzureServices' (0.0.0.0-0.0.0.0) allows all Azure services, other customers' "
              "included; Azure's ranges are not resolved: taken as the whole internet"});
}

TEST_CASE("terraform scale set behind a Standard load balancer: the NAT pool's ports reach the instances",
          "[terraform]") {
  // scale_set.json (azurerm 3.x): vmss-app, 2 instances, in snet-app behind nsg-app (allow-ssh: 22 from any);
  // ip configuration in pool-app and in the NAT pool ssh (load_balancer_inbound_nat_rules_ids), all known only
  // after apply and resolved from the configuration. lb-app is Standard on pip-lb; ssh maps 50000-50119 to 22:
  // instance 0 gets 50000, instance 1 50001. The pool's IP-address backend (10.0.1.50) is not modelled: a warning.
  auto r = run_terraform("scale_set.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(paas_plan_vm_side(r) ==
        Lines{"vmss-app_0 tcp 22 entry 50000 any lb-app/ssh", "vmss-app_1 tcp 22 entry 50001 any lb-app/ssh"});
  CHECK(paas_plan_diagnostics(r, model::Severity::kNote) ==
        Lines{"unmodelled-feature /planned_values/root_module/resources/10: "
              "azurerm_lb_backend_address_pool_address.appliance: load balancer 'lb-app': backend pool 'pool-app' has "
              "1 IP-address-based backend, not modelled: exposure through it is not reported"});
  REQUIRE(r.model.load_balancers.size() == 1);
  const auto& lb = r.model.load_balancers[0];
  REQUIRE(lb.nat_pools.size() == 1);
  CHECK(lb.nat_pools[0].where.pointer == "/planned_values/root_module/resources/8");
  CHECK(lb.nat_pools[0].members.size() == 2);
  REQUIRE(r.model.scale_sets.size() == 1);
  CHECK(r.model.scale_sets[0].capacity == 2);
  CHECK(r.model.scale_sets[0].where.pointer == "/planned_values/root_module/resources/9");
}

TEST_CASE("terraform PaaS and scale sets: what is only known after apply can only add exposure", "[terraform]") {
  SECTION("a scale set's instance count: one instance per port of its NAT pool") {
    // 50000-50119: 120 instances, each reached on its own port.
    auto r = run_edited("scale_set.json", [](nlohmann::json& doc) {
      for (auto* list : {&doc["planned_values"]["root_module"]["resources"][9]["values"],
                         &doc["resource_changes"][9]["change"]["after"]}) {
        list->erase("instances");
      }
      doc["resource_changes"][9]["change"]["after_unknown"]["instances"] = true;
      doc["configuration"]["root_module"]["resources"][9]["expressions"]["instances"] =
          nlohmann::json{{"references", {"var.instances"}}};
    });
    CHECK_FALSE(r.diags.has_errors());
    const Lines lines = paas_plan_vm_side(r);
    CHECK(lines.size() == 120);
    CHECK(std::count(lines.begin(), lines.end(), "vmss-app_119 tcp 22 entry 50119 any lb-app/ssh") == 1);
  }
  SECTION("network ACLs, restrictions, an IP range filter and a firewall rule's address from unknown values") {
    auto r = run_edited("paas.json", [](nlohmann::json& doc) {
      auto& pv = doc["planned_values"]["root_module"]["resources"];
      auto& rc = doc["resource_changes"];
      auto& cfg = doc["configuration"]["root_module"]["resources"];
      // kv-orders-locked (2): network_acls from a dynamic block over a value only known after apply.
      pv[2]["values"].erase("network_acls");
      rc[2]["change"]["after"].erase("network_acls");
      rc[2]["change"]["after_unknown"]["network_acls"] = true;
      cfg[2]["expressions"]["network_acls"] = nlohmann::json{{"references", {"var.acls"}}};
      // app-orders (8): ip_restriction likewise.
      pv[8]["values"]["site_config"][0].erase("ip_restriction");
      rc[8]["change"]["after"]["site_config"][0].erase("ip_restriction");
      rc[8]["change"]["after_unknown"]["site_config"][0]["ip_restriction"] = true;
      cfg[8]["expressions"]["site_config"][0]["ip_restriction"] = nlohmann::json{{"references", {"var.rules"}}};
      // cosmos-orders (6): ip_range_filter; the SQL firewall rule (5): its start address.
      for (auto [index, key] : {std::pair{6, "ip_range_filter"}, std::pair{5, "start_ip_address"}}) {
        pv[index]["values"].erase(key);
        rc[index]["change"]["after"].erase(key);
        rc[index]["change"]["after_unknown"][key] = true;
        cfg[index]["expressions"][key] = nlohmann::json{{"references", {"var.addresses"}}};
      }
    });
    CHECK_FALSE(r.diags.has_errors());
    const Lines lines = paas_plan_paas_side(r);
    CHECK(std::count(lines.begin(), lines.end(), "kv-orders-locked 443 any default-action") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "app-orders 443 any access-restrictions") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "cosmos-orders 443,10000-20000 any ip-rules") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "sql-orders 1433,11000-11999 any firewall-rules") == 1);
  }
}

TEST_CASE("terraform orchestrated scale sets: VMs that name one are its instances, and instance public IP SKUs",
          "[terraform]") {
  // orchestrated.json (azurerm 4.x):
  // - vmss-flex has no network_interface and no instances: vm1 names it (virtual_machine_scale_set_id) and is its
  //   instance; vm1's NIC has a Standard public IP in snet-web, whose NSG allows 443 from any: 443 is exposed.
  // - vmss-pub: 2 instances with a public IP each, sku_name Standard_Regional, in snet-pub without any NSG: a
  //   Standard public IP admits nothing without an NSG (read as the reader's default, Basic, both instances would
  //   be open on every port).
  auto r = run_terraform("orchestrated.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(paas_plan_vm_side(r) == Lines{"vm1 tcp 443 entry 443 any"});
  CHECK(paas_plan_diagnostics(r, model::Severity::kNote) ==
        Lines{"scale-set-capacity-unknown /planned_values/root_module/resources/6: "
              "azurerm_orchestrated_virtual_machine_scale_set.flex: scale set 'vmss-flex' has no 'sku.capacity'; "
              "assuming 1 instance"});
  REQUIRE(r.model.scale_sets.size() == 2);
  for (const auto& s : r.model.scale_sets) {
    CHECK(s.flexible);
    REQUIRE(s.instance_nics.size() == (s.name == "vmss-flex" ? 1u : 2u));
    if (s.name == "vmss-flex") CHECK(r.model.nics[s.instance_nics[0]].name == "nic-vm1");
  }
  int instance_ips = 0;
  for (const auto& p : r.model.public_ips) {
    if (p.name != "pub") continue;
    ++instance_ips;
    CHECK(p.sku == model::Sku::kStandard);
  }
  CHECK(instance_ips == 2);
}

TEST_CASE("terraform web app restrictions by service tag with headers, and by subnet", "[terraform]") {
  // paas.json with app-orders' restrictions replaced: Front Door's service tag with an X-Azure-FDID header (the
  // tag is not resolved: an allow rule takes the whole internet, with a warning), then a subnet (service endpoint
  // traffic, never an internet source). The default action stays Deny.
  const std::string subnet =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Network/"
      "virtualNetworks/vnet-data/subnets/snet-app";
  const nlohmann::json restrictions =
      nlohmann::json::array({{{"action", "Allow"},
                              {"description", ""},
                              {"headers",
                               {{{"x_azure_fdid", {"11111111-2222-3333-4444-555555555555"}},
                                 {"x_fd_health_probe", nlohmann::json::array()},
                                 {"x_forwarded_for", nlohmann::json::array()},
                                 {"x_forwarded_host", nlohmann::json::array()}}}},
                              {"ip_address", ""},
                              {"name", "frontdoor"},
                              {"priority", 100},
                              {"service_tag", "AzureFrontDoor.Backend"},
                              {"virtual_network_subnet_id", ""}},
                             {{"action", "Allow"},
                              {"description", ""},
                              {"headers", nlohmann::json::array()},
                              {"ip_address", ""},
                              {"name", "vnet"},
                              {"priority", 200},
                              {"service_tag", ""},
                              {"virtual_network_subnet_id", subnet}}});
  auto r = run_edited("paas.json", [&](nlohmann::json& doc) {
    doc["planned_values"]["root_module"]["resources"][8]["values"]["site_config"][0]["ip_restriction"] = restrictions;
    doc["resource_changes"][8]["change"]["after"]["site_config"][0]["ip_restriction"] = restrictions;
    doc["resource_changes"][8]["change"]["after_unknown"]["site_config"][0]["ip_restriction"] = nlohmann::json::array(
        {{{"headers", nlohmann::json::array({nlohmann::json::object()})}}, {{"headers", nlohmann::json::array()}}});
    doc["configuration"]["root_module"]["resources"][8]["expressions"]["site_config"][0].erase("ip_restriction");
  });
  CHECK_FALSE(r.diags.has_errors());
  const Lines lines = paas_plan_paas_side(r);
  CHECK(std::count(lines.begin(), lines.end(), "app-orders 443 any access-restrictions") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "app-orders 443 any scm-access-restrictions") == 1);
  const auto warnings = paas_plan_diagnostics(r, model::Severity::kWarning);
  CHECK(std::count(warnings.begin(), warnings.end(),
                   "unresolved-service-tag /planned_values/root_module/resources/8/values/site_config/0/ip_restriction/"
                   "0/service_tag: azurerm_linux_web_app.web: service tag 'AzureFrontDoor.Backend' is not resolved to "
                   "addresses: allow rules treat it as the whole internet, deny rules as nothing (--service-tags FILE "
                   "resolves it to its published prefixes)") == 1);
  const auto app = std::find_if(r.model.paas_services.begin(), r.model.paas_services.end(),
                                [](const auto& s) { return s.name == "app-orders"; });
  REQUIRE(app != r.model.paas_services.end());
  REQUIRE(app->ip_rules.size() == 2);
  CHECK(app->ip_rules[0].has_headers);
  CHECK(app->ip_rules[1].subnet_only);
  CHECK(app->ip_rules[1].text == subnet);
}

TEST_CASE("terraform PaaS: SQL virtual network rules join their server by server_id or server_name", "[terraform]") {
  // azurerm_mssql_virtual_network_rule names its server by `server_id` (known after apply, found through the
  // configuration's reference), azurerm_sql_virtual_network_rule by `server_name` and `resource_group_name`;
  // `subnet_id` becomes the rule's virtualNetworkSubnetId. A subnet id known after apply stays unknown (the rule may
  // admit any subnet). A rule whose server is not in the plan: a warning at the rule, not analysed.
  const std::string subnet =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
      "Microsoft.Network/virtualNetworks/vnet/subnets/app";
  const nlohmann::json by_server = {{"references", {"azurerm_mssql_server.sql.id", "azurerm_mssql_server.sql"}}};
  SECTION("azurerm_mssql_virtual_network_rule") {
    auto r = run_edited("paas.json", [&](nlohmann::json& doc) {
      paas_plan_add(doc, "azurerm_mssql_virtual_network_rule", "app",
                    {{"name", "app"}, {"subnet_id", subnet}, {"ignore_missing_vnet_service_endpoint", false}},
                    {{"id", true}, {"server_id", true}},
                    {{"name", {{"constant_value", "app"}}},
                     {"server_id", by_server},
                     {"subnet_id", {{"constant_value", subnet}}}});
      paas_plan_add(doc, "azurerm_mssql_virtual_network_rule", "later", {{"name", "later"}},
                    {{"id", true}, {"server_id", true}, {"subnet_id", true}},
                    {{"name", {{"constant_value", "later"}}},
                     {"server_id", by_server},
                     {"subnet_id", {{"references", {"azurerm_subnet.later.id", "azurerm_subnet.later"}}}}});
      paas_plan_add(doc, "azurerm_mssql_virtual_network_rule", "orphan",
                    {{"name", "orphan"},
                     {"server_id",
                      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
                      "Microsoft.Sql/servers/elsewhere"},
                     {"subnet_id", subnet}},
                    {{"id", true}}, nlohmann::json::object());
    });
    CHECK_FALSE(r.diags.has_errors());
    const auto sql = std::find_if(r.model.paas_services.begin(), r.model.paas_services.end(),
                                  [](const auto& s) { return s.name == "sql-orders"; });
    REQUIRE(sql != r.model.paas_services.end());
    REQUIRE(sql->virtual_network_rules.size() == 2);
    CHECK(sql->virtual_network_rules[0].id == model::canonical_id(subnet));
    CHECK(model::is_unknown(sql->virtual_network_rules[1]));
    Lines orphans;
    for (const auto& d : r.diags.items()) {
      if (d.code == "dangling-parent") orphans.push_back(fmt::format("{} {}", d.where.pointer, d.message));
    }
    CHECK(orphans == Lines{"/planned_values/root_module/resources/12 azurerm_mssql_virtual_network_rule.orphan: "
                           "virtual network rule 'orphan' has no parent in the input: SQL server "
                           "'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
                           "Microsoft.Sql/servers/elsewhere' is not declared (an existing resource, or a name only "
                           "known after apply); the virtual network rule is not analysed"});
  }
  SECTION("azurerm_sql_virtual_network_rule") {
    auto r = run_edited("paas_azurerm2.json", [&](nlohmann::json& doc) {
      paas_plan_add(
          doc, "azurerm_sql_virtual_network_rule", "app",
          {{"name", "app"}, {"server_name", "sql-legacy"}, {"resource_group_name", "rg-legacy"}, {"subnet_id", subnet}},
          {{"id", true}},
          {{"name", {{"constant_value", "app"}}},
           {"server_name", {{"references", {"azurerm_sql_server.legacy.name", "azurerm_sql_server.legacy"}}}},
           {"resource_group_name", {{"references", {"azurerm_resource_group.rg.name", "azurerm_resource_group.rg"}}}},
           {"subnet_id", {{"constant_value", subnet}}}});
    });
    CHECK_FALSE(r.diags.has_errors());
    REQUIRE(r.model.paas_services.size() >= 1);
    const auto sql = std::find_if(r.model.paas_services.begin(), r.model.paas_services.end(),
                                  [](const auto& s) { return s.name == "sql-legacy"; });
    REQUIRE(sql != r.model.paas_services.end());
    CHECK(sql->virtual_network_rules.size() == 1);
    CHECK(sql->virtual_network_rules.at(0).id == model::canonical_id(subnet));
    CHECK(std::none_of(r.diags.items().begin(), r.diags.items().end(),
                       [](const auto& d) { return d.code == "dangling-parent"; }));
  }
}
