// Glob matching, names and defaults of check specs.
#include "check/spec.h"

#include <cctype>
#include <utility>

#include "model/paas.h"

#include "model/ascii.h"

namespace exposim::check {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative with one backtrack point (the last '*'): linear in practice, never exponential.
  auto eq = [](char a, char b) { return model::ascii::lower(a) == model::ascii::lower(b); };
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && eq(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

/// Every assertion kind with its name in a spec, in declaration order: the one list of kinds.
constexpr std::pair<AssertionKind, const char*> kAssertionKinds[] = {
    {AssertionKind::kNotExposed, "not-exposed"},
    {AssertionKind::kExposedOnly, "exposed-only"},
    {AssertionKind::kNoManagementPorts, "no-management-ports"},
    {AssertionKind::kMaxEntryPoints, "max-entry-points"},
    {AssertionKind::kEverySubnetHasNsg, "every-subnet-has-nsg"},
    {AssertionKind::kFlow, "flow"},
    {AssertionKind::kRecommendation, "recommendation"},
    {AssertionKind::kReach, "reach"},
    {AssertionKind::kSegmentation, "segmentation"},
};

}  // namespace

const std::vector<std::string_view>& target_types() {
  // The target kinds by their model names, then the PaaS service kinds.
  static const std::vector<std::string_view> kTypes = [] {
    std::vector<std::string_view> types;
    for (auto k : {model::ResourceKind::kVirtualMachine, model::ResourceKind::kNetworkInterface,
                   model::ResourceKind::kScaleSet, model::ResourceKind::kFirewall, model::ResourceKind::kBastionHost,
                   model::ResourceKind::kApplicationGateway, model::ResourceKind::kPaasService}) {
      types.emplace_back(model::to_string(k));
    }
    for (auto k : {model::PaasKind::kStorage, model::PaasKind::kKeyVault, model::PaasKind::kSqlServer,
                   model::PaasKind::kCosmosDb, model::PaasKind::kAppService, model::PaasKind::kSqlManagedInstance}) {
      types.emplace_back(model::to_string(k));
    }
    return types;
  }();
  return kTypes;
}

const std::vector<std::string_view>& resource_types() {
  static const std::vector<std::string_view> kTypes = [] {
    std::vector<std::string_view> types;
    for (auto k : model::kResourceKinds) types.emplace_back(model::to_string(k));
    for (auto k : {model::PaasKind::kStorage, model::PaasKind::kKeyVault, model::PaasKind::kSqlServer,
                   model::PaasKind::kCosmosDb, model::PaasKind::kAppService}) {
      types.emplace_back(model::to_string(k));
    }
    return types;
  }();
  return kTypes;
}

const char* to_string(AssertionKind k) {
  for (const auto& [kind, name] : kAssertionKinds) {
    if (kind == k) return name;
  }
  return "";
}

const std::vector<std::string_view>& assertion_kind_names() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const auto& [kind, name] : kAssertionKinds) names.emplace_back(name);
    return names;
  }();
  return kNames;
}

std::optional<AssertionKind> assertion_kind(std::string_view name) {
  for (const auto& [kind, kind_name] : kAssertionKinds) {
    if (name == kind_name) return kind;
  }
  return std::nullopt;
}

model::PortSet default_management_ports() { return model::PortSet{{22, 22}, {3389, 3389}, {5985, 5986}}; }

const std::vector<std::string>& default_nsg_exemptions() {
  static const std::vector<std::string> kExempt = {"AzureFirewallSubnet", "AzureFirewallManagementSubnet",
                                                   "GatewaySubnet", "AzureBastionSubnet", "RouteServerSubnet"};
  return kExempt;
}

}  // namespace exposim::check
