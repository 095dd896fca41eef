// Azure Firewall (classic rules, hub addresses), firewall policies with their rule collection groups (and
// the legacy rule groups), IP groups (docs/model.md#azure-firewall).
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
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// What the firewall family keeps across files until finish().
struct FirewallState {
  std::vector<PendingChild<model::FirewallRuleCollectionGroup>> groups;  // rule collection groups and rule groups
};

model::ThreatIntelMode read_threat_intel(ReaderContext& ctx, JsonObject props, model::ThreatIntelMode fallback) {
  auto f = ctx.get_string(props, keys::kThreatIntelMode);
  if (!f) return fallback;
  const std::string_view t = trim(*f);
  if (ascii::equals_lower(t, "alert")) return model::ThreatIntelMode::kAlert;
  if (ascii::equals_lower(t, "deny")) return model::ThreatIntelMode::kDeny;
  if (ascii::equals_lower(t, "off")) return model::ThreatIntelMode::kOff;
  ctx.error_at(f.key, "invalid-value", fmt::format("threat intelligence mode '{}' is not Alert, Deny or Off", *f));
  return fallback;
}

/// A firewall rule's address list: `*`, addresses, CIDRs and ranges ("10.0.0.1-10.0.0.9") from the string
/// array `field`, IP groups from `groups`; anything else (service tags, FQDNs) kept as written. An entry only known
/// at deployment or a placeholder makes the list every address and sets `*unknown` (the rule is then widened where it
/// allows and dropped where it denies).
void read_fw_addresses(ReaderContext& ctx, JsonObject o, std::string_view field, std::string_view groups,
                       model::FirewallAddresses& out, bool* unknown) {
  auto widen = [&] {
    out.any = true;
    *unknown = true;
  };
  if (ctx.unknown_list(o, field)) widen();
  if (!groups.empty() && ctx.unknown_list(o, groups)) widen();
  ctx.for_each_text(o, "", field, [&](std::string_view raw) {
    const std::string_view t = trim(raw);
    if (t.empty()) return;
    if (t == "*") {
      out.any = true;
      return;
    }
    if (is_unknown_value(raw) || (ctx.options.from_template && looks_like_placeholder(t))) {
      ctx.note_unknown(raw);
      widen();
      return;
    }
    if (const auto dash = t.find('-'); dash != std::string_view::npos && looks_like_ip(t)) {
      const auto lo = IpAddress::parse(trim(t.substr(0, dash)));
      const auto hi = IpAddress::parse(trim(t.substr(dash + 1)));
      if (!lo || !hi || lo->family() != hi->family() || hi->value < lo->value) {
        if (ctx.invalid_value(raw,
                              fmt::format("address range '{}' is not two addresses of one family, low to high", raw))) {
          widen();
        }
        return;
      }
      model::IpSet range;
      range.add(lo->value, hi->value);
      for (const auto& p : model::to_prefixes(range)) out.prefixes.push_back(p);
      return;
    }
    if (looks_like_ip(t)) {
      bool u = false;
      if (auto p = ctx.prefix_value(t, &u)) out.prefixes.push_back(*p);
      if (u) widen();
      return;
    }
    out.unresolved.emplace_back(t);
  });
  if (groups.empty() || out.any) return;
  // IP groups are listed by id, as strings (the REST shape) or as {id} objects.
  if (auto arr = ctx.get_array(o, groups)) {
    PointerScope s(ctx.ptr, arr.key);
    std::size_t i = 0;
    for (JsonValue e : *arr) {
      PointerScope item(ctx.ptr, i);
      std::string_view text;
      if (e.get(text) && is_unknown_value(text)) {
        ctx.note_unknown(text);
        widen();
      } else if (e.get(text)) {
        if (!trim(text).empty()) out.ip_groups.push_back(Ref{model::canonical_id(trim(text)), -1});
      } else if (auto r = ctx.ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) {
        out.ip_groups.push_back(std::move(*r));
      }
      ++i;
    }
  }
}

model::ProtocolMask fw_protocol(ReaderContext& ctx, std::string_view raw) {
  using model::Protocol;
  const std::string_view t = trim(raw);
  if (ascii::equals_lower(t, "tcp")) return model::bit(Protocol::kTcp);
  if (ascii::equals_lower(t, "udp")) return model::bit(Protocol::kUdp);
  if (ascii::equals_lower(t, "icmp")) return model::bit(Protocol::kIcmp);
  const model::ProtocolMask any = model::bit(Protocol::kTcp) | model::bit(Protocol::kUdp) | model::bit(Protocol::kIcmp);
  if (ascii::equals_lower(t, "any")) return any;
  // From a template, a value ARM would reject is unknown: Any (the rule is then widened or dropped).
  if (ctx.invalid_value(raw, fmt::format("protocol '{}' is not TCP, UDP, ICMP or Any", raw))) return any;
  return 0;
}

/// `protocols` / `ipProtocols` of a DNAT or network rule: TCP, UDP, ICMP, Any.
model::ProtocolMask read_fw_protocols(ReaderContext& ctx, JsonObject o, bool* unknown) {
  using model::Protocol;
  model::ProtocolMask mask = 0;
  const model::ProtocolMask any = model::bit(Protocol::kTcp) | model::bit(Protocol::kUdp) | model::bit(Protocol::kIcmp);
  if (ctx.unknown_list(o, keys::kIpProtocols) || ctx.unknown_list(o, keys::kProtocols)) {
    *unknown = true;
    return any;
  }
  ctx.for_each_text(o, "", keys::kIpProtocols, [&](std::string_view raw) {
    if (is_unknown_value(raw) || (ctx.options.from_template && looks_like_placeholder(raw))) {
      ctx.note_unknown(raw);
      *unknown = true;
      mask |= any;
      return;
    }
    mask |= fw_protocol(ctx, raw);
  });
  if (auto arr = ctx.get_array(o, keys::kProtocols)) {
    PointerScope s(ctx.ptr, arr.key);
    std::size_t i = 0;
    for (JsonValue e : *arr) {
      PointerScope item(ctx.ptr, i++);
      std::string_view text;
      if (e.get(text)) mask |= fw_protocol(ctx, text);
    }
  }
  return mask;
}

/// The translation of a DNAT rule (`translatedAddress` or `translatedFqdn`, `translatedPort`) from `o`:
/// the rule itself, or a legacy NAT rule around its condition. False when it has neither (reported).
bool read_fw_translation(ReaderContext& ctx, JsonObject o, model::FirewallRule& r) {
  if (auto a = ctx.get_string(o, keys::kTranslatedAddress); a && !trim(*a).empty()) {
    if (auto ip = IpAddress::parse(trim(*a))) {
      r.translated_address = *ip;
    } else if (ctx.invalid_value_at(a.key, *a, fmt::format("translated address '{}' is not an IP address", *a))) {
      r.translated_unknown = true;
    }
  } else if (a.unknown) {
    r.translated_unknown = true;  // the DNAT stays an entry point; its target is unknown
  }
  if (auto fq = ctx.get_string(o, keys::kTranslatedFqdn)) {
    r.translated_fqdn = std::string(trim(*fq));
  } else if (fq.unknown) {
    r.translated_unknown = true;
  }
  if (auto f = find_field(o, keys::kTranslatedPort)) {
    PointerScope s(ctx.ptr, f->key);
    model::PortSet port;
    ctx.add_port(f->value, port, f->key, std::nullopt);
    if (port.intervals().size() == 1 && port.intervals()[0].lo == port.intervals()[0].hi) {
      r.translated_port = port.intervals()[0].lo;
    } else if (!port.empty()) {
      ctx.error("invalid-value", "translated port is not a single port");
    }
  }
  if (!r.translated_address && r.translated_fqdn.empty() && !r.translated_unknown) {
    ctx.error("missing-field", fmt::format("DNAT rule '{}' has no 'translatedAddress' or 'translatedFqdn'", r.name));
    return false;
  }
  return true;
}

/// One rule of a collection of `kind`; nullopt when unusable (reported). The pointer is at the rule.
std::optional<model::FirewallRule> read_fw_rule(ReaderContext& ctx, JsonObject o, model::FirewallRuleKind kind,
                                                std::size_t index) {
  model::FirewallRule r;
  r.kind = kind;
  r.where = ctx.here();
  if (auto name = ctx.get_string(o, keys::kName)) {
    r.name = std::string(*name);
  } else if (!name.present) {
    r.name = fmt::format("rule {}", index);
  }
  // Policy rules say their own type; it must agree with the collection.
  if (auto type = ctx.get_string(o, keys::kRuleType)) {
    const std::string_view t = trim(*type);
    if (ascii::equals_lower(t, "natrule")) {
      r.kind = model::FirewallRuleKind::kNat;
    } else if (ascii::equals_lower(t, "networkrule")) {
      r.kind = model::FirewallRuleKind::kNetwork;
    } else if (ascii::equals_lower(t, "applicationrule")) {
      r.kind = model::FirewallRuleKind::kApplication;
    } else {
      ctx.error_at(type.key, "invalid-value",
                   fmt::format("rule type '{}' is not NatRule, NetworkRule or ApplicationRule", *type));
      return std::nullopt;
    }
  }
  read_fw_addresses(ctx, o, keys::kSourceAddresses, keys::kSourceIpGroups, r.sources, &r.unknown);
  read_fw_addresses(ctx, o, keys::kDestinationAddresses, keys::kDestinationIpGroups, r.destinations, &r.unknown);
  ctx.for_each_text(o, "", keys::kDestinationFqdns,
                    [&](std::string_view t) { r.destination_fqdns.emplace_back(trim(t)); });
  if (r.kind == model::FirewallRuleKind::kApplication) {
    r.protocols = model::bit(model::Protocol::kTcp);
    if (auto arr = ctx.get_array(o, keys::kProtocols)) {
      PointerScope s(ctx.ptr, arr.key);
      std::size_t i = 0;
      for (JsonValue e : *arr) {
        PointerScope item(ctx.ptr, i++);
        JsonObject p;
        if (!e.get(p)) continue;
        auto port = find_field(p, keys::kPort);
        if (port) {
          PointerScope ps(ctx.ptr, port->key);
          bool u = false;
          ctx.add_port(port->value, r.destination_ports, port->key, std::nullopt, &u);
          if (u) {  // unknown: every port
            r.destination_ports = model::PortSet::all();
            r.unknown = true;
          }
        }
      }
    }
    ctx.for_each_text(o, "", keys::kTargetFqdns,
                      [&](std::string_view t) { r.destination_fqdns.emplace_back(trim(t)); });
    ctx.for_each_text(o, "", keys::kFqdnTags, [&](std::string_view t) { r.destination_fqdns.emplace_back(trim(t)); });
    return r;
  }
  r.protocols = read_fw_protocols(ctx, o, &r.unknown);
  bool ports_unknown = ctx.unknown_list(o, keys::kDestinationPorts);
  if (!ports_unknown) ctx.read_ports(o, "", keys::kDestinationPorts, r.destination_ports, &ports_unknown);
  if (ports_unknown) {  // every port
    r.destination_ports = model::PortSet::all();
    r.unknown = true;
  }
  if (r.kind == model::FirewallRuleKind::kNat && !read_fw_translation(ctx, o, r)) return std::nullopt;
  return r;
}

/// The `priority` of a firewall rule collection or group: an integer in 100..65000. False when absent
/// or bad (reported).
bool read_fw_priority(ReaderContext& ctx, JsonObject props, std::string_view what, std::string_view name, int& out) {
  auto f = find_field(props, keys::kPriority);
  if (!f) {
    ctx.error("missing-field", fmt::format("{} '{}' has no 'priority'", what, name));
    return false;
  }
  if (auto v = ctx.get_int(props, keys::kPriority, 100, 65000, fmt::format("{} '{}': priority", what, name))) {
    out = static_cast<int>(*v);
    return true;
  }
  return false;
}

/// A rule collection (classic: the kind is the array's; policy: from `ruleCollectionType` and the rules).
std::optional<model::FirewallRuleCollection> read_fw_collection(ReaderContext& ctx, JsonObject o,
                                                                std::optional<model::FirewallRuleKind> kind,
                                                                std::size_t index) {
  model::FirewallRuleCollection c;
  c.where = ctx.here();
  if (auto name = ctx.get_string(o, keys::kName)) c.name = std::string(*name);
  if (c.name.empty()) c.name = fmt::format("collection {}", index);
  std::optional<PointerScope> scope;
  JsonObject props = o;
  if (kind) {  // classic collections keep their fields under `properties` (or flattened)
    auto props_or = ctx.properties_of(o);
    if (!props_or) return std::nullopt;
    props = props_or->first;
    if (!props_or->second.empty()) scope.emplace(ctx.ptr, props_or->second);
  }
  if (!read_fw_priority(ctx, props, "rule collection", c.name, c.priority)) return std::nullopt;
  std::string action_text;
  if (auto action = ctx.get_object(props, keys::kAction)) {
    PointerScope s(ctx.ptr, action.key);
    if (auto type = ctx.get_string(*action, keys::kType)) action_text = std::string(trim(*type));
  }
  if (ascii::equals_lower(action_text, "dnat")) {
    c.action = model::FirewallAction::kDnat;
  } else if (ascii::equals_lower(action_text, "allow")) {
    c.action = model::FirewallAction::kAllow;
  } else if (ascii::equals_lower(action_text, "deny")) {
    c.action = model::FirewallAction::kDeny;
  } else {
    ctx.error("invalid-value",
              fmt::format("rule collection '{}': action '{}' is not Dnat, Allow or Deny", c.name, action_text));
    return std::nullopt;
  }
  if (kind) {
    c.kind = *kind;
  } else if (auto type = ctx.get_string(props, keys::kRuleCollectionType)) {
    c.kind = ascii::equals_lower(trim(*type), "firewallpolicynatrulecollection") ? model::FirewallRuleKind::kNat
                                                                                 : model::FirewallRuleKind::kNetwork;
  }
  if ((c.kind == model::FirewallRuleKind::kNat) != (c.action == model::FirewallAction::kDnat)) {
    ctx.error("invalid-value", fmt::format("rule collection '{}': action '{}' does not fit a {} collection", c.name,
                                           action_text, c.kind == model::FirewallRuleKind::kNat ? "DNAT" : "filter"));
    return std::nullopt;
  }
  ctx.for_each_object(props, keys::kRules, "firewall rule", [&](JsonObject ro, std::size_t i) {
    auto rule = read_fw_rule(ctx, ro, c.kind, i);
    if (!rule) return;
    if ((rule->kind == model::FirewallRuleKind::kNat) != (c.kind == model::FirewallRuleKind::kNat)) {
      ctx.error("invalid-value", fmt::format("rule '{}' does not fit collection '{}'", rule->name, c.name));
      return;
    }
    c.rules.push_back(std::move(*rule));
  });
  // A filter collection holds network or application rules; its kind is its first rule's.
  if (c.kind != model::FirewallRuleKind::kNat && !c.rules.empty() && !kind) c.kind = c.rules.front().kind;
  return c;
}

void read_fw_collections(ReaderContext& ctx, JsonObject props, std::string_view key, model::FirewallRuleKind kind,
                         std::vector<model::FirewallRuleCollection>& out) {
  ctx.for_each_object(props, key, "rule collection", [&](JsonObject o, std::size_t i) {
    if (auto c = read_fw_collection(ctx, o, kind, i)) out.push_back(std::move(*c));
  });
}

/// A secured hub firewall's `hubIPAddresses`: `publicIPs` (`addresses[].address`, `count`) and
/// `privateIPAddress`. Public addresses are not resources; a count above the listed addresses is a warning.
void read_hub_ip_addresses(ReaderContext& ctx, JsonObject hub, std::string_view key, model::Firewall& fw) {
  PointerScope s(ctx.ptr, key);
  if (auto a = ctx.get_string(hub, keys::kPrivateIpAddress); a && !trim(*a).empty()) {
    if (auto ip = IpAddress::parse(trim(*a))) {
      fw.hub_private_ip = *ip;
    } else {
      ctx.error_at(a.key, "invalid-value", fmt::format("private IP address '{}' is not an IP address", *a));
    }
  }
  auto pips = ctx.get_object(hub, keys::kPublicIps);
  if (!pips) return;
  PointerScope sp(ctx.ptr, pips.key);
  ctx.for_each_object(*pips, keys::kAddresses, "hub public address", [&](JsonObject o, std::size_t) {
    auto a = ctx.get_string(o, keys::kAddress);
    if (!a || trim(*a).empty()) return;
    if (auto ip = IpAddress::parse(trim(*a))) {
      fw.hub_public_addresses.push_back(*ip);
    } else {
      ctx.error_at(a.key, "invalid-value", fmt::format("public IP address '{}' is not an IP address", *a));
    }
  });
  const auto count = find_field(*pips, keys::kCount);
  std::int64_t n = 0;
  if (count && count->value.get(n) && n > 0 && static_cast<std::size_t>(n) > fw.hub_public_addresses.size()) {
    PointerScope sc(ctx.ptr, count->key);
    ctx.warning(
        "hub-addresses-unknown",
        fmt::format("firewall '{}' has {} hub public IPs but the input lists {} of their addresses: DNAT through "
                    "the others is not reported",
                    fw.name, n, fw.hub_public_addresses.size()));
  }
}

/// A rule collection group (inline in a policy, or a separate resource); the pointer is at its object.
std::optional<model::FirewallRuleCollectionGroup> read_fw_group(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::FirewallRuleCollectionGroup g;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), g, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  if (!read_fw_priority(ctx, props, "rule collection group", g.name, g.priority)) return std::nullopt;
  // Without `ruleCollections`, a reference only (a policy's list of its groups): nothing to read.
  ctx.for_each_object(props, keys::kRuleCollections, "rule collection", [&](JsonObject c, std::size_t i) {
    if (auto col = read_fw_collection(ctx, c, std::nullopt, i)) g.collections.push_back(std::move(*col));
  });
  return g;
}

/// A policy's list of groups (`key`): an entry with neither properties nor its content (`content_key`) is a
/// reference by id, kept in listed_groups; others are inline groups, read by `read`. Entries that are not
/// objects are skipped.
template <typename Read>
void read_policy_groups(ReaderContext& ctx, model::FirewallPolicy& p, JsonObject props, std::string_view key,
                        std::string_view content_key, std::string_view segment, std::string_view what, Read&& read) {
  auto arr = ctx.get_array(props, key);
  if (!arr) return;
  PointerScope s(ctx.ptr, arr.key);
  std::size_t i = 0;
  for (JsonValue e : *arr) {
    PointerScope item(ctx.ptr, i++);
    JsonObject o;
    if (!e.get(o)) continue;
    if (!find_field(o, keys::kProperties) && !find_field(o, content_key)) {  // a reference
      if (auto id = ctx.get_string(o, keys::kId)) p.listed_groups.push_back(Ref{model::canonical_id(*id), -1});
      continue;
    }
    auto ids = ctx.child_ids(o, p.id, segment, what);
    if (!ids) continue;
    if (auto g = read(o, std::move(*ids))) p.groups.push_back(std::move(*g));
  }
}

/// A legacy rule condition as a rule: NetworkRuleCondition (a network rule; the addresses of a NAT rule)
/// or ApplicationRuleCondition (an application rule; not allowed in a NAT rule). The pointer is at it.
std::optional<model::FirewallRule> read_legacy_fw_condition(ReaderContext& ctx, JsonObject o, std::size_t index,
                                                            bool nat) {
  auto type = ctx.get_string(o, keys::kRuleConditionType);
  if (!type) {
    if (!type.present) ctx.error("missing-field", "rule condition has no 'ruleConditionType'");
    return std::nullopt;
  }
  const std::string_view t = trim(*type);
  model::FirewallRuleKind kind = model::FirewallRuleKind::kNetwork;
  if (ascii::equals_lower(t, "applicationrulecondition") && !nat) {
    kind = model::FirewallRuleKind::kApplication;
  } else if (!ascii::equals_lower(t, "networkrulecondition")) {
    ctx.error_at(type.key, "invalid-value",
                 fmt::format("rule condition type '{}' is not {}", *type,
                             nat ? "NetworkRuleCondition (a NAT rule's condition)"
                                 : "NetworkRuleCondition or ApplicationRuleCondition"));
    return std::nullopt;
  }
  return read_fw_rule(ctx, o, kind, index);
}

/// One legacy rule: `FirewallPolicyNatRule` (action DNAT, one `ruleCondition` of type NetworkRuleCondition,
/// `translatedAddress`, `translatedPort`) or `FirewallPolicyFilterRule` (action Allow or Deny,
/// `ruleConditions` of type NetworkRuleCondition or ApplicationRuleCondition), as a rule collection.
/// nullopt when unusable (reported). The pointer is at the rule.
std::optional<model::FirewallRuleCollection> read_legacy_fw_rule(ReaderContext& ctx, JsonObject o, std::size_t index) {
  model::FirewallRuleCollection c;
  c.where = ctx.here();
  if (auto name = ctx.get_string(o, keys::kName)) c.name = std::string(*name);
  if (c.name.empty()) c.name = fmt::format("rule {}", index);
  auto type = ctx.get_string(o, keys::kRuleType);
  if (!type) {
    if (!type.present) ctx.error("missing-field", fmt::format("firewall policy rule '{}' has no 'ruleType'", c.name));
    return std::nullopt;
  }
  const std::string_view t = trim(*type);
  const bool nat = ascii::equals_lower(t, "firewallpolicynatrule");
  if (!nat && !ascii::equals_lower(t, "firewallpolicyfilterrule")) {
    ctx.error_at(type.key, "invalid-value",
                 fmt::format("rule type '{}' is not FirewallPolicyNatRule or FirewallPolicyFilterRule", *type));
    return std::nullopt;
  }
  if (!read_fw_priority(ctx, o, "firewall policy rule", c.name, c.priority)) return std::nullopt;
  std::string action;
  if (auto a = ctx.get_object(o, keys::kAction)) {
    PointerScope s(ctx.ptr, a.key);
    if (auto at = ctx.get_string(*a, keys::kType)) action = std::string(trim(*at));
  }
  if (nat) {
    c.kind = model::FirewallRuleKind::kNat;
    if (ascii::equals_lower(action, "snat")) {
      ctx.warning("unmodelled-feature",
                  fmt::format("firewall policy rule '{}': SNAT rules do not admit inbound traffic; ignored", c.name));
      return std::nullopt;
    }
    if (!ascii::equals_lower(action, "dnat")) {
      ctx.error("invalid-value", fmt::format("NAT rule '{}': action '{}' is not DNAT or SNAT", c.name, action));
      return std::nullopt;
    }
    c.action = model::FirewallAction::kDnat;
    auto cond = ctx.get_object(o, keys::kRuleCondition);
    if (!cond) {
      if (!cond.present) ctx.error("missing-field", fmt::format("NAT rule '{}' has no 'ruleCondition'", c.name));
      return std::nullopt;
    }
    std::optional<model::FirewallRule> rule;
    {
      PointerScope s(ctx.ptr, cond.key);
      rule = read_legacy_fw_condition(ctx, *cond, 0, true);
    }
    if (!rule) return std::nullopt;
    rule->kind = model::FirewallRuleKind::kNat;
    rule->name = c.name;  // the condition's name ("DNATRule") says less than the rule's
    if (!read_fw_translation(ctx, o, *rule)) return std::nullopt;
    c.rules.push_back(std::move(*rule));
    return c;
  }
  if (ascii::equals_lower(action, "allow")) {
    c.action = model::FirewallAction::kAllow;
  } else if (ascii::equals_lower(action, "deny")) {
    c.action = model::FirewallAction::kDeny;
  } else if (ascii::equals_lower(action, "alert")) {
    // The preview schema's third filter action: traffic passes and is logged, so it counts as Allow.
    c.action = model::FirewallAction::kAllow;
    ctx.warning(
        "unmodelled-feature",
        fmt::format("firewall policy rule '{}': action 'Alert' is taken as Allow (the traffic passes)", c.name));
  } else {
    ctx.error("invalid-value",
              fmt::format("filter rule '{}': action '{}' is not Allow, Deny or Alert", c.name, action));
    return std::nullopt;
  }
  ctx.for_each_object(o, keys::kRuleConditions, "rule condition", [&](JsonObject cond, std::size_t i) {
    if (auto rule = read_legacy_fw_condition(ctx, cond, i, false)) c.rules.push_back(std::move(*rule));
  });
  if (!c.rules.empty()) c.kind = c.rules.front().kind;
  return c;
}

/// A legacy rule group (`firewallPolicies/ruleGroups`, apiVersion 2019-06-01 to 2020-04-01), read into the
/// model of rule collection groups: each legacy rule (a priority, an action, conditions) is a rule
/// collection, each of its conditions a rule. The pointer is at the group's object.
std::optional<model::FirewallRuleCollectionGroup> read_fw_rule_group(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::FirewallRuleCollectionGroup g;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), g, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  if (!read_fw_priority(ctx, props, "rule group", g.name, g.priority)) return std::nullopt;
  ctx.for_each_object(props, keys::kRules, "firewall policy rule", [&](JsonObject r, std::size_t i) {
    if (auto c = read_legacy_fw_rule(ctx, r, i)) g.collections.push_back(std::move(*c));
  });
  return g;
}

}  // namespace

bool read_firewall(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::Firewall fw;
  static_cast<model::ResourceBase&>(fw) = std::move(base);
  // `sku` sits under properties for firewalls ({name: AZFW_VNet|AZFW_Hub, tier}); accept it outside too.
  auto read_fw_sku = [&](JsonObject o) {
    if (auto sku = ctx.get_object(o, keys::kSku)) {
      PointerScope s(ctx.ptr, sku.key);
      if (auto n = ctx.get_string(*sku, keys::kName)) fw.sku_name = std::string(trim(*n));
      if (auto t = ctx.get_string(*sku, keys::kTier)) fw.tier = std::string(trim(*t));
    }
  };
  read_fw_sku(props);
  {
    const std::string saved = ctx.ptr;
    ctx.ptr.resize(res_mark);
    if (!fw.flattened) read_fw_sku(res);
    ctx.ptr = saved;
  }
  fw.threat_intel = read_threat_intel(ctx, props, model::ThreatIntelMode::kAlert);
  fw.policy = ctx.get_ref(props, keys::kFirewallPolicy);
  fw.virtual_hub = ctx.get_ref(props, keys::kVirtualHub);
  ctx.for_each_child(props, keys::kIpConfigurations, fw.id, segments::kFirewallIpConfigurationsAsWritten,
                     "firewall ip configuration", [&](JsonObject o, ChildIds ids) {
                       model::FirewallIpConfiguration c;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), c, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       c.subnet = ctx.get_ref(p, keys::kSubnet);
                       c.public_ip = ctx.get_ref(p, keys::kPublicIpAddress);
                       if (auto a = ctx.get_string(p, keys::kPrivateIpAddress); a && !trim(*a).empty()) {
                         if (auto ip = IpAddress::parse(trim(*a))) {
                           c.private_ip = *ip;
                         } else {
                           ctx.error_at(a.key, "invalid-value",
                                        fmt::format("private IP address '{}' is not an IP address", *a));
                         }
                       }
                       fw.ip_configurations.push_back(std::move(c));
                     });
  // Forced tunnelling's management configuration carries the platform's own traffic, never an entry: only its
  // public IP is kept, so that the diagram can attach it to the firewall.
  if (auto mgmt = ctx.get_object(props, keys::kManagementIpConfiguration)) {
    PointerScope s(ctx.ptr, mgmt.key);
    if (auto p = ctx.get_object(*mgmt, keys::kProperties)) {
      PointerScope ps(ctx.ptr, p.key);
      fw.management_public_ip = ctx.get_ref(*p, keys::kPublicIpAddress);
    }
  }
  if (auto hub = ctx.get_object(props, keys::kHubIpAddresses)) read_hub_ip_addresses(ctx, *hub, hub.key, fw);
  read_fw_collections(ctx, props, keys::kNatRuleCollections, model::FirewallRuleKind::kNat, fw.classic);
  read_fw_collections(ctx, props, keys::kNetworkRuleCollections, model::FirewallRuleKind::kNetwork, fw.classic);
  read_fw_collections(ctx, props, keys::kApplicationRuleCollections, model::FirewallRuleKind::kApplication, fw.classic);
  ctx.model.firewalls.push_back(std::move(fw));
  return true;
}

bool read_firewall_policy(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::FirewallPolicy p;
  static_cast<model::ResourceBase&>(p) = std::move(base);
  p.base_policy = ctx.get_ref(props, keys::kBasePolicy);
  p.threat_intel = read_threat_intel(ctx, props, model::ThreatIntelMode::kAlert);
  // The policy lists its groups by id; groups arrive as separate resources. Inline groups with their
  // collections (some exports) are read here.
  read_policy_groups(ctx, p, props, keys::kRuleCollectionGroups, keys::kRuleCollections,
                     segments::kRuleCollectionGroupsAsWritten, "rule collection group",
                     [&](JsonObject o, ChildIds ids) { return read_fw_group(ctx, o, std::move(ids)); });
  // Legacy policies (2019-06-01 to 2020-04-01) list `ruleGroups` the same way.
  read_policy_groups(ctx, p, props, keys::kRuleGroups, keys::kRules, segments::kRuleGroupsAsWritten, "rule group",
                     [&](JsonObject o, ChildIds ids) { return read_fw_rule_group(ctx, o, std::move(ids)); });
  ctx.model.firewall_policies.push_back(std::move(p));
  return true;
}

bool read_ip_group(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::IpGroup g;
  static_cast<model::ResourceBase&>(g) = std::move(base);
  model::FirewallAddresses a;
  // An address only known at deployment or a placeholder (`xx.xx.xx.xx`) leaves the group unknown: every
  // address where a rule allows, none where it denies (docs/model.md, "Unknown values").
  read_fw_addresses(ctx, props, keys::kIpAddresses, "", a, &g.unknown);
  g.prefixes = std::move(a.prefixes);
  for (const auto& u : a.unresolved) {
    ctx.warning("invalid-value",
                fmt::format("IP group '{}': '{}' is not an address, range or CIDR: the group is read as unknown (every "
                            "address where a rule allows, none where it denies)",
                            g.name, u));
    g.unknown = true;
  }
  ctx.model.ip_groups.push_back(std::move(g));
  return true;
}

bool read_separate_rule_collection_group(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto g = read_fw_group(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!g) return false;
  std::string key = g->key;
  ctx.state<FirewallState>().groups.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*g)});
  return true;
}

bool read_separate_rule_group(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto g = read_fw_rule_group(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!g) return false;
  std::string key = g->key;
  ctx.state<FirewallState>().groups.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*g)});
  return true;
}

void attach_rule_collection_groups(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<FirewallState>().groups, ctx.model.firewall_policies, [](auto& p) -> auto& { return p.groups; },
      [](const model::FirewallRuleCollectionGroup& g) { return g.key; }, "rule collection group", "firewall policy");
}

}  // namespace exposim::importers::azure
