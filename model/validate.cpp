// The validation pass: the driver that runs every family's step in order (reference resolution, platform defaults,
// consistency checks, graph building), and the reference resolution they share (model/resolver.h).
#include "model/validate.h"

#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/resolver.h"
#include "model/unknown.h"

namespace exposim::model {
namespace {

template <typename T>
void drop_duplicates(std::vector<T>& items, const char* what, Diagnostics& diags, std::set<std::string>& seen) {
  std::vector<T> kept;
  kept.reserve(items.size());
  for (auto& item : items) {
    if (item.key.empty()) {
      kept.push_back(std::move(item));
      continue;
    }
    if (!seen.insert(item.key).second) {
      diags.warning("duplicate-resource", item.where,
                    fmt::format("{} '{}' is defined more than once; keeping the first definition", what, item.name));
      continue;
    }
    kept.push_back(std::move(item));
  }
  items = std::move(kept);
}

/// The worst case consistent with the input that a missing resource of `kind` is analysed as.
const char* assumption(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kNetworkSecurityGroup: return "admitting everything";
    case ResourceKind::kSubnet: return "a subnet with no NSG and no route table";
    case ResourceKind::kPublicIp: return "a Basic public IP of unknown address";
    case ResourceKind::kRouteTable:
      return "a route table whose routes divert nothing and put every address into the VirtualNetwork tag";
    case ResourceKind::kVirtualNetwork: return "a virtual network whose address space is its known subnets' prefixes";
    default: return "absent";
  }
}

}  // namespace

void Resolver::resolve(Ref& ref, ResourceKind kind, const SourceLocation& where, bool flattened, std::string_view field,
                       bool decides_exposure) {
  if (!ref.set()) return;
  if (is_unknown(ref)) {  // only known at deployment: reported by the importer, read as a missing target
    ref.index = -1;
    return;
  }
  auto v = model.find(ref.id);
  if (v && v->kind == kind) {
    ref.index = v->index;
    return;
  }
  ref.index = -1;
  SourceLocation at = where;
  at.pointer += flattened ? std::string(field) : "/properties" + std::string(field);
  const std::string what = v ? fmt::format("'{}' is a {}, expected a {}", ref.id, to_string(v->kind), to_string(kind))
                             : fmt::format("'{}' is not in the input", ref.id);
  if (!decides_exposure) {
    // Nothing the user must act on: the answer is the same whatever the resource is (a --verbose note).
    const bool hint = !v && (kind == ResourceKind::kSubnet || kind == ResourceKind::kNetworkInterface);
    diags.add({Severity::kNote, "missing-reference", at,
               fmt::format("referenced {} {}{}", to_string(kind), what,
                           hint ? "; this does not change the analysis (add the file that declares it to the "
                                  "input to include it)"
                                : "")});
  } else if (options.allow_missing && !v) {
    note_missing(ref.id, kind, at);
  } else if (!v) {
    diags.error("dangling-reference", at,
                fmt::format("referenced {} {}: add the file that declares it to the input, or pass "
                            "--allow-missing to analyse it as {}",
                            to_string(kind), what, assumption(kind)));
  } else {
    diags.error("dangling-reference", at, fmt::format("referenced {} {}", to_string(kind), what));
  }
}

void Resolver::note_missing(const std::string& id, ResourceKind kind, const SourceLocation& at) {
  auto& m = missing_.try_emplace(id, Missing{kind, {}}).first->second;
  m.referrers.push_back(at);
}

void Resolver::report_missing() {
  std::vector<std::string> items;
  const SourceLocation* first = nullptr;
  for (const auto& vnet : model.vnets) {
    if (!is_assumed(vnet)) continue;
    std::vector<std::string> subnets;
    for (const auto& r : vnet.subnets) {
      if (r.resolved()) subnets.push_back(fmt::format("'{}'", model.subnets[r.index].name));
    }
    items.push_back(fmt::format("virtual network '{}' (parent of subnet {}; analysed as {})", vnet.id,
                                fmt::join(subnets, ", "), assumption(ResourceKind::kVirtualNetwork)));
    if (first == nullptr || vnet.where < *first) first = &vnet.where;
  }
  for (const auto& subnet : model.subnets) {
    if (!is_assumed(subnet)) continue;
    std::vector<std::string> by;
    const SourceLocation* lister = nullptr;
    if (subnet.nsg.resolved()) {
      by.push_back(fmt::format("NSG '{}'", model.nsgs[subnet.nsg.index].name));
      lister = &model.nsgs[subnet.nsg.index].where;
    }
    if (subnet.route_table.resolved()) {
      by.push_back(fmt::format("route table '{}'", model.route_tables[subnet.route_table.index].name));
      if (lister == nullptr) lister = &model.route_tables[subnet.route_table.index].where;
    }
    if (lister != nullptr && (first == nullptr || *lister < *first)) first = lister;
    items.push_back(fmt::format("subnet '{}' (listed by {}: its NICs in the input are filtered and routed by it)",
                                subnet.id, fmt::join(by, " and ")));
  }
  for (const auto& [id, m] : missing_) {
    std::vector<std::string> where;
    for (const auto& r : m.referrers) where.push_back(format_location(r));
    items.push_back(fmt::format("{} '{}' (referenced at {}; {})", to_string(m.kind), id, fmt::join(where, ", "),
                                m.kind == ResourceKind::kNetworkSecurityGroup
                                    ? std::string("assuming it admits everything")
                                    : fmt::format("analysed as {}", assumption(m.kind))));
    for (const auto& r : m.referrers) {
      if (first == nullptr || r < *first) first = &r;
    }
  }
  if (items.empty() || first == nullptr) return;
  diags.warning("missing-reference", *first,
                fmt::format("{} resource{} not in the input, analysed as the worst case consistent with it: {}",
                            items.size(), items.size() == 1 ? "" : "s", fmt::join(items, "; ")));
}

void Resolver::resolve_child(Ref& ref, const ChildIndex& children, const char* what, int owner,
                             const SourceLocation& where, bool flattened, std::string_view field) {
  if (!ref.set()) return;
  if (is_unknown(ref)) {  // only known at deployment: reported by the importer, read as a missing target
    ref.index = -1;
    ref.child = -1;
    return;
  }
  auto it = children.find(ref.id);
  if (it != children.end() && (owner < 0 || it->second.first == owner)) {
    ref.index = it->second.first;
    ref.child = it->second.second;
    return;
  }
  ref.index = -1;
  ref.child = -1;
  SourceLocation at = where;
  at.pointer += flattened ? std::string(field) : "/properties" + std::string(field);
  if (it != children.end()) {
    diags.error("dangling-reference", at,
                fmt::format("referenced {} '{}' belongs to another load balancer", what, ref.id));
  } else if (options.allow_missing) {
    diags.warning(
        "missing-reference", at,
        fmt::format("referenced {} '{}' is not in the input; exposure through it is not reported", what, ref.id));
  } else {
    diags.error("dangling-reference", at, fmt::format("referenced {} '{}' is not in the input", what, ref.id));
  }
}

void Resolver::attach(Ref& forward, const ResourceBase& target, std::size_t index, const SourceLocation& where,
                      const char* what) {
  if (!forward.set()) {
    forward.id = target.key;
    forward.index = static_cast<int>(index);
  } else if (forward.id != target.key) {
    diags.warning("inconsistent-reference", where,
                  fmt::format("{} '{}' lists this resource, but it references '{}'", what, target.name, forward.id));
  }
}

void validate(Model& model, Diagnostics& diags, const ValidateOptions& options) {
  const std::size_t first_diagnostic = diags.size();
  Resolver rs(model, diags, options);
  std::set<std::string> seen;
  // Scale sets first: their synthesised instances are NICs, VMs and public IPs like any other.
  drop_duplicates(model.scale_sets, noun(ResourceKind::kScaleSet), diags, seen);
  expand_scale_sets(model, diags);
  for_each_kind([&](const auto& row) {
    if (row.kind != ResourceKind::kScaleSet) drop_duplicates(model.*row.items, row.noun, diags, seen);
  });
  if (options.allow_missing) assume_listed_subnets(model);
  build_vertices(model);
  index_load_balancer_children(rs);
  index_ip_configurations(rs);
  resolve_subnets(rs);
  resolve_nsg_back_references(rs);
  resolve_route_table_back_references(rs);
  resolve_nics(rs);
  check_shared_public_ips(rs);
  resolve_vms(rs);
  resolve_load_balancers(rs);
  resolve_scale_sets(rs);
  resolve_private_endpoints(rs);
  resolve_firewalls(rs);
  resolve_bastions(rs);
  resolve_application_gateways(rs);
  resolve_virtual_wans(rs);
  resolve_peerings(rs);
  resolve_jit_policies(rs);
  resolve_network_managers(rs);
  resolve_nat_gateways(rs);
  finish_nsgs(rs);
  rs.report_missing();
  build_edges(model);
  drop_derivable_ids(model);
  name_source_instances(model, diags, first_diagnostic);
}

}  // namespace exposim::model
