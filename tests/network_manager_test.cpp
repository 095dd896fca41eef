// Security admin rules (Azure Virtual Network Manager) end to end from resource JSON: the importer, validation's
// choice of the rules that apply to each virtual network, and the admin stage before the NSGs in analyze and
// explain. Every expectation is worked out by hand from Azure's documented behaviour (docs/model.md, "Security admin
// rules"): Deny drops whatever the NSGs say, AlwaysAllow admits and skips the NSGs, Allow hands the packet to the
// NSGs; rules of every configuration deployed to the VNet's region are evaluated by priority (lower first).
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/explain_text.h"
#include "importers/azure/resource_importer.h"
#include "importers/azure/service_tags.h"
#include "model/validate.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "tests/cli_support.h"
#include "tests/path_check.h"
#include "tests/path_estates.h"
#include "tests/resource_json.h"

namespace {

using nlohmann::json;
namespace model = exposim::model;
namespace solver = exposim::solver;

const std::string kAvnmRg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
const std::string kAvnmManager = kAvnmRg + "/networkManagers/nm";

json avnm_id_ref(const std::string& id) { return {{"id", id}}; }

/// The estate every case starts from: VNet `vnet-a` in westeurope (10.0.0.0/16), subnet `web` with NSG `nsg-web`
/// (allow-ssh: 100 Allow Internet tcp 22; deny-rdp: 200 Deny * tcp 3389), and NIC `nic-vm` (10.0.1.4) with the
/// Standard public IP `pip-vm` (20.0.0.1). Without admin rules, the internet reaches tcp 22 only.
json avnm_base_estate() {
  json r = json::array();
  r.push_back({{"id", kAvnmRg + "/virtualNetworks/vnet-a"},
               {"name", "vnet-a"},
               {"type", "Microsoft.Network/virtualNetworks"},
               {"location", "westeurope"},
               {"properties",
                {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
                 {"subnets",
                  {{{"id", kAvnmRg + "/virtualNetworks/vnet-a/subnets/web"},
                    {"name", "web"},
                    {"properties",
                     {{"addressPrefix", "10.0.1.0/24"},
                      {"networkSecurityGroup", avnm_id_ref(kAvnmRg + "/networkSecurityGroups/nsg-web")}}}}}}}}});
  auto nsg_rule = [](const std::string& name, int priority, const std::string& access, const std::string& source,
                     const std::string& port) {
    return json{{"name", name},
                {"properties",
                 {{"priority", priority},
                  {"access", access},
                  {"direction", "Inbound"},
                  {"protocol", "Tcp"},
                  {"sourceAddressPrefix", source},
                  {"sourcePortRange", "*"},
                  {"destinationAddressPrefix", "*"},
                  {"destinationPortRange", port}}}};
  };
  r.push_back(
      {{"id", kAvnmRg + "/networkSecurityGroups/nsg-web"},
       {"name", "nsg-web"},
       {"type", "Microsoft.Network/networkSecurityGroups"},
       {"properties",
        {{"securityRules",
          {nsg_rule("allow-ssh", 100, "Allow", "Internet", "22"), nsg_rule("deny-rdp", 200, "Deny", "*", "3389")}}}}});
  r.push_back({{"id", kAvnmRg + "/publicIPAddresses/pip-vm"},
               {"name", "pip-vm"},
               {"type", "Microsoft.Network/publicIPAddresses"},
               {"sku", {{"name", "Standard"}}},
               {"properties", {{"ipAddress", "20.0.0.1"}, {"publicIPAllocationMethod", "Static"}}}});
  r.push_back({{"id", kAvnmRg + "/networkInterfaces/nic-vm"},
               {"name", "nic-vm"},
               {"type", "Microsoft.Network/networkInterfaces"},
               {"properties",
                {{"ipConfigurations",
                  {{{"name", "ipconfig1"},
                    {"properties",
                     {{"privateIPAddress", "10.0.1.4"},
                      {"subnet", avnm_id_ref(kAvnmRg + "/virtualNetworks/vnet-a/subnets/web")},
                      {"publicIPAddress", avnm_id_ref(kAvnmRg + "/publicIPAddresses/pip-vm")}}}}}}}}});
  r.push_back(
      {{"id", kAvnmManager}, {"name", "nm"}, {"type", "Microsoft.Network/networkManagers"}, {"properties", {}}});
  return r;
}

/// Network group `group` of `nm`, with static member `vnet` (none when empty).
void avnm_group(json& r, const std::string& group, const std::string& vnet) {
  const std::string id = kAvnmManager + "/networkGroups/" + group;
  r.push_back({{"id", id},
               {"name", group},
               {"type", "Microsoft.Network/networkManagers/networkGroups"},
               {"properties", {{"memberType", "VirtualNetwork"}}}});
  if (vnet.empty()) return;
  r.push_back({{"id", id + "/staticMembers/" + vnet},
               {"name", vnet},
               {"type", "Microsoft.Network/networkManagers/networkGroups/staticMembers"},
               {"properties", {{"resourceId", kAvnmRg + "/virtualNetworks/" + vnet}}}});
}

/// Security admin configuration `config` with rule collection `rc` applied to `group`, and `intent` as its
/// applyOnNetworkIntentPolicyBasedServices.
void avnm_config(json& r, const std::string& config, const std::string& group, const std::string& intent = "None") {
  const std::string id = kAvnmManager + "/securityAdminConfigurations/" + config;
  r.push_back({{"id", id},
               {"name", config},
               {"type", "Microsoft.Network/networkManagers/securityAdminConfigurations"},
               {"properties", {{"applyOnNetworkIntentPolicyBasedServices", {intent}}}}});
  r.push_back(
      {{"id", id + "/ruleCollections/rc"},
       {"name", "rc"},
       {"type", "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections"},
       {"properties", {{"appliesToGroups", {{{"networkGroupId", kAvnmManager + "/networkGroups/" + group}}}}}}});
}

/// A Custom inbound TCP admin rule of `config`'s collection `rc`, from the Internet service tag to any address.
void avnm_rule(json& r, const std::string& config, const std::string& name, const std::string& access, int priority,
               const std::string& port, const std::string& source_tag = "Internet") {
  r.push_back({{"id", kAvnmManager + "/securityAdminConfigurations/" + config + "/ruleCollections/rc/rules/" + name},
               {"name", name},
               {"type", "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules"},
               {"kind", "Custom"},
               {"properties",
                {{"access", access},
                 {"priority", priority},
                 {"direction", "Inbound"},
                 {"protocol", "Tcp"},
                 {"sources", {{{"addressPrefix", source_tag}, {"addressPrefixType", "ServiceTag"}}}},
                 {"destinations", {{{"addressPrefix", "*"}, {"addressPrefixType", "IPPrefix"}}}},
                 {"sourcePortRanges", {"0-65535"}},
                 {"destinationPortRanges", {port}}}}});
}

/// What `az network manager list-deploy-status` says of westeurope: `configs` deployed there.
void avnm_deployed(json& r, const std::vector<std::string>& configs) {
  json ids = json::array();
  for (const auto& c : configs) ids.push_back(kAvnmManager + "/securityAdminConfigurations/" + c);
  r.push_back({{"commitTime", "2026-12-01T10:00:00Z"},
               {"region", "westeurope"},
               {"deploymentStatus", "Deployed"},
               {"configurationIds", ids},
               {"deploymentType", "SecurityAdmin"},
               {"errorMessage", ""}});
}

struct AvnmRun {
  model::Model m;
  model::Diagnostics diags;
  solver::Analysis a;
};

AvnmRun avnm_run(const json& resources) {
  AvnmRun r;
  exposim::importers::azure::import_text(resources.dump(), "t.json", r.m, r.diags);
  if (!r.diags.has_errors()) model::validate(r.m, r.diags, {});
  if (!r.diags.has_errors()) r.a = solver::analyze(r.m);
  return r;
}

/// One exposure a line: protocol, ports, sources (any or some), and the path's hops that decide (the admin rule
/// or "admin:-" when none matches, and the NSG rules).
std::vector<std::string> avnm_lines(const AvnmRun& r) {
  std::vector<std::string> out;
  for (const auto& e : r.a.exposures) {
    std::string s = fmt::format("{} {} {} |", model::to_string(e.protocol), model::to_string(e.ports),
                                e.any_source ? "any" : "some");
    for (const auto& h : e.path) {
      switch (h.kind) {
        case solver::HopKind::kAdminRule:
          s += " admin:" + (h.resource_kind == model::ResourceKind::kAdminRule ? r.m.admin_rules[h.resource].name
                                                                               : std::string("-"));
          break;
        case solver::HopKind::kNsg:
          s += fmt::format(" nsg({}):{}", h.scope, h.rule >= 0 ? r.m.nsgs[h.resource].rules[h.rule].name : "-");
          break;
        case solver::HopKind::kNoNsg: s += fmt::format(" no-nsg({})", h.scope); break;
        default: break;
      }
    }
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> avnm_codes(const model::Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.sorted()) out.push_back(x.code);
  return out;
}

}  // namespace

TEST_CASE("admin rules: without them the NSG decides, and no admin hop is on the path", "[solver][network_manager]") {
  const auto r = avnm_run(avnm_base_estate());
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | nsg(subnet):allow-ssh no-nsg(nic)"});
}

TEST_CASE("admin rules: Deny over an NSG allow closes the port", "[solver][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-ssh", "Deny", 10, "22");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(avnm_codes(r.diags).empty());
  REQUIRE(r.m.vnets[0].admin_rules == std::vector<int>{0});
  // 22 is dropped by the admin rule; every other port is denied by the NSG (deny-rdp, DenyAllInBound).
  CHECK(r.a.exposures.empty());
}

TEST_CASE("admin rules: AlwaysAllow over an NSG deny opens the port and skips the NSGs", "[solver][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 10, "3389");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  // 22: no admin rule matches, the NSG allows it; 3389: the admin rule admits it, deny-rdp is never evaluated.
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                  "tcp 3389 any | admin:always-rdp"});
}

TEST_CASE("admin rules: Allow hands the packet to the NSGs, which decide", "[solver][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "allow-web", "Allow", 10, "1-65535");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  // The Allow rule matches every port: 22 then passes allow-ssh, 3389 is denied by deny-rdp as without it.
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:allow-web nsg(subnet):allow-ssh no-nsg(nic)"});
}

TEST_CASE("admin rules: the lower priority number decides", "[solver][network_manager]") {
  SECTION("AlwaysAllow at 10 before Deny at 20") {
    json e = avnm_base_estate();
    avnm_group(e, "ng", "vnet-a");
    avnm_config(e, "cfg", "ng");
    avnm_rule(e, "cfg", "deny-rdp-admin", "Deny", 20, "3389");
    avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 10, "3389");
    avnm_deployed(e, {"cfg"});
    const auto r = avnm_run(e);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                    "tcp 3389 any | admin:always-rdp"});
  }
  SECTION("Deny at 10 before AlwaysAllow at 20") {
    json e = avnm_base_estate();
    avnm_group(e, "ng", "vnet-a");
    avnm_config(e, "cfg", "ng");
    avnm_rule(e, "cfg", "deny-rdp-admin", "Deny", 10, "3389");
    avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 20, "3389");
    avnm_deployed(e, {"cfg"});
    const auto r = avnm_run(e);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)"});
  }
}

TEST_CASE("admin rules: two configurations deployed to the region are evaluated together by priority",
          "[solver][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "baseline", "ng");
  avnm_config(e, "exceptions", "ng");
  avnm_rule(e, "baseline", "deny-ssh", "Deny", 100, "22");
  avnm_rule(e, "exceptions", "always-ssh", "AlwaysAllow", 50, "22");
  avnm_rule(e, "exceptions", "deny-rdp-admin", "Deny", 100, "3389");
  SECTION("both deployed") {
    avnm_deployed(e, {"baseline", "exceptions"});
    const auto r = avnm_run(e);
    REQUIRE_FALSE(r.diags.has_errors());
    // 22: always-ssh (50) before deny-ssh (100); 3389: dropped by deny-rdp-admin.
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:always-ssh"});
  }
  SECTION("only the baseline deployed: the region's commit does not list the other, which does not apply") {
    avnm_deployed(e, {"baseline"});
    const auto r = avnm_run(e);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_codes(r.diags).empty());
    CHECK(r.a.exposures.empty());  // 22 dropped by deny-ssh, 3389 by the NSG
  }
}

TEST_CASE("admin rules: a membership by condition is not decided: Deny not applied, AlwaysAllow applied",
          "[solver][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng-policy", "");  // members added by an Azure Policy condition: none in the input
  avnm_config(e, "cfg", "ng-policy");
  avnm_rule(e, "cfg", "deny-ssh", "Deny", 10, "22");
  avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 20, "3389");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(avnm_codes(r.diags) == std::vector<std::string>{"admin-rules-undecided"});
  const std::string message = r.diags.items().front().message;
  CHECK(message.find("network group 'ng-policy'") != std::string::npos);
  CHECK(message.find("virtual network 'vnet-a'") != std::string::npos);
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                  "tcp 3389 any | admin:always-rdp"});
}

TEST_CASE("admin rules: a static member decides membership, and a VNet that is none is not filtered",
          "[solver][network_manager]") {
  json e = avnm_base_estate();
  e.push_back({{"id", kAvnmRg + "/virtualNetworks/vnet-b"},
               {"name", "vnet-b"},
               {"type", "Microsoft.Network/virtualNetworks"},
               {"location", "westeurope"},
               {"properties", {{"addressSpace", {{"addressPrefixes", {"10.1.0.0/16"}}}}}}});
  avnm_group(e, "ng", "vnet-b");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-ssh", "Deny", 10, "22");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(avnm_codes(r.diags).empty());
  CHECK(r.m.vnets[0].admin_rules.empty());
  CHECK(r.m.vnets[1].admin_rules == std::vector<int>{0});
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | nsg(subnet):allow-ssh no-nsg(nic)"});
}

TEST_CASE("admin rules: a deployment the input does not state is not known: Deny not applied, with a warning",
          "[solver][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-ssh", "Deny", 10, "22");
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(avnm_codes(r.diags) == std::vector<std::string>{"admin-rules-undecided"});
  CHECK(r.diags.items().front().message.find("is deployed (committed)") != std::string::npos);
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | nsg(subnet):allow-ssh no-nsg(nic)"});
}

TEST_CASE("admin rules: explain names the deciding admin rule in a hop", "[solver][network_manager][explain]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-ssh", "Deny", 10, "22");
  avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 20, "3389");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  auto trace = [&](std::uint16_t port) {
    solver::FlowQuery q;
    q.source = *model::IpAddress::parse("52.10.20.30");
    q.target = "pip-vm";
    q.destination_port = port;
    return solver::explain(r.m, q, &r.a);
  };
  auto kinds = [](const solver::FlowTrace& t) {
    std::vector<std::string> out;
    for (const auto& h : t.hops) out.push_back(solver::to_string(h.kind));
    return out;
  };
  SECTION("Deny: the packet stops at the admin hop") {
    const auto t = trace(22);
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    CHECK_FALSE(t.allowed);
    CHECK(kinds(t) == std::vector<std::string>{"source", "entry", "admin-rule", "nsg", "no-nsg", "route"});
    const auto& admin = t.hops[2];
    CHECK(admin.resource_kind == model::ResourceKind::kAdminRule);
    CHECK(r.m.admin_rules[admin.resource].name == "deny-ssh");
    CHECK_FALSE(admin.passes);
    CHECK(admin.why.code == solver::ReasonCode::kAdminRule);
    CHECK(exposim::cli::reason_text(r.m, admin.why) ==
          "security admin rule 'deny-ssh' (priority 10, Deny) of vnet-a matches first: it drops the packet whatever "
          "the NSGs say");
  }
  SECTION("AlwaysAllow: admitted, the NSG hops are not on the trace") {
    const auto t = trace(3389);
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    CHECK(t.allowed);
    CHECK(kinds(t) == std::vector<std::string>{"source", "entry", "admin-rule", "route"});
    CHECK(r.m.admin_rules[t.hops[2].resource].name == "always-rdp");
  }
  SECTION("no admin rule matches: the NSGs decide") {
    const auto t = trace(80);
    CHECK_FALSE(t.allowed);
    CHECK(t.hops[2].resource_kind == model::ResourceKind::kVirtualNetwork);
    CHECK(t.hops[2].why.code == solver::ReasonCode::kAdminNoRule);
    CHECK(t.hops[2].passes);
  }
}

TEST_CASE("admin rules: the importer reports bad values with pointers and reads what it cannot know conservatively",
          "[azure][network_manager]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "bad", "Sometimes", 10, "22");
  model::Model m;
  model::Diagnostics d;
  exposim::importers::azure::import_text(e.dump(), "t.json", m, d);
  REQUIRE(d.has_errors());
  const auto printed = exposim::testing::resource_json::printed(d);
  REQUIRE(printed.size() == 1);
  CHECK(printed[0].find("/9/properties/access") != std::string::npos);
  CHECK(printed[0].find("access 'Sometimes' is not Allow, Deny or AlwaysAllow") != std::string::npos);
  CHECK(m.admin_rules.empty());

  json k = avnm_base_estate();
  avnm_group(k, "ng", "vnet-a");
  avnm_config(k, "cfg", "ng");
  avnm_rule(k, "cfg", "azure-default", "Deny", 10, "22");
  k.back()["kind"] = "Default";
  avnm_rule(k, "cfg", "cloud", "AlwaysAllow", 20, "443");
  k.back()["properties"]["sources"][0]["addressPrefix"] = "AzureCloud";
  model::Model m2;
  model::Diagnostics d2;
  exposim::importers::azure::import_text(k.dump(), "t.json", m2, d2);
  CHECK(avnm_codes(d2) == std::vector<std::string>{"unmodelled-admin-rule", "unresolved-service-tag"});
  REQUIRE(m2.admin_rules.size() == 1);
  CHECK(m2.admin_rules[0].access == model::AdminAccess::kAlwaysAllow);
  CHECK(m2.admin_rules[0].rule.source.other_tags == std::vector<std::string>{"AzureCloud"});
}

TEST_CASE("admin rules: the admin stage is analyze's path and explain's hops", "[solver][network_manager][path]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-ssh-from-doc", "Deny", 5, "22");
  e.back()["properties"]["sources"][0] = {{"addressPrefix", "52.0.0.0/8"}, {"addressPrefixType", "IPPrefix"}};
  avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 20, "3389");
  avnm_rule(e, "cfg", "allow-ssh-admin", "Allow", 30, "22");
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  // 3389 (always-rdp), and 22 from everywhere but 52.0.0.0/8 (allow-ssh-admin, then allow-ssh). Exposures of one
  // target sort by their deciding rules: always-rdp (rule 1) before allow-ssh-admin (rule 2).
  CHECK(avnm_lines(r) ==
        std::vector<std::string>{"tcp 3389 any | admin:always-rdp",
                                 "tcp 22 some | admin:allow-ssh-admin nsg(subnet):allow-ssh no-nsg(nic)"});
  exposim::testing::path_check::Counts n;
  exposim::testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.analyzed["public-ip"] == 2);
  CHECK(n.explained["public-ip"] == 2);
}

TEST_CASE("admin rules: a Deny of a service tag removes the tag's published prefixes with --service-tags",
          "[solver][network_manager][service_tags]") {
  json e = avnm_base_estate();
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-azurecloud-ssh", "Deny", 10, "22", "AzureCloud");
  avnm_deployed(e, {"cfg"});
  // Without the table, a Deny of a tag exposim cannot resolve is left out (it must not hide an exposure): 22 stays
  // open to the whole internet, with the unresolved-service-tag warning.
  const auto without = avnm_run(e);
  REQUIRE_FALSE(without.diags.has_errors());
  CHECK(avnm_codes(without.diags) == std::vector<std::string>{"unresolved-service-tag"});
  CHECK(avnm_lines(without) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)"});
  // With a table where AzureCloud is 20.38.0.0/16 and 52.96.0.0/12 (and an IPv6 prefix), the Deny drops exactly those
  // sources: 22 is open to the rest of the internet, through no admin rule, then the NSG's allow-ssh.
  AvnmRun r;
  r.m.service_tags = exposim::importers::azure::parse_service_tag_file(
      R"({"changeNumber": 7, "cloud": "Public", "values": [{"name": "AzureCloud", "properties":
         {"region": "", "addressPrefixes": ["20.38.0.0/16", "52.96.0.0/12", "2603:1000::/24"]}}]})",
      "tags.json", r.diags);
  REQUIRE(r.m.service_tags);
  exposim::importers::azure::ImportOptions with_tags;
  with_tags.service_tags = r.m.service_tags.get();
  exposim::importers::azure::import_text(e.dump(), "t.json", r.m, r.diags, with_tags);
  CHECK(avnm_codes(r.diags).empty());  // the table resolves the tag: no unresolved-service-tag warning
  model::validate(r.m, r.diags, {});
  REQUIRE_FALSE(r.diags.has_errors());
  r.a = solver::analyze(r.m);
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 some | admin:- nsg(subnet):allow-ssh no-nsg(nic)"});
  REQUIRE(r.a.exposures.size() == 1);
  const auto& sources = r.a.exposures[0].sources;
  const auto v4 = [](const char* a) { return model::IpAddress::parse(a)->value; };
  CHECK(sources.contains(v4("8.8.8.8")));
  CHECK(sources.contains(v4("20.37.255.255")));
  CHECK_FALSE(sources.contains(v4("20.38.0.1")));
  CHECK_FALSE(sources.contains(v4("20.38.255.255")));
  CHECK(sources.contains(v4("20.39.0.0")));
  CHECK_FALSE(sources.contains(v4("52.96.0.0")));
  CHECK_FALSE(sources.contains(v4("52.111.255.255")));
  CHECK(sources.contains(v4("52.112.0.0")));
}

namespace {

/// Writes `file` in `dir`: network manager nm whose configuration cfg (deployed to westeurope) holds one Deny admin
/// rule for TCP `port` from any source, applied to the VNet `vnet_id` by a static member.
std::string avnm_deny_file(const std::filesystem::path& dir, const std::string& file, const std::string& vnet_id,
                           const std::string& port) {
  json e = json::array();
  e.push_back(
      {{"id", kAvnmManager}, {"name", "nm"}, {"type", "Microsoft.Network/networkManagers"}, {"properties", {}}});
  e.push_back({{"id", kAvnmManager + "/networkGroups/ng"},
               {"name", "ng"},
               {"type", "Microsoft.Network/networkManagers/networkGroups"},
               {"properties", {{"memberType", "VirtualNetwork"}}}});
  e.push_back({{"id", kAvnmManager + "/networkGroups/ng/staticMembers/member"},
               {"name", "member"},
               {"type", "Microsoft.Network/networkManagers/networkGroups/staticMembers"},
               {"properties", {{"resourceId", vnet_id}}}});
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-" + port, "Deny", 10, port, "*");
  e.back()["properties"].erase("sources");  // none listed: any address (SNAT, Bastion and gateway addresses too)
  avnm_deployed(e, {"cfg"});
  exposim::testing::write_file(dir / file, e.dump());
  return (dir / file).string();
}

exposim::testing::CliResult avnm_cli(const char* command, std::vector<std::string> files,
                                     std::initializer_list<const char*> options) {
  files.insert(files.begin(), command);
  files.insert(files.end(), options.begin(), options.end());
  return exposim::testing::run_exposim(files);
}

}  // namespace

TEST_CASE("admin rules: explain applies them on DNAT and Bastion paths as analyze does",
          "[solver][network_manager][explain]") {
  // The hub-and-spoke example: the firewall's DNAT rule ssh-to-jump forwards 20.50.60.70:2222 to vm-jump's SSH
  // (10.1.1.4, vnet-spoke1), and Bastion bas-hub (20.50.60.80) opens sessions to it; its NSG admits both. A Deny
  // admin rule for TCP 22 from any source, applied to vnet-spoke1 and deployed to westeurope, drops both before the
  // NSG: neither analyze nor explain may show them open. Other ports through Bastion stay open.
  const auto dir = exposim::testing::scratch_dir("network-manager");
  const std::vector<std::string> files = {
      exposim::testing::hub_file("hub.json"), exposim::testing::hub_file("spokes.json"),
      exposim::testing::hub_file("firewall.json"),
      avnm_deny_file(dir, "avnm.json",
                     "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-spokes/providers/"
                     "Microsoft.Network/virtualNetworks/vnet-spoke1",
                     "22")};
  const auto a = avnm_cli("analyze", files, {});
  INFO(a.out + a.err);
  REQUIRE(a.code != 2);
  CHECK(a.out.find("20.50.60.70:2222") == std::string::npos);  // without the admin rule: vm-jump's SSH via DNAT
  CHECK(a.out.find("fw-hub/inbound-dnat/ssh-to-jump") != std::string::npos);  // the firewall's own 2222 stays
  CHECK(a.out.find("bastion        tcp    22 ") == std::string::npos);
  CHECK(a.out.find("bastion        tcp    all except 22 ") != std::string::npos);
  const auto dnat = avnm_cli("explain", files, {"--from", "52.10.20.30", "--to", "20.50.60.70", "--port", "2222"});
  INFO(dnat.out + dnat.err);
  CHECK(dnat.out.find("verdict: denied at admin-rule: security admin rule 'deny-22'") != std::string::npos);
  const auto ssh =
      avnm_cli("explain", files, {"--from", "52.10.20.30", "--to", "vm-jump", "--port", "22", "--via", "bastion"});
  INFO(ssh.out + ssh.err);
  CHECK(ssh.out.find("verdict: denied at admin-rule: security admin rule 'deny-22'") != std::string::npos);
  const auto rdp =
      avnm_cli("explain", files, {"--from", "52.10.20.30", "--to", "vm-jump", "--port", "3389", "--via", "bastion"});
  INFO(rdp.out + rdp.err);
  CHECK(rdp.out.find("verdict: allowed") != std::string::npos);
}

TEST_CASE("admin rules: explain applies them on an application gateway's backend leg as analyze does",
          "[solver][network_manager][explain]") {
  // The app-gateway-waf example: listener l-https (20.50.0.20:443) forwards to vm-web-1 and vm-web-2 on 8080 in
  // vnet-hub. A Deny admin rule for TCP 8080 applied to vnet-hub drops the backend leg: no application-gateway
  // exposure remains, and explain stops at the admin rule.
  const auto dir = exposim::testing::scratch_dir("network-manager");
  const std::vector<std::string> files = {
      exposim::testing::example("app-gateway-waf/estate.json"),
      avnm_deny_file(dir, "avnm-agw.json",
                     "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-edge/providers/"
                     "Microsoft.Network/virtualNetworks/vnet-hub",
                     "8080")};
  const auto a = avnm_cli("analyze", files, {});
  INFO(a.out + a.err);
  REQUIRE(a.code != 2);
  CHECK(a.out.find("application-gateway") == std::string::npos);
  const auto x = avnm_cli("explain", files, {"--from", "52.10.20.30", "--to", "20.50.0.20", "--port", "443"});
  INFO(x.out + x.err);
  CHECK(x.out.find("verdict: denied at admin-rule: security admin rule 'deny-8080'") != std::string::npos);
}

namespace {

/// The base estate with a second subnet `data` (10.0.2.0/24) in vnet-a, delegated to `delegation` (none when
/// empty), and, when `managed_instance`, the SQL managed instance `mi1` in it (public data endpoint off, so that it
/// adds no exposure of its own); `nm`'s configuration `cfg` with `intent` applies deny-ssh (Deny, 10, tcp 22) and
/// always-rdp (AlwaysAllow, 20, tcp 3389) to vnet-a.
json avnm_intent_estate(const std::string& delegation, bool managed_instance, const std::string& intent) {
  json e = avnm_base_estate();
  json subnet = {{"id", kAvnmRg + "/virtualNetworks/vnet-a/subnets/data"},
                 {"name", "data"},
                 {"properties", {{"addressPrefix", "10.0.2.0/24"}}}};
  if (!delegation.empty()) {
    subnet["properties"]["delegations"] = {{{"name", "d"}, {"properties", {{"serviceName", delegation}}}}};
  }
  e[0]["properties"]["subnets"].push_back(subnet);
  if (managed_instance) {
    e.push_back({{"id", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/managedInstances/mi1"},
                 {"name", "mi1"},
                 {"type", "Microsoft.Sql/managedInstances"},
                 {"properties", {{"subnetId", kAvnmRg + "/virtualNetworks/vnet-a/subnets/data"}}}});
  }
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng", intent);
  avnm_rule(e, "cfg", "deny-ssh", "Deny", 10, "22");
  avnm_rule(e, "cfg", "always-rdp", "AlwaysAllow", 20, "3389");
  avnm_deployed(e, {"cfg"});
  return e;
}

/// The messages of the diagnostics with `code`.
std::vector<std::string> avnm_messages(const model::Diagnostics& d, const std::string& code) {
  std::vector<std::string> out;
  for (const auto& x : d.sorted()) {
    if (x.code == code) out.push_back(x.message);
  }
  return out;
}

}  // namespace

TEST_CASE("admin rules: a VNet holding a SQL managed instance is exempt unless the configuration says All",
          "[solver][network_manager]") {
  // Azure does not apply security admin rules to a virtual network that holds a service with network intent
  // policies (SQL managed instance, Azure Databricks) unless applyOnNetworkIntentPolicyBasedServices is All;
  // AllowRulesOnly applies its Allow and AlwaysAllow rules only. vm (10.0.1.4, subnet web) is in the same VNet as
  // mi1 (subnet data), so the exemption is the VNet's, not the subnet's.
  SECTION("None (the default): no admin rule applies, the NSG alone decides") {
    const auto r = avnm_run(avnm_intent_estate("Microsoft.Sql/managedInstances", true, "None"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(r.m.security_admin_configurations[0].on_intent_policy_services == model::IntentPolicyApply::kNone);
    CHECK(r.m.vnets[0].admin_rules.empty());
    // deny-ssh does not close 22, always-rdp does not open 3389 over the NSG's deny-rdp.
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | nsg(subnet):allow-ssh no-nsg(nic)"});
    CHECK(avnm_messages(r.diags, "admin-rules-exempt") ==
          std::vector<std::string>{
              "virtual network 'vnet-a' holds SQL managed instance 'mi1', a service with network intent policies, "
              "and the security admin configurations that apply to it set applyOnNetworkIntentPolicyBasedServices "
              "to None: none of their rules apply to it"});
    CHECK(avnm_messages(r.diags, "admin-rules-undecided").empty());
  }
  SECTION("All: every rule applies") {
    const auto r = avnm_run(avnm_intent_estate("Microsoft.Sql/managedInstances", true, "All"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(r.m.vnets[0].admin_rules == std::vector<int>{0, 1});
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 3389 any | admin:always-rdp"});
    CHECK(avnm_codes(r.diags).empty());
  }
  SECTION("AllowRulesOnly: the AlwaysAllow rule applies, the Deny rule does not") {
    const auto r = avnm_run(avnm_intent_estate("Microsoft.Sql/managedInstances", true, "AllowRulesOnly"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(r.m.vnets[0].admin_rules == std::vector<int>{1});
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                    "tcp 3389 any | admin:always-rdp"});
    CHECK(avnm_messages(r.diags, "admin-rules-exempt") ==
          std::vector<std::string>{
              "virtual network 'vnet-a' holds SQL managed instance 'mi1', a service with network intent policies, "
              "and the security admin configurations that apply to it set applyOnNetworkIntentPolicyBasedServices "
              "to AllowRulesOnly: only their Allow and AlwaysAllow rules apply to it, not their Deny rules"});
  }
  SECTION("a VNet without such a service: every rule applies, whatever the setting") {
    const auto r = avnm_run(avnm_intent_estate("Microsoft.Web/serverFarms", false, "None"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(r.m.subnets[1].delegations == std::vector<std::string>{"Microsoft.Web/serverFarms"});
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 3389 any | admin:always-rdp"});
    CHECK(avnm_codes(r.diags).empty());
  }
}

TEST_CASE("admin rules: a subnet delegated to Azure Databricks leaves the exemption unknown: Deny not applied",
          "[solver][network_manager]") {
  // exposim does not read Databricks workspaces: a subnet delegated to one says the VNet may hold a service with
  // network intent policies. With None, Azure applies nothing if it does and everything if it does not: the Deny
  // rule is left out and the AlwaysAllow rule applied, so that neither reading hides an exposure.
  SECTION("None") {
    const auto r = avnm_run(avnm_intent_estate("Microsoft.Databricks/workspaces", false, "None"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                    "tcp 3389 any | admin:always-rdp"});
    const auto warnings = avnm_messages(r.diags, "admin-rules-undecided");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("subnet 'data' is delegated to 'Microsoft.Databricks/workspaces'") != std::string::npos);
    CHECK(warnings[0].find("virtual network 'vnet-a'") != std::string::npos);
  }
  SECTION("All: the exemption does not matter, every rule applies") {
    const auto r = avnm_run(avnm_intent_estate("Microsoft.Databricks/workspaces", false, "All"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 3389 any | admin:always-rdp"});
    CHECK(avnm_codes(r.diags).empty());
  }
}

TEST_CASE(
    "admin rules: configurations with different intent policy settings on an exempt VNet are read "
    "conservatively",
    "[solver][network_manager]") {
  // Azure uses the setting of the network manager with the highest scope, which exposim does not check: with
  // baseline (All, deny-ssh) and exceptions (None, always-rdp) both applying to mi1's VNet, the Deny may not apply
  // (exceptions' None may win) and the AlwaysAllow may (baseline's All may win).
  json e = avnm_intent_estate("Microsoft.Sql/managedInstances", true, "All");
  e.erase(e.end() - 1);  // the deployment status: deployed again below with both configurations
  avnm_config(e, "exceptions", "ng", "None");
  avnm_rule(e, "exceptions", "always-rdp-2", "AlwaysAllow", 5, "3389");
  avnm_deployed(e, {"cfg", "exceptions"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                  "tcp 3389 any | admin:always-rdp-2"});
  const auto warnings = avnm_messages(r.diags, "admin-rules-undecided");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("highest scope") != std::string::npos);
}

TEST_CASE("admin rules: they do not filter the entry points' own subnets: application gateway and Bastion",
          "[solver][network_manager]") {
  // Azure does not apply security admin rules to subnets holding an application gateway (without network
  // isolation), Bastion or a firewall; other subnets of the same VNet get them. The app-gateway-waf example: vnet-hub
  // holds agw-edge (listener 20.50.0.20:443), bastion-hub (20.50.0.10:443) and vm-web-1 and vm-web-2 (8080 from the
  // gateway, 22 through Bastion). A Deny admin rule for every TCP port from any source applied to vnet-hub closes
  // the VMs but neither entry point's 443; vm-app-1 in vnet-spoke (not a member) stays reachable through Bastion.
  const auto dir = exposim::testing::scratch_dir("network-manager");
  const std::vector<std::string> files = {
      exposim::testing::example("app-gateway-waf/estate.json"),
      avnm_deny_file(dir, "avnm-agw-all.json",
                     "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-edge/providers/"
                     "Microsoft.Network/virtualNetworks/vnet-hub",
                     "0-65535")};
  const auto a = avnm_cli("analyze", files, {});
  INFO(a.out + a.err);
  REQUIRE(a.code != 2);
  CHECK(a.out.find("* agw-edge               20.50.0.20 (listener l-https)") != std::string::npos);
  CHECK(a.out.find("* bastion-hub            20.50.0.10 (Bastion)") != std::string::npos);
  CHECK(a.out.find("* vm-app-1     10.1.0.4  20.50.0.10:443") != std::string::npos);
  CHECK(a.out.find("vm-web-1") == std::string::npos);
  CHECK(a.out.find("vm-web-2") == std::string::npos);
  // explain of the listener follows the backend leg, which the admin rule of vnet-hub drops at vm-web-1's subnet,
  // not at the gateway's.
  const auto x = avnm_cli("explain", files, {"--from", "52.10.20.30", "--to", "20.50.0.20", "--port", "443"});
  INFO(x.out + x.err);
  CHECK(x.out.find("verdict: denied at admin-rule: security admin rule 'deny-0-65535'") != std::string::npos);
}

TEST_CASE("admin rules: they do not filter an Azure Firewall's or Bastion's public IP", "[solver][network_manager]") {
  // The hub-and-spoke example: vnet-hub holds fw-hub (20.50.60.70: DNAT on 443, 2222, 3389, 8080) and bas-hub
  // (20.50.60.80:443). A Deny admin rule for TCP 443 from any source applied to vnet-hub leaves both entries as
  // they are (Azure does not apply admin rules to the firewall's and Bastion's subnets); vm-app (vnet-spoke2, not
  // a member) still gets 8443 from the firewall's 443.
  const auto dir = exposim::testing::scratch_dir("network-manager");
  const std::vector<std::string> files = {
      exposim::testing::hub_file("hub.json"), exposim::testing::hub_file("spokes.json"),
      exposim::testing::hub_file("firewall.json"),
      avnm_deny_file(dir, "avnm-hub.json",
                     "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/"
                     "Microsoft.Network/virtualNetworks/vnet-hub",
                     "443")};
  const auto a = avnm_cli("analyze", files, {});
  INFO(a.out + a.err);
  REQUIRE(a.code != 2);
  CHECK(a.out.find("* bas-hub              20.50.60.80 (Bastion)  public-ip      tcp    443") != std::string::npos);
  CHECK(a.out.find("* fw-hub     10.0.1.4  20.50.60.70            firewall-dnat  tcp    443") != std::string::npos);
  CHECK(a.out.find("* vm-app     10.2.1.4  20.50.60.70:443        firewall-dnat  tcp    8443") != std::string::npos);
  CHECK(a.out.find("6 exposures of 2 entry points (1 firewall, 1 Bastion host)") != std::string::npos);
}

TEST_CASE("admin rules: a private endpoint in a member VNet leaves the service's public endpoint to its firewall",
          "[solver][network_manager]") {
  // Security admin rules do not apply to private endpoints, and a PaaS public endpoint is not in any VNet: a Deny
  // admin rule for every TCP port applied to vnet-a closes the VM but not storage account st1, whose private
  // endpoint pe1 is in vnet-a's subnet web and whose public endpoint admits the internet (no firewall) on 443 and
  // 445 (80 is closed by secure transfer, on by default).
  json e = avnm_base_estate();
  e.push_back({{"id", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1"},
               {"name", "st1"},
               {"type", "Microsoft.Storage/storageAccounts"},
               {"kind", "StorageV2"},
               {"properties", json::object()}});
  e.push_back({{"id", kAvnmRg + "/privateEndpoints/pe1"},
               {"name", "pe1"},
               {"type", "Microsoft.Network/privateEndpoints"},
               {"properties",
                {{"subnet", avnm_id_ref(kAvnmRg + "/virtualNetworks/vnet-a/subnets/web")},
                 {"ipConfigurations", {{{"name", "x"}, {"properties", {{"privateIPAddress", "10.0.1.9"}}}}}},
                 {"privateLinkServiceConnections",
                  {{{"name", "c1"},
                    {"properties",
                     {{"privateLinkServiceId",
                       "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/"
                       "storageAccounts/st1"},
                      {"groupIds", {"blob"}}}}}}}}}});
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", "deny-all", "Deny", 10, "0-65535");
  e.back()["properties"].erase("sources");  // none listed: any address
  avnm_deployed(e, {"cfg"});
  const auto r = avnm_run(e);
  REQUIRE_FALSE(r.diags.has_errors());
  REQUIRE(r.m.private_endpoints.size() == 1);
  CHECK(r.m.private_endpoints[0].subnet.resolved());
  REQUIRE(r.a.exposures.size() == 1);
  const auto& x = r.a.exposures[0];
  CHECK(x.via == solver::Via::kPaasPublic);
  CHECK(x.target_kind == model::ResourceKind::kPaasService);
  CHECK(model::to_string(x.ports) == "443,445");
  for (const auto& h : x.path) CHECK(h.kind != solver::HopKind::kAdminRule);
}

namespace {

/// The base estate with subnet `data` (10.0.2.0/24, NSG `nsg-mi`: `nsg_access` Internet tcp 3342 at 100, as rule
/// `mi-3342`) in vnet-a holding SQL managed instance `mi1` with its public data endpoint on (tcp 3342), and `nm`'s
/// configuration `cfg` with `intent` applying the admin rule `admin-3342` (`access`, priority 10, tcp 3342 from
/// Internet) to vnet-a.
json avnm_mi_estate(const std::string& nsg_access, const std::string& intent, const std::string& access) {
  json e = avnm_base_estate();
  e[0]["properties"]["subnets"].push_back(
      {{"id", kAvnmRg + "/virtualNetworks/vnet-a/subnets/data"},
       {"name", "data"},
       {"properties",
        {{"addressPrefix", "10.0.2.0/24"},
         {"networkSecurityGroup", avnm_id_ref(kAvnmRg + "/networkSecurityGroups/nsg-mi")},
         {"delegations", {{{"name", "d"}, {"properties", {{"serviceName", "Microsoft.Sql/managedInstances"}}}}}}}}});
  e.push_back({{"id", kAvnmRg + "/networkSecurityGroups/nsg-mi"},
               {"name", "nsg-mi"},
               {"type", "Microsoft.Network/networkSecurityGroups"},
               {"properties",
                {{"securityRules",
                  {{{"name", "mi-3342"},
                    {"properties",
                     {{"priority", 100},
                      {"access", nsg_access},
                      {"direction", "Inbound"},
                      {"protocol", "Tcp"},
                      {"sourceAddressPrefix", "Internet"},
                      {"sourcePortRange", "*"},
                      {"destinationAddressPrefix", "*"},
                      {"destinationPortRange", "3342"}}}}}}}}});
  e.push_back(
      {{"id", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/managedInstances/mi1"},
       {"name", "mi1"},
       {"type", "Microsoft.Sql/managedInstances"},
       {"properties",
        {{"subnetId", kAvnmRg + "/virtualNetworks/vnet-a/subnets/data"}, {"publicDataEndpointEnabled", true}}}});
  avnm_group(e, "ng", "vnet-a");
  avnm_config(e, "cfg", "ng", intent);
  avnm_rule(e, "cfg", "admin-3342", access, 10, "3342");
  avnm_deployed(e, {"cfg"});
  return e;
}

/// The lines (avnm_lines) of the exposures of the managed instance alone.
std::vector<std::string> avnm_mi_lines(const AvnmRun& r) {
  AvnmRun only;
  only.m = r.m;
  for (const auto& x : r.a.exposures) {
    if (x.target_kind == model::ResourceKind::kPaasService) only.a.exposures.push_back(x);
  }
  return avnm_lines(only);
}

/// explain's verdict line for a client on 3342 of mi1.
std::string avnm_mi_verdict(const AvnmRun& r) {
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("52.10.20.30");
  q.target = "mi1";
  q.protocol = model::Protocol::kTcp;
  q.source_port = 50000;
  q.destination_port = 3342;
  const auto t = solver::explain(r.m, q);
  std::string hops;
  for (const auto& h : t.hops) hops += std::string(solver::to_string(h.kind)) + (h.passes ? "+ " : "- ");
  return hops + (t.allowed ? "allowed" : "denied");
}

}  // namespace

TEST_CASE("admin rules: a SQL managed instance's public data endpoint gets them where its VNet is not exempt",
          "[solver][network_manager]") {
  // mi1's public data endpoint (tcp 3342) is filtered by its subnet's NSG nsg-mi; the admin rules of vnet-a come
  // before it where they apply to the VNet that holds the instance (All; AllowRulesOnly for Allow and AlwaysAllow),
  // as on any other target. With None (the default) they do not apply and the NSG alone decides.
  SECTION("All, a Deny admin rule on 3342 over the NSG's allow: closed") {
    const auto r = avnm_run(avnm_mi_estate("Allow", "All", "Deny"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_mi_lines(r).empty());
    // The trace goes on past the stop (the NSG would admit the packet; not reached).
    CHECK(avnm_mi_verdict(r) == "source+ paas+ paas+ admin-rule- nsg+ denied");
  }
  SECTION("All, an AlwaysAllow admin rule on 3342 over the NSG's deny: open, the NSG skipped") {
    const auto r = avnm_run(avnm_mi_estate("Deny", "All", "AlwaysAllow"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_mi_lines(r) == std::vector<std::string>{"tcp 3342 any | admin:admin-3342"});
    CHECK(avnm_mi_verdict(r) == "source+ paas+ paas+ admin-rule+ allowed");
  }
  SECTION("AllowRulesOnly, an AlwaysAllow admin rule on 3342 over the NSG's deny: open") {
    const auto r = avnm_run(avnm_mi_estate("Deny", "AllowRulesOnly", "AlwaysAllow"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_mi_lines(r) == std::vector<std::string>{"tcp 3342 any | admin:admin-3342"});
  }
  SECTION("AllowRulesOnly, a Deny admin rule on 3342: not applied, the NSG's allow decides") {
    const auto r = avnm_run(avnm_mi_estate("Allow", "AllowRulesOnly", "Deny"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_mi_lines(r) == std::vector<std::string>{"tcp 3342 any | nsg(subnet):mi-3342"});
  }
  SECTION("None, a Deny admin rule: exempt, the NSG's allow decides, no admin stage") {
    const auto r = avnm_run(avnm_mi_estate("Allow", "None", "Deny"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_mi_lines(r) == std::vector<std::string>{"tcp 3342 any | nsg(subnet):mi-3342"});
    CHECK(avnm_mi_verdict(r) == "source+ paas+ paas+ nsg+ allowed");
  }
  SECTION("None, an AlwaysAllow admin rule over the NSG's deny: exempt, closed") {
    const auto r = avnm_run(avnm_mi_estate("Deny", "None", "AlwaysAllow"));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_mi_lines(r).empty());
    CHECK(avnm_mi_verdict(r) == "source+ paas+ paas+ nsg- denied");
  }
}

namespace {

const std::string kAvnmEdgeVnet =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-edge/providers/Microsoft.Network/"
    "virtualNetworks/vnet-hub";

/// The app-gateway-waf example (agw-edge: listener l-https on 20.50.0.20:443 and l-http on :80, in subnet appgw of
/// vnet-hub, NSG nsg-appgw: allow-https 100 Allow Internet tcp 443) with allow-https turned to `https_access`, and
/// network manager nm applying `rules` (name, access, priority; tcp 443 from Internet) to vnet-hub.
AvnmRun avnm_gateway_run(const std::string& https_access,
                         const std::vector<std::tuple<std::string, std::string, int>>& rules) {
  const std::filesystem::path estate =
      std::filesystem::path(EXPOSIM_SOURCE_DIR) / "examples/app-gateway-waf/estate.json";
  json e = json::parse(exposim::testing::read_file(estate))["value"];
  for (auto& r : e) {
    if (r["name"] != "nsg-appgw") continue;
    for (auto& rule : r["properties"]["securityRules"]) {
      if (rule["name"] == "allow-https") rule["properties"]["access"] = https_access;
    }
  }
  e.push_back(
      {{"id", kAvnmManager}, {"name", "nm"}, {"type", "Microsoft.Network/networkManagers"}, {"properties", {}}});
  avnm_group(e, "ng", "");
  e.push_back({{"id", kAvnmManager + "/networkGroups/ng/staticMembers/hub"},
               {"name", "hub"},
               {"type", "Microsoft.Network/networkManagers/networkGroups/staticMembers"},
               {"properties", {{"resourceId", kAvnmEdgeVnet}}}});
  avnm_config(e, "cfg", "ng");
  for (const auto& [name, access, priority] : rules) avnm_rule(e, "cfg", name, access, priority, "443");
  avnm_deployed(e, {"cfg"});
  return avnm_run(e);
}

/// The exposures of application gateway agw-edge itself (its listeners): avnm_lines.
std::vector<std::string> avnm_listener_lines(const AvnmRun& r) {
  AvnmRun only;
  only.m = r.m;
  for (const auto& x : r.a.exposures) {
    if (x.target_kind == model::ResourceKind::kApplicationGateway) only.a.exposures.push_back(x);
  }
  return avnm_lines(only);
}

/// explain's hops (kind, + passes, - stops) and verdict for a client on `port` of `target`.
std::string avnm_trace(const AvnmRun& r, const std::string& target, std::uint16_t port) {
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("52.10.20.30");
  q.target = target;
  q.protocol = model::Protocol::kTcp;
  q.source_port = 50000;
  q.destination_port = port;
  const auto t = solver::explain(r.m, q);
  std::string hops;
  for (const auto& h : t.hops) {
    hops += std::string(solver::to_string(h.kind)) + (h.scope[0] != '\0' ? std::string("(") + h.scope + ")" : "") +
            (h.passes ? "+ " : "- ");
  }
  return hops + (t.allowed ? "allowed" : "denied");
}

}  // namespace

TEST_CASE("admin rules: an application gateway's listener gets its VNet's Allow and AlwaysAllow rules with a warning",
          "[solver][network_manager]") {
  // Azure applies security admin rules to an application gateway's subnet only when the gateway is deployed with
  // network isolation, which the resource does not show. exposim reads it so that nothing is hidden: an AlwaysAllow
  // rule of the gateway's VNet may admit listener traffic the gateway subnet's NSG denies, a Deny rule may not act.
  SECTION("the NSG denies 443 and no admin rule: the listener is closed, no warning") {
    const auto r = avnm_gateway_run("Deny", {});
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_listener_lines(r).empty());
    CHECK(avnm_messages(r.diags, "admin-rules-undecided").empty());
  }
  SECTION("the NSG denies 443, an AlwaysAllow admin rule on 443: the listener is exposed past the NSG, warned") {
    const auto r = avnm_gateway_run("Deny", {{"always-443", "AlwaysAllow", 20}});
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_listener_lines(r) == std::vector<std::string>{"tcp 443 any | admin:always-443"});
    const auto warnings = avnm_messages(r.a.findings, "admin-rules-undecided");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("application gateway 'agw-edge'") != std::string::npos);
    CHECK(warnings[0].find("virtual network 'vnet-hub'") != std::string::npos);
    CHECK(warnings[0].find("network isolation") != std::string::npos);
    // The backends behind l-https (vm-web-1 and vm-web-2 on 8080, admitted by nsg-web's allow-agw-8080) are reached
    // through the same admin stage; at the backend the 443 rule does not match 8080.
    AvnmRun backends;
    backends.m = r.m;
    for (const auto& x : r.a.exposures) {
      if (x.via == solver::Via::kApplicationGateway) backends.a.exposures.push_back(x);
    }
    CHECK(
        avnm_lines(backends) ==
        std::vector<std::string>(2, "tcp 8080 any | admin:always-443 admin:- nsg(subnet):allow-agw-8080 no-nsg(nic)"));
    // explain agrees: the gateway's admin stage admits the packet, the gateway subnet's NSG is not on the trace.
    const std::string trace = avnm_trace(r, "20.50.0.20", 443);
    CHECK(trace.find("admin-rule+ application-gateway(listener)+") != std::string::npos);
    CHECK(trace.find("nsg(gateway-subnet)") == std::string::npos);
    CHECK(trace.substr(trace.size() - 7) == "allowed");
  }
  SECTION("a Deny admin rule on 443 before the AlwaysAllow one is not applied: the listener is still exposed") {
    const auto r = avnm_gateway_run("Deny", {{"deny-443", "Deny", 5}, {"always-443", "AlwaysAllow", 20}});
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_listener_lines(r) == std::vector<std::string>{"tcp 443 any | admin:always-443"});
    CHECK(avnm_trace(r, "20.50.0.20", 443).find("admin-rule+ application-gateway(listener)+") != std::string::npos);
  }
  SECTION("the NSG allows 443, a Deny admin rule on 443 alone: the listener is still exposed, no stage, no warning") {
    const auto r = avnm_gateway_run("Allow", {{"deny-443", "Deny", 5}});
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_listener_lines(r) == std::vector<std::string>{"tcp 443 any | nsg(subnet):allow-https"});
    CHECK(avnm_messages(r.a.findings, "admin-rules-undecided").empty());
    const std::string trace = avnm_trace(r, "20.50.0.20", 443);
    CHECK(trace.find("nsg(gateway-subnet)+ application-gateway(listener)+") != std::string::npos);
  }
}

namespace {

/// tests/path_estates.h's DNAT to an application gateway (internet -> pip-fw 20.1.1.1:443, DNAT rule to-agw ->
/// 10.0.2.10:443, agw's private frontend in hub/agw; listener l-https -> pool 10.0.4.4:80, nic-app, whose nsg-app
/// admits 80 from the gateway subnet; the firewall's SNAT addresses are its subnet 10.0.1.0/26) with nsg-agw's
/// allow-fw-443 (100, from 10.0.1.0/26 on 443) turned to `fw_access`, vnet hub in westeurope, and network manager nm
/// applying one inbound TCP 443 admin rule `name` (`access`, priority 10, from `source` to any address) to hub.
AvnmRun avnm_dnat_gateway_run(const std::string& fw_access, const std::string& name, const std::string& access,
                              const std::string& source) {
  json e = exposim::testing::path_estates::dnat_to_gateway().resources;
  for (auto& r : e) {
    if (r["name"] == "hub") r["location"] = "westeurope";
    if (r["name"] != "nsg-agw") continue;
    for (auto& rule : r["properties"]["securityRules"]) {
      if (rule["name"] == "allow-fw-443") rule["properties"]["access"] = fw_access;
    }
  }
  e.push_back(
      {{"id", kAvnmManager}, {"name", "nm"}, {"type", "Microsoft.Network/networkManagers"}, {"properties", {}}});
  avnm_group(e, "ng", "");
  e.push_back({{"id", kAvnmManager + "/networkGroups/ng/staticMembers/hub"},
               {"name", "hub"},
               {"type", "Microsoft.Network/networkManagers/networkGroups/staticMembers"},
               {"properties", {{"resourceId", exposim::testing::gateway_estate::kS + "/virtualNetworks/hub"}}}});
  avnm_config(e, "cfg", "ng");
  avnm_rule(e, "cfg", name, access, 10, "443");
  e.back()["properties"]["sources"] = {{{"addressPrefix", source}, {"addressPrefixType", "IPPrefix"}}};
  avnm_deployed(e, {"cfg"});
  return avnm_run(e);
}

/// The exposures of `r` of target kind `kind`: avnm_lines.
std::vector<std::string> avnm_lines_of(const AvnmRun& r, model::ResourceKind kind) {
  AvnmRun only;
  only.m = r.m;
  for (const auto& x : r.a.exposures) {
    if (x.target_kind == kind) only.a.exposures.push_back(x);
  }
  return avnm_lines(only);
}

}  // namespace

TEST_CASE("admin rules: an application gateway listener behind a firewall DNAT gets its VNet's admin stage",
          "[solver][network_manager][application-gateway]") {
  // Azure applies the gateway VNet's admin rules to the gateway's subnet when the gateway is deployed with network
  // isolation, whatever frontend the traffic arrives on. Behind a firewall's DNAT rule the subnet sees the
  // firewall's SNAT addresses (10.0.1.0/26): an AlwaysAllow admin rule over them admits the translated traffic that
  // nsg-agw denies, as on a public frontend (Allow and AlwaysAllow rules applied, Deny rules not).
  using RK = model::ResourceKind;
  SECTION("AlwaysAllow from the firewall subnet over an NSG deny: exposed") {
    const auto r = avnm_dnat_gateway_run("Deny", "always-fw", "AlwaysAllow", "10.0.1.0/26");
    REQUIRE_FALSE(r.diags.has_errors());
    // The listener: the admin rule decides, no gateway subnet NSG hop.
    CHECK(avnm_lines_of(r, RK::kApplicationGateway) == std::vector<std::string>{"tcp 443 any | admin:always-fw"});
    // The backend nic-app (in hub too: its own admin stage, where always-fw does not match the gateway subnet
    // 10.0.2.0/24, then nsg-app's allow-gw-80) through the same stage.
    CHECK(avnm_lines_of(r, RK::kNetworkInterface) ==
          std::vector<std::string>{"tcp 80 any | admin:always-fw admin:- no-nsg(subnet) nsg(nic):allow-gw-80"});
    const auto warnings = avnm_messages(r.a.findings, "admin-rules-undecided");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("application gateway 'agw'") != std::string::npos);
    CHECK(warnings[0].find("virtual network 'hub'") != std::string::npos);
    // The firewall's DNAT hop, then the admin stage of the gateway subnet (scope gateway-subnet) naming the rule.
    const auto own = std::find_if(r.a.exposures.begin(), r.a.exposures.end(),
                                  [](const auto& x) { return x.target_kind == RK::kApplicationGateway; });
    REQUIRE(own != r.a.exposures.end());
    std::string kinds;
    for (const auto& h : own->path) kinds += std::string(solver::to_string(h.kind)) + ' ';
    CHECK(kinds == "source entry firewall admin-rule application-gateway target ");
    // explain agrees, hop by hop, on every exposure (tests/path_check.h), and on the client's packet.
    exposim::testing::path_check::Counts n;
    exposim::testing::path_check::check_paths(r.m, r.a, n);
    CHECK(n.analyzed["own:application-gateway"] == 1);
    CHECK(n.explained["own:application-gateway"] == 1);
    CHECK(n.explained["application-gateway"] == 1);
    const std::string trace = avnm_trace(r, "20.1.1.1", 443);
    INFO(trace);
    CHECK(trace.find("firewall+ route(forward)+ admin-rule+ application-gateway(listener)+") != std::string::npos);
    CHECK(trace.find("nsg(gateway-subnet)") == std::string::npos);
    CHECK(trace.substr(trace.size() - 7) == "allowed");
  }
  SECTION("Allow from the firewall subnet: the NSG denies and no stage") {
    const auto r = avnm_dnat_gateway_run("Deny", "allow-fw", "Allow", "10.0.1.0/26");
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines_of(r, RK::kApplicationGateway).empty());
    CHECK(avnm_lines_of(r, RK::kNetworkInterface).empty());
    CHECK(avnm_messages(r.a.findings, "admin-rules-undecided").empty());
    const std::string trace = avnm_trace(r, "20.1.1.1", 443);
    INFO(trace);
    // (The backend's own admin stage, further on, is not the gateway's.)
    CHECK(trace.find("firewall+ route(forward)+ nsg(gateway-subnet)- application-gateway(listener)+") !=
          std::string::npos);
    CHECK(trace.substr(trace.size() - 6) == "denied");
  }
  SECTION("AlwaysAllow from other sources and an NSG allow: exposed by the NSG") {
    const auto r = avnm_dnat_gateway_run("Allow", "always-other", "AlwaysAllow", "198.51.100.0/24");
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines_of(r, RK::kApplicationGateway) ==
          std::vector<std::string>{"tcp 443 any | admin:- nsg(subnet):allow-fw-443"});
    exposim::testing::path_check::Counts n;
    exposim::testing::path_check::check_paths(r.m, r.a, n);
    CHECK(n.explained["own:application-gateway"] == 1);
    const std::string trace = avnm_trace(r, "20.1.1.1", 443);
    CHECK(trace.find("admin-rule+ nsg(gateway-subnet)+ application-gateway(listener)+") != std::string::npos);
    CHECK(trace.substr(trace.size() - 7) == "allowed");
  }
  SECTION("AlwaysAllow from other sources and an NSG deny: closed") {
    const auto r = avnm_dnat_gateway_run("Deny", "always-other", "AlwaysAllow", "198.51.100.0/24");
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(avnm_lines_of(r, RK::kApplicationGateway).empty());
    const std::string trace = avnm_trace(r, "20.1.1.1", 443);
    CHECK(trace.find("admin-rule+ nsg(gateway-subnet)- ") != std::string::npos);
    CHECK(trace.substr(trace.size() - 6) == "denied");
  }
}
