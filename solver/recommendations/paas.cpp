// The PaaS recommendations (EXP-STO-*, EXP-KV-*, EXP-SQL-*, EXP-COS-*, EXP-APP-*): rows of the catalog and their
// evaluation (docs/recommendations.md#paas-public-access-and-private-link). Reachability rows read the exposures of
// the service's public endpoint (solver/paas.h); property rows read what the input says, and an unknown value is
// never healthy.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>

#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/paas.h"
#include "solver/paas_hop.h"
#include "solver/recommendations/context.h"

namespace exposim::solver::recommendations {

namespace {

using model::Access;
using model::PaasKind;
using model::PaasService;
using model::PublicNetworkAccess;
using RK = model::ResourceKind;
using Sev = RecommendationSeverity;
using D = Decision;

constexpr std::string_view kDataPage =
    "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-data";
constexpr std::string_view kIdentityPage =
    "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-identity-access";
constexpr std::string_view kAppPage =
    "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-app-services";

}  // namespace

const std::vector<RecommendationInfo>& paas_rows() {
  static const std::vector<RecommendationInfo> kRows = {
      {"EXP-APP-001", "App Service apps should disable public network access", Sev::kMedium, "",
       "1b5ef780-c53c-4a64-87f3-bb9c8c8094ba", "App Service apps should disable public network access",
       D::kReachability,
       "Set publicNetworkAccess to Disabled and reach the app through a private endpoint, or restrict "
       "siteConfig.ipSecurityRestrictions with a Deny default action",
       "https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/"
       "%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F1b5ef780-c53c-4a64-87f3-bb9c8c8094ba"},
      {"EXP-APP-002", "App Service apps should use private link", Sev::kMedium, "",
       "687aa49d-0982-40f8-bf6b-66d1da97a04b", "App Service apps should use private link", D::kProperties,
       "Connect a private endpoint (group id sites) to the app and get its connection approved",
       "https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/"
       "%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F687aa49d-0982-40f8-bf6b-66d1da97a04b"},
      {"EXP-APP-003", "Web Application should only be accessible over HTTPS", Sev::kMedium,
       "1b351b29-41ca-6df5-946c-c190a56be5fe", "a4af4a39-4135-47fb-b175-47fbdf85311d",
       "App Service apps should only be accessible over HTTPS", D::kProperties, "Set httpsOnly to true on the site",
       kAppPage},
      {"EXP-COS-001", "Azure Cosmos DB should disable public network access", Sev::kMedium,
       "334a182c-7c2c-41bc-ae1e-55327891ab50", "797b37f7-06b8-444c-b1ad-fc62867f335a",
       "Azure Cosmos DB should disable public network access", D::kProperties,
       "Set publicNetworkAccess to Disabled and reach the account through private endpoints", kDataPage},
      {"EXP-COS-002", "Cosmos DB accounts should use private link", Sev::kMedium,
       "80dc29d6-9887-4071-a66c-e763376c2de3", "58440f8a-10c5-4151-bdce-dfbaad4a20b7",
       "CosmosDB accounts should use private link", D::kProperties,
       "Connect a private endpoint to the account and get its connection approved", kDataPage},
      {"EXP-COS-003", "Azure Cosmos DB accounts should have firewall rules", Sev::kMedium,
       "276b1952-c364-852b-11e5-657f0fa34dc6", "862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb",
       "Azure Cosmos DB accounts should have firewall rules", D::kReachability,
       "Restrict the account to known addresses (ipRules) or virtual networks, or disable public network access",
       kDataPage},
      {"EXP-KV-001", "Firewall should be enabled on Key Vault", Sev::kMedium, "52f7826a-ace7-3107-dd0d-4875853c1576",
       "55615ac9-af46-4a59-874e-391cc3dfb490", "Azure Key Vault should have firewall enabled", D::kReachability,
       "Set networkAcls.defaultAction to Deny and list only the addresses that need the vault, or disable public "
       "network access",
       kIdentityPage},
      {"EXP-KV-002", "Azure Key Vault should disable public network access", Sev::kMedium, "",
       "405c5871-3e91-4644-8a63-58e19d68ff5b", "Azure Key Vault should disable public network access", D::kProperties,
       "Set publicNetworkAccess to Disabled and reach the vault through private endpoints",
       "https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/"
       "%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F405c5871-3e91-4644-8a63-58e19d68ff5b"},
      {"EXP-KV-003", "Private endpoint should be configured for Key Vault", Sev::kMedium,
       "2e96bc2f-1972-e471-9e70-ae58d41e9d2a", "a6abeaec-4d90-4a02-805f-6b26c4d3fbe9",
       "Azure Key Vaults should use private link", D::kProperties,
       "Connect a private endpoint (group id vault) to the vault and get its connection approved", kIdentityPage},
      {"EXP-KV-004", "Key vaults should have purge protection enabled", Sev::kMedium,
       "4ed62ae4-5072-f9e7-8d94-51c76c48159a", "0b60c0b2-2dc2-4e1c-b5c9-abbed971de53",
       "Key vaults should have deletion protection enabled", D::kProperties,
       "Set enablePurgeProtection to true (it cannot be turned off again) and keep soft delete on", kIdentityPage},
      {"EXP-KV-005", "Key vaults should have soft delete enabled", Sev::kHigh, "78211c00-15a9-336e-17c4-0b48613dadf4",
       "1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d", "Key vaults should have soft delete enabled", D::kProperties,
       "Remove enableSoftDelete false (soft delete is on by default from API version 2019-09-01) or set it to true",
       kIdentityPage},
      {"EXP-SQL-001", "Public network access on Azure SQL Database should be disabled", Sev::kMedium,
       "22e93e92-4a31-b4cd-d640-3ef908430aa6", "1b8ca024-1d5c-4dec-8995-b1a932b41780",
       "Public network access on Azure SQL Database should be disabled", D::kReachability,
       "Set the server's publicNetworkAccess to Disabled, or remove the firewall rules that admit public addresses "
       "(0.0.0.0-0.0.0.0 admits every Azure address)",
       kDataPage},
      {"EXP-SQL-002", "Private endpoint connections on Azure SQL Database should be enabled", Sev::kMedium,
       "75396512-3323-9be4-059d-32ecb113c3de", "7698e800-9299-47a6-b3b6-5a0fee576eed",
       "Private endpoint connections on Azure SQL Database should be enabled", D::kProperties,
       "Connect a private endpoint (group id sqlServer) to the server and get its connection approved", kDataPage},
      {"EXP-SQL-003", "Azure SQL Managed Instances should disable public network access", Sev::kMedium,
       "a2624c52-2937-400c-af9d-3bf2d97382bf", "9dfea752-dd46-4766-aed1-c355fa93fb91",
       "Azure SQL Managed Instances should disable public network access", D::kReachability,
       "Set publicDataEndpointEnabled to false, or close TCP 3342 in the managed instance subnet's NSG", kDataPage},
      {"EXP-STO-001", "Storage account public access should be disallowed", Sev::kMedium,
       "51fd8bb1-0db4-bbf1-7e2b-cfcba7eb66a6", "4fa4b6c0-31ca-4c0d-b10d-24b96f62a751",
       "Storage account public access should be disallowed", D::kProperties,
       "Set allowBlobPublicAccess to false on the storage account", kDataPage},
      {"EXP-STO-002",
       "Access to storage accounts with firewall and virtual network configurations should be restricted", Sev::kLow,
       "45d313c3-3fca-5040-035f-d61928366d31", "34c877ad-507e-4c82-993e-3452a6e0ad3c",
       "Storage accounts should restrict network access", D::kReachability,
       "Set networkAcls.defaultAction to Deny and list only the addresses and subnets that need the account, or "
       "disable public network access",
       kDataPage},
      {"EXP-STO-003", "Storage accounts should restrict network access using virtual network rules", Sev::kMedium,
       "ad4f3ff1-30eb-5042-16ed-27198f640b8d", "2a1a9cdf-e04d-429a-8416-3bfb72a1b26f",
       "Storage accounts should restrict network access using virtual network rules", D::kProperties,
       "Set networkAcls.defaultAction to Deny and admit subnets through virtualNetworkRules instead of ipRules",
       kDataPage},
      {"EXP-STO-004", "Storage account should use a private link connection", Sev::kMedium,
       "cdc78c07-02b0-4af0-1cb2-cb7c672a8b0a", "6edd7eda-6dd8-40f7-810d-67160c639cd9",
       "Storage accounts should use private link", D::kProperties,
       "Connect a private endpoint (group id blob, file, ...) to the account and get its connection approved",
       kDataPage},
      {"EXP-STO-005", "Storage accounts should disable public network access", Sev::kMedium, "",
       "b2982f36-99f2-4db5-8eff-283140c09693", "Storage accounts should disable public network access", D::kProperties,
       "Set publicNetworkAccess to Disabled and reach the account through private endpoints",
       "https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/"
       "%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2Fb2982f36-99f2-4db5-8eff-283140c09693"},
      {"EXP-STO-006", "Secure transfer to storage accounts should be enabled", Sev::kHigh,
       "1c5de8e1-f68d-6a17-e0d2-ec259c42768c", "404c3081-a854-4457-ae30-26a93ef643f9",
       "Secure transfer to storage accounts should be enabled", D::kProperties,
       "Set supportsHttpsTrafficOnly to true (the default from API version 2019-04-01)", kDataPage},
  };
  return kRows;
}

namespace {

/// A property location that is the resource's own object (the importers' mark for an absent property), or no
/// location at all (an importer that does not read the property yet).
bool absent(const PaasService& s, const model::SourceLocation& where) {
  return where == s.where || where == model::SourceLocation{};
}

const char* access_text(PublicNetworkAccess a) {
  switch (a) {
    case PublicNetworkAccess::kEnabled: return "Enabled";
    case PublicNetworkAccess::kDisabled: return "Disabled";
    case PublicNetworkAccess::kSecuredByPerimeter: break;
  }
  return "SecuredByPerimeter";
}

PropertyEvidence public_access_evidence(const PaasService& s) {
  const bool none = absent(s, s.public_network_access_where);
  return {"properties.publicNetworkAccess", none ? "absent (Enabled)" : access_text(s.public_network_access),
          s.public_network_access_where};
}

PropertyEvidence default_action_evidence(const PaasService& s) {
  const bool none = absent(s, s.default_action_where);
  const char* value = s.default_action == Access::kDeny ? "Deny" : "Allow";
  return {"properties.networkAcls.defaultAction", none ? fmt::format("absent ({})", value) : value,
          s.default_action_where};
}

/// "storage account", "key vault", ..., for summaries. Not a switch: kinds added later (SQL managed instance)
/// fall back to the model's name of the kind.
std::string noun(const PaasService& s) {
  if (s.kind == PaasKind::kStorage) return "storage account";
  if (s.kind == PaasKind::kKeyVault) return "key vault";
  if (s.kind == PaasKind::kSqlServer) return "SQL server";
  if (s.kind == PaasKind::kCosmosDb) return "Cosmos DB account";
  if (s.kind == PaasKind::kAppService) return "app";
  return model::to_string(s.kind);
}

/// The exposures of every PaaS service's public endpoint, by service.
using ExposuresByService = std::map<int, std::vector<std::size_t>>;

ExposuresByService exposures_by_service(const Analysis& a) {
  ExposuresByService out;
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    const auto& e = a.exposures[i];
    if (e.target_kind == RK::kPaasService) out[e.target].push_back(i);
  }
  return out;
}

/// What admitted the sources of a PaaS exposure, in words: "ipRules '52.10.0.0/16'", "defaultAction Allow", ...
std::string admitted_by(const PaasService& s, const Exposure& e) {
  for (const auto& h : e.path) {
    if (h.kind != HopKind::kPaas) continue;
    const std::string site = is_scm(h) ? "SCM site: " : "";
    const std::string_view scope = h.scope;
    if (scope.find("public-network-access") != std::string_view::npos) {
      return site + "publicNetworkAccess SecuredByPerimeter (perimeter rules not modelled: the whole internet)";
    }
    if (h.rule < 0) {
      if (s.kind == PaasKind::kCosmosDb) return site + "no IP rule nor virtual network filter (every address)";
      return site + "default action Allow (every address)";
    }
    const auto& rules = hop_rules(s, h);
    if (h.rule >= static_cast<int>(rules.size())) break;
    const auto& r = rules[h.rule];
    if (s.kind == PaasKind::kSqlServer) {
      if (r.unresolved && !r.unknown) {
        return fmt::format(
            "{}firewall rule '{}' {} (allow Azure services: every Azure address, other customers' "
            "included)",
            site, r.name, r.text);
      }
      return fmt::format("{}firewall rule '{}' {}", site, r.name, r.text);
    }
    if (s.kind == PaasKind::kAppService) return fmt::format("{}access restriction '{}' {}", site, r.name, r.text);
    if (s.kind == PaasKind::kCosmosDb && r.unresolved && !r.unknown) {
      return fmt::format("{}ipRules '{}' (Azure datacenters: every Azure address, other customers' included)", site,
                         r.text);
    }
    return fmt::format("{}ipRules '{}'", site, r.text);
  }
  return "the public endpoint";
}

/// Where the deciding setting of a PaaS exposure is written: the admitting rule, else the default action, else
/// public network access.
model::SourceLocation deciding_where(const PaasService& s, const Exposure& e) {
  for (const auto& h : e.path) {
    if (h.kind != HopKind::kPaas) continue;
    if (h.rule >= 0) {
      const auto& rules = hop_rules(s, h);
      if (h.rule < static_cast<int>(rules.size())) return rules[h.rule].where;
    }
    if (std::string_view(h.scope).find("public-network-access") == std::string_view::npos &&
        (s.kind == PaasKind::kStorage || s.kind == PaasKind::kKeyVault)) {
      return s.default_action_where;
    }
    return s.public_network_access_where;
  }
  return s.where;
}

/// The private endpoint connections that make a private-link recommendation healthy: an approved connection of
/// a private endpoint in the input, or an Approved entry of the service's own privateEndpointConnections.
struct PrivateLink {
  std::vector<std::string> approved;  // descriptions
  std::vector<std::string> pending;
  model::SourceLocation where;  // of the first approved one
};

PrivateLink private_link(const model::Model& m, int service) {
  PrivateLink out;
  const auto& s = m.paas_services[service];
  for (int p : s.private_endpoints) {
    const auto& pe = m.private_endpoints[p];
    for (const auto& c : pe.connections) {
      if (c.target.index != service) continue;
      if (c.status == model::ConnectionStatus::kApproved) {
        if (out.approved.empty()) out.where = c.where;
        out.approved.push_back(fmt::format("private endpoint '{}' (connection '{}' approved)", pe.name, c.name));
      } else {
        out.pending.push_back(fmt::format("private endpoint '{}' (connection '{}' {}{})", pe.name, c.name,
                                          model::to_string(c.status),
                                          c.manual ? ", manual: waits for the service owner's approval" : ""));
      }
    }
  }
  for (const auto& c : s.endpoint_connections) {
    if (model::ascii::iequals(c.status, "approved")) {
      if (out.approved.empty()) out.where = c.where;
      out.approved.push_back(fmt::format("privateEndpointConnections '{}' Approved", c.name));
    } else {
      out.pending.push_back(fmt::format("privateEndpointConnections '{}' {}", c.name, c.status));
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "; ") + i;
  return out;
}

/// The resource group of a canonical resource id ("" when it has none).
std::string_view resource_group(std::string_view key) {
  constexpr std::string_view kMark = "/resourcegroups/";
  const auto at = key.find(kMark);
  if (at == std::string_view::npos) return {};
  key.remove_prefix(at + kMark.size());
  return key.substr(0, key.find('/'));
}

class PaasEvaluation {
 public:
  explicit PaasEvaluation(Context& ctx) : ctx_(ctx), exposures_(exposures_by_service(ctx.analysis)) {}

  void run() {
    const auto& services = ctx_.model.paas_services;
    for (std::size_t i = 0; i < services.size(); ++i) {
      const int index = static_cast<int>(i);
      const auto& s = services[i];
      // SQL managed instances are judged by EXP-SQL-003 from their exposures alone.
      if (s.kind == model::PaasKind::kSqlManagedInstance) {
        reachability("EXP-SQL-003", index);
        continue;
      }
      switch (s.kind) {
        case PaasKind::kStorage:
          blob_public_access(index);
          reachability("EXP-STO-002", index);
          virtual_network_rules(index);
          private_link_row("EXP-STO-004", index);
          public_access_disabled("EXP-STO-005", index);
          https_only("EXP-STO-006", index, "properties.supportsHttpsTrafficOnly");
          break;
        case PaasKind::kKeyVault:
          reachability("EXP-KV-001", index);
          public_access_disabled("EXP-KV-002", index);
          private_link_row("EXP-KV-003", index);
          purge_protection(index);
          soft_delete(index);
          break;
        case PaasKind::kSqlServer:
          reachability("EXP-SQL-001", index);
          private_link_row("EXP-SQL-002", index);
          break;
        case PaasKind::kCosmosDb:
          public_access_disabled("EXP-COS-001", index);
          private_link_row("EXP-COS-002", index);
          reachability("EXP-COS-003", index);
          break;
        case PaasKind::kAppService:
          reachability("EXP-APP-001", index);
          private_link_row("EXP-APP-002", index);
          https_only("EXP-APP-003", index, "properties.httpsOnly");
          break;
        default: break;  // kinds added later (SQL managed instance) are handled above
      }
    }
  }

 private:
  const PaasService& service(int i) const { return ctx_.model.paas_services[i]; }
  const std::vector<std::size_t>& exposures(int i) const {
    static const std::vector<std::size_t> kNone;
    auto it = exposures_.find(i);
    return it == exposures_.end() ? kNone : it->second;
  }

  /// R rows: unhealthy iff the public endpoint admits internet sources; a private endpoint changes nothing.
  void reachability(std::string_view id, int i) {
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    if (id == "EXP-KV-001" && model::ascii::iequals(s.create_mode, "recover")) {
      auto& f = ctx_.add(id, FindingStatus::kNotApplicable, RK::kPaasService, i);
      f.summary =
          "createMode recover: the vault is restored from soft delete with its earlier settings (exempt, as "
          "in the policy)";
      return;
    }
    if (id == "EXP-APP-001" && s.in_app_service_environment) {
      auto& f = ctx_.add(id, FindingStatus::kNotApplicable, RK::kPaasService, i);
      f.summary = "hosted in an App Service Environment (hostingEnvironmentProfile): the policy does not apply";
      return;
    }
    const auto& found = exposures(i);
    auto& f = ctx_.add(id, found.empty() ? FindingStatus::kHealthy : FindingStatus::kUnhealthy, RK::kPaasService, i);
    f.properties.push_back(public_access_evidence(s));
    if (s.kind == PaasKind::kStorage || s.kind == PaasKind::kKeyVault)
      f.properties.push_back(default_action_evidence(s));
    if (found.empty()) {
      if (s.public_network_access == PublicNetworkAccess::kDisabled) {
        f.summary = fmt::format(
            "public network access Disabled: the public endpoint admits no internet source{}",
            (s.kind == PaasKind::kStorage || s.kind == PaasKind::kKeyVault) && s.default_action == Access::kAllow
                ? ", whatever networkAcls.defaultAction Allow says"
                : "");
        f.where = s.public_network_access_where;
      } else if (s.kind == PaasKind::kSqlServer && s.ip_rules.empty()) {
        f.summary =
            "no firewall rule admits a public address (the input has no firewall rules; they are child "
            "resources Microsoft.Sql/servers/firewallRules that some exports leave out)";
      } else {
        f.summary = fmt::format("the {}'s firewall admits no internet source", noun(s));
        if (s.kind == PaasKind::kStorage || s.kind == PaasKind::kKeyVault) f.where = s.default_action_where;
      }
      return;
    }
    f.exposed = true;
    f.exposures = found;
    std::vector<std::string> admitted;
    for (std::size_t e : found) {
      const auto& x = ctx_.analysis.exposures[e];
      f.tcp_ports = f.tcp_ports.unite(x.ports);
      std::string why = admitted_by(s, x);
      if (std::find(admitted.begin(), admitted.end(), why) == admitted.end()) admitted.push_back(std::move(why));
    }
    f.where = deciding_where(s, ctx_.analysis.exposures[found.front()]);
    f.summary = fmt::format("public endpoint reachable from the internet on TCP {}: {}", model::to_string(f.tcp_ports),
                            join(admitted));
    if (approved_private_endpoints(ctx_.model, i) > 0) {
      f.summary += "; its approved private endpoint does not close the public endpoint";
    }
  }

  /// Private-link rows: healthy with an approved connection.
  void private_link_row(std::string_view id, int i) {
    if (ctx_.skipped(id)) return;
    const auto link = private_link(ctx_.model, i);
    auto& f =
        ctx_.add(id, link.approved.empty() ? FindingStatus::kUnhealthy : FindingStatus::kHealthy, RK::kPaasService, i);
    if (!link.approved.empty()) {
      f.where = link.where;
      f.summary = "approved private link: " + join(link.approved);
      if (!exposures(i).empty()) f.summary += "; the public endpoint stays open beside it";
    } else if (!link.pending.empty()) {
      f.summary = "no approved private endpoint connection: " + join(link.pending);
    } else {
      f.summary = fmt::format("no private endpoint in the input connects to the {}", noun(service(i)));
    }
  }

  /// STO-005, KV-002, COS-001: public network access must be Disabled (storage: or SecuredByPerimeter, as policy
  /// b2982f36 accepts).
  void public_access_disabled(std::string_view id, int i) {
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    const bool ok =
        s.public_network_access == PublicNetworkAccess::kDisabled ||
        (s.kind == PaasKind::kStorage && s.public_network_access == PublicNetworkAccess::kSecuredByPerimeter);
    auto& f = ctx_.add(id, ok ? FindingStatus::kHealthy : FindingStatus::kUnhealthy, RK::kPaasService, i);
    f.properties.push_back(public_access_evidence(s));
    f.where = s.public_network_access_where;
    f.summary = ok ? fmt::format("public network access {}", access_text(s.public_network_access))
                   : fmt::format("public network access {} (the policy asks for Disabled)",
                                 absent(s, s.public_network_access_where) ? "absent, which means Enabled"
                                                                          : access_text(s.public_network_access));
    if (!ok && !exposures(i).empty()) f.summary += "; the public endpoint admits internet sources";
  }

  /// STO-006, APP-003: HTTPS only; `exposed` when TCP 80 is reachable.
  void https_only(std::string_view id, int i, const char* property) {
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    auto& f = ctx_.add(id, s.https_only ? FindingStatus::kHealthy : FindingStatus::kUnhealthy, RK::kPaasService, i);
    const bool none = absent(s, s.https_only_where);
    const char* value = s.https_only ? "true" : "false";
    f.properties.push_back({property, none ? fmt::format("absent ({})", value) : value, s.https_only_where});
    f.where = s.https_only_where;
    f.summary = s.https_only ? "HTTPS only: plain HTTP is refused or redirected"
                             : (none ? "HTTPS only is off by default here: plain HTTP on TCP 80 is served"
                                     : "HTTPS only is off: plain HTTP on TCP 80 is served");
    if (s.kind == PaasKind::kAppService && s.site_kind.find("functionapp") != std::string::npos) {
      f.summary +=
          " (a function app: Defender's assessment cb0acdc6-0846-fd48-debe-9905af151b6d, policy "
          "6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab)";
    }
    if (s.https_only) return;
    for (std::size_t e : exposures(i)) {
      if (!ctx_.analysis.exposures[e].ports.contains(80)) continue;
      f.exposed = true;
      f.exposures.push_back(e);
    }
    if (f.exposed) {
      f.tcp_ports.add(80, 80);
      f.summary += "; TCP 80 is reachable from the internet";
    }
  }

  /// STO-001: allowBlobPublicAccess must be false (absent fails).
  void blob_public_access(int i) {
    constexpr std::string_view id = "EXP-STO-001";
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    if (model::ascii::starts_with_lower(resource_group(s.key), "aro-")) {
      auto& f = ctx_.add(id, FindingStatus::kNotApplicable, RK::kPaasService, i);
      f.summary = "in an 'aro-' resource group (managed by Azure Red Hat OpenShift): exempt, as in the policy";
      return;
    }
    const auto& v = s.allow_blob_public_access;
    const FindingStatus status = v.unknown     ? FindingStatus::kUndecidable
                                 : v.is(false) ? FindingStatus::kHealthy
                                               : FindingStatus::kUnhealthy;
    auto& f = ctx_.add(id, status, RK::kPaasService, i);
    f.properties.push_back({"properties.allowBlobPublicAccess", setting_text(v), v.where});
    if (v.value || v.unknown) f.where = v.where;
    if (status == FindingStatus::kUndecidable) {
      f.summary = "allowBlobPublicAccess is only known at deployment";
      return;
    }
    if (status == FindingStatus::kHealthy) {
      f.summary = "allowBlobPublicAccess false: no container can allow anonymous access";
      return;
    }
    f.summary = v.value ? "allowBlobPublicAccess true: containers may allow anonymous access"
                        : "allowBlobPublicAccess absent (the policy requires false)";
    std::vector<std::string> open;
    for (const auto& c : s.containers) {
      if (c.unknown) {  // only known at deployment: may be public
        open.push_back(fmt::format("'{}' (access only known at deployment)", c.name));
        continue;
      }
      if (c.public_access.empty() || model::ascii::iequals(c.public_access, "none")) continue;
      open.push_back(fmt::format("'{}' ({})", c.name, c.public_access));
    }
    if (open.empty()) return;
    std::string list;
    for (const auto& o : open) list += (list.empty() ? "" : ", ") + o;
    if (!exposures(i).empty()) {
      f.exposed = true;
      f.exposures = exposures(i);
      f.summary += fmt::format("; anonymous read of container{} {} through the reachable public endpoint",
                               open.size() == 1 ? "" : "s", list);
    } else {
      f.summary += fmt::format(
          "; container{} {} allow anonymous access, but the public endpoint admits no internet "
          "source",
          open.size() == 1 ? "" : "s", list);
    }
  }

  /// STO-003: networkAcls.defaultAction Deny and no ipRules.
  void virtual_network_rules(int i) {
    constexpr std::string_view id = "EXP-STO-003";
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    const bool deny = s.default_action == Access::kDeny;
    const bool ok = deny && s.ip_rules.empty();
    auto& f = ctx_.add(id, ok ? FindingStatus::kHealthy : FindingStatus::kUnhealthy, RK::kPaasService, i);
    f.properties.push_back(default_action_evidence(s));
    f.properties.push_back({"properties.networkAcls.ipRules",
                            fmt::format("{} rule{}", s.ip_rules.size(), s.ip_rules.size() == 1 ? "" : "s"),
                            s.ip_rules.empty() ? s.default_action_where : s.ip_rules.front().where});
    f.where = !deny || s.ip_rules.empty() ? s.default_action_where : s.ip_rules.front().where;
    if (ok) {
      f.summary = "default action Deny and no IP rules: only virtual network rules admit";
    } else if (!deny) {
      f.summary = "default action Allow: every network is admitted";
    } else {
      f.summary = fmt::format("{} IP rule{} admit addresses beside the virtual network rules", s.ip_rules.size(),
                              s.ip_rules.size() == 1 ? "" : "s");
    }
  }

  /// KV-004: purge protection true and soft delete not false.
  void purge_protection(int i) {
    constexpr std::string_view id = "EXP-KV-004";
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    const auto& purge = s.enable_purge_protection;
    const auto& soft = s.enable_soft_delete;
    FindingStatus status = FindingStatus::kHealthy;
    if (soft.is(false) || (!purge.unknown && !purge.is(true))) {
      status = FindingStatus::kUnhealthy;
    } else if (purge.unknown || soft.unknown) {
      status = FindingStatus::kUndecidable;
    }
    auto& f = ctx_.add(id, status, RK::kPaasService, i);
    f.properties.push_back({"properties.enablePurgeProtection", setting_text(purge), purge.where});
    f.properties.push_back({"properties.enableSoftDelete", setting_text(soft), soft.where});
    f.where = soft.is(false) ? soft.where : purge.where;
    switch (status) {
      case FindingStatus::kHealthy: f.summary = "purge protection enabled"; break;
      case FindingStatus::kUndecidable:
        f.summary = purge.unknown ? "enablePurgeProtection is only known at deployment"
                                  : "enableSoftDelete is only known at deployment";
        f.where = purge.unknown ? purge.where : soft.where;
        break;
      default:
        f.summary = soft.is(false)
                        ? "soft delete disabled, so purge protection cannot hold"
                        : (purge.value ? "enablePurgeProtection false" : "enablePurgeProtection absent (off)");
        break;
    }
  }

  /// KV-005: soft delete on (the importer gives absent its API-version default).
  void soft_delete(int i) {
    constexpr std::string_view id = "EXP-KV-005";
    if (ctx_.skipped(id)) return;
    const auto& s = service(i);
    const auto& soft = s.enable_soft_delete;
    const FindingStatus status = soft.unknown    ? FindingStatus::kUndecidable
                                 : soft.is(true) ? FindingStatus::kHealthy
                                                 : FindingStatus::kUnhealthy;
    auto& f = ctx_.add(id, status, RK::kPaasService, i);
    const bool defaulted = soft.value && absent(s, soft.where);
    f.properties.push_back({"properties.enableSoftDelete",
                            defaulted ? fmt::format("absent ({})", setting_text(soft)) : setting_text(soft),
                            soft.where});
    f.where = soft.where;
    switch (status) {
      case FindingStatus::kHealthy:
        f.summary = defaulted ? "soft delete on: enableSoftDelete is absent and on by default from API version "
                                "2019-09-01"
                              : "soft delete on";
        break;
      case FindingStatus::kUndecidable: f.summary = "enableSoftDelete is only known at deployment"; break;
      default:
        f.summary = soft.value ? "enableSoftDelete false"
                               : "enableSoftDelete absent and no API version from 2019-09-01 turns it on by default";
        break;
    }
  }

  Context& ctx_;
  ExposuresByService exposures_;
};

}  // namespace

void evaluate_paas(Context& ctx) {
  const std::size_t first = ctx.findings.size();
  PaasEvaluation(ctx).run();
  ctx.locate_unset(first);
}

}  // namespace exposim::solver::recommendations
