// Tests of unknown, placeholder and coerced values in the Azure importer (issue 13): what is reported, and that
// each conservative reading (docs/model.md, "Unknown values") reports at least what every concrete value would.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "importers/unknown_value.h"
#include "model/validate.h"

namespace {

namespace az = exposim::importers::azure;
namespace model = exposim::model;
using exposim::importers::unknown_value;

struct Imported {
  model::Model model;
  std::vector<std::string> diags;  // sorted, as printed
};

Imported import(const std::string& text, az::ImportOptions options = {}) {
  Imported r;
  model::Diagnostics d;
  az::import_text(text, "t.json", r.model, d, options);
  for (const auto& x : d.sorted()) r.diags.push_back(model::to_string(x));
  return r;
}

az::ImportOptions from_template(std::vector<std::string> valueless = {}) {
  az::ImportOptions o;
  o.from_template = true;
  o.valueless_parameters = std::move(valueless);
  return o;
}

/// A JSON string literal holding `text` (escapes the \x01 of unknown values).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

const std::string kSub = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";

/// An NSG `n` with inbound rules given as (name, properties JSON).
std::string nsg(const std::vector<std::pair<std::string, std::string>>& rules) {
  std::string list;
  for (const auto& [name, props] : rules) {
    if (!list.empty()) list += ",";
    list += fmt::format(R"({{"name": "{}", "properties": {}}})", name, props);
  }
  return fmt::format(R"([{{"id": "{}/networkSecurityGroups/n", "type": "Microsoft.Network/networkSecurityGroups",
                          "properties": {{"securityRules": [{}]}}}}])",
                     kSub, list);
}

/// Rule properties: protocol, access, priority, source prefix, destination port, as JSON values.
std::string rule(const std::string& protocol, const std::string& access, const std::string& priority,
                 const std::string& source, const std::string& port) {
  return fmt::format(R"({{"protocol": {}, "access": {}, "priority": {}, "direction": "Inbound",
                         "sourceAddressPrefix": {}, "sourcePortRange": "*", "destinationAddressPrefix": "*",
                         "destinationPortRange": {}}})",
                     protocol, access, priority, source, port);
}

const std::string kRule0 = "t.json: /0/properties/securityRules/0/properties/";
const std::string kRule1 = "t.json: /0/properties/securityRules/1/properties/";

}  // namespace

TEST_CASE("unknown: numbers and booleans written as strings are converted with a note", "[unknown][azure]") {
  const std::string nic = fmt::format(
      R"([{{"id": "{0}/networkInterfaces/nic", "type": "Microsoft.Network/networkInterfaces",
           "properties": {{"enableIPForwarding": "False", "ipConfigurations": [{{"name": "c",
             "properties": {{"primary": "true", "privateIPAddress": "10.0.0.4",
                             "subnet": {{"id": "{0}/virtualNetworks/v/subnets/s"}}}}}}]}}}}])",
      kSub);
  for (bool tmpl : {false, true}) {
    auto r = import(nic, tmpl ? from_template() : az::ImportOptions{});
    REQUIRE(r.model.nics.size() == 1);
    CHECK(r.model.nics[0].ip_configurations[0].primary);
    CHECK_FALSE(r.model.nics[0].enable_ip_forwarding);
    CHECK(r.diags ==
          std::vector<std::string>{
              "t.json: /0/properties/enableIPForwarding: note: 'enableIPForwarding' is the string 'False', read as "
              "false [coerced-value]",
              "t.json: /0/properties/ipConfigurations/0/properties/primary: note: 'primary' is the string 'true', "
              "read as true [coerced-value]"});
  }
  auto r = import(nsg({{"r", rule(R"("Tcp")", R"("Allow")", R"(" 200")", R"("*")", R"("80")")}}));
  REQUIRE(r.model.nsgs[0].rules.size() == 1);
  CHECK(r.model.nsgs[0].rules[0].priority == 200);
  CHECK(r.diags == std::vector<std::string>{kRule0 + "priority: note: 'priority' is the string ' 200', read as the "
                                                     "number 200 [coerced-value]"});
}

TEST_CASE("unknown: a really invalid value says what is wrong", "[unknown][azure]") {
  auto r = import(nsg({{"r", rule(R"("Tcp")", R"("Allow")", R"("5000")", R"("*")", R"("80")")}}));
  CHECK(r.model.nsgs[0].rules.empty());
  CHECK(r.diags == std::vector<std::string>{
                       kRule0 + "priority: note: 'priority' is the string '5000', read as the number 5000 [coerced-value]",
                       kRule0 + "priority: error: priority 5000 is above 4096 [invalid-value]"});
  r = import(nsg({{"r", rule(R"("Tcp")", R"("Allow")", R"("high")", R"("*")", R"("80")")}}));
  CHECK(r.diags ==
        std::vector<std::string>{kRule0 + "priority: error: 'priority' is a string, expected an integer [invalid-type]"});
  // From a template, a value ARM would reject is a warning and the field is unknown.
  r = import(nsg({{"r", rule(R"("Tcp")", R"("Allow")", "5000", R"("*")", R"("80")")}}), from_template());
  CHECK(r.diags == std::vector<std::string>{
                       kRule0 + "priority: warning: priority 5000 is above 4096, which ARM would reject at deployment: "
                                "this field is read as unknown, conservatively (an unknown can only add exposure) "
                                "[unknown-value]"});
}

TEST_CASE("unknown: one warning per cause, at the first field it decides, with the count", "[unknown][azure]") {
  const std::string port = quoted(unknown_value("parameters('sshPort')"));
  auto r = import(nsg({{"a", rule(R"("Tcp")", R"("Allow")", "100", R"("<adminIp>")", port)},
                       {"b", rule(R"("Tcp")", R"("Allow")", "110", R"("<adminIp>")", R"("xx.xx.xx.xx/yy")")},
                       {"c", rule(R"("Tcp")", R"("Allow")", "120", R"("10.0.0.300/24")", R"("443")")}}),
                  from_template({"adminIp"}));
  CHECK(r.diags ==
        std::vector<std::string>{
            kRule0 + "destinationPortRange: warning: parameter 'sshPort' has no value: this field is read as unknown, "
                     "conservatively (an unknown can only add exposure) [unknown-value]",
            kRule0 + "sourceAddressPrefix: warning: parameter 'adminIp' has no value: 2 fields are read as unknown, "
                     "conservatively (an unknown can only add exposure); the first is here [unknown-value]",
            kRule1 + "destinationPortRange: warning: 'xx.xx.xx.xx/yy' is a placeholder: this field is read as "
                     "unknown, conservatively (an unknown can only add exposure) [unknown-value]",
            "t.json: /0/properties/securityRules/2/properties/sourceAddressPrefix: warning: address prefix "
            "'10.0.0.300/24' is not an IP address or CIDR prefix, which ARM would reject at deployment: this field "
            "is read as unknown, conservatively (an unknown can only add exposure) [unknown-value]"});
  // Outside templates, placeholders are what they always were: errors.
  r = import(nsg({{"b", rule(R"("Tcp")", R"("Allow")", "110", R"("*")", R"("xx.xx.xx.xx/yy")")}}));
  CHECK(r.diags == std::vector<std::string>{kRule0 + "destinationPortRange: error: port range 'xx.xx.xx.xx/yy' is "
                                                     "not a port or range in 0..65535 [invalid-value]"});
}

TEST_CASE("unknown: fields that cannot decide reachability stay silent", "[unknown][azure]") {
  const std::string text = fmt::format(
      R"([{{"id": "{0}/publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses",
           "name": {1}, "location": {2}, "tags": {{"owner": "<owner>"}},
           "sku": {{"name": "Standard"}}, "properties": {{"publicIPAllocationMethod": "Static"}}}}])",
      kSub, quoted(unknown_value("parameters('ipName')")), quoted(unknown_value("resourceGroup().location")));
  auto r = import(text, from_template({"owner"}));
  CHECK(r.diags.empty());
  REQUIRE(r.model.public_ips.size() == 1);
  CHECK(r.model.public_ips[0].sku == model::Sku::kStandard);
}
