// Network security groups and their rules (service tags, application security groups), and application
// security groups.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"
#include "importers/azure/service_tags.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// What the NSG family keeps across files until finish().
struct NsgState {
  std::vector<PendingChild<model::SecurityRule>> rules;
};

/// Reads one side (source or destination) of a rule. False when nothing at all is listed. `unknown` is set
/// when an entry (prefix, tag or application security group) is only known at deployment. A tag exposim cannot
/// resolve is a warning in an inbound rule and a note in an outbound one (`outbound`): exposim analyses inbound
/// traffic, which outbound rules never decide.
bool read_addresses(ReaderContext& ctx, JsonObject props, std::string_view single, std::string_view plural,
                    std::string_view asgs, model::AddressMatch& out, bool& unknown, bool outbound = false) {
  bool listed = false;
  ctx.for_each_text(props, single, plural, [&](std::string_view raw) {
    const std::string_view t = trim(raw);
    if (t.empty()) return;
    listed = true;
    read_address_entry(ctx, raw, out, unknown, outbound, unresolved_service_tag_message);
  });
  std::vector<Ref> groups = ctx.get_ref_list(props, asgs);
  if (!groups.empty()) listed = true;
  for (auto& g : groups) {
    if (model::is_unknown(g)) {
      unknown = true;
    } else {
      out.asgs.push_back(std::move(g));
    }
  }
  return listed;
}

/// What became of a security rule read.
enum class RuleRead {
  kKeep,
  kError,    // reported; left out
  kIgnored,  // left out without an error: a Deny rule with an unknown field (matches nothing)
};

/// Fills a security rule. The pointer is at the rule's object. Fields only known at deployment are read
/// conservatively (docs/model.md, "Unknown values"): in an Allow rule (an unknown `access` is Allow) an unknown
/// address, port or protocol is `*`, an unknown direction Inbound, an unknown priority kUnknownAllowPriority
/// (evaluated before every rule); a Deny rule with any unknown field is left out (it matches nothing).
RuleRead read_rule(ReaderContext& ctx, JsonObject o, ChildIds ids, bool is_default, model::SecurityRule& r) {
  std::optional<PointerScope> props_scope;
  const auto child = ctx.begin_child(o, std::move(ids), r, props_scope);
  r.is_default = is_default;
  r.is_jit = ascii::starts_with_lower(r.name, "securitycenter-jitrule");
  if (!child.props) return RuleRead::kError;
  const JsonObject props = *child.props;
  const std::size_t rule_mark = child.mark;  // the rule's own pointer is ptr.substr(0, rule_mark)

  auto missing = [&](std::string_view field) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, rule_mark),
               fmt::format("security rule '{}' has no '{}'", r.name, field));
  };

  bool unknown_protocol = false, unknown_access = false, unknown_direction = false;
  if (auto f = ctx.get_string(props, keys::kProtocol)) {
    if (auto m = security_rule_protocol(trim(*f))) {
      r.protocols = *m;
    } else {
      unknown_protocol =
          ctx.invalid_value_at(f.key, *f, fmt::format("protocol '{}' is not Tcp, Udp, Icmp, Esp, Ah or '*'", *f));
    }
  } else if (f.unknown) {
    unknown_protocol = true;
  } else if (!f.present) {
    missing("protocol");
  }

  // A required field with two spellings allowed (case-insensitive, spaces trimmed).
  auto read_choice = [&](std::string_view key, std::string_view field, std::string_view a, auto value_a,
                         std::string_view b, auto value_b, auto& out, std::string_view expected, bool& unknown) {
    if (auto f = ctx.get_string(props, key)) {
      if (ascii::equals_lower(trim(*f), a)) {
        out = value_a;
      } else if (ascii::equals_lower(trim(*f), b)) {
        out = value_b;
      } else {
        unknown = ctx.invalid_value_at(f.key, *f, fmt::format("{} '{}' is not {}", field, *f, expected));
      }
    } else if (f.unknown) {
      unknown = true;
    } else if (!f.present) {
      missing(field);
    }
  };
  read_choice(keys::kAccess, "access", "allow", model::Access::kAllow, "deny", model::Access::kDeny, r.access,
              "Allow or Deny", unknown_access);
  read_choice(keys::kDirection, "direction", "inbound", model::Direction::kInbound, "outbound",
              model::Direction::kOutbound, r.direction, "Inbound or Outbound", unknown_direction);

  const auto priority =
      ctx.get_int(props, keys::kPriority, is_default ? 65000 : 100, is_default ? 65500 : 4096, "priority");
  if (priority) {
    r.priority = static_cast<int>(*priority);
  } else if (!priority.present) {
    missing("priority");
  }

  auto missing_side = [&](std::string_view a, std::string_view b, std::string_view c) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, rule_mark),
               fmt::format("security rule '{}' has no '{}', '{}' or '{}'", r.name, a, b, c));
  };
  const bool outbound = r.direction == model::Direction::kOutbound;
  bool unknown_source = false, unknown_destination = false;
  if (!read_addresses(ctx, props, keys::kSourceAddressPrefix, keys::kSourceAddressPrefixes,
                      keys::kSourceApplicationSecurityGroups, r.source, unknown_source, outbound)) {
    missing_side("sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups");
  }
  if (!read_addresses(ctx, props, keys::kDestinationAddressPrefix, keys::kDestinationAddressPrefixes,
                      keys::kDestinationApplicationSecurityGroups, r.destination, unknown_destination, outbound)) {
    missing_side("destinationAddressPrefix", "destinationAddressPrefixes", "destinationApplicationSecurityGroups");
  }
  auto missing_ports = [&](std::string_view a, std::string_view b) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, rule_mark),
               fmt::format("security rule '{}' has no '{}' or '{}'", r.name, a, b));
  };
  bool unknown_source_ports = false, unknown_destination_ports = false;
  if (!ctx.read_ports(props, keys::kSourcePortRange, keys::kSourcePortRanges, r.source_ports, &unknown_source_ports)) {
    missing_ports("sourcePortRange", "sourcePortRanges");
  }
  if (!ctx.read_ports(props, keys::kDestinationPortRange, keys::kDestinationPortRanges, r.destination_ports,
                      &unknown_destination_ports)) {
    missing_ports("destinationPortRange", "destinationPortRanges");
  }
  if (ctx.failed_since(child)) return RuleRead::kError;
  if (!(unknown_protocol || unknown_access || unknown_direction || priority.unknown || unknown_source ||
        unknown_destination || unknown_source_ports || unknown_destination_ports)) {
    return RuleRead::kKeep;
  }
  if (unknown_access) r.access = model::Access::kAllow;
  if (r.access == model::Access::kDeny) return RuleRead::kIgnored;
  if (unknown_protocol) r.protocols = model::kAllProtocols;
  if (unknown_direction) r.direction = model::Direction::kInbound;
  if (priority.unknown) r.priority = model::kUnknownAllowPriority;
  if (unknown_source) r.source.any = true;
  if (unknown_destination) r.destination.any = true;
  if (unknown_source_ports) r.source_ports = model::PortSet::all();
  if (unknown_destination_ports) r.destination_ports = model::PortSet::all();
  return RuleRead::kKeep;
}

/// Reads the rules of array field `name` of an NSG's properties into `out`.
void read_rule_list(ReaderContext& ctx, JsonObject props, std::string_view name, std::string_view parent_id,
                    bool is_default, std::vector<model::SecurityRule>& out) {
  const std::string_view segment =
      is_default ? segments::kDefaultSecurityRulesAsWritten : segments::kSecurityRulesAsWritten;
  ctx.for_each_child(props, name, parent_id, segment, "security rule", [&](JsonObject o, ChildIds ids) {
    // Built in place: rules are large, and a bad one is dropped again.
    if (read_rule(ctx, o, std::move(ids), is_default, out.emplace_back()) != RuleRead::kKeep) out.pop_back();
  });
}

/// A security rule or default security rule given as a separate resource.
bool read_separate_rule(ReaderContext& ctx, Resource& resource, bool is_default) {
  if (is_default && ctx.options.from_template) return true;  // read-only: Azure applies its own six
  model::SecurityRule r;
  const RuleRead read = read_rule(ctx, resource.object, ChildIds{resource.base.id, resource.base.name}, is_default, r);
  if (read == RuleRead::kError) return false;
  if (read == RuleRead::kIgnored) return true;
  std::string key = model::canonical_id(r.id);
  std::string parent_id = std::move(resource.parent_id);
  ctx.state<NsgState>().rules.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(r)});
  return true;
}

}  // namespace

std::optional<model::ProtocolMask> security_rule_protocol(std::string_view t) {
  using model::Protocol;
  if (t == "*" || ascii::equals_lower(t, "any")) return model::kAllProtocols;
  if (ascii::equals_lower(t, "tcp")) return model::bit(Protocol::kTcp);
  if (ascii::equals_lower(t, "udp")) return model::bit(Protocol::kUdp);
  if (ascii::equals_lower(t, "icmp")) return model::bit(Protocol::kIcmp);
  if (ascii::equals_lower(t, "esp")) return model::bit(Protocol::kEsp);
  if (ascii::equals_lower(t, "ah")) return model::bit(Protocol::kAh);
  return std::nullopt;
}

void read_address_entry(ReaderContext& ctx, std::string_view raw, model::AddressMatch& out, bool& unknown,
                        bool outbound, std::string (*unresolved_message)(std::string_view tag)) {
  const std::string_view t = trim(raw);
  if (t == "*" || ascii::equals_lower(t, "any")) {
    out.any = true;
    return;
  }
  if (is_unknown_value(raw) || (ctx.options.from_template && looks_like_placeholder(t))) {
    ctx.note_unknown(raw);
    unknown = true;
    return;
  }
  if (looks_like_ip(t)) {
    if (auto p = ctx.prefix_value(t, &unknown)) out.prefixes.push_back(*p);
    return;
  }
  auto add_tag = [&](model::ServiceTag tag) {
    if (std::find(out.tags.begin(), out.tags.end(), tag) == out.tags.end()) out.tags.push_back(tag);
  };
  const TagKind kind = classify_service_tag(t);
  const model::ServiceTagTable* table = ctx.options.service_tags;
  if (kind != TagKind::kInternet && kind != TagKind::kVirtualNetwork && kind != TagKind::kAzureLoadBalancer &&
      model::service_tag_addresses(table, t) != nullptr) {
    out.other_tags.emplace_back(t);  // the published table resolves it (solver/nsg.cpp)
    return;
  }
  switch (kind) {
    case TagKind::kInternet: add_tag(model::ServiceTag::kInternet); return;
    case TagKind::kVirtualNetwork: add_tag(model::ServiceTag::kVirtualNetwork); return;
    case TagKind::kAzureLoadBalancer: add_tag(model::ServiceTag::kAzureLoadBalancer); return;
    case TagKind::kUnresolved:
      out.other_tags.emplace_back(t);
      if (outbound) {
        ctx.report(Severity::kNote, table != nullptr ? "service-tag-not-in-file" : "unresolved-service-tag", ctx.ptr,
                   fmt::format("service tag '{}' is not resolved to addresses; it is in an outbound rule, which does "
                               "not decide what the internet reaches",
                               t));
      } else if (table != nullptr) {
        ctx.warning("service-tag-not-in-file", service_tag_not_in_file_message(t, *table));
      } else {
        ctx.warning("unresolved-service-tag", unresolved_message(t));
      }
      return;
    case TagKind::kUnknown:
      if (outbound) {
        ctx.report(Severity::kNote, "unknown-service-tag", ctx.ptr,
                   fmt::format("unknown service tag '{}' matches nothing; it is in an outbound rule, which does not "
                               "decide what the internet reaches",
                               t));
      } else {
        ctx.warning("unknown-service-tag", fmt::format("unknown service tag '{}' matches nothing", t));
      }
      return;
  }
}

bool read_nsg(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::NetworkSecurityGroup n;
  static_cast<model::ResourceBase&>(n) = std::move(base);
  // Rules are large: size the vector once instead of letting it double.
  n.rules.reserve(array_size(props, keys::kSecurityRules) + array_size(props, keys::kDefaultSecurityRules));
  read_rule_list(ctx, props, keys::kSecurityRules, n.id, false, n.rules);
  // In a template, `defaultSecurityRules` is read-only and ignored by Azure, which always applies its own six:
  // whatever is written there (even a bad value) is ignored too.
  if (!ctx.options.from_template) read_rule_list(ctx, props, keys::kDefaultSecurityRules, n.id, true, n.rules);
  n.subnets = ctx.get_ref_list(props, keys::kSubnets);
  n.network_interfaces = ctx.get_ref_list(props, keys::kNetworkInterfaces);
  ctx.model.nsgs.push_back(std::move(n));
  return true;
}

bool read_asg(ReaderContext& ctx, Resource& resource) {
  model::ApplicationSecurityGroup a;
  static_cast<model::ResourceBase&>(a) = std::move(resource.base);
  ctx.model.asgs.push_back(std::move(a));
  return true;
}

bool read_separate_security_rule(ReaderContext& ctx, Resource& resource) {
  return read_separate_rule(ctx, resource, false);
}

bool read_separate_default_security_rule(ReaderContext& ctx, Resource& resource) {
  return read_separate_rule(ctx, resource, true);
}

void attach_security_rules(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<NsgState>().rules, ctx.model.nsgs, [](auto& n) -> auto& { return n.rules; },
      [](const model::SecurityRule& r) { return model::canonical_id(r.id); }, "security rule",
      "network security group");
}

}  // namespace exposim::importers::azure
