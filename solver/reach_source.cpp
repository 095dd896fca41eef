// The sources and targets of `exposim reach` resolved from their text (solver/reach_source.h).
#include "solver/reach_source.h"

#include <algorithm>
#include <set>
#include <utility>

#include "model/ascii.h"
#include "model/suggest.h"
#include "solver/paas_hop.h"

namespace exposim::solver {

using model::IpAddress;
using model::IpConfigIndex;
using model::IpPrefix;
using RK = model::ResourceKind;

namespace {

/// What a text is compared with: the canonical id and the lowercased name.
struct ReachText {
  std::string canonical;
  std::string lowered;
  bool is_id{false};  // the text is a resource id ("/subscriptions/...")
};

ReachText reach_text(std::string_view text) {
  return {model::canonical_id(text), model::ascii::lower(text), !text.empty() && text.front() == '/'};
}

bool reach_named(const model::ResourceBase& r, const ReachText& t) {
  return t.is_id ? r.key == t.canonical : model::ascii::lower(r.name) == t.lowered;
}

/// The text after `kind:` ("subnet:", "vnet:") when the text starts with it (any case).
std::optional<std::string_view> reach_after_kind(std::string_view text, std::string_view kind) {
  if (text.size() < kind.size() || !model::ascii::iequals(text.substr(0, kind.size()), kind)) return std::nullopt;
  return text.substr(kind.size());
}

bool reach_is_gateway_subnet(const model::Subnet& s) { return model::ascii::iequals(s.name, "GatewaySubnet"); }

ReachQueryError reach_error(ReachOption option, ReachErrorCode code, std::string_view text) {
  ReachQueryError e;
  e.option = option;
  e.code = code;
  e.text = std::string(text);
  return e;
}

void reach_sort_candidates(std::vector<ReachCandidate>& c) {
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
}

/// The VNets named `name` (a name or an id).
std::vector<int> reach_vnets_named(const model::Model& m, std::string_view name) {
  const ReachText t = reach_text(name);
  std::vector<int> out;
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    if (reach_named(m.vnets[v], t)) out.push_back(static_cast<int>(v));
  }
  return out;
}

/// The subnets `name` names: a subnet's name, `VNET/NAME`, or a subnet's id.
std::vector<int> reach_subnets_named(const model::Model& m, std::string_view name) {
  std::vector<int> out;
  const ReachText t = reach_text(name);
  const std::size_t slash = name.find('/');
  if (!t.is_id && slash != std::string_view::npos) {
    const std::vector<int> vnets = reach_vnets_named(m, name.substr(0, slash));
    const std::string sub = model::ascii::lower(name.substr(slash + 1));
    for (std::size_t s = 0; s < m.subnets.size(); ++s) {
      const auto& subnet = m.subnets[s];
      if (std::find(vnets.begin(), vnets.end(), subnet.vnet.index) != vnets.end() &&
          model::ascii::lower(subnet.name) == sub) {
        out.push_back(static_cast<int>(s));
      }
    }
    return out;
  }
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    if (reach_named(m.subnets[s], t)) out.push_back(static_cast<int>(s));
  }
  return out;
}

/// The names a `subnet:` text is compared with, for suggestions: every subnet's name and `VNET/NAME`.
std::vector<std::string> reach_subnet_names(const model::Model& m) {
  std::vector<std::string> out;
  for (const auto& s : m.subnets) {
    out.push_back(s.name);
    if (s.vnet.resolved()) out.push_back(m.vnets[s.vnet.index].name + "/" + s.name);
  }
  return out;
}

/// A `subnet:` or `vnet:` text, or an id of a subnet or VNet, resolved to one resource, or the error.
std::optional<ReachCandidate> reach_resolve_network(const model::Model& m, ReachOption option, std::string_view text,
                                                    std::string_view name, RK kind, ReachQueryError& error) {
  if (name.empty()) {
    error = reach_error(option, ReachErrorCode::kEmpty, text);
    return std::nullopt;
  }
  const std::vector<int> found = kind == RK::kSubnet ? reach_subnets_named(m, name) : reach_vnets_named(m, name);
  if (found.size() == 1) return ReachCandidate{kind, found.front(), -1};
  if (found.empty()) {
    error = reach_error(option, ReachErrorCode::kUnknown, text);
    error.suggestions = model::nearest_names(
        name, kind == RK::kSubnet ? reach_subnet_names(m) : model::resource_names(m, {RK::kVirtualNetwork}));
    return std::nullopt;
  }
  error = reach_error(option, ReachErrorCode::kAmbiguous, text);
  for (int i : found) error.candidates.push_back({kind, i, -1});
  return std::nullopt;
}

/// Every ip configuration of NIC `n`.
void reach_add_nic(const model::Model& m, int n, std::set<IpConfigIndex>& out) {
  for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) out.insert({n, static_cast<int>(c)});
}

/// The ip configurations (and, for targets, private endpoints) a candidate stands for.
struct ReachSourceMembers {
  std::set<IpConfigIndex> ip_configurations;
  std::set<int> private_endpoints;
  friend bool operator==(const ReachSourceMembers&, const ReachSourceMembers&) = default;
};

ReachSourceMembers reach_members_of(const model::Model& m, const ReachCandidate& c) {
  ReachSourceMembers out;
  switch (c.kind) {
    case RK::kNetworkInterface:
      if (c.child >= 0) {
        out.ip_configurations.insert({c.index, c.child});
      } else {
        reach_add_nic(m, c.index, out.ip_configurations);
      }
      break;
    case RK::kVirtualMachine:
      for (const auto& ref : m.vms[c.index].network_interfaces) {
        if (ref.resolved()) reach_add_nic(m, ref.index, out.ip_configurations);
      }
      break;
    case RK::kPrivateEndpoint: out.private_endpoints.insert(c.index); break;
    case RK::kSubnet:
    case RK::kVirtualNetwork: {
      const auto in = [&](int subnet) {
        if (subnet < 0) return false;
        return c.kind == RK::kSubnet ? subnet == c.index : m.subnets[subnet].vnet.index == c.index;
      };
      for (std::size_t n = 0; n < m.nics.size(); ++n) {
        const auto& cfgs = m.nics[n].ip_configurations;
        for (std::size_t i = 0; i < cfgs.size(); ++i) {
          if (in(cfgs[i].subnet.index)) out.ip_configurations.insert({static_cast<int>(n), static_cast<int>(i)});
        }
      }
      for (std::size_t p = 0; p < m.private_endpoints.size(); ++p) {
        if (in(m.private_endpoints[p].subnet.index)) out.private_endpoints.insert(static_cast<int>(p));
      }
      break;
    }
    default: break;
  }
  return out;
}

/// The NICs, VMs, ip configurations (and, with `endpoints`, private endpoints) a name or id names; for an id, also
/// the subnet or VNet it is.
std::vector<ReachCandidate> reach_resources_named(const model::Model& m, std::string_view text, bool endpoints) {
  const ReachText t = reach_text(text);
  std::vector<ReachCandidate> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    if (reach_named(nic, t)) out.push_back({RK::kNetworkInterface, static_cast<int>(n), -1});
    if (!t.is_id) continue;
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      if (model::canonical_id(model::ip_configuration_id(nic, nic.ip_configurations[c])) == t.canonical) {
        out.push_back({RK::kNetworkInterface, static_cast<int>(n), static_cast<int>(c)});
      }
    }
  }
  for (std::size_t v = 0; v < m.vms.size(); ++v) {
    if (reach_named(m.vms[v], t)) out.push_back({RK::kVirtualMachine, static_cast<int>(v), -1});
  }
  if (endpoints) {
    for (std::size_t p = 0; p < m.private_endpoints.size(); ++p) {
      if (reach_named(m.private_endpoints[p], t)) out.push_back({RK::kPrivateEndpoint, static_cast<int>(p), -1});
    }
  }
  if (t.is_id) {
    for (std::size_t s = 0; s < m.subnets.size(); ++s) {
      if (m.subnets[s].key == t.canonical) out.push_back({RK::kSubnet, static_cast<int>(s), -1});
    }
    for (std::size_t v = 0; v < m.vnets.size(); ++v) {
      if (m.vnets[v].key == t.canonical) out.push_back({RK::kVirtualNetwork, static_cast<int>(v), -1});
    }
  }
  reach_sort_candidates(out);
  return out;
}

/// The one meaning of several candidates that all stand for the same members (a VM and its only NIC of the same
/// name), or none.
std::optional<ReachCandidate> reach_one_meaning(const model::Model& m, const std::vector<ReachCandidate>& found) {
  if (found.empty()) return std::nullopt;
  const ReachSourceMembers first = reach_members_of(m, found.front());
  for (std::size_t i = 1; i < found.size(); ++i) {
    if (!(reach_members_of(m, found[i]) == first)) return std::nullopt;
  }
  // The widest form: a VM before its NIC, a NIC before one of its ip configurations.
  for (const RK kind : {RK::kVirtualMachine, RK::kNetworkInterface}) {
    for (const auto& c : found) {
      if (c.kind == kind && c.child < 0) return c;
    }
  }
  return found.front();
}

/// The error of a name that names nothing: the nearest names of the kinds the option accepts, and the subnets and
/// VNets of exactly that name (which `subnet:` and `vnet:` name).
ReachQueryError reach_unknown_name(const model::Model& m, ReachOption option, std::string_view text, bool endpoints) {
  ReachQueryError e = reach_error(option, ReachErrorCode::kUnknown, text);
  std::vector<std::string> names =
      endpoints ? model::resource_names(m, {RK::kNetworkInterface, RK::kVirtualMachine, RK::kPrivateEndpoint})
                : model::resource_names(m, {RK::kNetworkInterface, RK::kVirtualMachine});
  e.suggestions = model::nearest_names(text, names);
  if (text.empty() || text.front() == '/') return e;
  for (int s : reach_subnets_named(m, text)) e.candidates.push_back({RK::kSubnet, s, -1});
  for (int v : reach_vnets_named(m, text)) e.candidates.push_back({RK::kVirtualNetwork, v, -1});
  reach_sort_candidates(e.candidates);
  return e;
}

/// A candidate text (a name, an id, `subnet:`, `vnet:`) resolved to one candidate, or the error. An address or a
/// prefix is the caller's.
std::optional<ReachCandidate> reach_resolve_named(const model::Model& m, ReachOption option, std::string_view text,
                                                  bool endpoints, ReachQueryError& error) {
  if (text.empty()) {
    error = reach_error(option, ReachErrorCode::kEmpty, text);
    return std::nullopt;
  }
  if (const auto name = reach_after_kind(text, "subnet:")) {
    return reach_resolve_network(m, option, text, *name, RK::kSubnet, error);
  }
  if (const auto name = reach_after_kind(text, "vnet:")) {
    return reach_resolve_network(m, option, text, *name, RK::kVirtualNetwork, error);
  }
  const std::vector<ReachCandidate> found = reach_resources_named(m, text, endpoints);
  if (const auto one = reach_one_meaning(m, found)) return one;
  if (found.empty()) {
    error = reach_unknown_name(m, option, text, endpoints);
  } else {
    error = reach_error(option, ReachErrorCode::kAmbiguous, text);
    error.candidates = found;
  }
  return std::nullopt;
}

/// The ip configurations (and, with `endpoints`, private endpoints) holding `a`.
std::vector<ReachCandidate> reach_holders_of(const model::Model& m, const IpAddress& a, bool endpoints) {
  std::vector<ReachCandidate> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].private_ip == a) out.push_back({RK::kNetworkInterface, static_cast<int>(n), static_cast<int>(c)});
    }
  }
  if (endpoints) {
    for (std::size_t p = 0; p < m.private_endpoints.size(); ++p) {
      const auto& ips = m.private_endpoints[p].private_ips;
      if (std::find(ips.begin(), ips.end(), a) != ips.end()) out.push_back({RK::kPrivateEndpoint, static_cast<int>(p)});
    }
  }
  reach_sort_candidates(out);
  return out;
}

/// The subnets whose prefixes hold or overlap `s`.
std::vector<ReachCandidate> reach_subnets_overlapping(const model::Model& m, const model::IpSet& s) {
  std::vector<ReachCandidate> out;
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    if (model::to_set(m.subnets[i].prefixes).intersects(s)) out.push_back({RK::kSubnet, static_cast<int>(i), -1});
  }
  return out;
}

/// The first VNet whose address space overlaps `s`, or -1.
int reach_vnet_overlapping(const model::Model& m, const model::IpSet& s) {
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    if (model::to_set(m.vnets[v].address_space).intersects(s)) return static_cast<int>(v);
  }
  return -1;
}

/// The GatewaySubnet of VNet `v`, or -1.
int reach_gateway_subnet_of(const model::Model& m, int v) {
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    if (m.subnets[s].vnet.index == v && reach_is_gateway_subnet(m.subnets[s])) return static_cast<int>(s);
  }
  return -1;
}

/// On-premises addresses `prefix` (outside every VNet), arriving through the gateway subnet `gateway` chooses.
ResolvedReachSource reach_on_premises(const model::Model& m, std::string_view text, const model::IpSet& prefix,
                                      std::string_view gateway) {
  ResolvedReachSource out;
  int vnet = -1;
  if (!gateway.empty()) {
    ReachQueryError e;
    const auto v = reach_resolve_network(m, ReachOption::kGateway, gateway, gateway, RK::kVirtualNetwork, e);
    if (!v) {
      out.error = std::move(e);
      return out;
    }
    vnet = v->index;
    if (reach_gateway_subnet_of(m, vnet) < 0) {
      out.error = reach_error(ReachOption::kGateway, ReachErrorCode::kGatewayWithoutSubnet, gateway);
      out.error->vnet = vnet;
      return out;
    }
  } else {
    std::vector<ReachCandidate> with;
    for (std::size_t v = 0; v < m.vnets.size(); ++v) {
      if (reach_gateway_subnet_of(m, static_cast<int>(v)) >= 0)
        with.push_back({RK::kVirtualNetwork, static_cast<int>(v)});
    }
    if (with.size() != 1) {
      out.error =
          reach_error(ReachOption::kFrom,
                      with.empty() ? ReachErrorCode::kNoGatewaySubnet : ReachErrorCode::kSeveralGatewaySubnets, text);
      out.error->candidates = std::move(with);
      return out;
    }
    vnet = with.front().index;
  }
  ReachSource s;
  s.kind = ReachSource::Kind::kPrefix;
  s.prefix = prefix;
  s.vnet = vnet;
  s.subnet = reach_gateway_subnet_of(m, vnet);
  out.sources.push_back(std::move(s));
  return out;
}

ResolvedReachSource reach_from_address(const model::Model& m, std::string_view text, const IpAddress& a,
                                       std::string_view gateway) {
  ResolvedReachSource out;
  const std::vector<ReachCandidate> holders = reach_holders_of(m, a, false);
  if (holders.size() > 1) {
    out.error = reach_error(ReachOption::kFrom, ReachErrorCode::kAmbiguousAddress, text);
    out.error->candidates = holders;
    return out;
  }
  const model::IpSet one = model::to_set(a);
  if (holders.empty()) {
    const std::vector<ReachCandidate> subnets = reach_subnets_overlapping(m, one);
    if (!subnets.empty()) {
      out.error = reach_error(ReachOption::kFrom, ReachErrorCode::kUnheldAddress, text);
      out.error->subnet = subnets.front().index;
      out.error->candidates = subnets;
      return out;
    }
    if (const int v = reach_vnet_overlapping(m, one); v >= 0) {
      out.error = reach_error(ReachOption::kFrom, ReachErrorCode::kAddressOutsideSubnets, text);
      out.error->vnet = v;
      return out;
    }
    return reach_on_premises(m, text, one, gateway);
  }
  ReachSource s;
  s.kind = ReachSource::Kind::kIpConfiguration;
  s.ip_configuration = {holders.front().index, holders.front().child};
  out.sources.push_back(std::move(s));
  return out;
}

ReachSource reach_network_source(const model::Model& m, const ReachCandidate& c) {
  ReachSource s;
  if (c.kind == RK::kSubnet) {
    s.kind = ReachSource::Kind::kSubnet;
    s.subnet = c.index;
    s.vnet = m.subnets[c.index].vnet.index;
  } else {
    s.kind = ReachSource::Kind::kVirtualNetwork;
    s.vnet = c.index;
  }
  return s;
}

}  // namespace

ResolvedReachSource resolve_reach_source(const model::Model& m, std::string_view text, std::string_view gateway) {
  ResolvedReachSource out;
  const auto address = IpAddress::parse(text);
  const auto prefix = text.find('/') != std::string_view::npos && !text.empty() && text.front() != '/'
                          ? IpPrefix::parse(text)
                          : std::nullopt;
  if (prefix) {
    const model::IpSet set = model::to_set(*prefix);
    if (const int v = reach_vnet_overlapping(m, set); v >= 0) {
      out.error = reach_error(ReachOption::kFrom, ReachErrorCode::kPrefixInVnet, text);
      out.error->vnet = v;
      out.error->candidates = reach_subnets_overlapping(m, set);
      return out;
    }
    return reach_on_premises(m, text, set, gateway);
  }
  if (address) {
    out = reach_from_address(m, text, *address, gateway);
  } else {
    ReachQueryError e;
    const auto c = reach_resolve_named(m, ReachOption::kFrom, text, false, e);
    if (!c) {
      out.error = std::move(e);
      return out;
    }
    if (c->kind == RK::kSubnet || c->kind == RK::kVirtualNetwork) {
      out.sources.push_back(reach_network_source(m, *c));
    } else {
      for (const auto& cfg : reach_members_of(m, *c).ip_configurations) {
        ReachSource s;
        s.kind = ReachSource::Kind::kIpConfiguration;
        s.ip_configuration = cfg;
        out.sources.push_back(std::move(s));
      }
    }
  }
  const bool prefix_source = !out.sources.empty() && out.sources.front().kind == ReachSource::Kind::kPrefix;
  if (!out.error && !gateway.empty() && !prefix_source) {
    out.sources.clear();
    out.error = reach_error(ReachOption::kGateway, ReachErrorCode::kGatewayNotApplicable, gateway);
  }
  return out;
}

bool ReachTargets::admits(model::ResourceKind kind, int index) const {
  if (kind == RK::kPaasService) return std::binary_search(paas_services.begin(), paas_services.end(), index);
  if (kind == RK::kPrivateEndpoint)
    return std::binary_search(private_endpoints.begin(), private_endpoints.end(), index);
  if (kind != RK::kNetworkInterface) return false;
  const auto it = std::lower_bound(ip_configurations.begin(), ip_configurations.end(), IpConfigIndex{index, -1});
  return it != ip_configurations.end() && it->nic == index;
}

bool ReachTargets::contains(const ReachFlow& f) const {
  if (f.target_kind == RK::kPaasService) {
    if (!admits(f.target_kind, f.target)) return false;
    const auto& other_only = scm_path(f.path) ? paas_main_only : paas_scm_only;  // named by the other site's host
    return !std::binary_search(other_only.begin(), other_only.end(), f.target);
  }
  if (f.target_kind == RK::kPrivateEndpoint) return admits(f.target_kind, f.target);
  return std::binary_search(ip_configurations.begin(), ip_configurations.end(),
                            IpConfigIndex{f.nic, f.ip_configuration});
}

ResolvedReachTargets resolve_reach_targets(const model::Model& m, std::string_view text) {
  ResolvedReachTargets out;
  // A PaaS service's public endpoint, by name, id or host name (an App Service's SCM host: its SCM site only); with
  // a resource of the same name, both.
  const std::string_view trimmed = text;
  for (std::size_t i = 0; i < m.paas_services.size() && !trimmed.empty(); ++i) {
    const auto& s = m.paas_services[i];
    const int index = static_cast<int>(i);
    if (model::ascii::iequals(s.name, trimmed) || model::ascii::iequals(s.id, trimmed)) {
      out.targets.paas_services.push_back(index);
    } else if (model::ascii::iequals(s.host_name, trimmed)) {
      out.targets.paas_services.push_back(index);
      if (s.has_scm) out.targets.paas_main_only.push_back(index);
    } else if (s.has_scm && !s.scm_host_name.empty() && model::ascii::iequals(s.scm_host_name, trimmed)) {
      out.targets.paas_services.push_back(index);
      out.targets.paas_scm_only.push_back(index);
    }
  }
  if (!out.targets.paas_services.empty()) {
    ReachQueryError ignored;
    if (const auto c = reach_resolve_named(m, ReachOption::kTo, text, true, ignored)) {
      const ReachSourceMembers members = reach_members_of(m, *c);
      out.targets.ip_configurations.assign(members.ip_configurations.begin(), members.ip_configurations.end());
      out.targets.private_endpoints.assign(members.private_endpoints.begin(), members.private_endpoints.end());
    }
    return out;
  }
  std::optional<ReachCandidate> chosen;
  if (const auto address = IpAddress::parse(text)) {
    const std::vector<ReachCandidate> holders = reach_holders_of(m, *address, true);
    if (holders.size() == 1) {
      chosen = holders.front();
    } else {
      out.error = reach_error(ReachOption::kTo,
                              holders.empty() ? ReachErrorCode::kUnknown : ReachErrorCode::kAmbiguousAddress, text);
      out.error->candidates = holders;
      return out;
    }
  } else {
    ReachQueryError e;
    chosen = reach_resolve_named(m, ReachOption::kTo, text, true, e);
    if (!chosen) {
      out.error = std::move(e);
      return out;
    }
  }
  const ReachSourceMembers members = reach_members_of(m, *chosen);
  out.targets.ip_configurations.assign(members.ip_configurations.begin(), members.ip_configurations.end());
  out.targets.private_endpoints.assign(members.private_endpoints.begin(), members.private_endpoints.end());
  return out;
}

}  // namespace exposim::solver
