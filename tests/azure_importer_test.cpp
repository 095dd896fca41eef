// Tests of the Azure resource JSON importer: input shapes, field semantics and exact diagnostics.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "resource_json.h"

namespace {

using exposim::testing::resource_json::printed;
using exposim::testing::resource_json::show;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
using model::IpFamily;
using model::IpPrefix;
using model::PortSet;
using model::ServiceTag;

struct AzureImport {
  model::Model model;
  std::vector<std::string> diags;  // sorted, as printed
  az::ImportStats stats;
};

AzureImport import_azure(std::string_view text, az::ImportOptions options = {}) {
  AzureImport r;
  model::Diagnostics d;
  r.stats = az::import_text(text, "t.json", r.model, d, options);
  r.diags = printed(d);
  return r;
}

std::string data_path(const char* name) { return std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/azure/" + name; }

IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

const std::string kAzureNetwork = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
const std::string kAzureNsgId = kAzureNetwork + "/networkSecurityGroups/nsg1";

using Fields = std::vector<std::pair<std::string, std::string>>;

/// The properties of a valid rule, with fields replaced, added, or removed (empty value).
std::string rule_properties(const Fields& overrides) {
  Fields fields = {
      {"protocol", R"("Tcp")"},
      {"access", R"("Allow")"},
      {"priority", "100"},
      {"direction", R"("Inbound")"},
      {"sourceAddressPrefix", R"("*")"},
      {"sourcePortRange", R"("*")"},
      {"destinationAddressPrefix", R"("*")"},
      {"destinationPortRange", R"("22")"},
  };
  for (const auto& [key, value] : overrides) {
    auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; });
    if (it == fields.end()) {
      fields.emplace_back(key, value);
    } else {
      it->second = value;
    }
  }
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    if (out.size() > 1) out += ", ";
    out += fmt::format(R"("{}": {})", key, value);
  }
  return out + "}";
}

/// One NSG holding the given custom and default rule objects.
std::string nsg_json(const std::string& rules, const std::string& default_rules = "") {
  return fmt::format(
      R"([{{"id": "{}", "name": "nsg1", "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope",
          "properties": {{"securityRules": [{}], "defaultSecurityRules": [{}]}}}}])",
      kAzureNsgId, rules, default_rules);
}

std::string one_rule(const Fields& overrides, const std::string& name = "r1") {
  return nsg_json(fmt::format(R"({{"name": "{}", "properties": {}}})", name, rule_properties(overrides)));
}

const model::SecurityRule& only_rule(const AzureImport& r) {
  REQUIRE(r.model.nsgs.size() == 1);
  REQUIRE(r.model.nsgs[0].rules.size() == 1);
  return r.model.nsgs[0].rules[0];
}

}  // namespace

// ---- security rules: bad input, exact diagnostics ----

struct RuleCase {
  Fields overrides;
  std::vector<std::string> diags;
  bool kept;  // the rule is in the model
};

TEST_CASE("azure: security rule errors and warnings", "[azure]") {
  const std::string p = "t.json: /0/properties/securityRules/0";
  const std::string f = p + "/properties/";
  const std::string kUnresolved =
      "is not resolved to addresses: allow rules treat it as the whole internet, deny rules as nothing "
      "(--service-tags FILE resolves it to its published prefixes) [unresolved-service-tag]";
  const RuleCase cases[] = {
      {{{"priority", ""}}, {p + ": error: security rule 'r1' has no 'priority' [missing-field]"}, false},
      {{{"priority", "5000"}}, {f + "priority: error: priority 5000 is above 4096 [invalid-value]"}, false},
      {{{"priority", "99"}}, {f + "priority: error: priority 99 is below 100 [invalid-value]"}, false},
      {{{"priority", "-1"}}, {f + "priority: error: priority -1 is below 100 [invalid-value]"}, false},
      {{{"priority", "18446744073709551615"}},
       {f + "priority: error: priority 18446744073709551615 is above 4096 [invalid-value]"},
       false},
      {{{"priority", R"("100")"}},
       {f + "priority: note: 'priority' is the string '100', read as the number 100 [coerced-value]"},
       true},
      {{{"priority", "100.5"}},
       {f + "priority: error: 'priority' is a floating-point number, expected an integer [invalid-type]"},
       false},
      {{{"protocol", R"("Foo")"}},
       {f + "protocol: error: protocol 'Foo' is not Tcp, Udp, Icmp, Esp, Ah or '*' [invalid-value]"},
       false},
      {{{"protocol", ""}}, {p + ": error: security rule 'r1' has no 'protocol' [missing-field]"}, false},
      {{{"protocol", "6"}}, {f + "protocol: error: 'protocol' is an integer, expected a string [invalid-type]"}, false},
      {{{"access", R"("Maybe")"}}, {f + "access: error: access 'Maybe' is not Allow or Deny [invalid-value]"}, false},
      {{{"access", ""}}, {p + ": error: security rule 'r1' has no 'access' [missing-field]"}, false},
      {{{"direction", R"("Sideways")"}},
       {f + "direction: error: direction 'Sideways' is not Inbound or Outbound [invalid-value]"},
       false},
      {{{"direction", ""}}, {p + ": error: security rule 'r1' has no 'direction' [missing-field]"}, false},
      {{{"sourceAddressPrefix", R"("10.0.0.300/24")"}},
       {f + "sourceAddressPrefix: error: address prefix '10.0.0.300/24' is not an IP address or CIDR prefix "
            "[invalid-value]"},
       false},
      {{{"destinationAddressPrefix", R"("10.0.0.0/33")"}},
       {f + "destinationAddressPrefix: error: address prefix '10.0.0.0/33' is not an IP address or CIDR prefix "
            "[invalid-value]"},
       false},
      {{{"destinationPortRange", R"("70000")"}},
       {f + "destinationPortRange: error: port range '70000' is not a port or range in 0..65535 [invalid-value]"},
       false},
      {{{"destinationPortRange", "70000"}},
       {f + "destinationPortRange: error: port 70000 is above 65535 [invalid-value]"},
       false},
      {{{"destinationPortRange", R"("80,443")"}},
       {f + "destinationPortRange: error: port range '80,443' is not a port or range in 0..65535 [invalid-value]"},
       false},
      {{{"destinationPortRange", R"("")"}, {"destinationPortRanges", R"(["80", "2000-1000"])"}},
       {f + "destinationPortRanges/1: error: port range '2000-1000' is not a port or range in 0..65535 "
            "[invalid-value]"},
       false},
      {{{"destinationPortRange", ""}},
       {p + ": error: security rule 'r1' has no 'destinationPortRange' or 'destinationPortRanges' [missing-field]"},
       false},
      {{{"sourcePortRange", ""}, {"sourcePortRanges", "[]"}},
       {p + ": error: security rule 'r1' has no 'sourcePortRange' or 'sourcePortRanges' [missing-field]"},
       false},
      {{{"sourceAddressPrefix", ""}},
       {p + ": error: security rule 'r1' has no 'sourceAddressPrefix', 'sourceAddressPrefixes' or "
            "'sourceApplicationSecurityGroups' [missing-field]"},
       false},
      {{{"sourceAddressPrefix", R"("")"}, {"sourceAddressPrefixes", "[]"}},
       {p + ": error: security rule 'r1' has no 'sourceAddressPrefix', 'sourceAddressPrefixes' or "
            "'sourceApplicationSecurityGroups' [missing-field]"},
       false},
      {{{"destinationAddressPrefix", "null"}},
       {p + ": error: security rule 'r1' has no 'destinationAddressPrefix', 'destinationAddressPrefixes' or "
            "'destinationApplicationSecurityGroups' [missing-field]"},
       false},
      {{{"priority", ""}, {"protocol", R"("Foo")"}},
       {p + ": error: security rule 'r1' has no 'priority' [missing-field]",
        f + "protocol: error: protocol 'Foo' is not Tcp, Udp, Icmp, Esp, Ah or '*' [invalid-value]"},
       false},
      {{{"sourceAddressPrefix", ""}, {"sourceAddressPrefixes", R"("10.0.0.0/8")"}},
       {p + ": error: security rule 'r1' has no 'sourceAddressPrefix', 'sourceAddressPrefixes' or "
            "'sourceApplicationSecurityGroups' [missing-field]",
        f + "sourceAddressPrefixes: error: 'sourceAddressPrefixes' is a string, expected an array [invalid-type]"},
       false},
      {{{"sourceAddressPrefixes", R"(["10.0.0.0/8", 5])"}},
       {f + "sourceAddressPrefixes/1: error: item 1 of 'sourceAddressPrefixes' is an integer, expected a string "
            "[invalid-type]"},
       false},
      {{{"sourceApplicationSecurityGroups", R"([{"name": "web"}])"}},
       {f + "sourceApplicationSecurityGroups/0: error: item 0 of 'sourceApplicationSecurityGroups' has no 'id' "
            "[missing-field]"},
       false},
      // Warnings: the rule is kept.
      {{{"sourceAddressPrefix", R"("AzureCloud")"}},
       {f + "sourceAddressPrefix: warning: service tag 'AzureCloud' " + kUnresolved},
       true},
      {{{"sourceAddressPrefix", R"("Storage.WestUS")"}},
       {f + "sourceAddressPrefix: warning: service tag 'Storage.WestUS' " + kUnresolved},
       true},
      {{{"sourceAddressPrefix", R"(" azurefrontdoor.backend ")"}},
       {f + "sourceAddressPrefix: warning: service tag 'azurefrontdoor.backend' " + kUnresolved},
       true},
      {{{"sourceAddressPrefix", ""}, {"sourceAddressPrefixes", R"(["Sql.EastUS2", "GatewayManager"])"}},
       {f + "sourceAddressPrefixes/0: warning: service tag 'Sql.EastUS2' " + kUnresolved,
        f + "sourceAddressPrefixes/1: warning: service tag 'GatewayManager' " + kUnresolved},
       true},
      {{{"sourceAddressPrefix", R"("Foo")"}},
       {f + "sourceAddressPrefix: warning: unknown service tag 'Foo' matches nothing [unknown-service-tag]"},
       true},
      {{{"sourceAddressPrefix", R"("Foo.WestUS")"}},
       {f + "sourceAddressPrefix: warning: unknown service tag 'Foo.WestUS' matches nothing [unknown-service-tag]"},
       true},
      {{{"destinationAddressPrefix", R"("10.0.0.5/24")"}},
       {f + "destinationAddressPrefix: warning: address prefix '10.0.0.5/24' has host bits set; read as "
            "'10.0.0.0/24' [host-bits-set]"},
       true},
  };
  for (const auto& c : cases) {
    const std::string text = one_rule(c.overrides);
    INFO(text);
    AzureImport r = import_azure(text);
    CHECK(show(r.diags) == show(c.diags));
    REQUIRE(r.model.nsgs.size() == 1);
    CHECK(r.model.nsgs[0].rules.size() == (c.kept ? 1u : 0u));
  }
}

TEST_CASE("azure: a valid rule, field by field", "[azure]") {
  AzureImport r = import_azure(one_rule({}));
  CHECK(r.diags.empty());
  const auto& rule = only_rule(r);
  CHECK(rule.name == "r1");
  CHECK(rule.id == kAzureNsgId + "/securityRules/r1");
  CHECK(rule.priority == 100);
  CHECK(rule.direction == model::Direction::kInbound);
  CHECK(rule.access == model::Access::kAllow);
  CHECK(rule.protocols == model::bit(model::Protocol::kTcp));
  CHECK(rule.source.any);
  CHECK(rule.destination.any);
  CHECK(rule.source_ports == PortSet::all());
  CHECK(rule.destination_ports == PortSet::single(22));
  CHECK_FALSE(rule.is_default);
  CHECK_FALSE(rule.is_jit);
  CHECK(rule.where.file == "t.json");
  CHECK(rule.where.pointer == "/0/properties/securityRules/0");
}

TEST_CASE("azure: protocols, access and direction are case-insensitive", "[azure]") {
  using model::Protocol;
  const std::pair<const char*, model::ProtocolMask> protocols[] = {
      {R"("Tcp")", model::bit(Protocol::kTcp)},   {R"("TCP")", model::bit(Protocol::kTcp)},
      {R"("tcp")", model::bit(Protocol::kTcp)},   {R"("Udp")", model::bit(Protocol::kUdp)},
      {R"("Icmp")", model::bit(Protocol::kIcmp)}, {R"("ESP")", model::bit(Protocol::kEsp)},
      {R"("ah")", model::bit(Protocol::kAh)},     {R"("*")", model::kAllProtocols},
      {R"("Any")", model::kAllProtocols},
  };
  for (const auto& [text, mask] : protocols) {
    INFO(text);
    AzureImport r = import_azure(one_rule({{"protocol", text}}));
    CHECK(r.diags.empty());
    CHECK(only_rule(r).protocols == mask);
  }
  AzureImport r = import_azure(one_rule({{"access", R"("DENY")"}, {"direction", R"("outbound")"}}));
  CHECK(r.diags.empty());
  CHECK(only_rule(r).access == model::Access::kDeny);
  CHECK(only_rule(r).direction == model::Direction::kOutbound);
}

TEST_CASE("azure: singular and plural fields are unioned", "[azure]") {
  AzureImport r = import_azure(one_rule({
      {"sourceAddressPrefix", R"("10.0.0.0/8")"},
      {"sourceAddressPrefixes", R"(["192.168.1.0/24", " Internet ", "", "2001:db8::/32", "10.1.2.3"])"},
      {"destinationPortRange", R"("22")"},
      {"destinationPortRanges", R"(["80", "1000-2000", "65503-65534 ", 8080])"},
      {"sourcePortRange", R"("")"},
      {"sourcePortRanges", R"(["1024-65535"])"},
  }));
  CHECK(r.diags.empty());
  const auto& rule = only_rule(r);
  CHECK_FALSE(rule.source.any);
  CHECK(rule.source.prefixes == std::vector<IpPrefix>{prefix("10.0.0.0/8"), prefix("192.168.1.0/24"),
                                                      prefix("2001:db8::/32"), prefix("10.1.2.3/32")});
  CHECK(rule.source.prefixes[2].family() == IpFamily::kV6);
  CHECK(rule.source.tags == std::vector<ServiceTag>{ServiceTag::kInternet});
  CHECK(rule.destination_ports == PortSet{{22, 22}, {80, 80}, {1000, 2000}, {8080, 8080}, {65503, 65534}});
  CHECK(rule.source_ports == PortSet{{1024, 65535}});
}

TEST_CASE("azure: service tags with classic spellings", "[azure]") {
  const std::pair<const char*, ServiceTag> tags[] = {
      {"Internet", ServiceTag::kInternet},
      {"INTERNET", ServiceTag::kInternet},
      {"internet", ServiceTag::kInternet},
      {"VirtualNetwork", ServiceTag::kVirtualNetwork},
      {"VIRTUAL_NETWORK", ServiceTag::kVirtualNetwork},
      {"AzureLoadBalancer", ServiceTag::kAzureLoadBalancer},
      {"AZURE_LOADBALANCER", ServiceTag::kAzureLoadBalancer},
  };
  for (const auto& [text, tag] : tags) {
    INFO(text);
    AzureImport r = import_azure(one_rule({{"sourceAddressPrefix", fmt::format(R"("{}")", text)}}));
    CHECK(r.diags.empty());
    CHECK(only_rule(r).source.tags == std::vector<ServiceTag>{tag});
    CHECK(only_rule(r).source.other_tags.empty());
  }
  AzureImport unresolved = import_azure(one_rule({{"destinationAddressPrefix", R"("AzureCloud.westeurope")"}}));
  CHECK(only_rule(unresolved).destination.other_tags == std::vector<std::string>{"AzureCloud.westeurope"});
  CHECK(only_rule(unresolved).destination.tags.empty());
  CHECK_FALSE(only_rule(unresolved).destination.any);
  AzureImport unknown = import_azure(one_rule({{"destinationAddressPrefix", R"("NotATag")"}}));
  const auto& d = only_rule(unknown).destination;
  CHECK((!d.any && d.prefixes.empty() && d.tags.empty() && d.other_tags.empty() && d.asgs.empty()));
  AzureImport any = import_azure(one_rule({{"sourceAddressPrefix", R"("Any")"}}));
  CHECK(only_rule(any).source.any);
}

TEST_CASE("azure: application security groups in rules", "[azure]") {
  AzureImport r = import_azure(one_rule({
      {"destinationAddressPrefix", ""},
      {"destinationApplicationSecurityGroups",
       fmt::format(R"([{{"id": "{}/applicationSecurityGroups/Web-ASG/"}}])", kAzureNetwork)},
  }));
  CHECK(r.diags.empty());
  const auto& asgs = only_rule(r).destination.asgs;
  REQUIRE(asgs.size() == 1);
  CHECK(asgs[0].id ==
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/applicationsecuritygroups/web-asg");
  CHECK(asgs[0].index == -1);
}

TEST_CASE("azure: just-in-time rule names", "[azure]") {
  CHECK(only_rule(import_azure(one_rule({}, "SecurityCenter-JITRule_-1234_abcd"))).is_jit);
  CHECK(only_rule(import_azure(one_rule({}, "securitycenter-jitrule-5-abcd"))).is_jit);
  CHECK_FALSE(only_rule(import_azure(one_rule({}, "my-SecurityCenter-JITRule"))).is_jit);
}

TEST_CASE("azure: default security rules", "[azure]") {
  const std::string def = fmt::format(R"({{"name": "DenyAllInBound", "properties": {}}})",
                                      rule_properties({{"priority", "65500"}, {"access", R"("Deny")"}}));
  AzureImport r = import_azure(nsg_json("", def));
  CHECK(r.diags.empty());
  const auto& rule = only_rule(r);
  CHECK(rule.is_default);
  CHECK(rule.priority == 65500);
  CHECK(rule.id == kAzureNsgId + "/defaultSecurityRules/DenyAllInBound");
  CHECK(rule.where.pointer == "/0/properties/defaultSecurityRules/0");

  const std::string bad = fmt::format(R"({{"name": "x", "properties": {}}})", rule_properties({{"priority", "100"}}));
  AzureImport low = import_azure(nsg_json("", bad));
  CHECK(low.diags ==
        std::vector<std::string>{
            "t.json: /0/properties/defaultSecurityRules/0/properties/priority: error: priority 100 is below "
            "65000 [invalid-value]"});
  const std::string custom_high =
      fmt::format(R"({{"name": "x", "properties": {}}})", rule_properties({{"priority", "65000"}}));
  CHECK(import_azure(nsg_json(custom_high)).diags ==
        std::vector<std::string>{"t.json: /0/properties/securityRules/0/properties/priority: error: priority 65000 is "
                                 "above 4096 [invalid-value]"});
}

TEST_CASE("azure: a bad rule does not stop the others", "[azure]") {
  const std::string rules = fmt::format(R"({{"name": "a", "properties": {}}}, {{"name": "b", "properties": {}}},
                                           {{"name": "c", "properties": {}}})",
                                        rule_properties({{"priority", "100"}}), rule_properties({{"priority", "9999"}}),
                                        rule_properties({{"priority", "300"}}));
  AzureImport r = import_azure(nsg_json(rules));
  CHECK(r.diags == std::vector<std::string>{"t.json: /0/properties/securityRules/1/properties/priority: error: "
                                            "priority 9999 is above 4096 [invalid-value]"});
  REQUIRE(r.model.nsgs.size() == 1);
  REQUIRE(r.model.nsgs[0].rules.size() == 2);
  CHECK(r.model.nsgs[0].rules[0].name == "a");
  CHECK(r.model.nsgs[0].rules[1].name == "c");
  CHECK(r.model.nsgs[0].rules[1].where.pointer == "/0/properties/securityRules/2");
}

// ---- files and shapes ----

struct FileCase {
  const char* text;
  std::vector<std::string> diags;
};

TEST_CASE("azure: malformed files and resources", "[azure]") {
  const FileCase cases[] = {
      {"", {"t.json: error: file is empty [file-empty]"}},
      {"  \n ", {"t.json: error: file contains no JSON value [file-empty]"}},
      {"42",
       {"t.json: error: the top-level value is a number, expected an array of resources, an object with a 'value' or "
        "'data' array, or a resource object [unexpected-shape]"}},
      {R"({"resources": [], "$schema": "x"})",
       {"t.json: error: the top-level object is not a resource (no 'type') and has no 'value' or 'data' array "
        "[unexpected-shape]"}},
      {"[\n  {\"id\": \"x\",\n   \"type\" \"y\"}\n]",
       {"t.json:3:13: error: syntax error while parsing object separator - unexpected string literal; expected ':' "
        "[json-syntax]"}},
      {"[\n  {\"id\": \"x\", \"type\": \"y\",}\n]",
       {"t.json:2:27: error: syntax error while parsing object key - unexpected '}'; expected string literal "
        "[json-syntax]"}},
      {"[{\"a\": tru}]", {"t.json:1:11: error: syntax error while parsing value - invalid literal [json-syntax]"}},
      // A number beyond double range (columns 8-12; errors point at the token's last byte): no internal tag.
      {"[{\"a\": 1e400}]", {"t.json:1:12: error: number overflow parsing '1e400' [json-syntax]"}},
      {"[{\"a\": \"\xff\"}]",
       {"t.json:1:9: error: syntax error while parsing value - invalid string: ill-formed UTF-8 byte [json-syntax]"}},
      {"[\n {\"type\": \"Microsoft.Network/networkSecurityGroups\"",
       {"t.json:2:52: error: unexpected end of file: '{' at 2:2 is not closed [json-syntax]"}},
      {"[1, \"x\", [], {}]",
       {"t.json: /0: error: resource is an integer, expected an object [invalid-type]",
        "t.json: /1: error: resource is a string, expected an object [invalid-type]",
        "t.json: /2: error: resource is an array, expected an object [invalid-type]",
        "t.json: /3: error: resource has no 'type' [missing-field]"}},
      {R"([{"id": "/x"}, {"type": "Microsoft.Network/networkSecurityGroups", "name": "n"}, {"type": 5}])",
       {"t.json: /0: error: resource '/x' has no 'type' [missing-field]",
        "t.json: /1: error: resource of type 'Microsoft.Network/networkSecurityGroups' has no 'id' [missing-field]",
        "t.json: /2/type: error: 'type' is an integer, expected a string [invalid-type]"}},
      {R"([{"id": "/a", "type": "Microsoft.Network/networkSecurityGroups", "properties": []}])",
       {"t.json: /0/properties: error: 'properties' is an array, expected an object [invalid-type]"}},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(show(import_azure(c.text).diags) == show(c.diags));
  }
}

TEST_CASE("azure: a null element of a list of objects is an error, except where Azure's exports write null",
          "[azure]") {
  // A firewall policy's rule collections: `null` is not a collection (reported, the others read). A storage
  // account's `ipRules` and a private endpoint's `ipConfigurations`: exports write `null` entries, skipped.
  const std::string text = R"([
  { "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/p/ruleCollectionGroups/g",
    "type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups", "name": "g",
    "properties": { "priority": 100, "ruleCollections": [ null, 7 ] } },
  { "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
    "type": "Microsoft.Storage/storageAccounts", "name": "st", "location": "westeurope",
    "properties": { "networkAcls": { "defaultAction": "Deny",
      "ipRules": [ null, { "value": "52.1.2.0/24", "action": "Allow" }, 3 ] } } },
  { "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/p",
    "type": "Microsoft.Network/firewallPolicies", "name": "p", "location": "westeurope", "properties": {} }
])";
  const AzureImport r = import_azure(text);
  CHECK(show(r.diags) ==
        show({"t.json: /0/properties/ruleCollections/0: error: rule collection is null, expected an object "
              "[invalid-type]",
              "t.json: /0/properties/ruleCollections/1: error: rule collection is an integer, expected an object "
              "[invalid-type]",
              "t.json: /1/properties/networkAcls/ipRules/2: error: IP rule is an integer, expected an object "
              "[invalid-type]"}));
  REQUIRE(r.model.paas_services.size() == 1);
  REQUIRE(r.model.paas_services[0].ip_rules.size() == 1);
  CHECK(r.model.paas_services[0].ip_rules[0].text == "52.1.2.0/24");
}

TEST_CASE("azure: a syntax error in one resource does not stop the next ones", "[azure]") {
  const std::string text = fmt::format(R"([
  {{"id": "/a", "type": "Microsoft.Network/applicationSecurityGroups" "name": "a"}},
  {{"id": "{}/applicationSecurityGroups/b", "type": "Microsoft.Network/applicationSecurityGroups"}}
])",
                                       kAzureNetwork);
  AzureImport r = import_azure(text);
  CHECK(r.diags == std::vector<std::string>{"t.json:2:75: error: syntax error while parsing object - unexpected "
                                            "string literal; expected '}' [json-syntax]"});
  REQUIRE(r.model.asgs.size() == 1);
  CHECK(r.model.asgs[0].name == "b");
  CHECK(r.model.asgs[0].where.pointer == "/1");
}

TEST_CASE("azure: nesting and size caps", "[azure]") {
  az::ImportOptions shallow;
  shallow.max_depth = 4;
  CHECK(import_azure(one_rule({}), shallow).diags ==
        std::vector<std::string>{"t.json:2:44: error: nesting deeper than 4 levels [json-too-deep]"});
  const std::string deep = "[" + std::string(200, '[') + std::string(200, ']') + "]";
  CHECK(import_azure(deep).diags ==
        std::vector<std::string>{"t.json:1:129: error: nesting deeper than 128 levels [json-too-deep]"});
  az::ImportOptions tiny;
  tiny.max_file_bytes = 10;
  CHECK(import_azure(one_rule({}), tiny).diags ==
        std::vector<std::string>{"t.json: error: file is larger than the limit of 10 bytes [file-too-large]"});
}

TEST_CASE(
    "azure: resource types not modelled are counted: a warning for those that could change the answer, a "
    "note for the others",
    "[azure]") {
  // A Private Link service and a VPN gateway can change what is reachable; disks and Application Insights cannot.
  AzureImport r = import_azure(R"([
    {"type": "Microsoft.Compute/disks", "id": "/a"},
    {"type": "microsoft.insights/components"},
    {"type": "Microsoft.Network/privateLinkServices", "id": "/n"},
    {"type": "Microsoft.Network/virtualNetworkGateways", "id": "/g"},
    {"type": "MICROSOFT.COMPUTE/DISKS", "id": "/b"}
  ])");
  CHECK(r.diags ==
        std::vector<std::string>{"t.json: note: skipped 3 resources of types that cannot change what the "
                                 "internet reaches: microsoft.compute/disks (2), microsoft.insights/components "
                                 "(1) [inert-types]",
                                 "t.json: warning: skipped 2 resources of types not modelled yet: "
                                 "microsoft.network/privatelinkservices (1), microsoft.network/virtualnetworkgateways "
                                 "(1) [unmodelled-types]"});
  CHECK(r.stats.resources == 0);
  CHECK(r.stats.skipped_types == std::map<std::string, std::size_t>{{"microsoft.compute/disks", 2},
                                                                    {"microsoft.insights/components", 1},
                                                                    {"microsoft.network/privatelinkservices", 1},
                                                                    {"microsoft.network/virtualnetworkgateways", 1}});
  AzureImport one = import_azure(R"([{"type": "Microsoft.Insights/components", "id": "/a"}])");
  CHECK(one.diags == std::vector<std::string>{"t.json: note: skipped 1 resource of types that cannot change what "
                                              "the internet reaches: microsoft.insights/components (1) [inert-types]"});
  // A type exposim does not know at all could matter: a warning.
  AzureImport unknown = import_azure(R"([{"type": "Contoso.Widgets/gadgets", "id": "/a"}])");
  CHECK(unknown.diags == std::vector<std::string>{"t.json: warning: skipped 1 resource of types not modelled yet: "
                                                  "contoso.widgets/gadgets (1) [unmodelled-types]"});
}

TEST_CASE("azure: an unresolved or unknown service tag in an outbound rule is a note, in an inbound rule a warning",
          "[azure]") {
  // exposim analyses inbound traffic; outbound rules never decide it (NSGs are stateful).
  AzureImport r =
      import_azure(R"([{"type": "Microsoft.Network/networkSecurityGroups", "id": "/n", "name": "n", "properties":
    {"securityRules": [
      {"name": "out", "properties": {"priority": 100, "direction": "Outbound", "access": "Allow", "protocol": "*",
        "sourceAddressPrefix": "*", "destinationAddressPrefix": "AzureCloud", "sourcePortRange": "*",
        "destinationPortRange": "443"}},
      {"name": "out2", "properties": {"priority": 110, "direction": "Outbound", "access": "Deny", "protocol": "*",
        "sourceAddressPrefix": "*", "destinationAddressPrefix": "Nonsense", "sourcePortRange": "*",
        "destinationPortRange": "*"}},
      {"name": "in", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
        "sourceAddressPrefix": "GatewayManager", "destinationAddressPrefix": "*", "sourcePortRange": "*",
        "destinationPortRange": "443"}}]}}])");
  const std::string f = "t.json: /0/properties/securityRules/";
  CHECK(r.diags == std::vector<std::string>{
                       f + "0/properties/destinationAddressPrefix: note: service tag 'AzureCloud' is not resolved to "
                           "addresses; it is in an outbound rule, which does not decide what the internet reaches "
                           "[unresolved-service-tag]",
                       f + "1/properties/destinationAddressPrefix: note: unknown service tag 'Nonsense' matches "
                           "nothing; it is in an outbound rule, which does not decide what the internet reaches "
                           "[unknown-service-tag]",
                       f + "2/properties/sourceAddressPrefix: warning: service tag 'GatewayManager' is not resolved "
                           "to addresses: allow rules treat it as the whole internet, deny rules as nothing "
                           "(--service-tags FILE resolves it to its published prefixes) [unresolved-service-tag]"});
}

TEST_CASE("azure: file errors", "[azure]") {
  model::Model m;
  model::Diagnostics d;
  az::import_file("/nonexistent/estate.json", m, d);
  CHECK(printed(d) == std::vector<std::string>{
                          "/nonexistent/estate.json: error: cannot open file: No such file or directory [file-read]"});
  model::Diagnostics dir;
  az::import_file(std::string(EXPOSIM_SOURCE_DIR) + "/tests", m, dir);
  CHECK(printed(dir) == std::vector<std::string>{std::string(EXPOSIM_SOURCE_DIR) +
                                                 "/tests: error: cannot open file: Is a directory [file-read]"});
  model::Diagnostics big;
  az::ImportOptions options;
  options.max_file_bytes = 100;
  const std::string path = data_path("parents.json");
  az::import_file(path, m, big, options);
  REQUIRE(big.size() == 1);
  CHECK(big.items()[0].code == "file-too-large");
  CHECK(big.items()[0].message.starts_with("file is "));
  CHECK(big.items()[0].message.ends_with(" bytes, larger than the limit of 100 bytes"));
}

TEST_CASE("azure: the four top-level shapes", "[azure]") {
  const std::string asg = fmt::format(R"({{"id": "{}/applicationSecurityGroups/web", "type":
                                         "Microsoft.Network/applicationSecurityGroups", "location": "westeurope"}})",
                                      kAzureNetwork);
  struct ShapeCase {
    std::string text;
    const char* shape;
    const char* pointer;
  };
  const ShapeCase cases[] = {
      {"[" + asg + "]", "array", "/0"},
      {R"({"value": [)" + asg + R"(], "nextLink": null})", "value", "/value/0"},
      {R"({"Value": [)" + asg + "]}", "value", "/Value/0"},
      {R"({"count": 1, "data": [)" + asg + R"(], "skip_token": null, "totalRecords": 1})", "data", "/data/0"},
      {asg, "object", ""},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    AzureImport r = import_azure(c.text);
    CHECK(r.diags.empty());
    CHECK(r.stats.detected_shape == c.shape);
    CHECK(r.stats.resources == 1);
    CHECK(r.stats.by_type == std::map<std::string, std::size_t>{{"microsoft.network/applicationsecuritygroups", 1}});
    REQUIRE(r.model.asgs.size() == 1);
    CHECK(r.model.asgs[0].where.pointer == c.pointer);
    CHECK(r.model.asgs[0].name == "web");  // from the id when `name` is absent
    CHECK(r.model.asgs[0].location == "westeurope");
  }
  CHECK(import_azure("[]").stats.detected_shape == "array");
  CHECK(import_azure("[]").diags.empty());
}

TEST_CASE("azure: case-insensitive keys and types", "[azure]") {
  const std::string text =
      fmt::format(R"([{{"ID": "{}", "Name": "nsg1", "TYPE": "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS",
    "Properties": {{"SecurityRules": [{{"NAME": "r1", "PROPERTIES": {{"Protocol": "udp", "ACCESS": "allow",
      "Priority": 200, "Direction": "INBOUND", "SourceAddressPrefix": "Internet", "sourceportrange": "*",
      "DestinationAddressPrefix": "*", "DESTINATIONPORTRANGE": "53"}}}}]}}}}])",
                  kAzureNsgId);
  AzureImport r = import_azure(text);
  CHECK(r.diags.empty());
  const auto& rule = only_rule(r);
  CHECK(rule.protocols == model::bit(model::Protocol::kUdp));
  CHECK(rule.priority == 200);
  CHECK(rule.destination_ports == PortSet::single(53));
  CHECK(rule.where.pointer == "/0/Properties/SecurityRules/0");
  CHECK(r.stats.by_type == std::map<std::string, std::size_t>{{"microsoft.network/networksecuritygroups", 1}});
  // Field diagnostics keep the key as written.
  AzureImport bad = import_azure(fmt::format(R"([{{"ID": "{}", "TYPE": "Microsoft.Network/networkSecurityGroups",
    "Properties": {{"SecurityRules": [{{"NAME": "r1", "PROPERTIES": {}}}]}}}}])",
                                             kAzureNsgId, rule_properties({{"priority", ""}, {"Priority", "1"}})));
  CHECK(bad.diags == std::vector<std::string>{"t.json: /0/Properties/SecurityRules/0/PROPERTIES/Priority: error: "
                                              "priority 1 is below 100 [invalid-value]"});
}

// ---- resources and references ----

TEST_CASE("azure: az CLI flattened output", "[azure]") {
  model::Model m;
  model::Diagnostics d;
  const auto stats = az::import_file(data_path("az-flattened.json"), m, d);
  CHECK(printed(d).empty());
  CHECK(stats.detected_shape == "array");
  CHECK(stats.resources == 4);
  const std::string rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/";

  REQUIRE(m.nsgs.size() == 1);
  const auto& nsg = m.nsgs[0];
  CHECK(nsg.key == rg + "microsoft.network/networksecuritygroups/web-nsg");
  CHECK(nsg.id ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
        "Microsoft.Network/networkSecurityGroups/web-nsg");
  CHECK(nsg.where.pointer == "/0");
  REQUIRE(nsg.rules.size() == 3);
  CHECK(nsg.rules[0].name == "allow-ssh");
  CHECK(nsg.rules[0].where.pointer == "/0/securityRules/0");
  CHECK(nsg.rules[0].source.tags == std::vector<ServiceTag>{ServiceTag::kInternet});
  CHECK(nsg.rules[0].destination_ports == PortSet::single(22));
  CHECK(nsg.rules[1].is_jit);
  CHECK(nsg.rules[1].access == model::Access::kDeny);
  CHECK(nsg.rules[1].destination.prefixes == std::vector<IpPrefix>{prefix("10.0.1.4/32")});
  CHECK(nsg.rules[2].name == "AllowVnetInBound");
  CHECK(nsg.rules[2].is_default);
  CHECK(nsg.rules[2].where.pointer == "/0/defaultSecurityRules/0");
  CHECK(nsg.subnets.empty());  // null
  REQUIRE(nsg.network_interfaces.size() == 1);
  CHECK(nsg.network_interfaces[0].id == rg + "microsoft.network/networkinterfaces/web-nic");

  REQUIRE(m.vnets.size() == 1);
  CHECK(m.vnets[0].address_space == std::vector<IpPrefix>{prefix("10.0.0.0/16"), prefix("fd00:db8::/48")});
  REQUIRE(m.vnets[0].subnets.size() == 1);
  CHECK(m.vnets[0].subnets[0].id == rg + "microsoft.network/virtualnetworks/vnet1/subnets/web");
  REQUIRE(m.subnets.size() == 1);
  const auto& subnet = m.subnets[0];
  CHECK(subnet.name == "web");
  CHECK(subnet.key == rg + "microsoft.network/virtualnetworks/vnet1/subnets/web");
  CHECK(subnet.vnet.id == rg + "microsoft.network/virtualnetworks/vnet1");
  CHECK(subnet.prefixes == std::vector<IpPrefix>{prefix("10.0.1.0/24"), prefix("fd00:db8:0:1::/64")});
  CHECK(subnet.nsg.id == nsg.key);
  CHECK_FALSE(subnet.route_table.set());
  CHECK(subnet.private_endpoint_policies == model::PrivateEndpointPolicy::kNsgOnly);
  CHECK(subnet.where.pointer == "/1/subnets/0");

  REQUIRE(m.nics.size() == 1);
  const auto& nic = m.nics[0];
  CHECK(nic.enable_ip_forwarding);
  CHECK(nic.nsg.id == nsg.key);
  CHECK(nic.virtual_machine.id == rg + "microsoft.compute/virtualmachines/web-vm");
  REQUIRE(nic.ip_configurations.size() == 2);
  const auto& v4 = nic.ip_configurations[0];
  CHECK(v4.name == "ipconfig1");
  CHECK(v4.key == rg + "microsoft.network/networkinterfaces/web-nic/ipconfigurations/ipconfig1");
  CHECK(v4.primary);
  CHECK(v4.family == IpFamily::kV4);
  CHECK(v4.private_ip == model::IpAddress::parse("10.0.1.4"));
  CHECK(v4.public_ip.id == rg + "microsoft.network/publicipaddresses/web-pip");
  CHECK(v4.subnet.id == subnet.key);
  CHECK(v4.where.pointer == "/2/ipConfigurations/0");
  const auto& v6 = nic.ip_configurations[1];
  CHECK_FALSE(v6.primary);
  CHECK(v6.family == IpFamily::kV6);
  CHECK(v6.private_ip == model::IpAddress::parse("fd00:db8:0:1::4"));
  CHECK_FALSE(v6.public_ip.set());

  REQUIRE(m.public_ips.size() == 1);
  const auto& pip = m.public_ips[0];
  CHECK(pip.sku == model::Sku::kStandard);
  CHECK(pip.family == IpFamily::kV4);
  CHECK(pip.address == model::IpAddress::parse("20.61.1.2"));
  CHECK(pip.static_allocation);
  CHECK(pip.attached_ip_configuration.id == v4.key);
}

TEST_CASE("azure: Resource Graph rows", "[azure]") {
  model::Model m;
  model::Diagnostics d;
  const auto stats = az::import_file(data_path("graph-data.json"), m, d);
  const std::string file = data_path("graph-data.json");
  CHECK(printed(d).empty());  // the storage account row is modelled (PaaS public endpoints)
  CHECK(stats.detected_shape == "data");
  CHECK(stats.resources == 4);
  CHECK(stats.by_type == std::map<std::string, std::size_t>{{"microsoft.compute/virtualmachines", 1},
                                                            {"microsoft.network/networkinterfaces", 1},
                                                            {"microsoft.network/publicipaddresses", 1},
                                                            {"microsoft.storage/storageaccounts", 1}});
  REQUIRE(m.paas_services.size() == 1);
  CHECK(m.paas_services[0].name == "appdata");
  CHECK(m.paas_services[0].where.pointer == "/data/3");
  const std::string rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/app/providers/";
  REQUIRE(m.nics.size() == 1);
  const auto& nic = m.nics[0];
  CHECK(nic.where.pointer == "/data/0");
  CHECK(nic.location == "eastus2");
  REQUIRE(nic.ip_configurations.size() == 2);
  CHECK(nic.ip_configurations[0].asgs.size() == 1);
  CHECK(nic.ip_configurations[0].asgs[0].id == rg + "microsoft.network/applicationsecuritygroups/app-servers");
  CHECK(nic.ip_configurations[1].family == IpFamily::kV6);
  CHECK(nic.ip_configurations[1].private_ip == model::IpAddress::parse("fd00:1::5"));
  CHECK(nic.ip_configurations[1].public_ip.id == rg + "microsoft.network/publicipaddresses/app-pip6");
  CHECK(nic.ip_configurations[1].where.pointer == "/data/0/properties/ipConfigurations/1");
  REQUIRE(m.public_ips.size() == 1);
  CHECK(m.public_ips[0].family == IpFamily::kV6);
  CHECK(m.public_ips[0].address == model::IpAddress::parse("2603:1030:20c:3::1f"));
  CHECK(m.public_ips[0].sku == model::Sku::kStandard);
  REQUIRE(m.vms.size() == 1);
  REQUIRE(m.vms[0].network_interfaces.size() == 1);
  CHECK(m.vms[0].network_interfaces[0].id == nic.key);
}

TEST_CASE("azure: public IP defaults and values", "[azure]") {
  const std::string pip = kAzureNetwork + "/publicIPAddresses/p";
  AzureImport basic = import_azure(fmt::format(R"([{{"id": "{}", "type": "Microsoft.Network/publicIPAddresses",
                                          "properties": {{"publicIPAllocationMethod": "Dynamic"}}}}])",
                                               pip));
  CHECK(basic.diags.empty());
  REQUIRE(basic.model.public_ips.size() == 1);
  CHECK(basic.model.public_ips[0].sku == model::Sku::kBasic);
  CHECK_FALSE(basic.model.public_ips[0].address);
  CHECK_FALSE(basic.model.public_ips[0].static_allocation);
  CHECK(basic.model.public_ips[0].family == IpFamily::kV4);

  AzureImport bad = import_azure(fmt::format(R"([{{"id": "{}", "type": "Microsoft.Network/publicIPAddresses",
      "sku": {{"name": "Premium"}}, "properties": {{"ipAddress": "1.2.3.999", "publicIPAddressVersion": "IPv5"}}}}])",
                                             pip));
  CHECK(show(bad.diags) ==
        show({"t.json: /0/properties/ipAddress: error: IP address '1.2.3.999' is not an IP address [invalid-value]",
              "t.json: /0/properties/publicIPAddressVersion: error: IP version 'IPv5' is not IPv4 or IPv6 "
              "[invalid-value]",
              "t.json: /0/sku/name: error: SKU 'Premium' is not Basic or Standard [invalid-value]"}));
  REQUIRE(bad.model.public_ips.size() == 1);  // kept, with the defaults
  CHECK(bad.model.public_ips[0].sku == model::Sku::kBasic);
}

TEST_CASE("azure: network interface fields and errors", "[azure]") {
  const std::string nic = kAzureNetwork + "/networkInterfaces/n1";
  AzureImport r =
      import_azure(fmt::format(R"([{{"id": "{0}", "type": "Microsoft.Network/networkInterfaces", "properties": {{
      "enableIPForwarding": "yes",
      "ipConfigurations": [
        {{"name": "a", "properties": {{"privateIPAddress": "10.0.0.400", "subnet": "{0}"}}}},
        {{"properties": {{"privateIPAddress": "10.0.0.5"}}}},
        {{"name": "c", "properties": {{"privateIPAddress": "10.0.0.6", "privateIPAddressVersion": "IPv6",
                                     "publicIPAddress": {{"name": "x"}}}}}}
      ]}}}}])",
                               nic));
  CHECK(show(r.diags) ==
        show({"t.json: /0/properties/enableIPForwarding: error: 'enableIPForwarding' is a string, expected a boolean "
              "[invalid-type]",
              "t.json: /0/properties/ipConfigurations/0/properties/privateIPAddress: error: private IP address "
              "'10.0.0.400' is not an IP address [invalid-value]",
              "t.json: /0/properties/ipConfigurations/0/properties/subnet: error: 'subnet' is a string, expected an "
              "object with an 'id' [invalid-type]",
              "t.json: /0/properties/ipConfigurations/1: error: ip configuration has no 'name' or 'id' "
              "[missing-field]",
              "t.json: /0/properties/ipConfigurations/2/properties/privateIPAddress: error: private IP address "
              "'10.0.0.6' is not IPv6 [invalid-value]",
              "t.json: /0/properties/ipConfigurations/2/properties/publicIPAddress: error: 'publicIPAddress' has no "
              "'id' [missing-field]"}));
  REQUIRE(r.model.nics.size() == 1);
  const auto& configs = r.model.nics[0].ip_configurations;
  REQUIRE(configs.size() == 2);
  CHECK(configs[0].id.empty());  // derivable: dropped on import
  CHECK(model::ip_configuration_id(r.model.nics[0], configs[0]) == nic + "/ipConfigurations/a");
  CHECK_FALSE(configs[0].private_ip);
  CHECK_FALSE(configs[0].subnet.set());
  CHECK(configs[1].name == "c");
}

TEST_CASE("azure: virtual networks, inline subnets and peerings", "[azure]") {
  const std::string vnet = kAzureNetwork + "/virtualNetworks/V1";
  AzureImport r =
      import_azure(fmt::format(R"({{"value": [{{"id": "{0}", "name": "V1", "type": "Microsoft.Network/virtualNetworks",
    "properties": {{
      "addressSpace": {{"addressPrefixes": ["10.1.0.0/16", "10.2.0.0/16"]}},
      "subnets": [
        {{"name": "a", "properties": {{"addressPrefix": "10.1.1.0/24",
          "addressPrefixes": ["10.1.1.0/24", "10.1.2.0/24"],
          "routeTable": {{"id": "{1}/routeTables/RT"}}, "privateEndpointNetworkPolicies": "Enabled"}}}},
        {{"name": "b", "properties": {{"addressPrefix": "10.2.0.0/24", "privateEndpointNetworkPolicies": "Sometimes"}}}}
      ],
      "virtualNetworkPeerings": [
        {{"name": "to-v2", "properties": {{"remoteVirtualNetwork": {{"id": "{1}/virtualNetworks/V2"}},
          "remoteAddressSpace": {{"addressPrefixes": ["10.9.0.0/16"]}}, "peeringState": "Connected",
          "allowForwardedTraffic": true}}}},
        {{"name": "to-v3", "properties": {{"remoteVirtualNetwork": {{"id": "{1}/virtualNetworks/V3"}},
          "peeringState": "Initiated", "allowVirtualNetworkAccess": false, "allowGatewayTransit": true,
          "useRemoteGateways": true}}}}
      ]}}}}]}})",
                               vnet, kAzureNetwork));
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /value/0/properties/subnets/1/properties/privateEndpointNetworkPolicies: error: "
                       "private endpoint network policies 'Sometimes' is not Disabled, Enabled, "
                       "NetworkSecurityGroupEnabled or RouteTableEnabled [invalid-value]"});
  REQUIRE(r.model.vnets.size() == 1);
  const auto& v = r.model.vnets[0];
  CHECK(v.key == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v1");
  CHECK(v.address_space == std::vector<IpPrefix>{prefix("10.1.0.0/16"), prefix("10.2.0.0/16")});
  REQUIRE(v.subnets.size() == 2);
  CHECK(v.subnets[0].id == v.key + "/subnets/a");
  CHECK(v.subnets[0].index == -1);
  REQUIRE(r.model.subnets.size() == 2);
  const auto& a = r.model.subnets[0];
  CHECK(a.id == vnet + "/subnets/a");
  CHECK(a.vnet.id == v.key);
  CHECK(a.prefixes == std::vector<IpPrefix>{prefix("10.1.1.0/24"), prefix("10.1.2.0/24")});
  CHECK(a.route_table.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/routetables/rt");
  CHECK(a.private_endpoint_policies == model::PrivateEndpointPolicy::kEnabled);
  CHECK(a.where.pointer == "/value/0/properties/subnets/0");
  CHECK(r.model.subnets[1].private_endpoint_policies == model::PrivateEndpointPolicy::kDisabled);
  REQUIRE(v.peerings.size() == 2);
  const auto& p1 = v.peerings[0];
  CHECK(p1.id == vnet + "/virtualNetworkPeerings/to-v2");
  CHECK(p1.remote_vnet.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v2");
  CHECK(p1.remote_address_space == std::vector<IpPrefix>{prefix("10.9.0.0/16")});
  CHECK(p1.connected);
  CHECK(p1.allow_virtual_network_access);
  CHECK(p1.allow_forwarded_traffic);
  CHECK_FALSE(p1.allow_gateway_transit);
  CHECK_FALSE(p1.use_remote_gateways);
  const auto& p2 = v.peerings[1];
  CHECK_FALSE(p2.connected);
  CHECK_FALSE(p2.allow_virtual_network_access);
  CHECK(p2.allow_gateway_transit);
  CHECK(p2.use_remote_gateways);
  CHECK(p2.where.pointer == "/value/0/properties/virtualNetworkPeerings/1");
}

TEST_CASE("azure: route tables", "[azure]") {
  AzureImport r = import_azure(fmt::format(R"([{{"id": "{0}/routeTables/rt", "type": "Microsoft.Network/routeTables",
    "properties": {{"disableBgpRoutePropagation": true, "subnets": [{{"id": "{0}/virtualNetworks/v/subnets/s"}}],
      "routes": [
        {{"name": "default", "properties": {{"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
                                             "nextHopIpAddress": "10.0.0.4"}}}},
        {{"name": "to-cloud", "properties": {{"addressPrefix": "AzureCloud", "nextHopType": "internet"}}}},
        {{"name": "v6", "properties": {{"addressPrefix": "::/0", "nextHopType": "None"}}}},
        {{"name": "bad-hop", "properties": {{"addressPrefix": "10.0.0.0/8", "nextHopType": "Firewall"}}}},
        {{"name": "bad-prefix", "properties": {{"addressPrefix": "10.0.0.0/40", "nextHopType": "VnetLocal"}}}},
        {{"name": "no-hop", "properties": {{"addressPrefix": "10.0.0.0/8"}}}},
        {{"name": "odd-tag", "properties": {{"addressPrefix": "Nope", "nextHopType": "VirtualNetworkGateway"}}}}
      ]}}}}])",
                                           kAzureNetwork));
  const std::string base = "t.json: /0/properties/routes/";
  CHECK(show(r.diags) ==
        show({base + "3/properties/nextHopType: error: next hop type 'Firewall' is not VirtualNetworkGateway, "
                     "VnetLocal, Internet, VirtualAppliance or None [invalid-value]",
              base + "4/properties/addressPrefix: error: address prefix '10.0.0.0/40' is not an IP address or CIDR "
                     "prefix [invalid-value]",
              base + "5: error: route 'no-hop' has no 'nextHopType' [missing-field]",
              base + "6/properties/addressPrefix: warning: unknown service tag 'Nope' matches nothing "
                     "[unknown-service-tag]"}));
  REQUIRE(r.model.route_tables.size() == 1);
  const auto& t = r.model.route_tables[0];
  CHECK(t.disable_bgp_route_propagation);
  REQUIRE(t.subnets.size() == 1);
  CHECK(t.subnets[0].id ==
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v/subnets/s");
  REQUIRE(t.routes.size() == 4);
  CHECK(t.routes[0].prefix == prefix("0.0.0.0/0"));
  CHECK(t.routes[0].next_hop == model::NextHopType::kVirtualAppliance);
  CHECK(t.routes[0].next_hop_ip == model::IpAddress::parse("10.0.0.4"));
  CHECK(t.routes[0].where.pointer == "/0/properties/routes/0");
  CHECK_FALSE(t.routes[1].prefix);
  CHECK(t.routes[1].prefix_text == "AzureCloud");
  CHECK(t.routes[1].next_hop == model::NextHopType::kInternet);
  CHECK(t.routes[2].prefix == prefix("::/0"));
  CHECK(t.routes[2].next_hop == model::NextHopType::kNone);
  CHECK(t.routes[3].name == "odd-tag");
}

TEST_CASE("azure: virtual machines and application security groups", "[azure]") {
  AzureImport r = import_azure(fmt::format(R"([
    {{"id": "{0}/applicationSecurityGroups/web", "name": "web", "type": "Microsoft.Network/applicationSecurityGroups"}},
    {{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
      "type": "Microsoft.Compute/virtualMachines",
      "properties": {{"networkProfile": {{"networkInterfaces": [{{"id": "{0}/networkInterfaces/N1"}},
                                                               {{"id": "{0}/networkInterfaces/n2/"}}]}}}}}}])",
                                           kAzureNetwork));
  CHECK(r.diags.empty());
  REQUIRE(r.model.asgs.size() == 1);
  REQUIRE(r.model.vms.size() == 1);
  REQUIRE(r.model.vms[0].network_interfaces.size() == 2);
  CHECK(r.model.vms[0].network_interfaces[0].id ==
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networkinterfaces/n1");
  CHECK(r.model.vms[0].network_interfaces[1].id ==
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networkinterfaces/n2");
}

// ---- separate child resources ----

TEST_CASE("azure: separate child resources in another file are attached", "[azure]") {
  model::Model m;
  model::Diagnostics d;
  const std::string children = data_path("children.json");
  const auto stats = az::import_files({children, data_path("parents.json")}, m, d);
  CHECK(printed(d) == std::vector<std::string>{
                          children + ": /value/6: error: security rule 'orphan' has no parent: network security group "
                                     "'/subscriptions/s1/resourceGroups/net/providers/Microsoft.Network/"
                                     "networkSecurityGroups/gone-nsg' is not in the input [dangling-parent]"});
  REQUIRE(stats.size() == 2);
  CHECK(stats[0].detected_shape == "value");
  CHECK(stats[0].resources == 7);
  CHECK(stats[0].by_type ==
        std::map<std::string, std::size_t>{{"microsoft.network/networksecuritygroups/securityrules", 3},
                                           {"microsoft.network/routetables/routes", 1},
                                           {"microsoft.network/virtualnetworks/subnets", 2},
                                           {"microsoft.network/virtualnetworks/virtualnetworkpeerings", 1}});
  CHECK(stats[1].resources == 3);

  const std::string net = "/subscriptions/s1/resourcegroups/net/providers/microsoft.network/";
  // Subnets: "web" is both separate (first seen) and inline: kept once.
  REQUIRE(m.subnets.size() == 2);
  CHECK(m.subnets[0].key == net + "virtualnetworks/hub/subnets/data");
  CHECK(m.subnets[0].route_table.id == net + "routetables/hub-rt");
  CHECK(m.subnets[1].key == net + "virtualnetworks/hub/subnets/web");
  CHECK(m.subnets[1].where.file == children);
  REQUIRE(m.vnets.size() == 1);
  const auto& hub = m.vnets[0];
  REQUIRE(hub.subnets.size() == 2);
  CHECK(hub.subnets[0].id == net + "virtualnetworks/hub/subnets/web");
  CHECK(hub.subnets[1].id == net + "virtualnetworks/hub/subnets/data");
  REQUIRE(hub.peerings.size() == 1);
  CHECK(hub.peerings[0].name == "hub-to-spoke");
  CHECK(hub.peerings[0].connected);
  CHECK(hub.peerings[0].remote_vnet.id == net + "virtualnetworks/spoke");
  CHECK(hub.peerings[0].where.pointer == "/value/4");

  // Rules: ALLOW-SSH duplicates the inline allow-ssh (ids differ only in case): the inline one stays.
  REQUIRE(m.nsgs.size() == 1);
  const auto& rules = m.nsgs[0].rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].name == "allow-ssh");
  CHECK(rules[0].destination_ports == PortSet::single(22));
  CHECK(rules[1].name == "allow-https");
  CHECK(rules[1].where.file == children);
  CHECK(rules[1].where.pointer == "/value/2");

  REQUIRE(m.route_tables.size() == 1);
  REQUIRE(m.route_tables[0].routes.size() == 1);
  CHECK(m.route_tables[0].routes[0].name == "default-to-fw");
  CHECK(m.route_tables[0].routes[0].next_hop_ip == model::IpAddress::parse("10.10.0.4"));
}

TEST_CASE("azure: separate children through one session, in either order", "[azure]") {
  const std::string nsg =
      fmt::format(R"([{{"id": "{}", "type": "Microsoft.Network/networkSecurityGroups"}}])", kAzureNsgId);
  const std::string rule = fmt::format(
      R"([{{"id": "{}/securityRules/late", "type": "Microsoft.Network/networkSecurityGroups/securityRules",
            "properties": {}}},
          {{"id": "{}/defaultSecurityRules/DenyAllInBound",
            "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules", "properties": {}}}])",
      kAzureNsgId, rule_properties({{"priority", "4000"}}), kAzureNsgId, rule_properties({{"priority", "65500"}}));
  for (bool parent_first : {true, false}) {
    model::Model m;
    model::Diagnostics d;
    az::Importer importer(m, d);
    importer.add_text(parent_first ? nsg : rule, parent_first ? "a.json" : "b.json");
    importer.add_text(parent_first ? rule : nsg, parent_first ? "b.json" : "a.json");
    importer.finish();
    CHECK(printed(d).empty());
    REQUIRE(m.nsgs.size() == 1);
    REQUIRE(m.nsgs[0].rules.size() == 2);
    CHECK(m.nsgs[0].rules[0].name == "late");
    CHECK(m.nsgs[0].rules[0].priority == 4000);
    CHECK_FALSE(m.nsgs[0].rules[0].is_default);
    CHECK(m.nsgs[0].rules[0].where.file == "b.json");
    CHECK(m.nsgs[0].rules[1].is_default);
  }
  // Alone, the child has no parent.
  AzureImport alone = import_azure(rule);
  CHECK(alone.diags == std::vector<std::string>{
                           "t.json: /0: error: security rule 'late' has no parent: network security group '" +
                               kAzureNsgId + "' is not in the input [dangling-parent]",
                           "t.json: /1: error: security rule 'DenyAllInBound' has no parent: network security group '" +
                               kAzureNsgId + "' is not in the input [dangling-parent]"});
}

TEST_CASE("azure: dangling children of every kind", "[azure]") {
  AzureImport r = import_azure(fmt::format(R"([
    {{"id": "{0}/virtualNetworks/v/subnets/s", "type": "Microsoft.Network/virtualNetworks/subnets",
      "properties": {{"addressPrefix": "10.0.0.0/24"}}}},
    {{"id": "{0}/virtualNetworks/v/virtualNetworkPeerings/p",
      "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"}},
    {{"id": "{0}/routeTables/t/routes/r", "type": "Microsoft.Network/routeTables/routes",
      "properties": {{"addressPrefix": "10.0.0.0/8", "nextHopType": "None"}}}},
    {{"id": "{0}/networkInterfaces/n/ipConfigurations/c",
      "type": "Microsoft.Network/networkInterfaces/ipConfigurations"}},
    {{"id": "{0}/subnets/s", "type": "Microsoft.Network/networkSecurityGroups/securityRules"}}
  ])",
                                           kAzureNetwork));
  CHECK(show(r.diags) == show({"t.json: /0: error: subnet 's' has no parent: virtual network '" + kAzureNetwork +
                                   "/virtualNetworks/v' is not in the input [dangling-parent]",
                               "t.json: /1: error: virtual network peering 'p' has no parent: virtual network '" +
                                   kAzureNetwork + "/virtualNetworks/v' is not in the input [dangling-parent]",
                               "t.json: /2: error: route 'r' has no parent: route table '" + kAzureNetwork +
                                   "/routeTables/t' is not in the input [dangling-parent]",
                               "t.json: /3: error: ip configuration 'c' has no parent: network interface '" +
                                   kAzureNetwork + "/networkInterfaces/n' is not in the input [dangling-parent]",
                               "t.json: /4: error: security rule id '" + kAzureNetwork +
                                   "/subnets/s' has no 'securityrules' segment naming its parent [invalid-value]"}));
  CHECK(r.model.subnets.size() == 1);  // kept: it is a resource of its own
}

TEST_CASE("azure: the chunk size changes nothing", "[azure]") {
  std::ifstream in(data_path("az-flattened.json"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str() + "\n";
  auto summary = [](const AzureImport& r) {
    std::string out = show(r.diags);
    for (const auto& n : r.model.nsgs) {
      out += n.key + " " + n.where.pointer + "\n";
      for (const auto& rule : n.rules) out += fmt::format("  {} {} {}\n", rule.name, rule.priority, rule.where.pointer);
    }
    for (const auto& n : r.model.nics) {
      for (const auto& c : n.ip_configurations) out += c.key + " " + c.private_ip->to_string() + "\n";
    }
    out += fmt::format("{} {} {}\n", r.model.vnets.size(), r.model.subnets.size(), r.model.public_ips.size());
    return out;
  };
  const std::string expected = summary(import_azure(text));
  for (std::size_t chunk : {1, 2, 3, 17, 4096}) {
    az::ImportOptions options;
    options.chunk_bytes = chunk;
    INFO("chunk " << chunk);
    CHECK(summary(import_azure(text, options)) == expected);
  }
  // A syntax error far into the file keeps its line and column with a tiny chunk.
  std::string broken = text;
  const std::string comma = "\"name\": \"web-pip\",";
  broken.erase(broken.find(comma) + comma.size() - 1, 1);
  az::ImportOptions options;
  options.chunk_bytes = 5;
  const auto first = import_azure(broken).diags;
  CHECK(import_azure(broken, options).diags == first);
  REQUIRE(first.size() == 1);
  CHECK(first[0] ==
        "t.json:193:23: error: syntax error while parsing object - unexpected string literal; "
        "expected '}' [json-syntax]");
}

// ---- load balancers ----

namespace {

const std::string kLbId = kAzureNetwork + "/loadBalancers/lb1";
const std::string kLbKey = model::canonical_id(kLbId);

}  // namespace

TEST_CASE("azure: a load balancer with inline children, keys in other casings", "[azure]") {
  // `frontendIpConfigurations` and `FrontendPort` as the az CLI and hand-written files spell them.
  AzureImport r = import_azure(fmt::format(R"([{{"id": "{0}", "name": "lb1", "type": "Microsoft.Network/loadBalancers",
      "sku": {{"name": "Standard"}},
      "properties": {{
        "frontendIpConfigurations": [
          {{"name": "fe", "properties": {{"publicIPAddress": {{"id": "{1}/publicIPAddresses/pip1"}}}}}},
          {{"name": "internal", "properties": {{"privateIPAddress": "10.0.0.9",
                                              "subnet": {{"id": "{1}/virtualNetworks/v/subnets/s"}}}}}}
        ],
        "BackendAddressPools": [{{"name": "pool"}}],
        "loadBalancingRules": [{{"name": "https", "properties": {{
          "frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
          "backendAddressPool": {{"id": "{0}/backendAddressPools/pool"}},
          "protocol": "all", "FrontendPort": 443, "backendPort": 8443, "enableFloatingIP": true}}}}],
        "inboundNatRules": [
          {{"name": "rdp", "properties": {{"frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
            "protocol": "Tcp", "frontendPort": 50001, "backendPort": 3389}}}},
          {{"name": "ssh", "properties": {{"frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
            "protocol": "TCP", "frontendPort": 0, "backendPort": 22, "frontendPortRangeStart": 50000,
            "frontendPortRangeEnd": 50099, "backendAddressPool": {{"id": "{0}/backendAddressPools/pool"}}}}}}
        ],
        "inboundNatPools": []
      }}}}])",
                                           kLbId, kAzureNetwork));
  CHECK(r.diags.empty());
  REQUIRE(r.model.load_balancers.size() == 1);
  const auto& lb = r.model.load_balancers[0];
  CHECK(lb.sku == model::Sku::kStandard);
  REQUIRE(lb.frontends.size() == 2);
  CHECK(lb.frontends[0].key == kLbKey + "/frontendipconfigurations/fe");
  CHECK(lb.frontends[0].public_ip.id == model::canonical_id(kAzureNetwork + "/publicIPAddresses/pip1"));
  CHECK_FALSE(lb.frontends[1].public_ip.set());
  CHECK(lb.frontends[1].private_ip == model::IpAddress::parse("10.0.0.9"));
  REQUIRE(lb.backend_pools.size() == 1);
  CHECK(lb.backend_pools[0].key == kLbKey + "/backendaddresspools/pool");
  REQUIRE(lb.rules.size() == 1);
  const auto& rule = lb.rules[0];
  CHECK(rule.protocols == (model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp)));
  CHECK(rule.frontend_port == 443);
  CHECK(rule.backend_port == 8443);
  CHECK(rule.enable_floating_ip);
  CHECK(rule.frontend.id == kLbKey + "/frontendipconfigurations/fe");
  REQUIRE(rule.backend_pools.size() == 1);
  CHECK(rule.backend_pools[0].id == kLbKey + "/backendaddresspools/pool");
  REQUIRE(lb.nat_rules.size() == 2);
  CHECK(lb.nat_rules[0].key == kLbKey + "/inboundnatrules/rdp");
  CHECK(lb.nat_rules[0].frontend_port == 50001);
  CHECK(lb.nat_rules[0].backend_port == 3389);
  CHECK_FALSE(lb.nat_rules[0].frontend_port_range_start);
  CHECK(lb.nat_rules[1].frontend_port_range_start == 50000);
  CHECK(lb.nat_rules[1].frontend_port_range_end == 50099);
  CHECK(lb.nat_rules[1].backend_pool.id == kLbKey + "/backendaddresspools/pool");
}

TEST_CASE("azure: a load balancer without sku is Basic, NIC pool and NAT memberships", "[azure]") {
  const std::string nic = kAzureNetwork + "/networkInterfaces/n1";
  AzureImport r =
      import_azure(fmt::format(R"([{{"id": "{0}", "type": "Microsoft.Network/loadBalancers", "properties": {{}}}},
      {{"id": "{1}", "type": "Microsoft.Network/networkInterfaces", "properties": {{"ipConfigurations": [
        {{"name": "ipconfig1", "properties": {{
          "LoadBalancerBackendAddressPools": [{{"id": "{0}/backendAddressPools/POOL"}}],
          "loadBalancerInboundNatRules": [{{"id": "{0}/inboundNatRules/rdp"}}]}}}}]}}}}])",
                               kLbId, nic));
  CHECK(r.diags.empty());
  REQUIRE(r.model.load_balancers.size() == 1);
  CHECK(r.model.load_balancers[0].sku == model::Sku::kBasic);
  const auto& cfg = r.model.nics.at(0).ip_configurations.at(0);
  REQUIRE(cfg.lb_backend_pools.size() == 1);
  CHECK(cfg.lb_backend_pools[0].id == kLbKey + "/backendaddresspools/pool");
  REQUIRE(cfg.lb_inbound_nat_rules.size() == 1);
  CHECK(cfg.lb_inbound_nat_rules[0].id == kLbKey + "/inboundnatrules/rdp");
}

TEST_CASE("azure: separate inbound NAT rules and backend pools are attached to their load balancer", "[azure]") {
  const std::string rule = fmt::format(
      R"({{"id": "{0}/inboundNatRules/late", "type": "Microsoft.Network/loadBalancers/inboundNatRules",
           "properties": {{"frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
                           "protocol": "Udp", "frontendPort": 5000, "backendPort": 500}}}})",
      kLbId);
  const std::string pool = fmt::format(
      R"({{"id": "{0}/backendAddressPools/extra", "type": "Microsoft.Network/loadBalancers/backendAddressPools",
           "properties": {{}}}})",
      kLbId);
  const std::string lb = fmt::format(R"({{"id": "{0}", "type": "Microsoft.Network/loadBalancers", "properties": {{
      "inboundNatRules": [{{"name": "LATE", "properties": {{
        "frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
        "protocol": "Udp", "frontendPort": 5000, "backendPort": 500}}}}]}}}})",
                                     kLbId);
  const std::string orphan = fmt::format(
      R"({{"id": "{0}/loadBalancers/gone/inboundNatRules/x", "type": "Microsoft.Network/loadBalancers/inboundNatRules",
           "properties": {{"protocol": "Tcp", "frontendIPConfiguration": {{"id": "{0}/loadBalancers/gone/frontendIPConfigurations/fe"}},
                           "frontendPort": 1, "backendPort": 1}}}})",
      kAzureNetwork);
  model::Model m;
  model::Diagnostics d;
  az::Importer importer(m, d);
  importer.add_text("[" + rule + "," + pool + "," + orphan + "]", "children.json");
  importer.add_text("[" + lb + "]", "lb.json");
  importer.finish();
  CHECK(printed(d) ==
        std::vector<std::string>{"children.json: /2: error: inbound NAT rule 'x' has no parent: load balancer '" +
                                 kAzureNetwork + "/loadBalancers/gone' is not in the input [dangling-parent]"});
  REQUIRE(m.load_balancers.size() == 1);
  const auto& l = m.load_balancers[0];
  // The separate "late" rule has the same id as the inline "LATE" one (ids are case-insensitive): kept once.
  REQUIRE(l.nat_rules.size() == 1);
  CHECK(l.nat_rules[0].name == "LATE");
  CHECK(l.nat_rules[0].protocols == model::bit(model::Protocol::kUdp));
  REQUIRE(l.backend_pools.size() == 1);
  CHECK(l.backend_pools[0].name == "extra");
  CHECK(l.backend_pools[0].where.file == "children.json");
}

TEST_CASE("azure: load balancer errors and unmodelled features", "[azure]") {
  AzureImport r = import_azure(fmt::format(R"([{{"id": "{0}", "name": "lb1", "type": "Microsoft.Network/loadBalancers",
      "sku": {{"name": "Premium"}},
      "properties": {{
        "backendAddressPools": [{{"name": "ips", "properties": {{"loadBalancerBackendAddresses": [
          {{"name": "a", "properties": {{"ipAddress": "10.0.0.7"}}}},
          {{"name": "b", "properties": {{"networkInterfaceIPConfiguration": {{"id": "{1}/networkInterfaces/n/ipConfigurations/c"}}}}}}]}}}}],
        "loadBalancingRules": [
          {{"name": "big", "properties": {{"frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
            "protocol": "Tcp", "frontendPort": 70000, "backendPort": "80"}}}},
          {{"name": "icmp", "properties": {{"frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
            "protocol": "Icmp", "frontendPort": 1}}}},
          {{"name": "ok", "properties": {{"frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}},
            "protocol": "Udp", "frontendPort": 53, "backendPort": 53}}}}
        ],
        "inboundNatRules": [{{"name": "nat", "properties": {{"protocol": "Tcp", "frontendPort": 0, "backendPort": 22,
            "frontendIPConfiguration": {{"id": "{0}/frontendIPConfigurations/fe"}}}}}}],
        "inboundNatPools": [{{"name": "vmss"}}]
      }}}}])",
                                           kLbId, kAzureNetwork));
  CHECK(show(r.diags) ==
        show({"t.json: /0/properties/backendAddressPools/0/properties/loadBalancerBackendAddresses: warning: load "
              "balancer 'lb1': backend pool 'ips' has 1 IP-address-based backend, not modelled: exposure through it is "
              "not reported [unmodelled-feature]",
              "t.json: /0/properties/inboundNatPools/0: error: inbound NAT pool 'vmss' has no 'backendPort' "
              "[missing-field]",
              "t.json: /0/properties/inboundNatPools/0: error: inbound NAT pool 'vmss' has no "
              "'frontendIPConfiguration' [missing-field]",
              "t.json: /0/properties/inboundNatPools/0: error: inbound NAT pool 'vmss' has no 'frontendPortRangeEnd' "
              "[missing-field]",
              "t.json: /0/properties/inboundNatPools/0: error: inbound NAT pool 'vmss' has no "
              "'frontendPortRangeStart' [missing-field]",
              "t.json: /0/properties/inboundNatPools/0: error: inbound NAT pool 'vmss' has no 'protocol' "
              "[missing-field]",
              "t.json: /0/properties/inboundNatRules/0/properties/frontendPort: error: frontendPort 0 is below 1 "
              "[invalid-value]",
              "t.json: /0/properties/loadBalancingRules/0/properties/backendPort: note: 'backendPort' is the string "
              "'80', read as the number 80 [coerced-value]",
              "t.json: /0/properties/loadBalancingRules/0/properties/frontendPort: error: frontendPort 70000 is above "
              "65535 [invalid-value]",
              "t.json: /0/properties/loadBalancingRules/1: error: load-balancing rule 'icmp' has no 'backendPort' "
              "[missing-field]",
              "t.json: /0/properties/loadBalancingRules/1/properties/protocol: error: protocol 'Icmp' is not Tcp, Udp "
              "or All [invalid-value]",
              "t.json: /0/sku/name: error: SKU 'Premium' is not Basic, Standard or Gateway [invalid-value]"}));
  REQUIRE(r.model.load_balancers.size() == 1);
  const auto& lb = r.model.load_balancers[0];
  REQUIRE(lb.rules.size() == 1);  // bad rules are left out; the others stay
  CHECK(lb.rules[0].name == "ok");
  CHECK(lb.nat_rules.empty());
  CHECK(lb.nat_pools.empty());  // a pool with errors is left out
}

TEST_CASE("azure: validation keeps a rule's id only when it is not the derivable one", "[azure]") {
  // r1's id is its NSG's id + /securityRules/r1: dropped and derived on demand. r2's id differs in case
  // (Azure compares ids case-insensitively, but output keeps the input's spelling): kept as written.
  const std::string rules = fmt::format(
      R"({{"name": "r1", "id": "{0}/securityRules/r1", "properties": {1}}},
         {{"name": "r2", "id": "{0}/SECURITYRULES/r2", "properties": {2}}})",
      kAzureNsgId, rule_properties({}), rule_properties({{"priority", "200"}}));
  AzureImport r = import_azure(nsg_json(rules, ""));
  REQUIRE(r.diags.empty());
  model::Diagnostics d;
  model::validate(r.model, d);
  const auto& nsg = r.model.nsgs.at(0);
  const auto named = [&](std::string_view name) -> const model::SecurityRule& {
    return *std::find_if(nsg.rules.begin(), nsg.rules.end(), [&](const auto& x) { return x.name == name; });
  };
  CHECK(named("r1").id.empty());
  CHECK(model::security_rule_id(nsg, named("r1")) == kAzureNsgId + "/securityRules/r1");
  CHECK(named("r2").id == kAzureNsgId + "/SECURITYRULES/r2");
  CHECK(model::security_rule_id(nsg, named("r2")) == kAzureNsgId + "/SECURITYRULES/r2");
  // Azure's defaults, added by validation, are derived too.
  CHECK(model::security_rule_id(nsg, named("DenyAllInBound")) == kAzureNsgId + "/defaultSecurityRules/DenyAllInBound");
}

TEST_CASE("azure: validation keeps an ip configuration's id only when it is not the derivable one", "[azure]") {
  const std::string nic = kAzureNetwork + "/networkInterfaces/n1";
  AzureImport r =
      import_azure(fmt::format(R"([{{"id": "{0}", "type": "Microsoft.Network/networkInterfaces", "properties": {{
      "ipConfigurations": [
        {{"name": "a", "id": "{0}/ipConfigurations/a", "properties": {{"privateIPAddress": "10.0.0.4"}}}},
        {{"name": "b", "id": "{0}/IPConfigurations/b", "properties": {{"privateIPAddress": "10.0.0.5"}}}}
      ]}}}}])",
                               nic));
  REQUIRE(r.diags.empty());
  model::Diagnostics d;
  model::validate(r.model, d);
  const auto& n = r.model.nics.at(0);
  REQUIRE(n.ip_configurations.size() == 2);
  CHECK(n.ip_configurations[0].id.empty());
  CHECK(model::ip_configuration_id(n, n.ip_configurations[0]) == nic + "/ipConfigurations/a");
  CHECK(model::ip_configuration_id(n, n.ip_configurations[1]) == nic + "/IPConfigurations/b");
}
