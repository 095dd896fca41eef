// Azure Virtual Network Manager: network managers, network groups and their static members, security admin
// configurations, rule collections and security admin rules, and the deployment status that says which
// configurations are committed to which region (docs/model.md, "Security admin rules").
#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"
#include "importers/azure/service_tags.h"
#include "importers/unknown_value.h"

namespace exposim::importers::azure {
namespace {

// Field names of the Virtual Network Manager resources (lowercase: lookups ignore case).
constexpr std::string_view kAdminMemberType = "membertype";
constexpr std::string_view kAdminResourceId = "resourceid";
constexpr std::string_view kAdminApplyOnIntent = "applyonnetworkintentpolicybasedservices";
constexpr std::string_view kAdminAppliesToGroups = "appliestogroups";
constexpr std::string_view kAdminNetworkGroupId = "networkgroupid";
constexpr std::string_view kAdminSources = "sources";
constexpr std::string_view kAdminDestinations = "destinations";
constexpr std::string_view kAdminAddressPrefix = "addressprefix";
constexpr std::string_view kAdminAddressPrefixType = "addressprefixtype";
constexpr std::string_view kAdminSourcePortRange = "sourceportrange";  // not an admin rule field: never present
constexpr std::string_view kAdminDestinationPortRange = "destinationportrange";
constexpr std::string_view kAdminDeploymentStatus = "deploymentstatus";
constexpr std::string_view kAdminConfigurationIds = "configurationids";
constexpr std::string_view kAdminDeploymentType = "deploymenttype";
constexpr std::string_view kAdminRegion = "region";

/// The warning of a service tag exposim cannot resolve, in an admin rule.
std::string unresolved_admin_tag_message(std::string_view tag) {
  return fmt::format(
      "service tag '{}' is not resolved to addresses: Allow and AlwaysAllow admin rules treat it as the whole "
      "internet, Deny admin rules as nothing",
      tag);
}

/// One side of an admin rule (`sources` or `destinations`: objects with `addressPrefix` and `addressPrefixType`
/// IPPrefix, ServiceTag or NetworkGroup). Absent or empty: any address. `unknown` is set for an entry exposim
/// cannot read (only known at deployment, or a network group as an address).
void read_admin_addresses(ReaderContext& ctx, JsonObject props, std::string_view key, model::AddressMatch& out,
                          bool& unknown) {
  bool listed = false;
  ctx.for_each_object(props, key, "address", [&](JsonObject o, std::size_t) {
    auto prefix = ctx.get_string(o, kAdminAddressPrefix);
    if (!prefix) {
      if (prefix.unknown) {
        unknown = true;
      } else if (!prefix.present) {
        ctx.error("missing-field", "address has no 'addressPrefix'");
      }
      return;
    }
    listed = true;
    PointerScope at(ctx.ptr, prefix.key);
    const std::string_view raw = *prefix;
    const std::string_view t = trim(raw);
    std::string type;
    if (auto ty = find_field(o, kAdminAddressPrefixType)) {
      std::string_view text;
      if (ty->value.get(text)) type = ascii::lower(trim(text));
    }
    if (type == "networkgroup") {
      ctx.warning("unresolved-network-group-address",
                  fmt::format("network group '{}' as an address is not resolved: an Allow or AlwaysAllow rule takes "
                              "it as any address, a Deny rule is not applied",
                              t));
      unknown = true;
      return;
    }
    read_address_entry(ctx, raw, out, unknown, false, unresolved_admin_tag_message);
  });
  if (!listed && !unknown) out.any = true;
}

/// The network manager, configuration or collection a child's id names (resource_types.cpp).
Ref admin_parent_ref(const Resource& resource) { return Ref{model::canonical_id(resource.parent_id), -1}; }

}  // namespace

bool read_network_manager(ReaderContext& ctx, Resource& resource) {
  model::NetworkManager nm;
  static_cast<model::ResourceBase&>(nm) = std::move(resource.base);
  ctx.model.network_managers.push_back(std::move(nm));
  return true;
}

bool read_network_group(ReaderContext& ctx, Resource& resource) {
  model::NetworkGroup g;
  g.network_manager = admin_parent_ref(resource);
  static_cast<model::ResourceBase&>(g) = std::move(resource.base);
  if (auto t = ctx.get_string(resource.props, kAdminMemberType)) g.member_type = std::string(trim(*t));
  ctx.model.network_groups.push_back(std::move(g));
  return true;
}

bool read_network_group_static_member(ReaderContext& ctx, Resource& resource) {
  model::NetworkGroupMember member;
  member.group = admin_parent_ref(resource);
  static_cast<model::ResourceBase&>(member) = std::move(resource.base);
  auto id = ctx.get_string(resource.props, kAdminResourceId);
  if (id && !trim(*id).empty()) {
    member.vnet = Ref{model::canonical_id(trim(*id)), -1};
  } else if (id.unknown) {
    // Only known at deployment: some virtual network is a member; the group is read as chosen by a condition.
    member.by_condition = true;
  } else if (!id.present) {
    ctx.error("missing-field", fmt::format("static member '{}' has no 'resourceId'", member.name));
    return false;
  }
  ctx.model.network_group_members.push_back(std::move(member));
  return true;
}

bool read_security_admin_configuration(ReaderContext& ctx, Resource& resource) {
  model::SecurityAdminConfiguration c;
  c.network_manager = admin_parent_ref(resource);
  static_cast<model::ResourceBase&>(c) = std::move(resource.base);
  // A list: All wins over AllowRulesOnly, which wins over None (absent or empty: None, Azure's default).
  bool all = false;
  bool allow_rules_only = false;
  bool unknown = false;
  ctx.for_each_text(resource.props, "", kAdminApplyOnIntent, [&](std::string_view raw) {
    const std::string_view t = trim(raw);
    if (ascii::equals_lower(t, "all")) {
      all = true;
    } else if (ascii::equals_lower(t, "allowrulesonly")) {
      allow_rules_only = true;
    } else if (ascii::equals_lower(t, "none")) {
      // Azure's default
    } else if (is_unknown_value(t)) {
      ctx.note_unknown(t);
      unknown = true;
    } else if (ctx.invalid_value(t, fmt::format("apply on network intent policy based services '{}' is not None, "
                                                "AllowRulesOnly or All",
                                                t))) {
      unknown = true;  // from a template: only known at deployment
    }
  });
  using model::IntentPolicyApply;
  c.on_intent_policy_services = all                ? IntentPolicyApply::kAll
                                : unknown          ? IntentPolicyApply::kUnknown
                                : allow_rules_only ? IntentPolicyApply::kAllowRulesOnly
                                                   : IntentPolicyApply::kNone;
  ctx.model.security_admin_configurations.push_back(std::move(c));
  return true;
}

bool read_admin_rule_collection(ReaderContext& ctx, Resource& resource) {
  model::AdminRuleCollection c;
  c.configuration = admin_parent_ref(resource);
  static_cast<model::ResourceBase&>(c) = std::move(resource.base);
  ctx.for_each_object(resource.props, kAdminAppliesToGroups, "network group", [&](JsonObject o, std::size_t) {
    auto id = ctx.get_string(o, kAdminNetworkGroupId);
    if (id && !trim(*id).empty()) {
      c.applies_to_groups.push_back(Ref{model::canonical_id(trim(*id)), -1});
    } else if (id.unknown) {
      // A group only known at deployment: one not in the input, whose members are not known.
      c.applies_to_groups.emplace_back().id = model::canonical_id("(only known at deployment)");
    } else if (!id.present) {
      ctx.error("missing-field", "network group has no 'networkGroupId'");
    }
  });
  ctx.model.admin_rule_collections.push_back(std::move(c));
  return true;
}

bool read_admin_rule(ReaderContext& ctx, Resource& resource) {
  model::AdminRule a;
  a.collection = admin_parent_ref(resource);
  static_cast<model::ResourceBase&>(a) = std::move(resource.base);
  const JsonObject props = resource.props;
  model::SecurityRule& r = a.rule;
  r.name = a.name;
  r.id = a.id;
  r.where = a.where;
  if (auto kind = ctx.get_string(resource.object, keys::kKind); kind && ascii::equals_lower(trim(*kind), "default")) {
    ctx.warning("unmodelled-admin-rule",
                fmt::format("security admin rule '{}' is of kind Default (a rule Azure defines): not applied", a.name));
    return true;
  }
  const std::size_t errors = ctx.errors;
  auto missing = [&](std::string_view field) {
    ctx.error("missing-field", fmt::format("security admin rule '{}' has no '{}'", a.name, field));
  };
  bool unknown_access = false, unknown_protocol = false, unknown_direction = false;
  if (auto f = ctx.get_string(props, keys::kAccess)) {
    const std::string_view t = trim(*f);
    if (ascii::equals_lower(t, "allow")) {
      a.access = model::AdminAccess::kAllow;
    } else if (ascii::equals_lower(t, "deny")) {
      a.access = model::AdminAccess::kDeny;
    } else if (ascii::equals_lower(t, "alwaysallow")) {
      a.access = model::AdminAccess::kAlwaysAllow;
    } else {
      unknown_access =
          ctx.invalid_value_at(f.key, *f, fmt::format("access '{}' is not Allow, Deny or AlwaysAllow", *f));
    }
  } else if (f.unknown) {
    unknown_access = true;
  } else if (!f.present) {
    missing("access");
  }
  if (auto f = ctx.get_string(props, keys::kProtocol)) {
    if (auto p = security_rule_protocol(trim(*f))) {
      r.protocols = *p;
    } else {
      unknown_protocol =
          ctx.invalid_value_at(f.key, *f, fmt::format("protocol '{}' is not Tcp, Udp, Icmp, Esp, Ah or Any", *f));
    }
  } else if (f.unknown) {
    unknown_protocol = true;
  } else if (!f.present) {
    missing("protocol");
  }
  if (auto f = ctx.get_string(props, keys::kDirection)) {
    if (ascii::equals_lower(trim(*f), "inbound")) {
      r.direction = model::Direction::kInbound;
    } else if (ascii::equals_lower(trim(*f), "outbound")) {
      r.direction = model::Direction::kOutbound;
    } else {
      unknown_direction = ctx.invalid_value_at(f.key, *f, fmt::format("direction '{}' is not Inbound or Outbound", *f));
    }
  } else if (f.unknown) {
    unknown_direction = true;
  } else if (!f.present) {
    missing("direction");
  }
  const auto priority = ctx.get_int(props, keys::kPriority, 1, 4096, "priority");
  if (priority) {
    r.priority = static_cast<int>(*priority);
  } else if (!priority.present) {
    missing("priority");
  }
  bool unknown_source = false, unknown_destination = false;
  read_admin_addresses(ctx, props, kAdminSources, r.source, unknown_source);
  read_admin_addresses(ctx, props, kAdminDestinations, r.destination, unknown_destination);
  bool unknown_source_ports = false, unknown_destination_ports = false;
  if (!ctx.read_ports(props, kAdminSourcePortRange, keys::kSourcePortRanges, r.source_ports, &unknown_source_ports)) {
    r.source_ports = model::PortSet::all();  // absent or empty: every port
  }
  if (!ctx.read_ports(props, kAdminDestinationPortRange, keys::kDestinationPortRanges, r.destination_ports,
                      &unknown_destination_ports)) {
    r.destination_ports = model::PortSet::all();
  }
  if (ctx.errors != errors) return false;
  // Fields only known at deployment, read so that they never hide an exposure (docs/model.md, "Unknown values"):
  // an unknown access is AlwaysAllow; a Deny rule with an unknown field is left out; an Allow or AlwaysAllow rule
  // matches every protocol, address and port it does not know, inbound, before every other rule.
  if (unknown_access) a.access = model::AdminAccess::kAlwaysAllow;
  const bool unknown = unknown_access || unknown_protocol || unknown_direction || priority.unknown || unknown_source ||
                       unknown_destination || unknown_source_ports || unknown_destination_ports;
  if (unknown && a.access == model::AdminAccess::kDeny) return true;
  if (unknown_protocol) r.protocols = model::kAllProtocols;
  if (unknown_direction) r.direction = model::Direction::kInbound;
  if (priority.unknown) r.priority = 0;
  if (unknown_source) r.source.any = true;
  if (unknown_destination) r.destination.any = true;
  if (unknown_source_ports) r.source_ports = model::PortSet::all();
  if (unknown_destination_ports) r.destination_ports = model::PortSet::all();
  r.access = a.access == model::AdminAccess::kDeny ? model::Access::kDeny : model::Access::kAllow;
  ctx.model.admin_rules.push_back(std::move(a));
  return true;
}

bool read_admin_deployment_status(ReaderContext& ctx, JsonObject o) {
  if (!find_field(o, kAdminDeploymentStatus) || !find_field(o, kAdminConfigurationIds)) return false;
  if (auto type = find_field(o, kAdminDeploymentType)) {
    std::string_view t;
    if (type->value.get(t) && !ascii::equals_lower(trim(t), "securityadmin"))
      return true;  // connectivity, routing: not read
  }
  model::AdminDeployment d;
  d.where = ctx.here();
  if (auto region = ctx.get_string(o, kAdminRegion)) {
    for (char c : *region) {
      if (c != ' ') d.region += model::ascii::lower(c);
    }
  }
  if (auto status = ctx.get_string(o, kAdminDeploymentStatus))
    d.deployed = ascii::equals_lower(trim(*status), "deployed");
  ctx.for_each_text(o, "", kAdminConfigurationIds, [&](std::string_view t) {
    if (!trim(t).empty()) d.configurations.push_back(Ref{model::canonical_id(trim(t)), -1});
  });
  // Not a resource: named after its first configuration's network manager and its region.
  std::string manager =
      d.configurations.empty() ? std::string("(no configuration)") : d.configurations.front().id.str();
  if (auto cut = manager.find("/securityadminconfigurations/"); cut != std::string::npos) manager.resize(cut);
  d.id = fmt::format("{}/commit/{}", manager, d.region);
  d.key = model::canonical_id(d.id);
  d.name = fmt::format("commit to {}", d.region);
  d.location = d.region;
  if (d.region.empty()) {
    ctx.warning("missing-field", "deployment status has no 'region': not read");
    return true;
  }
  ctx.model.admin_deployments.push_back(std::move(d));
  return true;
}

}  // namespace exposim::importers::azure
