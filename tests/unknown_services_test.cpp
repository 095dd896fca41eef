// Unknown values (only known at deployment, parameters with no value, authors' placeholders) in load balancers,
// Azure Firewall, application gateways and PaaS services: for each kind, the conservative reading reports at least
// what every concrete value would (docs/model.md, "Unknown values"). Each test analyses the estate once with the
// value unknown and once per concrete value, and checks that the unknown's exposures cover every concrete one's:
// per target and protocol, its ports, entry ports and sources are supersets.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/azure/resource_importer.h"
#include "importers/unknown_value.h"
#include "model/validate.h"
#include "resource_json.h"
#include "solver/exposure.h"

namespace {

using exposim::testing::resource_json::has_code;

using namespace exposim;
using importers::unknown_value;
using nlohmann::json;

const std::string kS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
json services_id_ref(const std::string& id) { return {{"id", id}}; }

struct ServicesRun {
  model::Model m;
  model::Diagnostics diags;
  solver::Analysis a;
};

ServicesRun run_services(const json& resources) {
  ServicesRun r;
  importers::azure::ImportOptions options;
  options.from_template = true;
  importers::azure::import_text(json{{"value", resources}}.dump(), "t.json", r.m, r.diags, options);
  if (!r.diags.has_errors()) model::validate(r.m, r.diags);
  if (!r.diags.has_errors()) r.a = solver::analyze(r.m);
  return r;
}

/// What a run reports, per (target name, protocol): ports at the target, entry ports, sources.
struct Reach {
  model::PortSet ports, entry_ports;
  model::IpSet sources;
};
std::map<std::pair<std::string, int>, Reach> reach(const ServicesRun& r) {
  std::map<std::pair<std::string, int>, Reach> out;
  for (const auto& e : r.a.exposures) {
    const auto* res = e.nic >= 0 ? static_cast<const model::ResourceBase*>(&r.m.nics[e.nic])
                                 : r.m.resource(model::GraphVertex{e.target_kind, e.target});
    auto& x = out[{res->name, static_cast<int>(e.protocol)}];
    x.ports = x.ports.unite(e.ports);
    x.entry_ports = x.entry_ports.unite(e.entry_ports);
    x.sources = x.sources.unite(e.sources);
  }
  return out;
}

/// True when `wide` reports at least what `narrow` does.
bool covers(const ServicesRun& wide, const ServicesRun& narrow, std::string& why) {
  const auto w = reach(wide);
  for (const auto& [key, n] : reach(narrow)) {
    auto it = w.find(key);
    if (it == w.end()) {
      why = fmt::format("'{}' protocol {} is not reported", key.first, key.second);
      return false;
    }
    if (!it->second.ports.contains(n.ports) || !it->second.entry_ports.contains(n.entry_ports) ||
        !it->second.sources.contains(n.sources)) {
      why = fmt::format("'{}' protocol {}: ports {} / entry {} do not cover {} / {}", key.first, key.second,
                        model::to_string(it->second.ports), model::to_string(it->second.entry_ports),
                        model::to_string(n.ports), model::to_string(n.entry_ports));
      return false;
    }
  }
  return true;
}

#define CHECK_COVERS(wide, narrow)               \
  do {                                           \
    std::string why_;                            \
    const bool ok_ = covers(wide, narrow, why_); \
    INFO(why_);                                  \
    CHECK(ok_);                                  \
  } while (false)

json vnet(const std::string& name, const std::string& space,
          const std::vector<std::pair<std::string, std::string>>& subnets, const std::string& nsg = "") {
  json subs = json::array();
  for (const auto& [sname, prefix] : subnets) {
    json props = {{"addressPrefix", prefix}};
    if (!nsg.empty() && sname != "AzureFirewallSubnet" && sname != "agw") {
      props["networkSecurityGroup"] = services_id_ref(kS + "/networkSecurityGroups/" + nsg);
    }
    subs.push_back({{"name", sname}, {"properties", props}});
  }
  return {{"id", kS + "/virtualNetworks/" + name},
          {"name", name},
          {"type", "Microsoft.Network/virtualNetworks"},
          {"properties", {{"addressSpace", {{"addressPrefixes", {space}}}}, {"subnets", subs}}}};
}

/// An NSG admitting everything inbound (so that what the entry forwards is what is reported).
json open_nsg(const std::string& name) {
  return {{"id", kS + "/networkSecurityGroups/" + name},
          {"name", name},
          {"type", "Microsoft.Network/networkSecurityGroups"},
          {"properties",
           {{"securityRules",
             {{{"name", "allow-all"},
               {"properties",
                {{"priority", 100},
                 {"direction", "Inbound"},
                 {"access", "Allow"},
                 {"protocol", "*"},
                 {"sourceAddressPrefix", "*"},
                 {"sourcePortRange", "*"},
                 {"destinationAddressPrefix", "*"},
                 {"destinationPortRange", "*"}}}}}}}}};
}

json pip(const std::string& name, const std::string& address) {
  return {{"id", kS + "/publicIPAddresses/" + name},
          {"name", name},
          {"type", "Microsoft.Network/publicIPAddresses"},
          {"sku", {{"name", "Standard"}}},
          {"properties", {{"ipAddress", address}, {"publicIPAllocationMethod", "Static"}}}};
}

json nic(const std::string& name, const std::string& subnet_id, const std::string& address,
         json extra = json::object()) {
  json cfg = {{"privateIPAddress", address}, {"subnet", services_id_ref(subnet_id)}};
  cfg.update(extra);
  return {{"id", kS + "/networkInterfaces/" + name},
          {"name", name},
          {"type", "Microsoft.Network/networkInterfaces"},
          {"properties", {{"ipConfigurations", {{{"name", "ipconfig1"}, {"properties", cfg}}}}}}};
}

// ---- load balancers ----

const std::string kLb = kS + "/loadBalancers/lb";

/// A public Standard load balancer (20.0.0.1) with one load-balancing rule and one inbound NAT rule to `vm-nic`
/// (10.0.1.4), whose subnet NSG admits everything.
json lb_estate(const json& protocol, const json& frontend_port, const json& backend_port, const json& nat_frontend,
               const json& nat_backend) {
  json resources = json::array();
  resources.push_back(vnet("v", "10.0.0.0/16", {{"work", "10.0.1.0/24"}}, "open"));
  resources.push_back(open_nsg("open"));
  resources.push_back(pip("pip-lb", "20.0.0.1"));
  resources.push_back({{"id", kLb},
                       {"name", "lb"},
                       {"type", "Microsoft.Network/loadBalancers"},
                       {"sku", {{"name", "Standard"}}},
                       {"properties",
                        {{"frontendIPConfigurations",
                          {{{"id", kLb + "/frontendIPConfigurations/fe"},
                            {"name", "fe"},
                            {"properties", {{"publicIPAddress", services_id_ref(kS + "/publicIPAddresses/pip-lb")}}}}}},
                         {"backendAddressPools", {{{"id", kLb + "/backendAddressPools/be"}, {"name", "be"}}}},
                         {"loadBalancingRules",
                          {{{"name", "rule"},
                            {"properties",
                             {{"frontendIPConfiguration", services_id_ref(kLb + "/frontendIPConfigurations/fe")},
                              {"backendAddressPool", services_id_ref(kLb + "/backendAddressPools/be")},
                              {"protocol", protocol},
                              {"frontendPort", frontend_port},
                              {"backendPort", backend_port}}}}}},
                         {"inboundNatRules",
                          {{{"id", kLb + "/inboundNatRules/nat"},
                            {"name", "nat"},
                            {"properties",
                             {{"frontendIPConfiguration", services_id_ref(kLb + "/frontendIPConfigurations/fe")},
                              {"protocol", "Tcp"},
                              {"frontendPort", nat_frontend},
                              {"backendPort", nat_backend}}}}}}}}});
  resources.push_back(nic("vm-nic", kS + "/virtualNetworks/v/subnets/work", "10.0.1.4",
                          {{"loadBalancerBackendAddressPools", {services_id_ref(kLb + "/backendAddressPools/be")}},
                           {"loadBalancerInboundNatRules", {services_id_ref(kLb + "/inboundNatRules/nat")}}}));
  return resources;
}

TEST_CASE("unknown values: load balancer ports and protocols are every port and All", "[unknown][solver]") {
  const json unknown_port = unknown_value("parameters('port')");
  const json unknown_protocol = unknown_value("parameters('protocol')");
  const auto base = [&](const json& p, const json& f, const json& b) { return lb_estate(p, f, b, 50001, 22); };

  // Unknown frontend port: every port at the frontend.
  const ServicesRun fe = run_services(base("Tcp", unknown_port, 80));
  REQUIRE_FALSE(fe.diags.has_errors());
  CHECK(has_code(fe.diags, "unknown-value"));
  for (int port : {1, 80, 443, 65535}) {
    INFO("frontendPort " << port);
    const ServicesRun concrete = run_services(base("Tcp", port, 80));
    REQUIRE_FALSE(concrete.diags.has_errors());
    CHECK_COVERS(fe, concrete);
  }
  // Unknown backend port: every port at the backend.
  const ServicesRun be = run_services(base("Tcp", 80, unknown_port));
  REQUIRE_FALSE(be.diags.has_errors());
  for (int port : {1, 22, 8080, 65535}) {
    INFO("backendPort " << port);
    CHECK_COVERS(be, run_services(base("Tcp", 80, port)));
  }
  // Unknown protocol: All (TCP and UDP).
  const ServicesRun proto = run_services(base(unknown_protocol, 80, 80));
  REQUIRE_FALSE(proto.diags.has_errors());
  for (const char* p : {"Tcp", "Udp", "All"}) {
    INFO("protocol " << p);
    CHECK_COVERS(proto, run_services(base(p, 80, 80)));
  }
  // Inbound NAT rule: unknown frontend port and unknown backend port.
  const ServicesRun nat = run_services(lb_estate("Tcp", 80, 80, unknown_port, unknown_port));
  REQUIRE_FALSE(nat.diags.has_errors());
  for (int f : {1, 50001, 65535}) {
    for (int b : {22, 3389}) {
      INFO("NAT " << f << " -> " << b);
      CHECK_COVERS(nat, run_services(lb_estate("Tcp", 80, 80, f, b)));
    }
  }
  // The widened values, exactly: every port at the target and at the frontend.
  const auto& r = nat.m.load_balancers[0].nat_rules[0];
  CHECK(r.frontend_port_unknown);
  CHECK(r.backend_port_unknown);
  CHECK(model::to_string(reach(be).at({"vm-nic", static_cast<int>(model::Protocol::kTcp)}).ports) == "0-65535");
  CHECK(model::to_string(reach(fe).at({"vm-nic", static_cast<int>(model::Protocol::kTcp)}).entry_ports) == "0-65535");
}

// ---- application gateways ----

const std::string kGw = kS + "/applicationGateways/agw";

json gateway_estate(const json& listener_port, const json& backend_port) {
  json resources = json::array();
  resources.push_back(vnet("v", "10.0.0.0/16", {{"agw", "10.0.2.0/24"}, {"work", "10.0.1.0/24"}}, "open"));
  resources.push_back(open_nsg("open"));
  resources.push_back(pip("pip-agw", "20.0.0.20"));
  resources.push_back(
      {{"id", kGw},
       {"name", "agw"},
       {"type", "Microsoft.Network/applicationGateways"},
       {"properties",
        {{"sku", {{"name", "Standard_v2"}, {"tier", "Standard_v2"}}},
         {"gatewayIPConfigurations",
          {{{"name", "gwip"}, {"properties", {{"subnet", services_id_ref(kS + "/virtualNetworks/v/subnets/agw")}}}}}},
         {"frontendIPConfigurations",
          {{{"id", kGw + "/frontendIPConfigurations/fe"},
            {"name", "fe"},
            {"properties", {{"publicIPAddress", services_id_ref(kS + "/publicIPAddresses/pip-agw")}}}}}},
         {"frontendPorts",
          {{{"id", kGw + "/frontendPorts/p"}, {"name", "p"}, {"properties", {{"port", listener_port}}}}}},
         {"httpListeners",
          {{{"id", kGw + "/httpListeners/l"},
            {"name", "l"},
            {"properties",
             {{"frontendIPConfiguration", services_id_ref(kGw + "/frontendIPConfigurations/fe")},
              {"frontendPort", services_id_ref(kGw + "/frontendPorts/p")},
              {"protocol", "Http"}}}}}},
         {"backendAddressPools",
          {{{"id", kGw + "/backendAddressPools/pool"},
            {"name", "pool"},
            {"properties", {{"backendAddresses", {{{"ipAddress", "10.0.1.4"}}}}}}}}},
         {"backendHttpSettingsCollection",
          {{{"id", kGw + "/backendHttpSettingsCollection/s"},
            {"name", "s"},
            {"properties", {{"port", backend_port}, {"protocol", "Http"}}}}}},
         {"requestRoutingRules",
          {{{"name", "r"},
            {"properties",
             {{"httpListener", services_id_ref(kGw + "/httpListeners/l")},
              {"backendAddressPool", services_id_ref(kGw + "/backendAddressPools/pool")},
              {"backendHttpSettings", services_id_ref(kGw + "/backendHttpSettingsCollection/s")}}}}}}}}});
  resources.push_back(nic("vm-nic", kS + "/virtualNetworks/v/subnets/work", "10.0.1.4"));
  return resources;
}

TEST_CASE("unknown values: application gateway listener and backend ports are every port", "[unknown][solver]") {
  const json unknown_port = unknown_value("parameters('port')");
  const ServicesRun listener = run_services(gateway_estate(unknown_port, 8080));
  REQUIRE_FALSE(listener.diags.has_errors());
  CHECK(listener.m.application_gateways[0].frontend_ports[0].unknown);
  const ServicesRun backend = run_services(gateway_estate(80, unknown_port));
  REQUIRE_FALSE(backend.diags.has_errors());
  CHECK(backend.m.application_gateways[0].backend_settings[0].unknown);
  for (int port : {80, 443, 8080}) {
    INFO("port " << port);
    const ServicesRun concrete_listener = run_services(gateway_estate(port, 8080));
    REQUIRE(reach(concrete_listener).size() == 2);  // the gateway and its backend
    CHECK_COVERS(listener, concrete_listener);
    CHECK_COVERS(backend, run_services(gateway_estate(80, port)));
  }
  // An unknown backend address is an unknown, external backend.
  auto unknown_backend = gateway_estate(80, 8080);
  unknown_backend[3]["properties"]["backendAddressPools"][0]["properties"]["backendAddresses"][0]["ipAddress"] =
      unknown_value("parameters('backendIp')");
  const ServicesRun u = run_services(unknown_backend);
  REQUIRE_FALSE(u.diags.has_errors());
  CHECK(has_code(u.a.findings, "unresolved-backend"));
}

TEST_CASE(
    "unknown values: a listener's frontend port or frontend IP configuration reference only known at "
    "deployment",
    "[unknown][solver]") {
  // A template whose names come from an object parameter with no value: not an error. The listener's port is
  // unknown, so it listens on every port (a frontend port of unknown number is added for it): its exposure covers
  // the listener on 80, on 443 and on 8443 alike. Its frontend is the public one.
  auto estate = gateway_estate(80, 8080);
  auto& listener = estate[3]["properties"]["httpListeners"][0]["properties"];
  listener["frontendPort"]["id"] = unknown_value("parameters('names')");
  listener["frontendIPConfiguration"]["id"] = unknown_value("parameters('names')");
  const ServicesRun u = run_services(estate);
  REQUIRE_FALSE(u.diags.has_errors());
  const auto& g = u.m.application_gateways[0];
  REQUIRE(g.frontend_ports.size() == 2);
  CHECK(g.frontend_ports[1].unknown);
  CHECK(g.listeners[0].frontend_port.child == 1);
  CHECK(g.listeners[0].frontend.child == 0);
  for (int port : {80, 443, 8443}) {
    INFO("port " << port);
    CHECK_COVERS(u, run_services(gateway_estate(port, 8080)));
  }
  CHECK(reach(u).size() == 2);  // the gateway and its backend on 8080
}

// ---- PaaS ----

const std::string kWeb = "/subscriptions/s/resourceGroups/rg/providers/";

json storage(json props, const std::string& api_version = "2023-01-01") {
  return json::array({{{"id", kWeb + "Microsoft.Storage/storageAccounts/st"},
                       {"name", "st"},
                       {"type", "Microsoft.Storage/storageAccounts"},
                       {"kind", "StorageV2"},
                       {"apiVersion", api_version},
                       {"properties", std::move(props)}}});
}

json site(json config) {
  return json::array(
      {{{"id", kWeb + "Microsoft.Web/sites/app"},
        {"name", "app"},
        {"type", "Microsoft.Web/sites"},
        {"properties", {{"defaultHostName", "app.azurewebsites.net"}, {"siteConfig", std::move(config)}}}}});
}

TEST_CASE("unknown values: PaaS public access, default action, IP rules and secure transfer", "[unknown][solver]") {
  const json unknown = unknown_value("parameters('x')");
  auto acls = [](const json& action, const json& rule) {
    return json{{"defaultAction", action}, {"ipRules", {{{"value", rule}, {"action", "Allow"}}}}};
  };
  // publicNetworkAccess unknown: Enabled.
  const ServicesRun pna = run_services(storage({{"publicNetworkAccess", unknown}}));
  REQUIRE_FALSE(pna.diags.has_errors());
  CHECK(pna.m.paas_services[0].public_network_access == model::PublicNetworkAccess::kEnabled);
  for (const char* v : {"Enabled", "Disabled"}) CHECK_COVERS(pna, run_services(storage({{"publicNetworkAccess", v}})));
  // defaultAction unknown: Allow.
  const ServicesRun da = run_services(storage({{"networkAcls", acls(unknown, "52.1.0.0/16")}}));
  REQUIRE_FALSE(da.diags.has_errors());
  CHECK(da.m.paas_services[0].default_action == model::Access::kAllow);
  for (const char* v : {"Allow", "Deny"})
    CHECK_COVERS(da, run_services(storage({{"networkAcls", acls(v, "52.1.0.0/16")}})));
  // An unknown IP rule (or a placeholder) admits every source.
  for (const json& rule : {unknown, json("xx.xx.xx.xx/yy"), json("<your-ip>")}) {
    INFO("rule " << rule.dump());
    const ServicesRun ip = run_services(storage({{"networkAcls", acls("Deny", rule)}}));
    REQUIRE_FALSE(ip.diags.has_errors());
    CHECK(ip.a.exposures.size() == 1);
    CHECK(ip.a.exposures[0].any_source);
    for (const char* v : {"52.1.0.0/16", "1.2.3.4", "0.0.0.0/0"})
      CHECK_COVERS(ip, run_services(storage({{"networkAcls", acls("Deny", v)}})));
  }
  // supportsHttpsTrafficOnly unknown: HTTP on 80 too.
  const ServicesRun https = run_services(storage({{"supportsHttpsTrafficOnly", unknown}}));
  REQUIRE_FALSE(https.diags.has_errors());
  CHECK(model::to_string(https.m.paas_services[0].tcp_ports) == "80,443,445");
  for (bool v : {true, false}) CHECK_COVERS(https, run_services(storage({{"supportsHttpsTrafficOnly", v}})));
  // App Service: an unknown address in a deny restriction matches nothing, in an allow restriction everyone.
  auto restriction = [](const json& address, const char* action) {
    return json{
        {"ipSecurityRestrictions", {{{"name", "r"}, {"ipAddress", address}, {"action", action}, {"priority", 100}}}},
        {"ipSecurityRestrictionsDefaultAction", "Allow"}};
  };
  const ServicesRun deny = run_services(site(restriction(unknown, "Deny")));
  REQUIRE_FALSE(deny.diags.has_errors());
  for (const char* v : {"1.2.3.4/32", "0.0.0.0/0"}) CHECK_COVERS(deny, run_services(site(restriction(v, "Deny"))));
  auto only = [](const json& address) {
    return json{
        {"ipSecurityRestrictions", {{{"name", "r"}, {"ipAddress", address}, {"action", "Allow"}, {"priority", 100}}}}};
  };
  const ServicesRun allow = run_services(site(only(unknown)));
  REQUIRE_FALSE(allow.diags.has_errors());
  for (const char* v : {"1.2.3.4/32", "52.0.0.0/8"}) CHECK_COVERS(allow, run_services(site(only(v))));
  // A template restriction whose address the expander left out (only known at deployment): the same reading.
  const ServicesRun left_out =
      run_services(site(json{{"ipSecurityRestrictions", {{{"name", "r"}, {"action", "Allow"}, {"priority", 100}}}}}));
  REQUIRE_FALSE(left_out.diags.has_errors());
  for (const char* v : {"1.2.3.4/32", "52.0.0.0/8"}) CHECK_COVERS(left_out, run_services(site(only(v))));
  // An unknown default action of a site with a deny-all restriction: Allow.
  auto deny_all = [](const json& action) {
    return json{{"ipSecurityRestrictions",
                 {{{"name", "r"}, {"ipAddress", "1.2.3.4/32"}, {"action", "Allow"}, {"priority", 100}}}},
                {"ipSecurityRestrictionsDefaultAction", action}};
  };
  const ServicesRun site_default = run_services(site(deny_all(unknown)));
  REQUIRE_FALSE(site_default.diags.has_errors());
  for (const char* v : {"Allow", "Deny"}) CHECK_COVERS(site_default, run_services(site(deny_all(v))));
}

}  // namespace
