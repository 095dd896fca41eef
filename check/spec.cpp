// Glob matching, names and defaults of check specs.
#include "check/spec.h"

#include <cctype>

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

const std::vector<std::string_view>& target_types() {
  static const std::vector<std::string_view> kTypes = {
      "virtual-machine", "network-interface", "scale-set", "firewall",   "bastion-host", "application-gateway",
      "paas-service",    "storage",           "key-vault", "sql-server", "cosmos-db",    "app-service"};
  return kTypes;
}

const char* to_string(AssertionKind k) {
  switch (k) {
    case AssertionKind::kNotExposed: return "not-exposed";
    case AssertionKind::kExposedOnly: return "exposed-only";
    case AssertionKind::kNoManagementPorts: return "no-management-ports";
    case AssertionKind::kMaxEntryPoints: return "max-entry-points";
    case AssertionKind::kEverySubnetHasNsg: return "every-subnet-has-nsg";
    case AssertionKind::kFlow: return "flow";
  }
  return "";
}

model::PortSet default_management_ports() { return model::PortSet{{22, 22}, {3389, 3389}, {5985, 5986}}; }

const std::vector<std::string>& default_nsg_exemptions() {
  static const std::vector<std::string> kExempt = {"AzureFirewallSubnet", "AzureFirewallManagementSubnet",
                                                   "GatewaySubnet", "AzureBastionSubnet", "RouteServerSubnet"};
  return kExempt;
}

}  // namespace exposim::check
