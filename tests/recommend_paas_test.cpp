// The PaaS recommendations (docs/recommendations.md#paas-public-access-and-private-link): every row healthy and
// unhealthy (and not applicable or undecidable where the row has it), on hand-built models and on resource JSON.
// Expected values are worked out by hand from the policy rules: publicNetworkAccess Disabled closes the public
// endpoint whatever networkAcls says; with defaultAction Deny only ipRules admit; SQL admits only its firewall rules
// (0.0.0.0-0.0.0.0 = every Azure address); an approved private endpoint never closes an open public endpoint.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "model_builder.h"
#include "recommend_engine_support.h"
#include "resource_json.h"
#include "solver/analysis.h"
#include "solver/recommendation.h"

namespace {

using exposim::testing::resource_json::kRg;
using exposim::testing::resource_json::resource;

using recommend_engine::at;
using recommend_engine::EngineRun;
using recommend_engine::finding;
using recommend_engine::run_engine;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace solver = exposim::solver;
using Catch::Matchers::Contains;
using exposim::testing::rid;
using model::Access;
using model::PaasKind;
using model::PublicNetworkAccess;
using solver::FindingStatus;

model::PortSet ports(std::initializer_list<std::pair<int, int>> ranges) {
  model::PortSet s;
  for (auto [lo, hi] : ranges) s.add(static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi));
  return s;
}

/// A service as an importer gives it: located at "/<n>" with its properties' locations under it.
model::PaasService service(PaasKind kind, const std::string& name, int n) {
  model::PaasService s;
  const char* type = "Microsoft.Storage/storageAccounts";
  switch (kind) {
    case PaasKind::kStorage: s.tcp_ports = ports({{443, 443}, {445, 445}}); break;
    case PaasKind::kKeyVault:
      type = "Microsoft.KeyVault/vaults";
      s.tcp_ports = ports({{443, 443}});
      break;
    case PaasKind::kSqlServer:
      type = "Microsoft.Sql/servers";
      s.default_action = Access::kDeny;
      s.tcp_ports = ports({{1433, 1433}, {11000, 11999}});
      break;
    case PaasKind::kCosmosDb:
      type = "Microsoft.DocumentDB/databaseAccounts";
      s.tcp_ports = ports({{443, 443}});
      break;
    case PaasKind::kAppService:
      type = "Microsoft.Web/sites";
      s.https_only = false;
      s.has_scm = true;
      s.tcp_ports = ports({{80, 80}, {443, 443}});
      break;
    default: break;
  }
  s.kind = kind;
  s.id = rid(type, name);
  s.key = model::canonical_id(s.id);
  s.name = name;
  s.where = at(fmt::format("/{}", n));
  // Absent properties are located at the resource's object.
  s.public_network_access_where = s.where;
  s.default_action_where = s.where;
  s.https_only_where = s.where;
  s.allow_blob_public_access.where = s.where;
  s.enable_purge_protection.where = s.where;
  s.enable_soft_delete.where = s.where;
  return s;
}

void set_public_access(model::PaasService& s, PublicNetworkAccess a) {
  s.public_network_access = a;
  s.public_network_access_where = at(s.where.pointer + "/properties/publicNetworkAccess");
}

void set_default_action(model::PaasService& s, Access a) {
  s.default_action = a;
  s.default_action_where = at(s.where.pointer + "/properties/networkAcls/defaultAction");
}

model::PaasIpRule ip_rule(const model::PaasService& s, const std::string& name, const std::string& cidr, int n) {
  model::PaasIpRule r;
  r.name = name;
  r.text = cidr;
  r.addresses = model::to_set(*model::IpPrefix::parse(cidr));
  r.where = at(fmt::format("{}/properties/networkAcls/ipRules/{}", s.where.pointer, n));
  return r;
}

/// SQL's "allow Azure services" rule, as the importer reads it.
model::PaasIpRule allow_azure(const model::PaasService& s) {
  model::PaasIpRule r;
  r.name = "AllowAllWindowsAzureIps";
  r.text = "0.0.0.0-0.0.0.0";
  r.unresolved = true;
  r.where = at(s.where.pointer + "/firewallRules/AllowAllWindowsAzureIps");
  return r;
}

model::PrivateEndpoint private_endpoint(const std::string& name, const model::PaasService& target, bool manual,
                                        model::ConnectionStatus status) {
  model::PrivateEndpoint pe;
  pe.id = rid("Microsoft.Network/privateEndpoints", name);
  pe.key = model::canonical_id(pe.id);
  pe.name = name;
  model::PrivateLinkConnection c;
  c.name = name + "-c";
  c.target.id = target.key;
  c.manual = manual;
  c.status = status;
  c.where = at("/pe/" + name);
  pe.connections.push_back(c);
  return pe;
}

int count(const EngineRun& r, std::string_view id) {
  int n = 0;
  for (const auto& f : r.recs.findings) n += f.recommendation != nullptr && f.recommendation->id == id;
  return n;
}

}  // namespace

TEST_CASE("recommend paas: the catalog rows of the PaaS area", "[solver][recommend]") {
  const auto* sto2 = solver::find_recommendation("EXP-STO-002");
  REQUIRE(sto2 != nullptr);
  CHECK(sto2->severity == solver::RecommendationSeverity::kLow);
  CHECK(sto2->assessment_key == "45d313c3-3fca-5040-035f-d61928366d31");
  CHECK(sto2->policy_id == "34c877ad-507e-4c82-993e-3452a6e0ad3c");
  CHECK(sto2->decision == solver::Decision::kReachability);
  const auto* kv5 = solver::find_recommendation("EXP-KV-005");
  REQUIRE(kv5 != nullptr);
  CHECK(kv5->severity == solver::RecommendationSeverity::kHigh);
  CHECK(kv5->title == "Key vaults should have soft delete enabled");
  const auto* app1 = solver::find_recommendation("EXP-APP-001");
  REQUIRE(app1 != nullptr);
  CHECK(app1->assessment_key.empty());  // no Defender recommendation: the policy's page
  CHECK_THAT(std::string(app1->help_uri), Contains("1b5ef780-c53c-4a64-87f3-bb9c8c8094ba"));
  for (const char* id : {"EXP-STO-001", "EXP-STO-003", "EXP-STO-004", "EXP-STO-005", "EXP-STO-006", "EXP-KV-001",
                         "EXP-KV-002", "EXP-KV-003", "EXP-KV-004", "EXP-SQL-001", "EXP-SQL-002", "EXP-SQL-003",
                         "EXP-COS-001", "EXP-COS-002", "EXP-COS-003", "EXP-APP-002", "EXP-APP-003"}) {
    INFO(id);
    const auto* r = solver::find_recommendation(id);
    REQUIRE(r != nullptr);
    CHECK_FALSE(r->title.empty());
    CHECK_FALSE(r->remediation.empty());
    CHECK(std::string(r->help_uri).rfind("https://", 0) == 0);
    CHECK(r->policy_id.size() == 36);
  }
}

TEST_CASE("recommend paas: public access Disabled with defaultAction Allow is healthy for STO-002 and KV-001",
          "[solver][recommend]") {
  model::Model m;
  auto st = service(PaasKind::kStorage, "st1", 0);
  set_public_access(st, PublicNetworkAccess::kDisabled);
  set_default_action(st, Access::kAllow);
  auto kv = service(PaasKind::kKeyVault, "kv1", 1);
  set_public_access(kv, PublicNetworkAccess::kDisabled);
  set_default_action(kv, Access::kAllow);
  m.paas_services = {st, kv};
  const auto r = run_engine(m);
  for (auto [id, name] : {std::pair{"EXP-STO-002", "st1"}, std::pair{"EXP-KV-001", "kv1"}}) {
    const auto& f = finding(r, id, name);
    CHECK(f.status == FindingStatus::kHealthy);
    CHECK_FALSE(f.exposed);
    CHECK(f.exposures.empty());
    CHECK_THAT(f.summary, Contains("public network access Disabled") && Contains("defaultAction Allow"));
    CHECK(f.where.pointer ==
          (name == std::string("st1") ? "/0" : "/1") + std::string("/properties/publicNetworkAccess"));
    REQUIRE(f.properties.size() == 2);
    CHECK(f.properties[0].name == "properties.publicNetworkAccess");
    CHECK(f.properties[0].value == "Disabled");
    CHECK(f.properties[1].name == "properties.networkAcls.defaultAction");
    CHECK(f.properties[1].value == "Allow");
  }
  // The property rows read the properties alone: public access Disabled passes STO-005 and KV-002, and
  // defaultAction Allow fails STO-003 (policy 2a1a9cdf).
  CHECK(finding(r, "EXP-STO-005", "st1").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-KV-002", "kv1").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-STO-003", "st1").status == FindingStatus::kUnhealthy);
}

TEST_CASE("recommend paas: STO-002 lists the ip rules that admit public ranges and the ports", "[solver][recommend]") {
  model::Model m;
  auto open = service(PaasKind::kStorage, "open", 0);
  set_default_action(open, Access::kDeny);
  open.ip_rules.push_back(ip_rule(open, "", "52.10.0.0/16", 0));
  auto closed = service(PaasKind::kStorage, "closed", 1);
  set_default_action(closed, Access::kDeny);
  auto allow = service(PaasKind::kStorage, "allow", 2);  // defaultAction absent: Allow
  m.paas_services = {open, closed, allow};
  const auto r = run_engine(m);

  const auto& o = finding(r, "EXP-STO-002", "open");
  CHECK(o.status == FindingStatus::kUnhealthy);
  CHECK(o.exposed);
  CHECK(o.exposures.size() == 1);
  CHECK(o.tcp_ports == ports({{443, 443}, {445, 445}}));
  CHECK(o.summary == "public endpoint reachable from the internet on TCP 443,445: ipRules '52.10.0.0/16'");
  CHECK(o.where.pointer == "/0/properties/networkAcls/ipRules/0");

  const auto& c = finding(r, "EXP-STO-002", "closed");
  CHECK(c.status == FindingStatus::kHealthy);
  CHECK(c.summary == "the storage account's firewall admits no internet source");
  CHECK(c.where.pointer == "/1/properties/networkAcls/defaultAction");

  const auto& a = finding(r, "EXP-STO-002", "allow");
  CHECK(a.status == FindingStatus::kUnhealthy);
  CHECK(a.summary ==
        "public endpoint reachable from the internet on TCP 443,445: default action Allow (every address)");
  REQUIRE(a.properties.size() == 2);
  CHECK(a.properties[0].value == "absent (Enabled)");
  CHECK(a.properties[1].value == "absent (Allow)");
  CHECK(a.where.pointer == "/2");  // the default action is absent: the resource

  // STO-003: Deny with an ip rule fails, Deny alone passes, Allow fails.
  CHECK(finding(r, "EXP-STO-003", "open").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-STO-003", "open").where.pointer == "/0/properties/networkAcls/ipRules/0");
  CHECK(finding(r, "EXP-STO-003", "closed").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-STO-003", "allow").status == FindingStatus::kUnhealthy);
  // STO-005: publicNetworkAccess absent is Enabled.
  CHECK(finding(r, "EXP-STO-005", "closed").status == FindingStatus::kUnhealthy);
  CHECK_THAT(finding(r, "EXP-STO-005", "closed").summary, Contains("absent, which means Enabled"));
}

TEST_CASE("recommend paas: an approved private endpoint passes STO-004 but never closes an open endpoint",
          "[solver][recommend]") {
  model::Model m;
  auto both = service(PaasKind::kStorage, "both", 0);  // open to the internet, with an approved private endpoint
  auto manual = service(PaasKind::kStorage, "manual", 1);
  auto exported = service(PaasKind::kStorage, "exported", 2);
  exported.endpoint_connections.push_back({"conn1", "Approved", at("/2/properties/privateEndpointConnections/0")});
  auto rejected = service(PaasKind::kStorage, "rejected", 3);
  rejected.endpoint_connections.push_back({"conn1", "Rejected", at("/3/properties/privateEndpointConnections/0")});
  auto none = service(PaasKind::kStorage, "none", 4);
  m.paas_services = {both, manual, exported, rejected, none};
  m.private_endpoints.push_back(private_endpoint("pe-both", both, false, model::ConnectionStatus::kApproved));
  m.private_endpoints.push_back(private_endpoint("pe-manual", manual, true, model::ConnectionStatus::kPending));
  const auto r = run_engine(m);

  const auto& reach = finding(r, "EXP-STO-002", "both");
  CHECK(reach.status == FindingStatus::kUnhealthy);
  CHECK_THAT(reach.summary, Contains("its approved private endpoint does not close the public endpoint"));
  const auto& link = finding(r, "EXP-STO-004", "both");
  CHECK(link.status == FindingStatus::kHealthy);
  CHECK(link.where.pointer == "/pe/pe-both");
  CHECK_THAT(link.summary, Contains("private endpoint 'pe-both'") && Contains("the public endpoint stays open"));

  const auto& pending = finding(r, "EXP-STO-004", "manual");
  CHECK(pending.status == FindingStatus::kUnhealthy);
  CHECK_THAT(pending.summary, Contains("'pe-manual'") && Contains("pending") && Contains("manual"));
  CHECK(finding(r, "EXP-STO-004", "exported").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-STO-004", "exported").where.pointer == "/2/properties/privateEndpointConnections/0");
  CHECK(finding(r, "EXP-STO-004", "rejected").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-STO-004", "none").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-STO-004", "none").summary ==
        "no private endpoint in the input connects to the storage account");
}

TEST_CASE("recommend paas: STO-001 allowBlobPublicAccess and anonymous containers", "[solver][recommend]") {
  model::Model m;
  auto off = service(PaasKind::kStorage, "off", 0);
  off.allow_blob_public_access = {false, false, at("/0/properties/allowBlobPublicAccess")};
  auto on = service(PaasKind::kStorage, "on", 1);  // reachable (defaultAction Allow) with a public container
  on.allow_blob_public_access = {true, false, at("/1/properties/allowBlobPublicAccess")};
  on.containers.push_back({"site", "Blob", false, at("/1c")});
  on.containers.push_back({"private", "None", false, at("/1d")});
  auto absent = service(PaasKind::kStorage, "absent", 2);
  auto later = service(PaasKind::kStorage, "later", 3);
  later.allow_blob_public_access.unknown = true;
  later.allow_blob_public_access.where = at("/3/properties/allowBlobPublicAccess");
  auto aro = service(PaasKind::kStorage, "aro", 4);
  aro.id = "/subscriptions/s/resourceGroups/aro-cluster1/providers/Microsoft.Storage/storageAccounts/aro";
  aro.key = model::canonical_id(aro.id);
  auto hidden = service(PaasKind::kStorage, "hidden", 5);  // a public container behind a closed endpoint
  hidden.allow_blob_public_access = {true, false, at("/5/properties/allowBlobPublicAccess")};
  hidden.containers.push_back({"site", "Container", false, at("/5c")});
  set_public_access(hidden, PublicNetworkAccess::kDisabled);
  m.paas_services = {off, on, absent, later, aro, hidden};
  const auto r = run_engine(m);

  const auto& f_off = finding(r, "EXP-STO-001", "off");
  CHECK(f_off.status == FindingStatus::kHealthy);
  CHECK(f_off.where.pointer == "/0/properties/allowBlobPublicAccess");
  REQUIRE(f_off.properties.size() == 1);
  CHECK(f_off.properties[0].name == "properties.allowBlobPublicAccess");
  CHECK(f_off.properties[0].value == "false");

  const auto& f_on = finding(r, "EXP-STO-001", "on");
  CHECK(f_on.status == FindingStatus::kUnhealthy);
  CHECK(f_on.exposed);
  CHECK_THAT(f_on.summary, Contains("anonymous read of container 'site' (Blob)"));

  const auto& f_absent = finding(r, "EXP-STO-001", "absent");
  CHECK(f_absent.status == FindingStatus::kUnhealthy);
  CHECK_FALSE(f_absent.exposed);
  CHECK(f_absent.properties[0].value == "absent");
  CHECK(f_absent.where.pointer == "/2");

  const auto& f_later = finding(r, "EXP-STO-001", "later");
  CHECK(f_later.status == FindingStatus::kUndecidable);
  CHECK_THAT(f_later.summary, Contains("only known at deployment"));
  CHECK(f_later.properties[0].value == "unknown until deployment");

  CHECK(finding(r, "EXP-STO-001", "aro").status == FindingStatus::kNotApplicable);

  const auto& f_hidden = finding(r, "EXP-STO-001", "hidden");
  CHECK(f_hidden.status == FindingStatus::kUnhealthy);
  CHECK_FALSE(f_hidden.exposed);
  CHECK_THAT(f_hidden.summary, Contains("admits no internet source"));
}

TEST_CASE("recommend paas: STO-006 and APP-003 secure transfer with TCP 80 exposure", "[solver][recommend]") {
  model::Model m;
  auto http = service(PaasKind::kStorage, "http", 0);
  http.https_only = false;
  http.https_only_where = at("/0/properties/supportsHttpsTrafficOnly");
  http.tcp_ports = ports({{80, 80}, {443, 443}, {445, 445}});
  auto https = service(PaasKind::kStorage, "https", 1);
  auto closed = service(PaasKind::kStorage, "closed", 2);  // HTTP served, but nobody gets in
  closed.https_only = false;
  closed.https_only_where = at("/2/properties/supportsHttpsTrafficOnly");
  closed.tcp_ports = http.tcp_ports;
  set_public_access(closed, PublicNetworkAccess::kDisabled);
  auto app = service(PaasKind::kAppService, "app", 3);  // httpsOnly absent: false
  auto func = service(PaasKind::kAppService, "func", 4);
  func.site_kind = "functionapp,linux";
  func.https_only = true;
  func.https_only_where = at("/4/properties/httpsOnly");
  func.tcp_ports = ports({{443, 443}});
  m.paas_services = {http, https, closed, app, func};
  const auto r = run_engine(m);

  const auto& f_http = finding(r, "EXP-STO-006", "http");
  CHECK(f_http.status == FindingStatus::kUnhealthy);
  CHECK(f_http.exposed);
  CHECK(f_http.tcp_ports == ports({{80, 80}}));
  CHECK(f_http.where.pointer == "/0/properties/supportsHttpsTrafficOnly");
  CHECK(f_http.properties[0].value == "false");
  CHECK_THAT(f_http.summary, Contains("TCP 80 is reachable"));
  CHECK(finding(r, "EXP-STO-006", "https").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-STO-006", "https").properties[0].value == "absent (true)");
  const auto& f_closed = finding(r, "EXP-STO-006", "closed");
  CHECK(f_closed.status == FindingStatus::kUnhealthy);
  CHECK_FALSE(f_closed.exposed);

  const auto& f_app = finding(r, "EXP-APP-003", "app");
  CHECK(f_app.status == FindingStatus::kUnhealthy);
  CHECK(f_app.exposed);
  CHECK(f_app.properties[0].name == "properties.httpsOnly");
  CHECK(f_app.properties[0].value == "absent (false)");
  const auto& f_func = finding(r, "EXP-APP-003", "func");
  CHECK(f_func.status == FindingStatus::kHealthy);
  CHECK_THAT(f_func.summary, Contains("cb0acdc6-0846-fd48-debe-9905af151b6d"));
}

TEST_CASE("recommend paas: Key Vault firewall purge protection and soft delete", "[solver][recommend]") {
  model::Model m;
  auto good = service(PaasKind::kKeyVault, "good", 0);
  set_default_action(good, Access::kDeny);
  good.enable_purge_protection = {true, false, at("/0/properties/enablePurgeProtection")};
  good.enable_soft_delete = {true, false, good.where};  // absent, on by default from 2019-09-01
  auto bad = service(PaasKind::kKeyVault, "bad", 1);    // defaultAction absent: Allow
  bad.enable_soft_delete = {false, false, at("/1/properties/enableSoftDelete")};
  bad.enable_purge_protection = {true, false, at("/1/properties/enablePurgeProtection")};
  auto later = service(PaasKind::kKeyVault, "later", 2);
  later.enable_purge_protection.unknown = true;
  later.enable_purge_protection.where = at("/2/properties/enablePurgeProtection");
  later.enable_soft_delete = {true, false, at("/2/properties/enableSoftDelete")};
  auto old = service(PaasKind::kKeyVault, "old", 3);  // no purge protection, soft delete unknown
  old.enable_soft_delete.unknown = true;
  auto recovered = service(PaasKind::kKeyVault, "recovered", 4);
  recovered.create_mode = "recover";
  m.paas_services = {good, bad, later, old, recovered};
  const auto r = run_engine(m);

  CHECK(finding(r, "EXP-KV-001", "good").status == FindingStatus::kHealthy);
  const auto& open = finding(r, "EXP-KV-001", "bad");
  CHECK(open.status == FindingStatus::kUnhealthy);
  CHECK(open.tcp_ports == ports({{443, 443}}));
  CHECK(open.summary == "public endpoint reachable from the internet on TCP 443: default action Allow (every address)");
  const auto& rec = finding(r, "EXP-KV-001", "recovered");
  CHECK(rec.status == FindingStatus::kNotApplicable);
  CHECK_THAT(rec.summary, Contains("createMode recover"));

  const auto& p_good = finding(r, "EXP-KV-004", "good");
  CHECK(p_good.status == FindingStatus::kHealthy);
  REQUIRE(p_good.properties.size() == 2);
  CHECK(p_good.properties[0].value == "true");
  const auto& p_bad = finding(r, "EXP-KV-004", "bad");
  CHECK(p_bad.status == FindingStatus::kUnhealthy);  // purge protection on, but soft delete off
  CHECK(p_bad.where.pointer == "/1/properties/enableSoftDelete");
  CHECK(finding(r, "EXP-KV-004", "later").status == FindingStatus::kUndecidable);
  CHECK_THAT(finding(r, "EXP-KV-004", "later").summary, Contains("only known at deployment"));
  CHECK(finding(r, "EXP-KV-004", "old").status == FindingStatus::kUnhealthy);  // purge protection absent decides
  CHECK(finding(r, "EXP-KV-004", "old").summary == "enablePurgeProtection absent (off)");

  const auto& s_good = finding(r, "EXP-KV-005", "good");
  CHECK(s_good.status == FindingStatus::kHealthy);
  CHECK(s_good.properties[0].value == "absent (true)");
  CHECK_THAT(s_good.summary, Contains("2019-09-01"));
  CHECK(finding(r, "EXP-KV-005", "bad").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-KV-005", "bad").where.pointer == "/1/properties/enableSoftDelete");
  CHECK(finding(r, "EXP-KV-005", "old").status == FindingStatus::kUndecidable);
  CHECK(finding(r, "EXP-KV-005", "recovered").status == FindingStatus::kUnhealthy);  // absent, no default given

  // KV-003 as STO-004; KV-002 reads publicNetworkAccess alone.
  CHECK(finding(r, "EXP-KV-003", "good").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-KV-002", "good").status == FindingStatus::kUnhealthy);
}

TEST_CASE("recommend paas: SQL servers with no firewall rules pass and allow Azure services is named",
          "[solver][recommend]") {
  model::Model m;
  auto bare = service(PaasKind::kSqlServer, "bare", 0);  // Enabled, no firewall rules: nobody gets in
  auto azure = service(PaasKind::kSqlServer, "azure", 1);
  azure.ip_rules.push_back(allow_azure(azure));
  auto office = service(PaasKind::kSqlServer, "office", 2);
  auto rule = ip_rule(office, "office", "52.20.1.0/24", 0);
  rule.where = at("/2/firewallRules/office");
  office.ip_rules.push_back(rule);
  auto off = service(PaasKind::kSqlServer, "off", 3);
  off.ip_rules.push_back(allow_azure(off));
  set_public_access(off, PublicNetworkAccess::kDisabled);
  m.paas_services = {bare, azure, office, off};
  m.private_endpoints.push_back(private_endpoint("pe-off", off, false, model::ConnectionStatus::kApproved));
  const auto r = run_engine(m);

  const auto& f_bare = finding(r, "EXP-SQL-001", "bare");
  CHECK(f_bare.status == FindingStatus::kHealthy);
  CHECK_THAT(f_bare.summary, Contains("no firewall rule admits a public address"));
  const auto& f_azure = finding(r, "EXP-SQL-001", "azure");
  CHECK(f_azure.status == FindingStatus::kUnhealthy);
  CHECK(f_azure.exposed);
  CHECK(f_azure.tcp_ports == ports({{1433, 1433}, {11000, 11999}}));
  CHECK(f_azure.summary ==
        "public endpoint reachable from the internet on TCP 1433,11000-11999: firewall rule 'AllowAllWindowsAzureIps' "
        "0.0.0.0-0.0.0.0 (allow Azure services: every Azure address, other customers' included)");
  CHECK(f_azure.where.pointer == "/1/firewallRules/AllowAllWindowsAzureIps");
  const auto& f_office = finding(r, "EXP-SQL-001", "office");
  CHECK(f_office.status == FindingStatus::kUnhealthy);
  CHECK_THAT(f_office.summary, Contains("firewall rule 'office' 52.20.1.0/24"));
  CHECK(finding(r, "EXP-SQL-001", "off").status == FindingStatus::kHealthy);

  CHECK(finding(r, "EXP-SQL-002", "off").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-SQL-002", "bare").status == FindingStatus::kUnhealthy);
  // No SQL managed instance in the model: EXP-SQL-003 has nothing to judge.
  CHECK(count(r, "EXP-SQL-003") == 0);
}

TEST_CASE("recommend paas: Cosmos DB public access private link and firewall rules", "[solver][recommend]") {
  model::Model m;
  auto open = service(PaasKind::kCosmosDb, "open", 0);  // no ip rules nor virtual network filter
  auto ranged = service(PaasKind::kCosmosDb, "ranged", 1);
  ranged.default_action = Access::kDeny;
  ranged.ip_rules.push_back(ip_rule(ranged, "", "52.30.0.0/24", 0));
  auto vnet = service(PaasKind::kCosmosDb, "vnet", 2);  // virtual network filter only: no internet source
  vnet.default_action = Access::kDeny;
  vnet.virtual_network_filter = true;
  auto off = service(PaasKind::kCosmosDb, "off", 3);
  set_public_access(off, PublicNetworkAccess::kDisabled);
  m.paas_services = {open, ranged, vnet, off};
  m.private_endpoints.push_back(private_endpoint("pe-open", open, false, model::ConnectionStatus::kApproved));
  const auto r = run_engine(m);

  CHECK(finding(r, "EXP-COS-001", "open").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-COS-001", "off").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-COS-002", "open").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-COS-002", "vnet").status == FindingStatus::kUnhealthy);
  const auto& f_open = finding(r, "EXP-COS-003", "open");
  CHECK(f_open.status == FindingStatus::kUnhealthy);  // the approved private endpoint changes nothing
  CHECK_THAT(f_open.summary, Contains("no IP rule nor virtual network filter"));
  const auto& f_ranged = finding(r, "EXP-COS-003", "ranged");
  CHECK(f_ranged.status == FindingStatus::kUnhealthy);
  CHECK_THAT(f_ranged.summary, Contains("ipRules '52.30.0.0/24'"));
  CHECK(finding(r, "EXP-COS-003", "vnet").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-COS-003", "off").status == FindingStatus::kHealthy);
}

TEST_CASE("recommend paas: App Service public access private link and App Service Environments",
          "[solver][recommend]") {
  model::Model m;
  auto open = service(PaasKind::kAppService, "open", 0);
  auto restricted = service(PaasKind::kAppService, "restricted", 1);  // main and SCM sites deny all
  restricted.default_action = Access::kDeny;
  restricted.scm_default_action = Access::kDeny;
  auto scm = service(PaasKind::kAppService, "scm", 2);  // main site closed, the SCM site open
  scm.default_action = Access::kDeny;
  auto ase = service(PaasKind::kAppService, "ase", 3);
  ase.in_app_service_environment = true;
  auto off = service(PaasKind::kAppService, "off", 4);
  set_public_access(off, PublicNetworkAccess::kDisabled);
  m.paas_services = {open, restricted, scm, ase, off};
  m.private_endpoints.push_back(private_endpoint("pe-off", off, false, model::ConnectionStatus::kApproved));
  const auto r = run_engine(m);

  const auto& f_open = finding(r, "EXP-APP-001", "open");
  CHECK(f_open.status == FindingStatus::kUnhealthy);
  CHECK(f_open.exposures.size() == 2);  // the site and its SCM site
  CHECK_THAT(f_open.summary, Contains("SCM site: default action Allow"));
  CHECK(finding(r, "EXP-APP-001", "restricted").status == FindingStatus::kHealthy);
  const auto& f_scm = finding(r, "EXP-APP-001", "scm");
  CHECK(f_scm.status == FindingStatus::kUnhealthy);
  CHECK(f_scm.summary ==
        "public endpoint reachable from the internet on TCP 80,443: SCM site: default action Allow (every address)");
  const auto& f_ase = finding(r, "EXP-APP-001", "ase");
  CHECK(f_ase.status == FindingStatus::kNotApplicable);
  CHECK_THAT(f_ase.summary, Contains("App Service Environment"));
  CHECK(finding(r, "EXP-APP-001", "off").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-APP-002", "off").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-APP-002", "open").status == FindingStatus::kUnhealthy);
}

TEST_CASE("recommend paas: skipped ids give no finding", "[solver][recommend]") {
  model::Model m;
  m.paas_services = {service(PaasKind::kStorage, "st1", 0)};
  solver::RecommendOptions options;
  options.skip = {"EXP-STO-002", "EXP-STO-006"};
  const auto r = run_engine(m, options);
  CHECK(count(r, "EXP-STO-002") == 0);
  CHECK(count(r, "EXP-STO-006") == 0);
  CHECK(count(r, "EXP-STO-001") == 1);
  CHECK(count(r, "EXP-STO-005") == 1);
}

namespace {

EngineRun run_json(const std::vector<std::string>& resources) {
  std::string text = "[";
  for (std::size_t i = 0; i < resources.size(); ++i) text += (i ? ",\n" : "") + resources[i];
  text += "]";
  model::Model m;
  model::Diagnostics d;
  az::import_text(text, "t.json", m, d);
  return run_engine(std::move(m));
}

}  // namespace

TEST_CASE("recommend paas: reachability rows from resource JSON", "[solver][recommend]") {
  const std::string sql = kRg + "/Microsoft.Sql/servers/";
  const auto r = run_json({
      resource("Microsoft.Storage/storageAccounts", "stclosed",
               R"({"publicNetworkAccess": "Disabled", "networkAcls": {"defaultAction": "Allow"}})"),
      resource("Microsoft.Storage/storageAccounts", "stopen",
               R"({"networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "52.10.0.0/16"}]}})"),
      resource("Microsoft.KeyVault/vaults", "kvopen", R"({"networkAcls": {"defaultAction": "Allow"}})"),
      resource("Microsoft.Sql/servers", "sqlbare", "{}"),
      resource("Microsoft.Sql/servers", "sqlazure", "{}"),
      fmt::format(R"({{"id": "{}sqlazure/firewallRules/AllowAllWindowsAzureIps", "name": "AllowAllWindowsAzureIps",
                      "type": "Microsoft.Sql/servers/firewallRules",
                      "properties": {{"startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"}}}})",
                  sql),
      resource("Microsoft.Network/privateEndpoints", "pe1",
               fmt::format(R"({{"privateLinkServiceConnections": [{{"name": "c1", "properties": {{
              "privateLinkServiceId": "{}/Microsoft.KeyVault/vaults/kvopen", "groupIds": ["vault"]}}}}]}})",
                           kRg)),
  });
  CHECK(finding(r, "EXP-STO-002", "stclosed").status == FindingStatus::kHealthy);
  const auto& st = finding(r, "EXP-STO-002", "stopen");
  CHECK(st.status == FindingStatus::kUnhealthy);
  CHECK_THAT(st.summary, Contains("ipRules '52.10.0.0/16'"));
  CHECK(st.where.file == "t.json");
  CHECK(st.where.pointer == "/1/properties/networkAcls/ipRules/0");
  const auto& kv = finding(r, "EXP-KV-001", "kvopen");
  CHECK(kv.status == FindingStatus::kUnhealthy);  // the approved private endpoint does not close it
  CHECK_THAT(kv.summary, Contains("does not close"));
  CHECK(finding(r, "EXP-KV-003", "kvopen").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-SQL-001", "sqlbare").status == FindingStatus::kHealthy);
  const auto& az_rule = finding(r, "EXP-SQL-001", "sqlazure");
  CHECK(az_rule.status == FindingStatus::kUnhealthy);
  CHECK_THAT(az_rule.summary, Contains("allow Azure services"));
  CHECK(az_rule.where.pointer == "/5");
}
