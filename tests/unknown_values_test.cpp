// Tests of unknown, placeholder and coerced values in the Azure importer (issue 13): what is reported, and that
// each conservative reading (docs/model.md, "Unknown values") reports at least what every concrete value would.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "importers/unknown_value.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "template_builder.h"

namespace {

namespace az = exposim::importers::azure;
namespace model = exposim::model;
using exposim::importers::unknown_value;

using exposim::testing::from_template;
using exposim::testing::quoted;

struct UnknownImport {
  model::Model model;
  std::vector<std::string> diags;  // sorted, as printed
  bool errors{false};
};

/// Imports `text`, then validates the model when `validate` says how.
UnknownImport read(const std::string& text, az::ImportOptions options, std::optional<model::ValidateOptions> validate) {
  UnknownImport r;
  model::Diagnostics d;
  az::import_text(text, "t.json", r.model, d, options);
  if (validate) model::validate(r.model, d, *validate);
  for (const auto& x : d.sorted()) r.diags.push_back(model::to_string(x));
  r.errors = d.has_errors();
  return r;
}

UnknownImport import_unknown(const std::string& text, az::ImportOptions options = {}) {
  return read(text, std::move(options), std::nullopt);
}

UnknownImport import_and_validate(const std::string& text, az::ImportOptions options, bool allow_missing) {
  model::ValidateOptions vo;
  vo.allow_missing = allow_missing;
  return read(text, std::move(options), vo);
}

const std::string kUnknownNetwork = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";

/// A security rule `name` with properties `props` (JSON).
std::string named_rule(const std::string& name, const std::string& props) {
  return fmt::format(R"({{"name": "{}", "properties": {}}})", name, props);
}

/// An NSG `n` with inbound rules given as (name, properties JSON).
std::string nsg(const std::vector<std::pair<std::string, std::string>>& rules) {
  std::string list;
  for (const auto& [name, props] : rules) {
    if (!list.empty()) list += ",";
    list += named_rule(name, props);
  }
  return fmt::format(R"([{{"id": "{}/networkSecurityGroups/n", "type": "Microsoft.Network/networkSecurityGroups",
                          "properties": {{"securityRules": [{}]}}}}])",
                     kUnknownNetwork, list);
}

/// Rule properties: protocol, access, priority, source prefix, destination port and prefix, as JSON values.
std::string rule(const std::string& protocol, const std::string& access, const std::string& priority,
                 const std::string& source, const std::string& port, const std::string& destination = R"("*")") {
  return fmt::format(R"({{"protocol": {}, "access": {}, "priority": {}, "direction": "Inbound",
                         "sourceAddressPrefix": {}, "sourcePortRange": "*", "destinationAddressPrefix": {},
                         "destinationPortRange": {}}})",
                     protocol, access, priority, source, destination, port);
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
      kUnknownNetwork);
  for (bool tmpl : {false, true}) {
    auto r = import_unknown(nic, tmpl ? from_template() : az::ImportOptions{});
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
  auto r = import_unknown(nsg({{"r", rule(R"("Tcp")", R"("Allow")", R"(" 200")", R"("*")", R"("80")")}}));
  REQUIRE(r.model.nsgs[0].rules.size() == 1);
  CHECK(r.model.nsgs[0].rules[0].priority == 200);
  CHECK(r.diags == std::vector<std::string>{kRule0 + "priority: note: 'priority' is the string ' 200', read as the "
                                                     "number 200 [coerced-value]"});
}

TEST_CASE("unknown: a really invalid value says what is wrong", "[unknown][azure]") {
  auto r = import_unknown(nsg({{"r", rule(R"("Tcp")", R"("Allow")", R"("5000")", R"("*")", R"("80")")}}));
  CHECK(r.model.nsgs[0].rules.empty());
  CHECK(r.diags ==
        std::vector<std::string>{
            kRule0 + "priority: note: 'priority' is the string '5000', read as the number 5000 [coerced-value]",
            kRule0 + "priority: error: priority 5000 is above 4096 [invalid-value]"});
  r = import_unknown(nsg({{"r", rule(R"("Tcp")", R"("Allow")", R"("high")", R"("*")", R"("80")")}}));
  CHECK(r.diags == std::vector<std::string>{
                       kRule0 + "priority: error: 'priority' is a string, expected an integer [invalid-type]"});
  // From a template, a value ARM would reject is a warning and the field is unknown.
  r = import_unknown(nsg({{"r", rule(R"("Tcp")", R"("Allow")", "5000", R"("*")", R"("80")")}}), from_template());
  CHECK(r.diags == std::vector<std::string>{
                       kRule0 + "priority: warning: priority 5000 is above 4096, which ARM would reject at deployment: "
                                "this field is read as unknown, conservatively (an unknown can only add exposure) "
                                "[unknown-value]"});
}

TEST_CASE("unknown: one warning per cause, at the first field it decides, with the count", "[unknown][azure]") {
  const std::string port = quoted(unknown_value("parameters('sshPort')"));
  auto r = import_unknown(nsg({{"a", rule(R"("Tcp")", R"("Allow")", "100", R"("<adminIp>")", port)},
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
  r = import_unknown(nsg({{"b", rule(R"("Tcp")", R"("Allow")", "110", R"("*")", R"("xx.xx.xx.xx/yy")")}}));
  CHECK(r.diags == std::vector<std::string>{kRule0 + "destinationPortRange: error: port range 'xx.xx.xx.xx/yy' is "
                                                     "not a port or range in 0..65535 [invalid-value]"});
}

TEST_CASE("unknown: fields that cannot decide reachability stay silent", "[unknown][azure]") {
  const std::string text = fmt::format(
      R"([{{"id": "{0}/publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses",
           "name": {1}, "location": {2}, "tags": {{"owner": "<owner>"}},
           "sku": {{"name": "Standard"}}, "properties": {{"publicIPAllocationMethod": "Static"}}}}])",
      kUnknownNetwork, quoted(unknown_value("parameters('ipName')")),
      quoted(unknown_value("resourceGroup().location")));
  auto r = import_unknown(text, from_template({"owner"}));
  CHECK(r.diags.empty());
  REQUIRE(r.model.public_ips.size() == 1);
  CHECK(r.model.public_ips[0].sku == model::Sku::kStandard);
}

// ---- The conservative readings: the unknown reports at least what every concrete value would ----

namespace {

namespace solver = exposim::solver;

/// A small estate as an expanded template: VNet v 10.0.0.0/16, subnet s 10.0.0.0/24 with NSG n (when `rules`
/// is not null) and route table rt (when `routes` is not empty), NIC nic (ip configuration c, `private_ip`,
/// public IP `pip_ref`), public IP p with SKU `sku`. JSON texts are spliced as they are.
struct UnknownEstate {
  std::string rules = "[]";  // NSG n's securityRules; "" for no NSG at all
  std::string routes;        // route table rt's routes; "" for no route table
  std::string private_ip = R"("10.0.0.4")";
  std::string pip_ref = fmt::format(R"({{"id": "{}/publicIPAddresses/p"}})", kUnknownNetwork);
  std::string sku = R"("Standard")";
  std::string nic_asgs = "[]";
  std::string vnet_space = R"("10.0.0.0/16")";
  std::string subnet_prefix = R"("10.0.0.0/24")";
  bool route_table_missing = false;  // the subnet names route table rt, which is not in the input

  std::string json() const {
    const std::string nsg_ref =
        rules.empty()
            ? ""
            : fmt::format(R"(, "networkSecurityGroup": {{"id": "{}/networkSecurityGroups/n"}})", kUnknownNetwork);
    const std::string rt_ref =
        routes.empty() ? "" : fmt::format(R"(, "routeTable": {{"id": "{}/routeTables/rt"}})", kUnknownNetwork);
    std::string out = fmt::format(
        R"([{{"id": "{0}/virtualNetworks/v", "type": "Microsoft.Network/virtualNetworks", "name": "v",
             "properties": {{"addressSpace": {{"addressPrefixes": [{7}]}},
               "subnets": [{{"name": "s", "properties": {{"addressPrefix": {8}{1}{2}}}}}]}}}},
            {{"id": "{0}/networkInterfaces/nic", "type": "Microsoft.Network/networkInterfaces", "name": "nic",
             "properties": {{"ipConfigurations": [{{"name": "c", "properties": {{
               "privateIPAddress": {3}, "subnet": {{"id": "{0}/virtualNetworks/v/subnets/s"}},
               "publicIPAddress": {4}, "applicationSecurityGroups": {5}}}}}]}}}},
            {{"id": "{0}/publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses", "name": "p",
             "sku": {{"name": {6}}}, "properties": {{"publicIPAllocationMethod": "Static", "ipAddress": "20.0.0.1"}}}},
            {{"id": "{0}/applicationSecurityGroups/web", "type": "Microsoft.Network/applicationSecurityGroups",
             "name": "web", "properties": {{}}}})",
        kUnknownNetwork, nsg_ref, rt_ref, private_ip, pip_ref, nic_asgs, sku, vnet_space, subnet_prefix);
    if (!rules.empty()) {
      out += fmt::format(R"(, {{"id": "{}/networkSecurityGroups/n", "type": "Microsoft.Network/networkSecurityGroups",
                              "name": "n", "properties": {{"securityRules": {}}}}})",
                         kUnknownNetwork, rules);
    }
    if (!routes.empty() && !route_table_missing) {
      out += fmt::format(R"(, {{"id": "{}/routeTables/rt", "type": "Microsoft.Network/routeTables", "name": "rt",
                              "properties": {{"routes": {}}}}})",
                         kUnknownNetwork, routes);
    }
    return out + "]";
  }
};

/// The NIC exposures of an estate read from a template (valueless parameter 'p' for `<p>`).
std::vector<solver::Exposure> exposures(const UnknownEstate& e) {
  const auto r = import_and_validate(e.json(), from_template({"p"}), true);
  INFO(e.json());
  for (const auto& x : r.diags) INFO(x);
  REQUIRE_FALSE(r.errors);
  std::vector<solver::Exposure> out;
  for (auto& x : solver::analyze(r.model).exposures) {
    if (x.target_kind == model::ResourceKind::kNetworkInterface) out.push_back(std::move(x));
  }
  return out;
}

/// Every exposure of `concrete` is covered by `unknown`: the exposures of `unknown` with the same protocol whose
/// sources contain the concrete sources together reach all its ports (exposures are split by the rule that
/// admits them, so one concrete exposure may be several unknown ones).
bool covers(const std::vector<solver::Exposure>& unknown, const std::vector<solver::Exposure>& concrete) {
  return std::all_of(concrete.begin(), concrete.end(), [&](const solver::Exposure& c) {
    model::PortSet ports;
    for (const auto& u : unknown) {
      if (u.protocol == c.protocol && u.sources.contains(c.sources)) ports = ports.unite(u.ports);
    }
    return ports.contains(c.ports);
  });
}

/// One inbound rule as JSON, fields given as JSON values.
std::string rule_json(const std::string& name, const std::string& access, const std::string& priority,
                      const std::string& protocol, const std::string& source, const std::string& port,
                      const std::string& destination = R"("*")") {
  return named_rule(name, rule(protocol, access, priority, source, port, destination));
}

const std::string kUnknown = quoted(unknown_value("parameters('p')"));

/// Checks that the estate built with `make(kUnknown)` covers the estates built with each concrete value, and
/// that the case is not vacuous (some concrete value exposes something).
template <typename Make>
void check_conservative(Make make, const std::vector<std::string>& concrete_values) {
  const auto unknown = exposures(make(kUnknown));
  bool some = false;
  for (const auto& v : concrete_values) {
    INFO("concrete value " << v);
    const auto concrete = exposures(make(v));
    some = some || !concrete.empty();
    CHECK(covers(unknown, concrete));
  }
  CHECK(some);
}

}  // namespace

TEST_CASE("unknown: the coverage check itself can fail", "[unknown]") {
  UnknownEstate narrow, wide;
  narrow.rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("1.2.3.4")", R"("22")") + "]";
  wide.rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("*")", R"("*")") + "]";
  CHECK(covers(exposures(wide), exposures(narrow)));
  CHECK_FALSE(covers(exposures(narrow), exposures(wide)));
}

TEST_CASE("unknown: NSG rule fields of an Allow rule read as '*'", "[unknown]") {
  SECTION("source") {
    check_conservative(
        [](const std::string& v) {
          UnknownEstate e;
          e.rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", v, R"("22")") + "]";
          return e;
        },
        {R"("1.2.3.4")", R"("Internet")", R"("*")", R"("10.0.0.0/8")", R"("100.0.0.0/6")"});
  }
  SECTION("destination port, as a placeholder too") {
    check_conservative(
        [](const std::string& v) {
          UnknownEstate e;
          e.rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("*")", v) + "]";
          return e;
        },
        {R"("22")", R"("80-90")", R"("*")", "443"});
  }
  SECTION("protocol") {
    check_conservative(
        [](const std::string& v) {
          UnknownEstate e;
          e.rules = "[" + rule_json("a", R"("Allow")", "100", v, R"("*")", R"("3389")") + "]";
          return e;
        },
        {R"("Tcp")", R"("Udp")", R"("Icmp")", R"("*")"});
  }
  SECTION("destination") {
    check_conservative(
        [](const std::string& v) {
          UnknownEstate e;
          e.rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("*")", R"("22")", v) + "]";
          return e;
        },
        {R"("10.0.0.4")", R"("VirtualNetwork")", R"("*")", R"("10.0.0.0/24")"});
  }
}

TEST_CASE("unknown: a Deny rule with an unknown field matches nothing", "[unknown]") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> fields = {
      {"source", {R"("1.2.3.4")", R"("Internet")", R"("*")"}},
      {"port", {R"("22")", R"("*")", R"("1-1000")"}},
      {"protocol", {R"("Tcp")", R"("*")", R"("Udp")"}},
      {"priority", {"100", "300", "4096"}},
  };
  for (const auto& [field, values] : fields) {
    INFO(field);
    const std::string f = field;
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = "[" +
                    rule_json("deny", R"("Deny")", f == "priority" ? v : "100", f == "protocol" ? v : R"("Tcp")",
                              f == "source" ? v : R"("*")", f == "port" ? v : R"("22")") +
                    "," + rule_json("all", R"("Allow")", "200", R"("*")", R"("*")", R"("*")") + "]";
          return e;
        },
        values);
  }
}

TEST_CASE("unknown: an unknown access reads as Allow", "[unknown]") {
  check_conservative(
      [](const std::string& v) {
        UnknownEstate e;
        e.rules = "[" + rule_json("a", v, "100", R"("Tcp")", R"("*")", R"("22")") + "," +
                  rule_json("b", R"("Allow")", "200", R"("Tcp")", R"("*")", R"("80")") + "]";
        return e;
      },
      {R"("Allow")", R"("Deny")"});
}

TEST_CASE("unknown: an Allow rule of unknown priority is evaluated first", "[unknown]") {
  check_conservative(
      [](const std::string& v) {
        UnknownEstate e;
        e.rules = "[" + rule_json("deny-ssh", R"("Deny")", "150", R"("Tcp")", R"("*")", R"("22")") + "," +
                  rule_json("allow", R"("Allow")", v, R"("Tcp")", R"("*")", R"("20-30")") + "]";
        return e;
      },
      {"100", "200", "4096"});
  // Two such rules share the priority without a duplicate-priority error (exposures() requires no error).
  UnknownEstate e;
  e.rules = "[" + rule_json("a", R"("Allow")", kUnknown, R"("Tcp")", R"("*")", R"("22")") + "," +
            rule_json("b", R"("Allow")", kUnknown, R"("Tcp")", R"("*")", R"("80")") + "]";
  CHECK(exposures(e).size() == 2);
}

TEST_CASE("unknown: route prefixes and next hops", "[unknown]") {
  // The NSG allows only what its default rules allow: VirtualNetwork to VirtualNetwork, so what a route puts
  // into the tag is what the internet can reach.
  const std::string nsg = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("1.2.3.4")", R"("443")") + "]";
  auto route = [](const std::string& prefix, const std::string& hop, const std::string& ip = "") {
    return fmt::format(R"([{{"name": "r", "properties": {{"addressPrefix": {}, "nextHopType": {}{}}}}}])", prefix, hop,
                       ip.empty() ? "" : R"(, "nextHopIpAddress": )" + ip);
  };
  SECTION("prefix, next hop Internet") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = nsg;
          e.routes = route(v, R"("Internet")");
          return e;
        },
        {R"("0.0.0.0/0")", R"("8.8.0.0/16")", R"("10.1.0.0/16")"});
  }
  SECTION("prefix, next hop VirtualAppliance") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = nsg;
          e.routes = route(v, R"("VirtualAppliance")", R"("10.0.5.4")");
          return e;
        },
        {R"("0.0.0.0/0")", R"("8.8.0.0/16")", R"("1.2.3.0/24")"});
  }
  SECTION("next hop type") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = nsg;
          e.routes = route(R"("0.0.0.0/0")", v, v == R"("VirtualAppliance")" || v == kUnknown ? R"("10.0.5.4")" : "");
          return e;
        },
        {R"("Internet")", R"("VirtualAppliance")", R"("None")", R"("VirtualNetworkGateway")"});
  }
}

TEST_CASE("unknown: public IP reference and SKU, private IP, ASG membership", "[unknown]") {
  SECTION("public IP reference: a Basic public IP of unknown address") {
    // Concrete values: the reference names the declared public IP, of either SKU.
    for (const bool with_nsg : {false, true}) {
      INFO("with an NSG: " << with_nsg);
      check_conservative(
          [&](const std::string& v) {
            UnknownEstate e;
            e.rules = with_nsg ? "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("*")", R"("22")") + "]" : "";
            if (v == kUnknown) {
              e.pip_ref = fmt::format(R"({{"id": {}}})", kUnknown);
            } else {
              e.sku = v;
            }
            return e;
          },
          {R"("Basic")", R"("Standard")"});
    }
  }
  SECTION("SKU") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = "";
          e.sku = v;
          return e;
        },
        {R"("Basic")", R"("Standard")"});
  }
  SECTION("private IP, with a rule naming addresses") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("*")", R"("22")", R"("10.0.0.4")") + "," +
                    rule_json("d", R"("Deny")", "110", R"("Tcp")", R"("*")", R"("*")", R"("10.0.0.5")") + "," +
                    rule_json("b", R"("Allow")", "200", R"("Tcp")", R"("*")", R"("*")") + "]";
          e.private_ip = v;
          return e;
        },
        {R"("10.0.0.4")", R"("10.0.0.5")", R"("10.0.0.6")"});
  }
  SECTION("ASG membership") {
    const std::string web = fmt::format(R"({{"id": "{}/applicationSecurityGroups/web"}})", kUnknownNetwork);
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          const std::string allow = fmt::format(
              R"({{"name": "a", "properties": {{"protocol": "Tcp", "access": "Allow", "priority": 100,
                 "direction": "Inbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
                 "destinationApplicationSecurityGroups": [{}], "destinationPortRange": "22"}}}})",
              web);
          e.rules = "[" + allow + "]";
          e.nic_asgs = v == kUnknown ? fmt::format(R"([{{"id": {}}}])", kUnknown) : v;
          return e;
        },
        {"[" + web + "]", "[]"});
  }
}

// ---- Read-only properties, missing resources, conflicting references, effective state ----

namespace {

bool has(const std::vector<std::string>& diags, const std::string& part) {
  return std::any_of(diags.begin(), diags.end(),
                     [&](const std::string& d) { return d.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("unknown: defaultSecurityRules and read-only fields of a template are ignored", "[unknown][azure]") {
  const std::string text = fmt::format(
      R"([{{"id": "{}/networkSecurityGroups/n", "type": "Microsoft.Network/networkSecurityGroups", "name": "n",
           "etag": 7, "properties": {{"provisioningState": {{"bad": true}}, "resourceGuid": 12,
             "securityRules": [{{"name": "a", "etag": [], "properties": {{"provisioningState": 1, "protocol": "Tcp",
               "access": "Allow", "priority": 100, "direction": "Inbound", "sourceAddressPrefix": "*",
               "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}}}],
             "defaultSecurityRules": [{{"name": "AllowWeb", "properties": {{"protocol": "Tcp", "access": "Allow",
               "priority": 100, "direction": "Inbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
               "destinationAddressPrefix": "*", "destinationPortRange": "80,443"}}}}]}}}},
          {{"id": "{}/networkSecurityGroups/n/defaultSecurityRules/DenyAllInBound",
           "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules", "name": "n/DenyAllInBound",
           "properties": {{"priority": "nope"}}}}])",
      kUnknownNetwork, kUnknownNetwork);
  auto r = import_and_validate(text, from_template(), false);
  CHECK(r.diags.empty());
  REQUIRE(r.model.nsgs.size() == 1);
  const auto& rules = r.model.nsgs[0].rules;
  REQUIRE(rules.size() == 7);  // the author's rule and Azure's six
  CHECK(std::count_if(rules.begin(), rules.end(), [](const auto& x) { return x.is_default; }) == 6);
  CHECK(std::none_of(rules.begin(), rules.end(), [](const auto& x) { return x.name == "AllowWeb"; }));
  // From Azure (an export), default rules are read, and a bad one is an error as before.
  r = import_and_validate(text, {}, false);
  CHECK(has(r.diags, "defaultSecurityRules/0/properties/destinationPortRange: error: port range '80,443'"));
}

TEST_CASE("unknown: a subnet resource of a virtual network the template does not declare", "[unknown][azure]") {
  const std::string text = fmt::format(
      R"([{{"id": "{0}/virtualNetworks/existing/subnets/s", "type": "Microsoft.Network/virtualNetworks/subnets",
           "name": "existing/s", "properties": {{"addressPrefix": "10.9.1.0/24"}}}},
          {{"id": "{0}/networkInterfaces/nic", "type": "Microsoft.Network/networkInterfaces", "name": "nic",
           "properties": {{"networkSecurityGroup": {{"id": "{0}/networkSecurityGroups/gone"}},
             "ipConfigurations": [{{"name": "c", "properties": {{"privateIPAddress": "10.9.1.4",
             "subnet": {{"id": "{0}/virtualNetworks/existing/subnets/s"}},
             "publicIPAddress": {{"id": "{0}/publicIPAddresses/gone-ip"}}}}}}]}}}},
          {{"id": "{0}/networkInterfaces/nic2", "type": "Microsoft.Network/networkInterfaces", "name": "nic2",
           "properties": {{"networkSecurityGroup": {{"id": "{0}/networkSecurityGroups/gone"}},
             "ipConfigurations": [{{"name": "c", "properties": {{
             "subnet": {{"id": "{0}/virtualNetworks/existing/subnets/s"}}}}}}]}}}}])",
      kUnknownNetwork);
  // An export: the subnet has no parent, an error as before.
  auto r = import_and_validate(text, {}, true);
  CHECK(has(r.diags, "error: subnet 'existing/s' has no parent: virtual network"));
  // A template: an assumed virtual network whose address space is its known subnet's prefix.
  r = import_and_validate(text, from_template(), true);
  REQUIRE(r.model.vnets.size() == 1);
  CHECK(r.model.vnets[0].address_space == std::vector<model::IpPrefix>{*model::IpPrefix::parse("10.9.1.0/24")});
  CHECK(r.model.vnets[0].name == "existing");
  // One warning names every missing resource once, with the places that reference it.
  const std::string v = model::canonical_id(kUnknownNetwork);
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /0: warning: 3 resources not in the input, analysed as the worst case consistent "
                       "with it: virtual network '" +
                       kUnknownNetwork +
                       "/virtualNetworks/existing' (parent of subnet 'existing/s'; "
                       "analysed as a virtual network whose address space is its known subnets' prefixes); "
                       "network-security-group '" +
                       v +
                       "/networksecuritygroups/gone' (referenced at t.json: "
                       "/1/properties/networkSecurityGroup/id, t.json: /2/properties/networkSecurityGroup/id; "
                       "assuming it admits everything); public-ip '" +
                       v +
                       "/publicipaddresses/gone-ip' "
                       "(referenced at t.json: /1/properties/ipConfigurations/0/properties/publicIPAddress/id; "
                       "analysed as a Basic public IP of unknown address) [missing-reference]"});
  REQUIRE_FALSE(has(r.diags, "error"));
  // The NIC is analysed: a Basic public IP and no NSG that is known: open.
  const auto a = solver::analyze(r.model);
  CHECK(std::any_of(a.exposures.begin(), a.exposures.end(), [&](const auto& e) {
    return e.target_kind == model::ResourceKind::kNetworkInterface && r.model.nics[e.nic].name == "nic" &&
           e.ports.is_all();
  }));
  // Without --allow-missing, the error says how to proceed.
  r = import_and_validate(text, from_template(), false);
  CHECK(has(r.diags, "t.json: /1/properties/networkSecurityGroup/id: error: referenced network-security-group '" + v +
                         "/networksecuritygroups/gone' is not in the input: add the file that declares it to the "
                         "input, or pass --allow-missing to analyse it as admitting everything [dangling-reference]"));
}

TEST_CASE("unknown: an NSG listing a subnet missing from a partial export still filters its NICs", "[unknown][azure]") {
  // The subnet is not in the input; the NSG lists it in properties.subnets and allows only 443.
  const std::string text = fmt::format(
      R"([{{"id": "{0}/networkSecurityGroups/n", "type": "Microsoft.Network/networkSecurityGroups", "name": "n",
           "properties": {{"subnets": [{{"id": "{0}/virtualNetworks/v/subnets/s"}}], "securityRules": [
             {{"name": "https", "properties": {{"protocol": "Tcp", "access": "Allow", "priority": 100,
               "direction": "Inbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
               "destinationAddressPrefix": "*", "destinationPortRange": "443"}}}}]}}}},
          {{"id": "{0}/networkInterfaces/nic", "type": "Microsoft.Network/networkInterfaces", "name": "nic",
           "properties": {{"ipConfigurations": [{{"name": "c", "properties": {{"privateIPAddress": "10.0.0.4",
             "subnet": {{"id": "{0}/virtualNetworks/v/subnets/s"}},
             "publicIPAddress": {{"id": "{0}/publicIPAddresses/p"}}}}}}]}}}},
          {{"id": "{0}/publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses", "name": "p",
           "properties": {{"ipAddress": "20.0.0.1"}}}}])",
      kUnknownNetwork);
  auto r = import_and_validate(text, {}, true);
  REQUIRE_FALSE(has(r.diags, "error"));
  CHECK(has(r.diags, "subnet '" + model::canonical_id(kUnknownNetwork) +
                         "/virtualnetworks/v/subnets/s' (listed by NSG 'n': "
                         "its NICs in the input are filtered and routed by it)"));
  const auto a = solver::analyze(r.model);
  std::vector<std::string> seen;
  for (const auto& e : a.exposures)
    seen.push_back(fmt::format("{} {}", model::to_string(e.protocol), model::to_string(e.ports)));
  // A Basic public IP behind NSG n: TCP 443 only, not every port and protocol.
  CHECK(seen == std::vector<std::string>{"tcp 443"});
  // Without --allow-missing the missing subnet is still an error that says how to proceed.
  r = import_and_validate(text, {}, false);
  CHECK(has(r.diags, "error: referenced subnet"));
  CHECK(has(r.diags, "or pass --allow-missing to analyse it as a subnet with no NSG and no route table"));
}

TEST_CASE("unknown: a public IP referenced by two NICs", "[unknown][azure]") {
  auto estate = [](const std::string& back_reference) {
    return fmt::format(
        R"([{{"id": "{0}/networkInterfaces/a", "type": "Microsoft.Network/networkInterfaces", "name": "a",
             "properties": {{"ipConfigurations": [{{"name": "c", "properties": {{"privateIPAddress": "10.0.0.4",
               "publicIPAddress": {{"id": "{0}/publicIPAddresses/p"}}}}}}]}}}},
            {{"id": "{0}/networkInterfaces/b", "type": "Microsoft.Network/networkInterfaces", "name": "b",
             "properties": {{"ipConfigurations": [{{"name": "c", "properties": {{"privateIPAddress": "10.0.0.5",
               "publicIPAddress": {{"id": "{0}/publicIPAddresses/p"}}}}}}]}}}},
            {{"id": "{0}/publicIPAddresses/p", "type": "Microsoft.Network/publicIPAddresses", "name": "p",
             "properties": {{"ipAddress": "20.0.0.1"{1}}}}}])",
        kUnknownNetwork, back_reference);
  };
  auto exposed = [](const model::Model& m) {
    std::set<std::string> out;
    for (const auto& e : solver::analyze(m).exposures) out.insert(m.nics[e.nic].name);
    return out;
  };
  auto r = import_and_validate(estate(""), {}, false);
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /2: warning: public IP 'p' is referenced by ip configurations 'c' of NIC 'a' and 'c' "
                       "of NIC 'b' of different NICs; Azure allows one: nothing says which one owns it, so each is "
                       "analysed with it [conflicting-reference]"});
  CHECK(exposed(r.model) == std::set<std::string>{"a", "b"});
  r = import_and_validate(
      estate(fmt::format(R"(, "ipConfiguration": {{"id": "{}/networkInterfaces/b/ipConfigurations/c"}})",
                         kUnknownNetwork)),
      {}, false);
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /2: warning: public IP 'p' is referenced by ip configurations 'c' of NIC 'a' and 'c' "
                       "of NIC 'b' of different NICs; Azure allows one: its own 'ipConfiguration' names 'c' of NIC "
                       "'b', which keeps it; the others are analysed without it [conflicting-reference]"});
  CHECK(exposed(r.model) == std::set<std::string>{"b"});
}

TEST_CASE("unknown: effective routes and effective NSG outputs are skipped with a warning", "[unknown][azure]") {
  model::Model m;
  model::Diagnostics d;
  az::import_text(R"({"value": [{"disableBgpRoutePropagation": false, "source": "Default", "state": "Active",
                     "addressPrefix": ["10.0.0.0/16"], "nextHopType": "VnetLocal", "nextHopIpAddress": []},
                    {"source": "User", "state": "Active", "addressPrefix": ["0.0.0.0/0"],
                     "nextHopType": "VirtualAppliance", "nextHopIpAddress": ["10.0.1.4"]}]})",
                  "routes.json", m, d);
  az::import_text(R"({"networkSecurityGroups": [{"association": {"networkInterface": {"id": "x"}},
                     "effectiveSecurityRules": [{"name": "r", "access": "Allow"}], "tagMap": {}}]})",
                  "nsg.json", m, d);
  az::import_text(R"({"value": [{"association": {"subnet": {"id": "x"}}, "networkSecurityGroup": {"id": "y"},
                     "effectiveSecurityRules": []}]})",
                  "nsg2.json", m, d);
  std::vector<std::string> got;
  for (const auto& x : d.sorted()) got.push_back(model::to_string(x));
  CHECK(got == std::vector<std::string>{
                   "nsg.json: warning: effective security rules of a network interface (az network nic "
                   "list-effective-nsg), not resources: skipped, the rules are taken from the network security "
                   "groups in the input [effective-nsg-skipped]",
                   "nsg2.json: /value: warning: effective security rules of a network interface (az network nic "
                   "list-effective-nsg), not resources: skipped, the rules are taken from the network security "
                   "groups in the input [effective-nsg-skipped]",
                   "routes.json: /value: warning: effective routes of a network interface (az network nic "
                   "show-effective-route-table), not resources: skipped, the routes are computed from the route "
                   "tables in the input [effective-routes-skipped]"});
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("unknown: subnet and virtual network address prefixes", "[unknown]") {
  // A VNet may use a public range privately: its addresses are then not internet sources. An unknown prefix is
  // left out, so no internet source is lost.
  const std::string rules = "[" + rule_json("a", R"("Allow")", "100", R"("Tcp")", R"("20.1.0.0/16")", R"("22")") + "," +
                            rule_json("b", R"("Allow")", "110", R"("Tcp")", R"("VirtualNetwork")", R"("80")") + "]";
  SECTION("virtual network") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = rules;
          e.vnet_space = v;
          return e;
        },
        {R"("10.0.0.0/16")", R"("20.1.0.0/16")", R"("0.0.0.0/0")"});
  }
  SECTION("subnet") {
    check_conservative(
        [&](const std::string& v) {
          UnknownEstate e;
          e.rules = rules;
          e.subnet_prefix = v;
          return e;
        },
        {R"("10.0.0.0/24")", R"("20.1.0.0/24")"});
  }
}

TEST_CASE("unknown: a reference that is a parameter with no value", "[unknown][azure]") {
  // `"id": "[parameters('pipId')]"` with no value: the public IP is unknown, read as Basic of unknown address,
  // even without --allow-missing.
  const std::string text = fmt::format(
      R"([{{"id": "{0}/networkInterfaces/nic", "type": "Microsoft.Network/networkInterfaces", "name": "nic",
           "properties": {{"ipConfigurations": [{{"name": "c", "properties": {{"privateIPAddress": "10.0.0.4",
             "publicIPAddress": {{"id": "<pipId>"}}}}}}]}}}}])",
      kUnknownNetwork);
  auto r = import_and_validate(text, from_template({"pipId"}), false);
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /0/properties/ipConfigurations/0/properties/publicIPAddress/id: warning: parameter "
                       "'pipId' has no value: this field is read as unknown, conservatively (an unknown can only add "
                       "exposure) [unknown-value]"});
  const auto a = solver::analyze(r.model);
  // Basic without an NSG: every protocol, every port, from the whole internet.
  std::set<model::Protocol> protocols;
  for (const auto& e : a.exposures) {
    CHECK(e.any_source);
    CHECK(e.ports.is_all());
    protocols.insert(e.protocol);
  }
  CHECK(protocols.size() == static_cast<std::size_t>(model::kProtocolCount));
}

TEST_CASE("unknown: a route table not in the input", "[unknown]") {
  // Concrete route tables: one putting the internet into VirtualNetwork, one a few addresses, one diverting
  // replies to an appliance. The missing one covers them all: with only the default rules, AllowVnetInBound
  // then admits every internet source.
  check_conservative(
      [](const std::string& v) {
        UnknownEstate e;
        e.rules = "[]";
        e.routes = v;
        e.route_table_missing = v == kUnknown;
        return e;
      },
      {R"([{"name": "r", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}])",
       R"([{"name": "r", "properties": {"addressPrefix": "8.8.8.0/24", "nextHopType": "Internet"}}])",
       R"([{"name": "r", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
                                        "nextHopIpAddress": "10.0.5.4"}}])"});
}

TEST_CASE("unknown: a child resource whose parent a template does not declare is a warning, not an error",
          "[unknown][azure]") {
  // A peering of an existing VNet (or of a VNet whose name is only known at deployment): nothing in the input can
  // hold it. From a template that is a warning and the peering is not analysed; in an export it stays an error.
  const std::string peering = "[{\"id\": \"" + kUnknownNetwork +
                              "/virtualNetworks/hub/virtualNetworkPeerings/to-spoke\", "
                              "\"name\": \"hub/to-spoke\", \"type\": \"Microsoft.Network/virtualNetworks/"
                              "virtualNetworkPeerings\", \"properties\": {\"remoteVirtualNetwork\": {\"id\": \"" +
                              kUnknownNetwork + "/virtualNetworks/spoke\"}, \"allowVirtualNetworkAccess\": true}}]";
  const std::string message = "virtual network peering 'hub/to-spoke' has no parent";
  const auto tmpl = import_unknown(peering, from_template());
  REQUIRE(tmpl.diags.size() == 1);
  CHECK_THAT(tmpl.diags[0], Catch::StartsWith("t.json: /0: warning: " + message + " in the input: virtual network '"));
  CHECK_THAT(tmpl.diags[0], Catch::EndsWith("the virtual network peering is not analysed [dangling-parent]"));
  const auto exported = import_unknown(peering);
  REQUIRE(exported.diags.size() == 1);
  CHECK_THAT(exported.diags[0], Catch::StartsWith("t.json: /0: error: " + message + ": virtual network '"));
}
