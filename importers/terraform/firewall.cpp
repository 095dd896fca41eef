// azurerm Azure Firewalls, the classic rule collections (separate resources that Azure keeps inside the firewall),
// firewall policies, their rule collection groups, IP groups and IP group CIDRs (importers/azure/firewall.cpp reads
// what is written here).
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "importers/terraform/families.h"
#include "model/ascii.h"

namespace exposim::importers::terraform {
namespace {

/// The three kinds of rule collection, with their azurerm block names and Azure shapes.
enum class Kind { kNat, kNetwork, kApplication };

/// A string attribute `key` as a one-element list at `synth` (a policy DNAT rule's `destination_address`).
void copy_one_as_list(Context& ctx, const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  switch (ctx.state(b, key)) {
    case State::kKnown:
      if (auto v = ctx.string(b, key); v && !v->empty()) {
        s.set(synth, json::array({*v}), b.attr_pointer(key), b.instance);
      }
      return;
    case State::kUnknown: s.set(synth, Context::unknown_text(b, key), b.attr_pointer(key), b.instance); return;
    case State::kAbsent: return;
  }
}

/// IP group ids (`source_ip_groups`, `destination_ip_groups`) as a list of id strings: known ids, ids of the
/// groups the configuration references when the list (or an element of it) is only known after apply
/// (Context::ids()), and an unknown element for what no reference resolves (the Azure reader then widens the rule).
void copy_ip_groups(Context& ctx, const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  bool unknown = false;
  std::vector<std::string> ids = ctx.ids(b, key, &unknown);
  if (ids.empty() && !unknown) {
    if (ctx.state(b, key) == State::kKnown) s.set(synth, json::array(), b.attr_pointer(key), b.instance);
    return;
  }
  json arr = json::array();
  for (const auto& id : ids) {
    const bool seen = std::any_of(arr.begin(), arr.end(), [&](const json& e) {
      return model::ascii::iequals(e.get_ref<const std::string&>(), id);
    });
    if (!seen) arr.push_back(id);
  }
  if (unknown) arr.push_back(Context::unknown_text(b, key));
  s.set(synth, std::move(arr), b.attr_pointer(key), b.instance);
}

/// A translated port: a number in a policy's DNAT rule, a string in a classic one.
void copy_port(Context& ctx, const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  if (ctx.state(b, key) == State::kKnown && b.values->at(std::string(key)).is_string()) {
    ctx.copy_string(b, key, s, synth);
  } else {
    ctx.copy_integer(b, key, s, synth);
  }
}

/// One rule block (`rule` of a collection) into the rule object at `base`. `classic`: the firewall's own
/// collections (protocols in `protocols`, a DNAT rule's destinations in `destination_addresses`, application
/// rules with `protocol` blocks, `target_fqdns`, `fqdn_tags`); otherwise a policy's (`ipProtocols`,
/// `destination_address`, `protocols` blocks, `destination_fqdns`, `destination_fqdn_tags`).
void copy_rule(Context& ctx, const Block& rb, Kind kind, bool classic, Synthesized& s, const std::string& base) {
  ctx.copy_string(rb, "name", s, base + "/name");
  ctx.copy_strings(rb, "source_addresses", s, base + "/sourceAddresses");
  copy_ip_groups(ctx, rb, "source_ip_groups", s, base + "/sourceIpGroups");
  if (kind == Kind::kApplication) {
    if (!classic) ctx.copy_strings(rb, "destination_addresses", s, base + "/destinationAddresses");
    ctx.copy_strings(rb, classic ? "target_fqdns" : "destination_fqdns", s, base + "/targetFqdns");
    ctx.copy_strings(rb, classic ? "fqdn_tags" : "destination_fqdn_tags", s, base + "/fqdnTags");
    if (!classic) {
      ctx.copy_strings(rb, "destination_urls", s, base + "/targetUrls");
      ctx.copy_strings(rb, "web_categories", s, base + "/webCategories");
    }
    const std::string key = classic ? "protocol" : "protocols";
    if (ctx.state(rb, key) == State::kUnknown) {
      // Configured but only known after apply: one protocol on an unknown port (read as every port).
      s.set(base + "/protocols", json::array({{{"port", Context::unknown_text(rb, key)}}}), rb.attr_pointer(key),
            rb.instance);
      return;
    }
    const auto protocols = ctx.nested(rb, key);
    if (!protocols.empty()) s.set(base + "/protocols", json::array(), rb.attr_pointer(key), rb.instance);
    for (std::size_t k = 0; k < protocols.size(); ++k) {
      const std::string pbase = fmt::format("{}/protocols/{}", base, k);
      s.set(pbase, json::object(), protocols[k].values_pointer, rb.instance);
      ctx.copy_string(protocols[k], "type", s, pbase + "/protocolType");
      ctx.copy_integer(protocols[k], "port", s, pbase + "/port");
    }
    return;
  }
  ctx.copy_strings(rb, "protocols", s, base + (classic ? "/protocols" : "/ipProtocols"));
  if (kind == Kind::kNat && !classic) {
    copy_one_as_list(ctx, rb, "destination_address", s, base + "/destinationAddresses");
  } else {
    ctx.copy_strings(rb, "destination_addresses", s, base + "/destinationAddresses");
  }
  ctx.copy_strings(rb, "destination_ports", s, base + "/destinationPorts");
  if (kind == Kind::kNetwork) {
    copy_ip_groups(ctx, rb, "destination_ip_groups", s, base + "/destinationIpGroups");
    ctx.copy_strings(rb, "destination_fqdns", s, base + "/destinationFqdns");
    return;
  }
  ctx.copy_string(rb, "translated_address", s, base + "/translatedAddress");
  if (!classic) ctx.copy_string(rb, "translated_fqdn", s, base + "/translatedFqdn");
  copy_port(ctx, rb, "translated_port", s, base + "/translatedPort");
}

/// A rule whose every field is only known after apply: a DNAT rule from every source on every port to an unknown
/// address, a network rule of every protocol, source, destination and port, or an application rule of every
/// source and port. The Azure reader widens it.
json unknown_rule(Kind kind, bool classic, const std::string& unknown) {
  if (kind == Kind::kApplication) {  // every source, to every FQDN, on an unknown port (read as every port)
    json r = {{"name", "unknown-rules"},
              {"sourceAddresses", unknown},
              {"protocols", json::array({{{"port", unknown}}})},
              {"targetFqdns", json::array({"*"})}};
    if (!classic) r["ruleType"] = "ApplicationRule";
    return r;
  }
  json r = {{"name", "unknown-rules"},
            {"sourceAddresses", unknown},
            {"destinationAddresses", unknown},
            {"destinationPorts", unknown},
            {classic ? "protocols" : "ipProtocols", unknown}};
  if (!classic) r["ruleType"] = kind == Kind::kNat ? "NatRule" : "NetworkRule";
  if (kind == Kind::kNat) r["translatedAddress"] = unknown;
  return r;
}

/// The `rule` blocks of collection block `cb` into `rules` (a JSON array pointer). A configured `rule` only known
/// after apply (a `dynamic` block over such a value) is one rule whose every field is unknown.
void copy_rules(Context& ctx, const Block& cb, Kind kind, bool classic, Synthesized& s, const std::string& rules) {
  s.set(rules, json::array(), cb.attr_pointer("rule"), cb.instance);
  if (ctx.state(cb, "rule") == State::kUnknown) {
    s.set(rules + "/0", unknown_rule(kind, classic, Context::unknown_text(cb, "rule")), cb.attr_pointer("rule"),
          cb.instance);
    return;
  }
  auto blocks = ctx.nested(cb, "rule");
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    Block& rb = blocks[k];
    // A set of blocks (the classic collections of older provider versions) lists its values in hash order, not
    // in the configuration's: only a single block pairs with its configuration for sure.
    if (classic && blocks.size() > 1) {
      rb.expressions = nullptr;
      rb.configured = false;
    }
    const std::string base = fmt::format("{}/{}", rules, k);
    json rule = json::object();
    if (!classic) {
      rule["ruleType"] = kind == Kind::kNat ? "NatRule" : kind == Kind::kNetwork ? "NetworkRule" : "ApplicationRule";
    }
    s.set(base, std::move(rule), rb.values_pointer, cb.instance);
    copy_rule(ctx, rb, kind, classic, s, base);
  }
}

constexpr std::string_view kCollectionBlocks[] = {"nat_rule_collection", "network_rule_collection",
                                                  "application_rule_collection"};
constexpr Kind kCollectionKinds[] = {Kind::kNat, Kind::kNetwork, Kind::kApplication};

/// A classic collection resource appended to the collections of `key` of the firewall it names.
void translate_classic(Context& ctx, const Instance& i, Kind kind, std::string_view key,
                       std::vector<Synthesized>& out) {
  const Block b = Context::top(i);
  // The collection's id (known, or composed from `azure_firewall_name` and `resource_group_name`, the firewall
  // found by name as a child's parent is) is `<firewall id>/<segment>/<name>`.
  const auto id = ctx.id_of(i);
  const std::string lower = id ? model::ascii::lower(*id) : "";
  const std::string segment = fmt::format("/{}/", model::ascii::lower(key));
  const auto at = lower.rfind(segment);
  if (!id || at == std::string::npos) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer("azure_firewall_name"), "unknown-value",
               "the name of its firewall is only known after apply: the rule collection is not analysed");
    return;
  }
  const std::string firewall = id->substr(0, at);
  Synthesized* fw = find_synthesized(out, firewall);
  if (fw == nullptr) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer("azure_firewall_name"), "missing-reference",
               fmt::format("firewall '{}' is not in the plan: the rule collection is not analysed", firewall));
    return;
  }
  if (kind == Kind::kNat) {
    if (auto action = ctx.string(b, "action"); action && model::ascii::iequals(*action, "snat")) {
      ctx.report(model::Severity::kWarning, i, b.attr_pointer("action"), "unmodelled-feature",
                 "an SNAT rule collection does not admit inbound traffic: ignored");
      return;
    }
  }
  json& list = fw->doc["properties"][std::string(key)];
  if (!list.is_array()) list = json::array();
  const std::string base = fmt::format("/properties/{}/{}", key, list.size());
  fw->set(base, json{{"name", ctx.name_of(i)}, {"properties", json::object()}}, i.pointer, &i);
  ctx.copy_integer(b, "priority", *fw, base + "/properties/priority");
  ctx.copy_string(b, "action", *fw, base + "/properties/action/type");
  copy_rules(ctx, b, kind, true, *fw, base + "/properties/rules");
}

}  // namespace

void translate_firewall(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/azureFirewalls", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "sku_name", *s, "/properties/sku/name");
  ctx.copy_string(b, "sku_tier", *s, "/properties/sku/tier");
  ctx.copy_ref(b, "firewall_policy_id", *s, "/properties/firewallPolicy");
  const auto configs = ctx.nested(b, "ip_configuration");
  if (!configs.empty()) s->doc["properties"]["ipConfigurations"] = json::array();
  for (std::size_t k = 0; k < configs.size(); ++k) {
    const Block& cb = configs[k];
    const std::string base = fmt::format("/properties/ipConfigurations/{}", k);
    s->set(base, json{{"properties", json::object()}}, cb.values_pointer);
    ctx.copy_string(cb, "name", *s, base + "/name");
    ctx.copy_ref(cb, "subnet_id", *s, base + "/properties/subnet");
    ctx.copy_ref(cb, "public_ip_address_id", *s, base + "/properties/publicIPAddress");
    // Only known after apply in a plan: absent, the model takes the subnet's first usable address (a note).
    if (auto a = ctx.string(cb, "private_ip_address"); a && !a->empty()) {
      s->set(base + "/properties/privateIPAddress", *a, cb.attr_pointer("private_ip_address"));
    }
  }
  // Forced tunnelling's management configuration carries the platform's own traffic, never DNAT: written as
  // Azure shows it, and not read as an entry.
  for (const Block& mb : ctx.nested(b, "management_ip_configuration")) {
    const std::string base = "/properties/managementIpConfiguration";
    s->set(base, json{{"properties", json::object()}}, mb.values_pointer);
    ctx.copy_string(mb, "name", *s, base + "/name");
    ctx.copy_ref(mb, "subnet_id", *s, base + "/properties/subnet");
    ctx.copy_ref(mb, "public_ip_address_id", *s, base + "/properties/publicIPAddress");
    break;  // at most one
  }
  // A secured virtual hub's firewall: the hub, and its addresses once known (state).
  for (const Block& hb : ctx.nested(b, "virtual_hub")) {
    ctx.copy_ref(hb, "virtual_hub_id", *s, "/properties/virtualHub");
    const std::string hub = "/properties/hubIPAddresses";
    ctx.copy_integer(hb, "public_ip_count", *s, hub + "/publicIPs/count");
    if (auto a = ctx.string(hb, "private_ip_address"); a && !a->empty()) {
      s->set(hub + "/privateIPAddress", *a, hb.attr_pointer("private_ip_address"));
    }
    if (ctx.state(hb, "public_ip_addresses") == State::kKnown) {
      if (auto list = ctx.strings(hb, "public_ip_addresses")) {
        json addresses = json::array();
        for (const auto& a : *list) {
          if (!a.empty()) addresses.push_back(json{{"address", a}});
        }
        s->set(hub + "/publicIPs/addresses", std::move(addresses), hb.attr_pointer("public_ip_addresses"));
      }
    }
    break;  // at most one
  }
}

void translate_firewall_nat_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  translate_classic(ctx, i, Kind::kNat, "natRuleCollections", out);
}

void translate_firewall_network_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  translate_classic(ctx, i, Kind::kNetwork, "networkRuleCollections", out);
}

void translate_firewall_application_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  translate_classic(ctx, i, Kind::kApplication, "applicationRuleCollections", out);
}

void translate_firewall_policy(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/firewallPolicies", out);
  if (s == nullptr) return;
  ctx.copy_ref(Context::top(i), "base_policy_id", *s, "/properties/basePolicy");
}

void translate_rule_collection_group(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/firewallPolicies/ruleCollectionGroups", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_integer(b, "priority", *s, "/properties/priority");
  s->doc["properties"]["ruleCollections"] = json::array();
  std::size_t n = 0;
  for (std::size_t kind = 0; kind < std::size(kCollectionBlocks); ++kind) {
    const std::string_view key = kCollectionBlocks[kind];
    const Kind k = kCollectionKinds[kind];
    const std::string type = k == Kind::kNat ? "FirewallPolicyNatRuleCollection" : "FirewallPolicyFilterRuleCollection";
    if (ctx.state(b, key) == State::kUnknown) {
      // Configured but only known after apply (a `dynamic` block): one collection of one rule whose every field is
      // unknown. A DNAT one comes last (priority 65000: it cannot take traffic from a known rule), an allow one
      // first (100: no known deny can hide what it may allow).
      const std::string base = fmt::format("/properties/ruleCollections/{}", n++);
      s->set(base,
             json{{"ruleCollectionType", type},
                  {"name", "unknown-rules"},
                  {"priority", k == Kind::kNat ? 65000 : 100},
                  {"action", {{"type", k == Kind::kNat ? "Dnat" : "Allow"}}},
                  {"rules", json::array({unknown_rule(k, false, Context::unknown_text(b, key))})}},
             b.attr_pointer(key));
      continue;
    }
    for (const Block& cb : ctx.nested(b, key)) {
      const std::string base = fmt::format("/properties/ruleCollections/{}", n++);
      s->set(base, json{{"ruleCollectionType", type}}, cb.values_pointer);
      ctx.copy_string(cb, "name", *s, base + "/name");
      ctx.copy_integer(cb, "priority", *s, base + "/priority");
      ctx.copy_string(cb, "action", *s, base + "/action/type");
      copy_rules(ctx, cb, k, false, *s, base + "/rules");
    }
  }
}

void translate_ip_group(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/ipGroups", out);
  if (s == nullptr) return;
  ctx.copy_strings(Context::top(i), "cidrs", *s, "/properties/ipAddresses");
}

void translate_ip_group_cidr(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited group = association_target(ctx, i, "ip_group_id", "IP group", out);
  if (group.doc == nullptr) return;
  const Block b = Context::top(i);
  json& list = group.doc->doc["properties"]["ipAddresses"];
  if (list.is_string()) return;  // the group's own list is unknown already: it admits every address
  if (!list.is_array()) list = json::array();
  Synthesized one;  // the value as copy_string writes it, appended to the group's list
  ctx.copy_string(b, "cidr", one, "/cidr");
  if (!one.doc.contains("cidr")) return;
  group.doc->set(fmt::format("/properties/ipAddresses/{}", list.size()), one.doc["cidr"], b.attr_pointer("cidr"), &i);
}

}  // namespace exposim::importers::terraform
