// SQL managed instances (docs/model.md#sql-managed-instances): the public data endpoint (TCP 3342) is reached from
// the internet only when `publicDataEndpointEnabled` is true and the NSG of the instance's subnet admits the source
// (Azure's "Configure public endpoint in Azure SQL Managed Instance": the NSG must allow inbound 3342). Expected
// verdicts, sources, hops and deciding rules are worked out by hand from the tiny estates below.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/explain_text.h"
#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/edit.h"
#include "model/validate.h"
#include "resource_json.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
#include "solver/recommendation.h"
#include "terraform_support.h"

namespace {

using exposim::testing::resource_json::kRg;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace solver = exposim::solver;
namespace cli = exposim::cli;
using solver::HopKind;

const std::string kSubnetId = kRg + "/Microsoft.Network/virtualNetworks/vnet/subnets/mi";
const std::string kMiNsgId = kRg + "/Microsoft.Network/networkSecurityGroups/nsg-mi";

struct MiEstate {
  model::Model model;
  std::vector<std::string> diags;
  solver::Analysis analysis;
};

/// A VNet 10.0.0.0/16 with subnet `mi` (10.0.1.0/24), the NSG `nsg-mi` with `rules` (JSON security rules) on it
/// unless `rules` is empty, and managed instance `mi1` with `mi_props` in that subnet.
MiEstate mi_estate(const std::string& rules, const std::string& mi_props) {
  const std::string nsg_ref = rules.empty() ? "" : fmt::format(R"(, "networkSecurityGroup": {{"id": "{}"}})", kMiNsgId);
  std::string text = fmt::format(
      R"([{{"id": "{}/Microsoft.Network/virtualNetworks/vnet", "name": "vnet",
           "type": "Microsoft.Network/virtualNetworks",
           "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}},
             "subnets": [{{"id": "{}", "name": "mi", "properties": {{"addressPrefix": "10.0.1.0/24"{}}}}}]}}}},
          {{"id": "{}/Microsoft.Sql/managedInstances/mi1", "name": "mi1", "type": "Microsoft.Sql/managedInstances",
           "properties": {}}})",
      kRg, kSubnetId, nsg_ref, kRg, mi_props);
  if (!rules.empty()) {
    text += fmt::format(R"(, {{"id": "{}", "name": "nsg-mi", "type": "Microsoft.Network/networkSecurityGroups",
                           "properties": {{"securityRules": {}}}}})",
                        kMiNsgId, rules);
  }
  text += "]";
  MiEstate e;
  model::Diagnostics d;
  az::import_text(text, "t.json", e.model, d);
  model::validate(e.model, d);
  for (const auto& x : d.sorted()) e.diags.push_back(model::to_string(x));
  e.analysis = solver::analyze(e.model);
  return e;
}

std::string rule(const std::string& name, int priority, const std::string& access, const std::string& source,
                 const std::string& port) {
  return fmt::format(R"({{"name": "{}", "properties": {{"priority": {}, "direction": "Inbound", "access": "{}",
      "protocol": "Tcp", "sourceAddressPrefix": "{}", "sourcePortRange": "*", "destinationAddressPrefix": "*",
      "destinationPortRange": "{}"}}}})",
                     name, priority, access, source, port);
}

const std::string kEnabled = fmt::format(R"({{"publicDataEndpointEnabled": true, "subnetId": "{}"}})", kSubnetId);

/// The managed instance's paas-public exposures.
std::vector<const solver::Exposure*> exposures_of(const MiEstate& e) {
  std::vector<const solver::Exposure*> out;
  for (const auto& x : e.analysis.exposures) {
    if (x.via == solver::Via::kPaasPublic) out.push_back(&x);
  }
  return out;
}

/// "kind(scope)" of each hop of an exposure's path, with the NSG rule's name where there is one.
std::vector<std::string> path_of(const model::Model& m, const solver::Exposure& x) {
  std::vector<std::string> out;
  for (const auto& h : x.path) {
    std::string s = solver::to_string(h.kind);
    if (*h.scope) s += fmt::format("({})", h.scope);
    if (h.kind == HopKind::kNsg && h.resource >= 0 && h.rule >= 0) s += " " + m.nsgs[h.resource].rules[h.rule].name;
    out.push_back(s);
  }
  return out;
}

solver::FlowTrace explain_to(const MiEstate& e, const std::string& source, std::uint16_t port) {
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse(source);
  q.target = "mi1";
  q.destination_port = port;
  return solver::explain(e.model, q);
}

/// "kind(scope) pass|stop" of each hop of a trace.
std::vector<std::string> trace_of(const solver::FlowTrace& t) {
  std::vector<std::string> out;
  for (const auto& h : t.hops) {
    out.push_back(fmt::format("{}{} {}", solver::to_string(h.kind), *h.scope ? fmt::format("({})", h.scope) : "",
                              h.passes ? "pass" : "stop"));
  }
  return out;
}

model::IpSet set_of(const std::string& cidr) { return model::to_set(*model::IpPrefix::parse(cidr)); }

}  // namespace

TEST_CASE("sql managed instance: fields from resource JSON", "[azure][sql-mi]") {
  auto e = mi_estate("", fmt::format(R"({{"publicDataEndpointEnabled": true, "subnetId": "{}",
      "fullyQualifiedDomainName": "mi1.abc123.database.windows.net", "publicNetworkAccess": "Disabled"}})",
                                     kSubnetId));
  INFO(fmt::format("{}", fmt::join(e.diags, "\n")));
  CHECK(e.diags.empty());
  REQUIRE(e.model.paas_services.size() == 1);
  const auto& s = e.model.paas_services[0];
  CHECK(s.kind == model::PaasKind::kSqlManagedInstance);
  CHECK(std::string(model::to_string(s.kind)) == "sql-managed-instance");
  CHECK(s.public_data_endpoint_enabled.is(true));
  CHECK(s.public_data_endpoint_enabled.where.pointer == "/1/properties/publicDataEndpointEnabled");
  CHECK(s.subnet.resolved());
  CHECK(e.model.subnets[s.subnet.index].name == "mi");
  // The public data endpoint's host: "<name>.public.<dns zone>.database.windows.net", port 3342 only.
  CHECK(s.host_name == "mi1.public.abc123.database.windows.net");
  model::PortSet ports;
  ports.add(3342, 3342);
  CHECK(s.tcp_ports == ports);

  auto absent = mi_estate("", fmt::format(R"({{"subnetId": "{}"}})", kSubnetId));
  const auto& a = absent.model.paas_services[0];
  CHECK(a.public_data_endpoint_enabled.is(false));  // Azure's default
  CHECK(a.public_data_endpoint_enabled.where.pointer == "/1");
}

TEST_CASE("sql managed instance: no NSG on its subnet exposes 3342 to the whole internet", "[solver][sql-mi]") {
  auto e = mi_estate("", kEnabled);
  const auto xs = exposures_of(e);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0]->any_source);
  CHECK(model::to_string(xs[0]->ports) == "3342");
  CHECK(xs[0]->protocol == model::Protocol::kTcp);
  CHECK(path_of(e.model, *xs[0]) ==
        std::vector<std::string>{"source", "paas(public-data-endpoint)", "no-nsg(subnet)", "target"});
  CHECK(xs[0]->path[2].resource == e.model.paas_services[0].subnet.index);

  const auto t = explain_to(e, "81.2.69.200", 3342);
  CHECK(t.allowed);
  CHECK(trace_of(t) == std::vector<std::string>{"source pass", "paas(endpoint) pass", "paas(public-data-endpoint) pass",
                                                "no-nsg(subnet) pass"});
  // 1433 is not the public data endpoint's port.
  const auto other = explain_to(e, "81.2.69.200", 1433);
  CHECK_FALSE(other.allowed);
  CHECK(trace_of(other)[1] == "paas(endpoint) stop");
}

TEST_CASE("sql managed instance: an NSG allowing 3342 from Internet and the witness shows the rule",
          "[solver][sql-mi]") {
  auto e = mi_estate("[" + rule("allow-public-endpoint", 300, "Allow", "Internet", "3342") + "]", kEnabled);
  INFO(fmt::format("{}", fmt::join(e.diags, "\n")));
  const auto xs = exposures_of(e);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0]->any_source);
  CHECK(path_of(e.model, *xs[0]) == std::vector<std::string>{"source", "paas(public-data-endpoint)",
                                                             "nsg(subnet) allow-public-endpoint", "target"});
  CHECK(e.model.nsgs[xs[0]->path[2].resource].name == "nsg-mi");

  const auto t = explain_to(e, "81.2.69.200", 3342);
  CHECK(t.allowed);
  REQUIRE(t.hops.size() == 4);
  CHECK(t.hops[3].kind == HopKind::kNsg);
  CHECK(t.hops[3].passes);
  CHECK(e.model.nsgs[t.hops[3].resource].rules[t.hops[3].rule].name == "allow-public-endpoint");
}

TEST_CASE("sql managed instance: an NSG admitting one range admits exactly that range", "[solver][sql-mi]") {
  auto e = mi_estate("[" + rule("allow-office", 200, "Allow", "52.10.1.0/24", "3342") + "]", kEnabled);
  const auto xs = exposures_of(e);
  REQUIRE(xs.size() == 1);
  CHECK_FALSE(xs[0]->any_source);
  CHECK(xs[0]->sources == set_of("52.10.1.0/24"));
  CHECK(path_of(e.model, *xs[0])[2] == "nsg(subnet) allow-office");
  CHECK(explain_to(e, "52.10.1.9", 3342).allowed);
  const auto t = explain_to(e, "81.2.69.200", 3342);
  CHECK_FALSE(t.allowed);
  CHECK(trace_of(t).back() == "nsg(subnet) stop");
  CHECK(e.model.nsgs[t.hops.back().resource].rules[t.hops.back().rule].name == "DenyAllInBound");
}

TEST_CASE("sql managed instance: not exposed when the NSG denies 3342", "[solver][sql-mi]") {
  // A deny rule before the allow rule: first match by priority.
  auto denied = mi_estate("[" + rule("deny-3342", 100, "Deny", "Internet", "3342") + "," +
                              rule("allow-3342", 200, "Allow", "Internet", "3342") + "]",
                          kEnabled);
  CHECK(exposures_of(denied).empty());
  const auto t = explain_to(denied, "81.2.69.200", 3342);
  CHECK_FALSE(t.allowed);
  CHECK(trace_of(t).back() == "nsg(subnet) stop");
  CHECK(denied.model.nsgs[t.hops.back().resource].rules[t.hops.back().rule].name == "deny-3342");
  // Only the default rules: DenyAllInBound (AllowVnetInBound does not cover internet sources).
  auto defaults = mi_estate("[" + rule("allow-1433", 100, "Allow", "Internet", "1433") + "]", kEnabled);
  CHECK(exposures_of(defaults).empty());
  CHECK_FALSE(explain_to(defaults, "81.2.69.200", 3342).allowed);
}

TEST_CASE("sql managed instance: not exposed when the public data endpoint is disabled", "[solver][sql-mi]") {
  for (const std::string& props :
       std::vector<std::string>{fmt::format(R"({{"publicDataEndpointEnabled": false, "subnetId": "{}"}})", kSubnetId),
                                fmt::format(R"({{"subnetId": "{}"}})", kSubnetId)}) {
    auto e = mi_estate("", props);  // no NSG: the endpoint alone decides
    CHECK(exposures_of(e).empty());
    const auto t = explain_to(e, "81.2.69.200", 3342);
    CHECK_FALSE(t.allowed);
    CHECK(trace_of(t) == std::vector<std::string>{"source pass", "paas(endpoint) pass",
                                                  "paas(public-data-endpoint) stop", "no-nsg(subnet) pass"});
    CHECK_THAT(cli::verdict_text(e.model, t), Catch::Contains("publicDataEndpointEnabled false"));
  }
}

TEST_CASE("sql managed instance: a subnet not in the input is assumed open", "[solver][sql-mi]") {
  auto e = mi_estate("", R"({"publicDataEndpointEnabled": true,
      "subnetId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/other/subnets/x"})");
  const auto xs = exposures_of(e);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0]->any_source);
  CHECK(path_of(e.model, *xs[0])[2] == "nsg(subnet)");
  CHECK(xs[0]->path[2].resource == -1);  // referenced, not in the input: assumed to admit everything
  CHECK(explain_to(e, "81.2.69.200", 3342).allowed);
}

TEST_CASE("sql managed instance: explain agrees with analyze", "[solver][explain][sql-mi]") {
  const std::vector<std::string> nsgs = {
      "",
      "[" + rule("allow-public-endpoint", 300, "Allow", "Internet", "3342") + "]",
      "[" + rule("allow-office", 200, "Allow", "52.10.1.0/24", "3342") + "," +
          rule("deny-rest", 300, "Deny", "*", "3342") + "]",
      "[" + rule("deny-3342", 100, "Deny", "81.2.69.0/24", "*") + "," +
          rule("allow-3342", 200, "Allow", "Internet", "3340-3345") + "]",
  };
  const std::vector<std::string> sources = {"81.2.69.200", "52.10.1.9", "20.1.2.3", "52.10.2.1"};
  int allowed = 0;
  int denied = 0;
  for (const auto& rules : nsgs) {
    for (const std::string& props :
         std::vector<std::string>{kEnabled, fmt::format(R"({{"subnetId": "{}"}})", kSubnetId)}) {
      auto e = mi_estate(rules, props);
      for (const auto& src : sources) {
        for (std::uint16_t port : {3342, 1433}) {
          const auto t = explain_to(e, src, port);
          const auto a = *model::IpAddress::parse(src);
          const solver::Exposure* hit = nullptr;
          for (const auto* x : exposures_of(e)) {
            if (x->sources.contains(a.value) && x->ports.contains(port)) hit = x;
          }
          INFO(rules << " " << props << " " << src << ":" << port << " " << cli::verdict_text(e.model, t));
          REQUIRE(t.allowed == (hit != nullptr));
          if (hit == nullptr) {
            ++denied;
            continue;
          }
          ++allowed;
          // The same deciding NSG hop.
          CHECK(t.hops.back().kind == hit->path[2].kind);
          CHECK(t.hops.back().resource == hit->path[2].resource);
          CHECK(t.hops.back().rule == hit->path[2].rule);
        }
      }
    }
  }
  CHECK(allowed > 0);
  CHECK(denied > 0);
}

TEST_CASE("sql managed instance: from a Terraform plan", "[terraform][sql-mi]") {
  const auto r = terraform_support::run_terraform("sql_managed_instance.json");
  std::vector<const model::PaasService*> mis;
  for (const auto& s : r.model.paas_services) {
    if (s.kind == model::PaasKind::kSqlManagedInstance) mis.push_back(&s);
  }
  REQUIRE(mis.size() == 3);
  // open: public data endpoint on, its subnet's NSG admits 3342 from Internet.
  CHECK(mis[0]->name == "mi-open");
  CHECK(mis[0]->public_data_endpoint_enabled.is(true));
  CHECK(mis[0]->public_data_endpoint_enabled.where.pointer ==
        "/planned_values/root_module/resources/2/values/public_data_endpoint_enabled");
  REQUIRE(mis[0]->subnet.resolved());
  CHECK(r.model.subnets[mis[0]->subnet.index].name == "snet-mi");
  // closed: public_data_endpoint_enabled false.
  CHECK(mis[1]->name == "mi-closed");
  CHECK(mis[1]->public_data_endpoint_enabled.is(false));
  // unknown: only known after apply, taken as enabled.
  CHECK(mis[2]->name == "mi-unknown");
  CHECK(mis[2]->public_data_endpoint_enabled.unknown);
  std::vector<std::string> exposed;
  for (const auto& x : r.analysis.exposures) {
    if (x.via != solver::Via::kPaasPublic) continue;
    const auto& s = r.model.paas_services[x.target];
    exposed.push_back(fmt::format("{} {} {} {}", s.name, model::to_string(x.ports), x.any_source ? "any" : "some",
                                  path_of(r.model, x)[2]));
  }
  std::sort(exposed.begin(), exposed.end());
  CHECK(exposed == std::vector<std::string>{"mi-open 3342 any nsg(subnet) allow-mi-public",
                                            "mi-unknown 3342 any nsg(subnet) allow-mi-public"});
}

TEST_CASE("sql managed instance: a change to its subnet's NSG re-solves it incrementally", "[whatif][sql-mi]") {
  // Before: the NSG admits 3342 from Internet; after: the same rule denies. Same resources at the same indices.
  auto before = mi_estate("[" + rule("public-endpoint", 300, "Allow", "Internet", "3342") + "]", kEnabled);
  auto after = mi_estate("[" + rule("public-endpoint", 300, "Deny", "Internet", "3342") + "]", kEnabled);
  REQUIRE(exposures_of(before).size() == 1);
  REQUIRE(exposures_of(after).empty());
  const std::vector<model::Changed> changed = {
      {model::ResourceKind::kNetworkSecurityGroup, model::canonical_id(kMiNsgId)}};
  const auto scope = solver::scope_of_change(before.model, after.model, changed);
  REQUIRE(scope.has_value());
  CHECK(scope->paas_service(0));  // mi1, the only PaaS service
  solver::IncrementalAnalysis incremental(before.model);
  CHECK(incremental.update(before.model, after.model, changed));
  int paas = 0;
  const solver::Analysis updated = incremental.snapshot();
  for (const auto& x : updated.exposures) paas += x.via == solver::Via::kPaasPublic ? 1 : 0;
  CHECK(paas == 0);
}

TEST_CASE("sql managed instance: EXP-SQL-003 follows reachability not publicDataEndpointEnabled alone",
          "[solver][recommend][sql-mi]") {
  auto status_of = [](const MiEstate& e) {
    const auto r = solver::recommend(e.model, e.analysis);
    std::vector<std::string> out;
    for (const auto& f : r.findings) {
      if (f.recommendation->id == "EXP-SQL-003") out.push_back(solver::to_string(f.status));
    }
    return out;
  };
  // The endpoint is on and no NSG filters: reachable on 3342, unhealthy (policy 9dfea752 agrees).
  CHECK(status_of(mi_estate("", kEnabled)) == std::vector<std::string>{"unhealthy"});
  // The endpoint is on but the subnet NSG only has the default rules (plus 1433): nothing reaches 3342. The
  // policy, which reads publicDataEndpointEnabled alone, would flag it; exposim finds it healthy.
  CHECK(status_of(mi_estate("[" + rule("allow-1433", 100, "Allow", "Internet", "1433") + "]", kEnabled)) ==
        std::vector<std::string>{"healthy"});
  // Allowed from Internet on 3342: unhealthy, with the exposure as the witness.
  const auto open = mi_estate("[" + rule("allow-3342", 100, "Allow", "Internet", "3342") + "]", kEnabled);
  CHECK(status_of(open) == std::vector<std::string>{"unhealthy"});
  // The endpoint off: healthy whatever the NSG says.
  CHECK(status_of(mi_estate("[" + rule("allow-3342", 100, "Allow", "Internet", "3342") + "]",
                            fmt::format(R"({{"publicDataEndpointEnabled": false, "subnetId": "{}"}})", kSubnetId))) ==
        std::vector<std::string>{"healthy"});
}
