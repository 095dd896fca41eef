// Terraform plans and state with application gateways (and their WAF policies and NIC pool associations), Virtual
// WAN hubs and connections, and private endpoints to storage accounts, read through the Azure reader. The fixtures
// in tests/data/terraform/ are written in the shape `terraform show -json` prints; the expected exposures and
// model are worked out by hand from the resources they declare (docs/model.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "tests/gateway_estate.h"
#include "tests/terraform_support.h"

namespace {

using terraform_support::terraform_data;

using namespace exposim;
using Lines = std::vector<std::string>;
namespace ge = exposim::testing::gateway_estate;

ge::Run run_gateway_plan(const std::string& name) {
  ge::Run r;
  importers::import_inputs({terraform_data(name)}, {}, r.m, r.diags);
  model::validate(r.m, r.diags, model::ValidateOptions{true});
  r.a = solver::analyze(r.m);
  return r;
}

/// The exposures as gateway_estate.h prints them, sorted.
Lines gateway_plan_exposures(const ge::Run& r) {
  Lines out = ge::lines(r);
  std::sort(out.begin(), out.end());
  return out;
}

/// "code pointer message" of the diagnostics of `severity` and above, sorted.
Lines gateway_plan_diagnostics(const model::Diagnostics& diags, model::Severity severity) {
  Lines out;
  for (const auto& d : diags.sorted()) {
    if (d.severity >= severity) out.push_back(fmt::format("{} {}: {}", d.code, d.where.pointer, d.message));
  }
  return out;
}

int index_of(const auto& list, std::string_view name) {
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (list[k].name == name) return static_cast<int>(k);
  }
  return -1;
}

// The gateway agw-web (WAF_v2, policy waf-agw in Prevention) in snet-agw 10.10.1.0/24, without an NSG, with the
// frontends fe-public (the Standard public IP pip-agw) and fe-private (10.10.1.10): listeners l-https (443) and
// l-http (80), both on fe-public. Rules: r-https l-https -> pool-web,
// r-http l-http -> pool-ip, both with settings s-8080 (Http 8080). pool-web's member is nic-web1 (10.10.2.4, by the
// NIC association); pool-ip lists 10.10.2.5, nic-web2's address. Both NICs are in snet-web, whose NSG nsg-web
// admits 8080 from the gateway subnet only (allow-agw), and have no NSG of their own and no public IP.
const Lines kListeners = {
    "agw-web public-ip 443->tcp 443 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-https target",
    "agw-web public-ip 80->tcp 80 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-http target",
};
const std::string kWeb1Https =
    "nic-web1 application-gateway 443->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
    "agw(routing):l-https->8080 nsg(subnet):nsg-web/allow-agw no-nsg(nic) target";
const std::string kWeb1Http =
    "nic-web1 application-gateway 80->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
    "agw(routing):l-http->8080 nsg(subnet):nsg-web/allow-agw no-nsg(nic) target";
const std::string kWeb2Http =
    "nic-web2 application-gateway 80->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
    "agw(routing):l-http->8080 nsg(subnet):nsg-web/allow-agw no-nsg(nic) target";

Lines with(Lines lines, const std::vector<std::string>& more) {
  lines.insert(lines.end(), more.begin(), more.end());
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

TEST_CASE("terraform state: an application gateway's listeners and the backends its rules reach",
          "[terraform][application-gateway]") {
  // application_gateway_state.json: every id known; the association names pool-web by its id.
  const auto r = run_gateway_plan("application_gateway_state.json");
  CHECK(gateway_plan_diagnostics(r.diags, model::Severity::kWarning).empty());
  CHECK(gateway_plan_exposures(r) == with(kListeners, {kWeb1Https, kWeb2Http}));
  REQUIRE(r.m.application_gateways.size() == 1);
  const auto& g = r.m.application_gateways[0];
  CHECK(g.v2);
  CHECK(g.sku_name == "WAF_v2");
  // The policy's settings (enabled, Prevention) decide the gateway's WAF mode.
  CHECK(g.waf_mode == model::WafMode::kPrevention);
  // Children named by Terraform are found by the ids composed from the gateway's id and their names.
  REQUIRE(g.listeners.size() == 2);
  CHECK(g.listeners[0].frontend_port.id ==
        model::canonical_id("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-agw/providers/"
                            "Microsoft.Network/applicationGateways/agw-web/frontendPorts/port-443"));
  CHECK(g.listeners[0].frontend_port.resolved());
  CHECK(g.where.pointer == "/values/root_module/resources/8");
  CHECK(g.listeners[1].where.pointer == "/values/root_module/resources/8/values/http_listener/1");
  const int nic1 = index_of(r.m.nics, "nic-web1");
  REQUIRE(nic1 >= 0);
  REQUIRE(r.m.nics[nic1].ip_configurations.size() == 1);
  CHECK(r.m.nics[nic1].ip_configurations[0].ag_backend_pools.size() == 1);
}

TEST_CASE("terraform plan: a NIC association whose gateway pool is only known after apply joins every pool",
          "[terraform][application-gateway]") {
  // application_gateway.json: the same estate planned. The association's backend_address_pool_id is
  // `one([for p in azurerm_application_gateway.agw.backend_address_pool : p.id if p.name == "pool-web"])`, whose
  // references name the gateway's pools but not which: nic-web1 is taken to join both, so it is also reached
  // through l-http (80), which the state does not show. Every other reference resolves from the configuration.
  const auto r = run_gateway_plan("application_gateway.json");
  CHECK(gateway_plan_exposures(r) == with(kListeners, {kWeb1Https, kWeb1Http, kWeb2Http}));
  CHECK(gateway_plan_diagnostics(r.diags, model::Severity::kWarning) ==
        Lines{"unknown-value /planned_values/root_module/resources/11/values/backend_address_pool_id: "
              "azurerm_network_interface_application_gateway_backend_address_pool_association.web1: the application "
              "gateway pool of this association is only known after apply: the network interface is taken to join "
              "each of the gateway's 2 pools"});
  REQUIRE(r.m.application_gateways.size() == 1);
  const auto& g = r.m.application_gateways[0];
  CHECK(g.waf_mode == model::WafMode::kPrevention);
  REQUIRE(g.gateway_ip_configurations.size() == 1);
  CHECK(g.gateway_ip_configurations[0].subnet.resolved());
  // frontend_ip_configuration is a set: the plan lists fe-private first, the configuration fe-public first. Each
  // takes the configuration of its name: paired by position, fe-private would take fe-public's public IP reference
  // and fe-public none, and the listeners on fe-public would not be exposed.
  REQUIRE(g.frontends.size() == 2);
  CHECK(g.frontends[0].name == "fe-private");
  CHECK_FALSE(g.frontends[0].public_ip.set());
  CHECK(g.frontends[0].subnet.set());
  CHECK(g.frontends[1].name == "fe-public");
  CHECK(g.frontends[1].public_ip.resolved());
  CHECK_FALSE(g.frontends[1].subnet.set());
}

TEST_CASE("terraform plan: a virtual hub in its WAN, and a connection to a spoke with a static route",
          "[terraform][virtual-wan]") {
  // virtual_wan.json: vwan-main (Standard), hub-weu 10.100.0.0/23 in it, conn-spoke from hub-weu to vnet-spoke
  // with internet security and the static route to-nva 10.30.0.0/16 -> 10.20.0.4. Every id is only known after
  // apply and resolved from the configuration: the connection's own id from virtual_hub_id. No VM: no exposure.
  const auto r = run_gateway_plan("virtual_wan.json");
  // Validation's note on what of a hub's routing is modelled counts the connection and its spoke in the input.
  const auto warnings = gateway_plan_diagnostics(r.diags, model::Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(
      warnings[0].rfind(
          "unmodelled-feature /planned_values/root_module/resources/2: azurerm_virtual_hub.weu: virtual hub 'hub-weu' "
          "(1 spoke connection, 1 in the input): applied are ",
          0) == 0);
  CHECK(r.a.exposures.empty());
  REQUIRE(r.m.virtual_wans.size() == 1);
  CHECK(r.m.virtual_wans[0].wan_type == "Standard");
  REQUIRE(r.m.virtual_hubs.size() == 1);
  const auto& hub = r.m.virtual_hubs[0];
  CHECK(hub.virtual_wan.index == 0);
  REQUIRE(hub.address_prefix);
  CHECK(hub.address_prefix->to_string() == "10.100.0.0/23");
  REQUIRE(r.m.hub_connections.size() == 1);
  const auto& c = r.m.hub_connections[0];
  CHECK(c.name == "conn-spoke");
  CHECK(c.hub.index == 0);
  CHECK(c.remote_vnet.index == index_of(r.m.vnets, "vnet-spoke"));
  CHECK(c.remote_vnet.resolved());
  CHECK(c.enable_internet_security);
  CHECK_FALSE(c.associated_route_table.set());  // computed by the provider, not configured: absent
  REQUIRE(c.static_routes.size() == 1);
  CHECK(c.static_routes[0].name == "to-nva");
  REQUIRE(c.static_routes[0].prefixes.size() == 1);
  CHECK(c.static_routes[0].prefixes[0].to_string() == "10.30.0.0/16");
  REQUIRE(c.static_routes[0].next_hop_ip);
  CHECK(c.static_routes[0].next_hop_ip->to_string() == "10.20.0.4");
}

TEST_CASE("terraform plan: private endpoints to storage accounts add no exposure and close no public endpoint",
          "[terraform][paas]") {
  // private_endpoint.json: stprivate (public network access disabled) and stpublic (enabled, network rules not
  // configured: Azure's default, Allow), each with an automatic (approved) private endpoint for blob in snet-pe.
  // Only stpublic's public endpoint is reached (443 and 445, secure transfer on); the endpoints are not.
  const auto r = run_gateway_plan("private_endpoint.json");
  CHECK(gateway_plan_diagnostics(r.diags, model::Severity::kWarning).empty());
  Lines reached;
  for (const auto& e : r.a.exposures) {
    reached.push_back(fmt::format("{} {} {} {}", cli::target_name(r.m, e), solver::to_string(e.via),
                                  model::to_string(e.ports), e.any_source ? "any" : "some"));
  }
  CHECK(reached == Lines{"stpublic paas-public 443,445 any"});
  REQUIRE(r.m.private_endpoints.size() == 2);
  for (const auto& pe : r.m.private_endpoints) {
    CHECK(pe.subnet.index == 0);
    REQUIRE(pe.connections.size() == 1);
    const auto& c = pe.connections[0];
    CHECK(c.status == model::ConnectionStatus::kApproved);
    CHECK(c.group_ids == std::vector<std::string>{"blob"});
    REQUIRE(c.target.resolved());
    CHECK(pe.name == "pe-" + r.m.paas_services[c.target.index].name + "-blob");
  }
  Lines findings;
  for (const auto& d : r.a.findings.sorted()) findings.push_back(fmt::format("{}: {}", d.code, d.message));
  CHECK(std::count(findings.begin(), findings.end(),
                   "public-beside-private-endpoint: storage 'stpublic' has 1 approved private endpoint, but its public "
                   "endpoint still admits internet sources: a private endpoint does not close the public endpoint") ==
        1);
}

TEST_CASE("terraform plan: a gateway's frontend port and pool addresses only known after apply",
          "[terraform][application-gateway]") {
  // application_gateway_unknowns.json: agw-u (Standard_v2) on pip-u, listener l-app on port-app, whose port is
  // random_integer.port.result; pool-app's ip_addresses is [azurerm_network_interface.app.private_ip_address], the
  // dynamic address of nic-app (snet-app, no NSG anywhere). The unknown port is every port, at the listener and at
  // the entry of the flows it forwards; the unknown address is nic-app's, so nic-app is the pool's member and is
  // reached on 80 (s-80), not an unknown external backend.
  const auto r = run_gateway_plan("application_gateway_unknowns.json");
  CHECK(gateway_plan_diagnostics(r.diags, model::Severity::kWarning) ==
        Lines{"unknown-value /planned_values/root_module/resources/7/values/frontend_port/0/port: "
              "'azurerm_application_gateway.u.frontend_port[0].port' is only known after apply: this field is read "
              "as unknown, conservatively (an unknown can only add exposure)"});
  CHECK(gateway_plan_exposures(r) ==
        Lines{"agw-u public-ip 0-65535->tcp 0-65535 any | internet pip:pip-u no-nsg(subnet) agw(listener):l-app target",
              "nic-app application-gateway 0-65535->tcp 80 any | internet pip:pip-u no-nsg(gateway-subnet) "
              "agw(routing):l-app->80 no-nsg(subnet) no-nsg(nic) target"});
  const int nic = index_of(r.m.nics, "nic-app");
  REQUIRE(nic >= 0);
  REQUIRE(r.m.nics[nic].ip_configurations.size() == 1);
  CHECK(r.m.nics[nic].ip_configurations[0].ag_backend_pools.size() == 1);
  REQUIRE(r.m.application_gateways.size() == 1);
  REQUIRE(r.m.application_gateways[0].backend_pools.size() == 1);
  CHECK(r.m.application_gateways[0].backend_pools[0].addresses.empty());
}

TEST_CASE("terraform state: a disabled WAF policy, a pool by host name, a private endpoint by alias, a hub connection",
          "[terraform][application-gateway]") {
  // gateway_edges_state.json: agw-edge's policy waf-off has policy_settings.enabled = false: the WAF is off. Its
  // pool lists only the host name app.example.com, which nothing in the input has: the listener's own exposure is
  // reported, the backend is not (unresolved-backend). pe-alias connects by private_connection_resource_alias,
  // which names no resource: the connection is left out with a note; its address comes from custom_dns_configs.
  // conn-edge's state has no internet_security_enabled: the provider's default, false (Azure's is true), which
  // sends no spoke traffic through the hub.
  const auto r = run_gateway_plan("gateway_edges_state.json");
  REQUIRE(r.m.hub_connections.size() == 1);
  CHECK_FALSE(r.m.hub_connections[0].enable_internet_security);
  CHECK(r.m.hub_connections[0].hub.index == 0);
  CHECK(gateway_plan_exposures(r) ==
        Lines{"agw-edge public-ip 80->tcp 80 any | internet pip:pip-edge no-nsg(subnet) agw(listener):l-http target"});
  REQUIRE(r.m.application_gateways.size() == 1);
  CHECK(r.m.application_gateways[0].waf_mode == model::WafMode::kOff);
  const auto notes = gateway_plan_diagnostics(r.diags, model::Severity::kNote);  // warnings first
  REQUIRE(notes.size() == 2);
  CHECK(notes[1] ==
        "unmodelled-feature /values/root_module/resources/5/values/private_service_connection/0/"
        "private_connection_resource_alias: azurerm_private_endpoint.alias: a connection by service alias is not "
        "analysed; a private endpoint adds no internet exposure");
  CHECK(notes[0].rfind("unmodelled-feature /values/root_module/resources/7: azurerm_virtual_hub.edge: virtual hub "
                       "'hub-edge' (1 spoke "
                       "connection, 1 in the input): ",
                       0) == 0);
  CHECK(gateway_plan_diagnostics(r.a.findings, model::Severity::kWarning) ==
        Lines{"unresolved-backend /values/root_module/resources/4/values/backend_address_pool/0: application gateway "
              "'agw-edge': backend pool 'pool' lists 'app.example.com', not the address of any ip configuration or "
              "internal load balancer frontend in the input: exposure of that backend is not reported"});
  REQUIRE(r.m.private_endpoints.size() == 1);
  CHECK(r.m.private_endpoints[0].connections.empty());
  REQUIRE(r.m.private_endpoints[0].private_ips.size() == 1);
  CHECK(r.m.private_endpoints[0].private_ips[0].to_string() == "10.70.1.20");
}
