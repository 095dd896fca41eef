// Just-in-time VM access policies (`Microsoft.Security/locations/jitNetworkAccessPolicies`, docs/model.md): the
// REST, az CLI and deployment template shapes, validation of the virtual machines they name, and bad input with
// the exact diagnostic. Expected values are worked out by hand from the REST reference (Jit Network Access Policies,
// api-version 2020-01-01): `properties.virtualMachines[]` of `{id, ports[]}`, a port being `{number, protocol
// (TCP, UDP or *), allowedSourceAddressPrefix or allowedSourceAddressPrefixes, maxRequestAccessDuration}`.
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

namespace {

using exposim::testing::resource_json::printed;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

const std::string kJitSub = "/subscriptions/s";
const std::string kVm1 = kJitSub + "/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/VM1";
const std::string kVm2 = kJitSub + "/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-elsewhere";
const std::string kPolicyId = kJitSub +
                              "/resourceGroups/rg/providers/Microsoft.Security/locations/westeurope/"
                              "jitNetworkAccessPolicies/default";

struct JitImport {
  model::Model model;
  model::Diagnostics diags;
};

JitImport import_jit(const std::string& text, bool validate = true) {
  JitImport r;
  az::import_text(text, "t.json", r.model, r.diags);
  if (validate) model::validate(r.model, r.diags);
  return r;
}

/// A virtual machine with no network interface (enough to be resolved).
std::string vm(const std::string& id) {
  return fmt::format(R"({{"id": "{}", "name": "{}", "type": "Microsoft.Compute/virtualMachines", "properties": {{}}}})",
                     id, id.substr(id.rfind('/') + 1));
}

/// A policy in the REST shape with `vms` as its `virtualMachines`.
std::string policy(const std::string& vms) {
  return fmt::format(
      R"({{"id": "{}", "name": "default", "type": "Microsoft.Security/locations/jitNetworkAccessPolicies",
      "location": "westeurope", "kind": "Basic", "properties": {{"virtualMachines": {}}}}})",
      kPolicyId, vms);
}

}  // namespace

TEST_CASE("jit policy: the REST shape gives each VM its ports", "[azure][jit]") {
  // The REST reference's example: vm1 with 22 and 3389 (protocol *, any source, PT3H); a second entry names a VM of
  // the subscription that is not in the input, with UDP 5000 from two prefixes.
  const std::string vms = fmt::format(R"([
      {{"id": "{}", "ports": [
        {{"number": 22, "protocol": "*", "allowedSourceAddressPrefix": "*", "maxRequestAccessDuration": "PT3H"}},
        {{"number": 3389, "protocol": "tcp", "allowedSourceAddressPrefix": "203.0.113.0/24",
          "maxRequestAccessDuration": "PT1H"}}]}},
      {{"id": "{}", "ports": [
        {{"number": "5000", "protocol": "UDP", "allowedSourceAddressPrefixes": ["198.51.100.7", "192.0.2.0/28"]}}]}}])",
                                      kVm1, kVm2);
  auto r = import_jit(fmt::format("[{}, {}]", vm(kVm1), policy(vms)));
  REQUIRE(r.model.jit_policies.size() == 1);
  const auto& p = r.model.jit_policies[0];
  CHECK(p.name == "default");
  CHECK(p.location == "westeurope");
  CHECK(p.where.pointer == "/1");
  REQUIRE(p.virtual_machines.size() == 2);

  const auto& first = p.virtual_machines[0];
  CHECK(first.vm.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1");
  CHECK(first.vm.index == 0);  // resolved to Model::vms[0]
  CHECK(first.where.pointer == "/1/properties/virtualMachines/0");
  REQUIRE(first.ports.size() == 2);
  CHECK(first.ports[0].number == 22);
  CHECK(first.ports[0].protocol == "*");
  CHECK(first.ports[0].allowed_sources == Lines{"*"});
  CHECK(first.ports[0].max_request_access_duration == "PT3H");
  CHECK(first.ports[0].where.pointer == "/1/properties/virtualMachines/0/ports/0");
  CHECK(first.ports[1].number == 3389);
  CHECK(first.ports[1].protocol == "TCP");  // canonical spelling
  CHECK(first.ports[1].allowed_sources == Lines{"203.0.113.0/24"});
  CHECK(first.ports[1].where.pointer == "/1/properties/virtualMachines/0/ports/1");

  const auto& second = p.virtual_machines[1];
  CHECK(second.vm.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-elsewhere");
  CHECK_FALSE(second.vm.resolved());  // not in the input: kept, unresolved
  REQUIRE(second.ports.size() == 1);
  CHECK(second.ports[0].number == 5000);  // the string "5000", converted with a note
  CHECK(second.ports[0].protocol == "UDP");
  CHECK(second.ports[0].allowed_sources == Lines{"198.51.100.7", "192.0.2.0/28"});
  CHECK(second.ports[0].max_request_access_duration.empty());

  // No error nor warning: a note for the string port, one for the VM outside the input.
  CHECK_FALSE(r.diags.has_errors());
  CHECK(printed(r.diags) ==
        Lines{"t.json: /1/properties/virtualMachines/1/id: note: referenced virtual-machine "
              "'/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-elsewhere' is not in "
              "the input [missing-reference]",
              "t.json: /1/properties/virtualMachines/1/ports/0/number: note: 'number' is the string '5000', read as "
              "the number 5000 [coerced-value]"});
}

TEST_CASE("jit policy: the az CLI shape has no properties object", "[azure][jit]") {
  // `az security jit-policy list` prints the policy's fields on the object itself.
  const std::string text = fmt::format(R"([{{"id": "{}", "name": "default", "kind": "Basic", "location": "westeurope",
      "resourceGroup": "rg", "provisioningState": "Succeeded", "requests": null,
      "type": "Microsoft.Security/locations/jitNetworkAccessPolicies",
      "virtualMachines": [{{"id": "{}", "ports": [{{"number": 22, "protocol": "TCP",
        "allowedSourceAddressPrefix": null, "allowedSourceAddressPrefixes": ["10.0.0.0/8"],
        "maxRequestAccessDuration": "PT3H"}}], "publicIpAddress": null}}]}}])",
                                       kPolicyId, kVm1);
  auto r = import_jit(text);
  REQUIRE(r.model.jit_policies.size() == 1);
  const auto& p = r.model.jit_policies[0];
  CHECK(p.flattened);
  REQUIRE(p.virtual_machines.size() == 1);
  CHECK(p.virtual_machines[0].where.pointer == "/0/virtualMachines/0");
  REQUIRE(p.virtual_machines[0].ports.size() == 1);
  CHECK(p.virtual_machines[0].ports[0].number == 22);
  CHECK(p.virtual_machines[0].ports[0].allowed_sources == Lines{"10.0.0.0/8"});
  CHECK(printed(r.diags) ==
        Lines{"t.json: /0/virtualMachines/0/id: note: referenced virtual-machine "
              "'/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1' "
              "is not in the input [missing-reference]"});
}

TEST_CASE("jit policy: the REST list shape wraps policies in value", "[azure][jit]") {
  auto r = import_jit(
      fmt::format(R"({{"value": [{}]}})",
                  policy(fmt::format(R"([{{"id": "{}", "ports": [{{"number": 22, "protocol": "*"}}]}}])", kVm1))),
      false);
  REQUIRE(r.model.jit_policies.size() == 1);
  CHECK(r.model.jit_policies[0].where.pointer == "/value/0");
  REQUIRE(r.model.jit_policies[0].virtual_machines.size() == 1);
  CHECK(r.model.jit_policies[0].virtual_machines[0].ports[0].where.pointer ==
        "/value/0/properties/virtualMachines/0/ports/0");
  CHECK(r.diags.items().empty());
}

TEST_CASE("jit policy: bad ports and entries are rejected at their pointer", "[azure][jit]") {
  struct Case {
    const char* what;
    std::string vms;
    std::string expected;
    std::size_t ports_kept;
  };
  const std::string id = kVm1;
  const std::vector<Case> cases = {
      {"port 0", fmt::format(R"([{{"id": "{}", "ports": [{{"number": 0, "protocol": "TCP"}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0/number: error: port 0 is below 1 [invalid-value]", 0},
      {"port 65536", fmt::format(R"([{{"id": "{}", "ports": [{{"number": 65536, "protocol": "TCP"}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0/number: error: port 65536 is above 65535 [invalid-value]", 0},
      {"number of the wrong type",
       fmt::format(R"([{{"id": "{}", "ports": [{{"number": true, "protocol": "TCP"}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0/number: error: 'number' is a boolean, expected an integer "
       "[invalid-type]",
       0},
      {"no number", fmt::format(R"([{{"id": "{}", "ports": [{{"protocol": "TCP"}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0: error: port has no 'number' [missing-field]", 0},
      {"unknown protocol", fmt::format(R"([{{"id": "{}", "ports": [{{"number": 22, "protocol": "ICMP"}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0/protocol: error: protocol 'ICMP' is not TCP, UDP or * "
       "[invalid-value]",
       0},
      {"no protocol", fmt::format(R"([{{"id": "{}", "ports": [{{"number": 22}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0: error: port has no 'protocol' [missing-field]", 0},
      {"a prefix that is not a string",
       fmt::format(
           R"([{{"id": "{}", "ports": [{{"number": 22, "protocol": "TCP", "allowedSourceAddressPrefix": 7}}]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0/allowedSourceAddressPrefix: error: "
       "'allowedSourceAddressPrefix' is an integer, expected a string [invalid-type]",
       0},
      {"a port that is not an object", fmt::format(R"([{{"id": "{}", "ports": [22]}}])", id),
       "t.json: /0/properties/virtualMachines/0/ports/0: error: port is an integer, expected an object [invalid-type]",
       0},
      {"an entry without id", R"([{"ports": [{"number": 22, "protocol": "TCP"}]}])",
       "t.json: /0/properties/virtualMachines/0: error: virtual machine has no 'id' [missing-field]", 0},
      {"an entry that is not an object", R"(["vm1"])",
       "t.json: /0/properties/virtualMachines/0: error: virtual machine is a string, expected an object [invalid-type]",
       0},
      {"virtualMachines not an array", R"({"id": "x"})",
       "t.json: /0/properties/virtualMachines: error: 'virtualMachines' is an object, expected an array [invalid-type]",
       0},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = import_jit("[" + policy(c.vms) + "]", false);
    CHECK(printed(r.diags) == Lines{c.expected});
    REQUIRE(r.model.jit_policies.size() == 1);  // the policy is kept, without what is wrong
    std::size_t ports = 0;
    for (const auto& v : r.model.jit_policies[0].virtual_machines) ports += v.ports.size();
    CHECK(ports == c.ports_kept);
  }
}

TEST_CASE("jit policy: a deployment template deploys it and its port may be a parameter", "[azure][jit][arm]") {
  // The resource name is "<location>/<policy>", as for every Microsoft.Security/locations child; the VM is
  // declared in the same template. `sshPort` has a value; `rdpPort` has none, so that port is only known at
  // deployment: it is left out (it never counts as covered) with the unknown-value warning.
  const fs::path dir = fs::temp_directory_path() / fmt::format("exposim-jit-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path file = dir / "jit.json";
  std::ofstream(file) << R"({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"sshPort": {"type": "int", "defaultValue": 2222}, "rdpPort": {"type": "int"}},
  "resources": [
    {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2023-03-01", "name": "vm1",
     "location": "westeurope", "properties": {}},
    {"type": "Microsoft.Security/locations/jitNetworkAccessPolicies", "apiVersion": "2020-01-01",
     "name": "westeurope/default", "kind": "Basic",
     "dependsOn": ["[resourceId('Microsoft.Compute/virtualMachines', 'vm1')]"],
     "properties": {"virtualMachines": [
       {"id": "[resourceId('Microsoft.Compute/virtualMachines', 'vm1')]", "ports": [
         {"number": "[parameters('sshPort')]", "protocol": "TCP", "allowedSourceAddressPrefix": "*",
          "maxRequestAccessDuration": "PT3H"},
         {"number": "[parameters('rdpPort')]", "protocol": "TCP", "allowedSourceAddressPrefix": "*",
          "maxRequestAccessDuration": "PT3H"}]}]}}
  ]
})";
  model::Model m;
  model::Diagnostics d;
  exposim::importers::import_inputs({file.string()}, {}, m, d);
  model::validate(m, d, model::ValidateOptions{true});
  fs::remove_all(dir);
  REQUIRE(m.jit_policies.size() == 1);
  const auto& p = m.jit_policies[0];
  CHECK(p.key ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/resource-group/providers/"
        "microsoft.security/locations/westeurope/jitnetworkaccesspolicies/default");
  CHECK(p.where.pointer == "/resources/1");
  REQUIRE(p.virtual_machines.size() == 1);
  CHECK(p.virtual_machines[0].vm.resolved());
  CHECK(m.vms[p.virtual_machines[0].vm.index].name == "vm1");
  CHECK(p.virtual_machines[0].where.pointer == "/resources/1/properties/virtualMachines/0");
  REQUIRE(p.virtual_machines[0].ports.size() == 1);
  CHECK(p.virtual_machines[0].ports[0].number == 2222);
  CHECK(p.virtual_machines[0].ports[0].where.pointer == "/resources/1/properties/virtualMachines/0/ports/0");
  CHECK_FALSE(d.has_errors());
  bool unknown_rdp = false;
  for (const auto& x : d.items()) {
    if (x.code == "unknown-value" && x.where.pointer == "/resources/1/properties/virtualMachines/0/ports/1/number") {
      unknown_rdp = true;
    }
  }
  CHECK(unknown_rdp);
}
