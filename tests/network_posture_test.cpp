// The network posture properties the recommendations read (docs/model.md, "Properties read for recommendations"):
// IP forwarding of network interfaces (and of scale set instances, from their network interface configuration),
// the DDoS protection mode of public IPs, DDoS protection of virtual networks, and whether an application gateway
// has a WAF. Each from resource JSON, a deployment template and a Terraform plan: the value, the value when absent
// (Azure's documented default), an unknown value, and the exact place. Expected values are worked out by hand from
// the ARM reference (`enableIPForwarding`, `ddosSettings.protectionMode` Enabled | Disabled |
// VirtualNetworkInherited, `enableDdosProtection` default false, `ddosProtectionPlan.id`,
// `webApplicationFirewallConfiguration` and `firewallPolicy`, whose absence policy 564feb30 audits) and the azurerm
// documentation (`ip_forwarding_enabled`, `ddos_protection_mode`, `ddos_protection_plan { id, enable }`,
// `waf_configuration`, `firewall_policy_id`).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "resource_json.h"
#include "terraform_fixture.h"

namespace {

using exposim::testing::resource_json::kRg;
using exposim::testing::resource_json::printed;
using exposim::testing::resource_json::resource;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

struct PostureImport {
  model::Model model;
  model::Diagnostics diags;
};

PostureImport import_posture(const std::string& text) {
  PostureImport r;
  az::import_text(text, "t.json", r.model, r.diags);
  return r;
}

template <typename Items>
const auto& named(const Items& items, const std::string& name) {
  for (const auto& x : items) {
    if (x.name == name) return x;
  }
  FAIL("no resource named " << name);
  return items.front();
}

/// A template written to a fresh directory, imported as the CLI imports it, and validated.
struct TemplateRun {
  model::Model model;
  model::Diagnostics diags;
};

TemplateRun run_posture_template(const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("exposim-posture-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path file = dir / "posture.json";
  std::ofstream(file) << text;
  TemplateRun r;
  exposim::importers::import_inputs({file.string()}, {}, r.model, r.diags);
  model::validate(r.model, r.diags, model::ValidateOptions{true});
  fs::remove_all(dir);
  return r;
}

}  // namespace

TEST_CASE("network posture: IP forwarding of a network interface and where it is", "[azure][posture]") {
  auto r = import_posture(
      fmt::format("[{}, {}, {}]",
                  resource("Microsoft.Network/networkInterfaces", "nic-nva",
                           R"({"enableIPForwarding": true, "ipConfigurations": []})"),
                  resource("Microsoft.Network/networkInterfaces", "nic-web", R"({"ipConfigurations": []})"),
                  resource("Microsoft.Network/networkInterfaces", "nic-off", R"({"enableIPForwarding": false})")));
  CHECK(r.diags.items().empty());
  REQUIRE(r.model.nics.size() == 3);
  CHECK(r.model.nics[0].enable_ip_forwarding);
  CHECK(r.model.nics[0].enable_ip_forwarding_where.pointer == "/0/properties/enableIPForwarding");
  CHECK(r.model.nics[0].enable_ip_forwarding_where.file.str() == "t.json");
  CHECK_FALSE(r.model.nics[1].enable_ip_forwarding);
  CHECK(r.model.nics[1].enable_ip_forwarding_where.pointer == "/1");  // absent: the NIC's object
  CHECK_FALSE(r.model.nics[2].enable_ip_forwarding);
  CHECK(r.model.nics[2].enable_ip_forwarding_where.pointer == "/2/properties/enableIPForwarding");
}

TEST_CASE("network posture: a scale set instance's IP forwarding is its NIC configuration's", "[azure][posture]") {
  // vmss-nva, capacity 2, with two NIC configurations: "fwd" forwards, "plain" does not say. Each of the 2
  // instances has both NICs; each points at its network interface configuration, which holds the property.
  const std::string subnet = kRg + "/Microsoft.Network/virtualNetworks/vnet/subnets/snet";
  auto r = import_posture(fmt::format(
      "[{}]",
      resource("Microsoft.Compute/virtualMachineScaleSets", "vmss-nva",
               fmt::format(R"({{"virtualMachineProfile": {{"networkProfile": {{"networkInterfaceConfigurations": [
        {{"name": "fwd", "properties": {{"primary": true, "enableIPForwarding": true, "ipConfigurations": [
          {{"name": "ip", "properties": {{"subnet": {{"id": "{}"}}}}}}]}}}},
        {{"name": "plain", "properties": {{"ipConfigurations": [
          {{"name": "ip", "properties": {{"subnet": {{"id": "{}"}}}}}}]}}}}]}}}}}})",
                           subnet, subnet),
               R"(, "sku": {"name": "Standard_B1s", "capacity": 2})")));
  model::validate(r.model, r.diags, model::ValidateOptions{true});
  const std::string configs = "/0/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations";
  int fwd = 0, plain = 0;
  for (const auto& n : r.model.nics) {
    INFO(n.id);
    if (n.name == "fwd") {
      ++fwd;
      CHECK(n.enable_ip_forwarding);
      CHECK(n.enable_ip_forwarding_where.pointer == configs + "/0");
    } else if (n.name == "plain") {
      ++plain;
      CHECK_FALSE(n.enable_ip_forwarding);
      CHECK(n.enable_ip_forwarding_where.pointer == configs + "/1");
    }
  }
  CHECK(fwd == 2);
  CHECK(plain == 2);
}

TEST_CASE("network posture: DDoS protection mode of a public IP", "[azure][posture]") {
  auto r = import_posture(fmt::format(
      "[{}, {}, {}, {}]",
      resource("Microsoft.Network/publicIPAddresses", "pip-on", R"({"ddosSettings": {"protectionMode": "enabled"}})",
               R"(, "sku": {"name": "Standard"})"),
      resource("Microsoft.Network/publicIPAddresses", "pip-off", R"({"ddosSettings": {"protectionMode": "Disabled"}})"),
      resource("Microsoft.Network/publicIPAddresses", "pip-plain", R"({"publicIPAllocationMethod": "Static"})"),
      resource("Microsoft.Network/publicIPAddresses", "pip-plan-only",
               R"({"ddosSettings": {"ddosProtectionPlan": {"id": "x"}}})")));
  CHECK(r.diags.items().empty());
  REQUIRE(r.model.public_ips.size() == 4);
  const auto& on = r.model.public_ips[0].ddos_protection_mode;
  CHECK(on.value == std::optional<std::string>("Enabled"));  // canonical spelling
  CHECK_FALSE(on.unknown);
  CHECK(on.where.pointer == "/0/properties/ddosSettings/protectionMode");
  CHECK(r.model.public_ips[1].ddos_protection_mode.is("Disabled"));
  // Absent: the virtual network's protection applies (Azure's default), at the resource's object.
  const auto& plain = r.model.public_ips[2].ddos_protection_mode;
  CHECK(plain.is("VirtualNetworkInherited"));
  CHECK(plain.where.pointer == "/2");
  CHECK(r.model.public_ips[3].ddos_protection_mode.is("VirtualNetworkInherited"));
  CHECK(r.model.public_ips[3].ddos_protection_mode.where.pointer == "/3");

  auto bad = import_posture(fmt::format("[{}]", resource("Microsoft.Network/publicIPAddresses", "pip",
                                                         R"({"ddosSettings": {"protectionMode": "Sometimes"}})")));
  CHECK(printed(bad.diags) ==
        Lines{"t.json: /0/properties/ddosSettings/protectionMode: error: DDoS protection mode 'Sometimes' is not "
              "Enabled, Disabled or VirtualNetworkInherited [invalid-value]"});
  REQUIRE(bad.model.public_ips.size() == 1);
  CHECK_FALSE(bad.model.public_ips[0].ddos_protection_mode.value);
  auto typed = import_posture(
      fmt::format("[{}]", resource("Microsoft.Network/publicIPAddresses", "pip", R"({"ddosSettings": "Enabled"})")));
  CHECK(
      printed(typed.diags) ==
      Lines{
          "t.json: /0/properties/ddosSettings: error: 'ddosSettings' is a string, expected an object [invalid-type]"});
  CHECK_FALSE(typed.model.public_ips[0].ddos_protection_mode.value);
  CHECK(typed.model.public_ips[0].ddos_protection_mode.where.pointer == "/0/properties/ddosSettings");
}

TEST_CASE("network posture: DDoS protection of a virtual network", "[azure][posture]") {
  auto r = import_posture(fmt::format(
      "[{}, {}]",
      resource("Microsoft.Network/virtualNetworks", "vnet-ddos",
               fmt::format(R"({{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}}, "enableDdosProtection": true,
                    "ddosProtectionPlan": {{"id": "{}/Microsoft.Network/ddosProtectionPlans/DDoS-Plan"}}}})",
                           kRg)),
      resource("Microsoft.Network/virtualNetworks", "vnet-plain",
               R"({"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}})")));
  CHECK(r.diags.items().empty());
  REQUIRE(r.model.vnets.size() == 2);
  const auto& ddos = r.model.vnets[0];
  CHECK(ddos.enable_ddos_protection.is(true));
  CHECK(ddos.enable_ddos_protection.where.pointer == "/0/properties/enableDdosProtection");
  CHECK(ddos.ddos_protection_plan.value ==
        std::optional<std::string>(
            "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/ddosprotectionplans/ddos-plan"));
  CHECK(ddos.ddos_protection_plan.where.pointer == "/0/properties/ddosProtectionPlan");
  // Absent: not enabled (Azure's default) and no plan, both at the resource's object.
  const auto& plain = r.model.vnets[1];
  CHECK(plain.enable_ddos_protection.is(false));
  CHECK(plain.enable_ddos_protection.where.pointer == "/1");
  CHECK_FALSE(plain.ddos_protection_plan.present());
  CHECK(plain.ddos_protection_plan.where.pointer == "/1");

  auto bad =
      import_posture(fmt::format("[{}]", resource("Microsoft.Network/virtualNetworks", "v",
                                                  R"({"enableDdosProtection": "yes", "ddosProtectionPlan": "p"})")));
  CHECK(printed(bad.diags) ==
        Lines{"t.json: /0/properties/ddosProtectionPlan: error: 'ddosProtectionPlan' is a string, expected an object "
              "with an 'id' [invalid-type]",
              "t.json: /0/properties/enableDdosProtection: error: 'enableDdosProtection' is a string, expected a "
              "boolean [invalid-type]"});
  REQUIRE(bad.model.vnets.size() == 1);
  CHECK_FALSE(bad.model.vnets[0].enable_ddos_protection.value);
  CHECK_FALSE(bad.model.vnets[0].ddos_protection_plan.value);
}

TEST_CASE("network posture: whether an application gateway has a WAF", "[azure][posture]") {
  const std::string policy = kRg + "/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf";
  auto r = import_posture(fmt::format(
      "[{}, {}, {}, {}]",
      resource("Microsoft.Network/applicationGateways", "agw-both",
               fmt::format(R"({{"sku": {{"name": "WAF_v2", "tier": "WAF_v2"}}, "firewallPolicy": {{"id": "{}"}},
                    "webApplicationFirewallConfiguration": {{"enabled": true, "firewallMode": "Prevention"}}}})",
                           policy)),
      resource("Microsoft.Network/applicationGateways", "agw-config",
               R"({"sku": {"name": "WAF_v2", "tier": "WAF_v2"},
                   "webApplicationFirewallConfiguration": {"enabled": false, "firewallMode": "Detection"}})"),
      resource("Microsoft.Network/applicationGateways", "agw-open",
               R"({"sku": {"name": "Standard_v2", "tier": "Standard_v2"}})"),
      resource("Microsoft.Network/applicationGateways", "agw-null",
               R"({"sku": {"name": "Standard_v2", "tier": "Standard_v2"}, "firewallPolicy": null,
                   "webApplicationFirewallConfiguration": null})")));
  REQUIRE(r.model.application_gateways.size() == 4);
  // Both: the policy, which takes precedence, is the place.
  CHECK(r.model.application_gateways[0].waf_configured);
  CHECK(r.model.application_gateways[0].waf_where.pointer == "/0/properties/firewallPolicy");
  // A configuration counts even when disabled: policy 564feb30 checks presence only.
  CHECK(r.model.application_gateways[1].waf_configured);
  CHECK(r.model.application_gateways[1].waf_where.pointer == "/1/properties/webApplicationFirewallConfiguration");
  CHECK_FALSE(r.model.application_gateways[2].waf_configured);
  CHECK(r.model.application_gateways[2].waf_where.pointer == "/2");
  // null is absent (the az CLI prints absent fields as null).
  CHECK_FALSE(r.model.application_gateways[3].waf_configured);
  CHECK(r.model.application_gateways[3].waf_where.pointer == "/3");
}

TEST_CASE("network posture: values and defaults and unknowns from a deployment template", "[azure][posture][arm]") {
  // `ddos` has no value: enableDdosProtection is only known at deployment (unknown, never compliant). `mode` is
  // "Enabled" by default. `forwarding` is true by default. The gateway's policy id is composed by resourceId().
  auto r = run_posture_template(R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"ddos": {"type": "bool"}, "mode": {"type": "string", "defaultValue": "Enabled"},
                 "forwarding": {"type": "bool", "defaultValue": true}},
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "vnet", "location": "westeurope",
     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                    "enableDdosProtection": "[parameters('ddos')]",
                    "ddosProtectionPlan": {"id": "[resourceId('Microsoft.Network/ddosProtectionPlans', 'plan')]"}}},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01", "name": "pip",
     "location": "westeurope", "sku": {"name": "Standard"},
     "properties": {"publicIPAllocationMethod": "Static", "ddosSettings": {"protectionMode": "[parameters('mode')]"}}},
    {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-04-01", "name": "nic",
     "location": "westeurope", "properties": {"enableIPForwarding": "[parameters('forwarding')]", "ipConfigurations": []}},
    {"type": "Microsoft.Network/applicationGateways", "apiVersion": "2023-04-01", "name": "agw",
     "location": "westeurope",
     "properties": {"sku": {"name": "WAF_v2", "tier": "WAF_v2"},
       "firewallPolicy": {"id": "[resourceId('Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies', 'waf')]"}}}
  ]
})");
  const auto& vnet = named(r.model.vnets, "vnet");
  CHECK(vnet.enable_ddos_protection.unknown);
  CHECK_FALSE(vnet.enable_ddos_protection.value);
  CHECK_FALSE(vnet.enable_ddos_protection.is(true));
  CHECK(vnet.enable_ddos_protection.where.pointer == "/resources/0/properties/enableDdosProtection");
  CHECK(vnet.ddos_protection_plan.value ==
        std::optional<std::string>("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/"
                                   "resource-group/providers/microsoft.network/ddosprotectionplans/plan"));
  CHECK(vnet.ddos_protection_plan.where.pointer == "/resources/0/properties/ddosProtectionPlan");
  const auto& pip = named(r.model.public_ips, "pip");
  CHECK(pip.ddos_protection_mode.is("Enabled"));
  CHECK(pip.ddos_protection_mode.where.pointer == "/resources/1/properties/ddosSettings/protectionMode");
  const auto& nic = named(r.model.nics, "nic");
  CHECK(nic.enable_ip_forwarding);
  CHECK(nic.enable_ip_forwarding_where.pointer == "/resources/2/properties/enableIPForwarding");
  const auto& agw = named(r.model.application_gateways, "agw");
  CHECK(agw.waf_configured);
  CHECK(agw.waf_where.pointer == "/resources/3/properties/firewallPolicy");
  bool unknown_ddos = false;
  for (const auto& x : r.diags.items()) {
    unknown_ddos |= x.code == "unknown-value" && x.where.pointer == "/resources/0/properties/enableDdosProtection";
  }
  CHECK(unknown_ddos);
}

TEST_CASE("network posture: each attribute of a Terraform plan and its place in the plan", "[terraform][posture]") {
  // network_posture.json (all created by the plan):
  //   0 vnet-protected: ddos_protection_plan { id = .../ddosProtectionPlans/DDOS-Plan, enable = true }
  //   1 vnet-plain: no ddos_protection_plan block
  //   2 vnet-pending: ddos_protection_plan { id known after apply (a plan created with it), enable = true }
  //   3 pip-enabled: ddos_protection_mode = "Enabled"; 4 pip-inherited: "VirtualNetworkInherited" (azurerm's
  //   default, as a plan prints it); 5 pip-legacy: no ddos_protection_mode (azurerm 2.x)
  //   6 nic-nva: ip_forwarding_enabled = true; 7 nic-web: false
  //   8 agw-waf: waf_configuration block; 9 agw-policy: firewall_policy_id known after apply; 10 agw-open: neither
  auto r = terraform_support::import_terraform("network_posture.json");
  auto at = [](int k, const std::string& attr) {
    return fmt::format("/planned_values/root_module/resources/{}{}", k, attr.empty() ? "" : "/values/" + attr);
  };
  const auto& protected_vnet = named(r.model.vnets, "vnet-protected");
  CHECK(protected_vnet.enable_ddos_protection.is(true));
  CHECK(protected_vnet.enable_ddos_protection.where.pointer == at(0, "ddos_protection_plan/0/enable"));
  CHECK(protected_vnet.ddos_protection_plan.value ==
        std::optional<std::string>("/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-posture/"
                                   "providers/microsoft.network/ddosprotectionplans/ddos-plan"));
  CHECK(protected_vnet.ddos_protection_plan.where.pointer == at(0, "ddos_protection_plan/0/id"));
  const auto& plain_vnet = named(r.model.vnets, "vnet-plain");
  CHECK(plain_vnet.enable_ddos_protection.is(false));
  CHECK(plain_vnet.enable_ddos_protection.where.pointer == at(1, ""));
  CHECK_FALSE(plain_vnet.ddos_protection_plan.present());
  CHECK(plain_vnet.ddos_protection_plan.where.pointer == at(1, ""));
  const auto& pending = named(r.model.vnets, "vnet-pending");
  CHECK(pending.ddos_protection_plan.unknown);
  CHECK_FALSE(pending.ddos_protection_plan.value);
  CHECK(pending.ddos_protection_plan.where.pointer == at(2, "ddos_protection_plan/0/id"));
  CHECK(pending.enable_ddos_protection.is(true));

  CHECK(named(r.model.public_ips, "pip-enabled").ddos_protection_mode.is("Enabled"));
  CHECK(named(r.model.public_ips, "pip-enabled").ddos_protection_mode.where.pointer == at(3, "ddos_protection_mode"));
  CHECK(named(r.model.public_ips, "pip-inherited").ddos_protection_mode.is("VirtualNetworkInherited"));
  CHECK(named(r.model.public_ips, "pip-inherited").ddos_protection_mode.where.pointer == at(4, "ddos_protection_mode"));
  CHECK(named(r.model.public_ips, "pip-legacy").ddos_protection_mode.is("VirtualNetworkInherited"));
  CHECK(named(r.model.public_ips, "pip-legacy").ddos_protection_mode.where.pointer == at(5, ""));

  CHECK(named(r.model.nics, "nic-nva").enable_ip_forwarding);
  CHECK(named(r.model.nics, "nic-nva").enable_ip_forwarding_where.pointer == at(6, "ip_forwarding_enabled"));
  CHECK_FALSE(named(r.model.nics, "nic-web").enable_ip_forwarding);
  CHECK(named(r.model.nics, "nic-web").enable_ip_forwarding_where.pointer == at(7, "ip_forwarding_enabled"));

  CHECK(named(r.model.application_gateways, "agw-waf").waf_configured);
  CHECK(named(r.model.application_gateways, "agw-waf").waf_where.pointer == at(8, "waf_configuration/0"));
  CHECK(named(r.model.application_gateways, "agw-policy").waf_configured);
  CHECK(named(r.model.application_gateways, "agw-policy").waf_where.pointer == at(9, "firewall_policy_id"));
  CHECK_FALSE(named(r.model.application_gateways, "agw-open").waf_configured);
  CHECK(named(r.model.application_gateways, "agw-open").waf_where.pointer == at(10, ""));
}
