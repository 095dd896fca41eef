// azurerm application gateways (inline listeners, pools, settings, path maps and routing rules, which Terraform
// names by their name and Azure by their id), WAF policies, and the NIC associations with gateway pools.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

constexpr std::string_view kPoolsKey = "backend_address_pool";

/// `doc.properties.<list>` of a synthesized resource when it is an array, else null (read without inserting).
const json* property_list(const Synthesized& s, std::string_view list) {
  auto props = s.doc.find("properties");
  if (props == s.doc.end() || !props->is_object()) return nullptr;
  auto it = props->find(std::string(list));
  return it != props->end() && it->is_array() ? &*it : nullptr;
}

/// A child of the gateway named by attribute `key` as the reference `{ "id": <gateway id>/<segment>/<name> }`;
/// an unknown name is an unknown reference (the Azure reader takes the gateway's first child of that kind).
void copy_child_ref(Context& ctx, const Block& b, std::string_view key, const std::string& gateway,
                    std::string_view segment, Synthesized& s, const std::string& synth) {
  switch (ctx.state(b, key)) {
    case State::kKnown:
      if (auto name = ctx.string(b, key); name && !name->empty()) {
        s.set(synth, json{{"id", fmt::format("{}/{}/{}", gateway, segment, *name)}}, b.attr_pointer(key), b.instance);
      }
      return;
    case State::kUnknown:
      s.set(synth, json{{"id", Context::unknown_text(b, key)}}, b.attr_pointer(key), b.instance);
      return;
    case State::kAbsent: return;
  }
}

/// The gateway's blocks are sets: the plan lists their values in an order of its own, not the configuration's, so
/// a block's configuration is the one written with its name (`name = "port-443"`). A block whose configuration
/// cannot be told (names set by expressions) is read as if the plan had none: what is marked unknown stays unknown.
std::vector<Block> nested_by_name(Context& ctx, const Block& b, std::string_view key) {
  auto blocks = ctx.nested(b, key);
  if (blocks.size() < 2 || b.expressions == nullptr || !b.expressions->is_object()) return blocks;
  auto list = b.expressions->find(std::string(key));
  if (list == b.expressions->end() || !list->is_array()) return blocks;
  for (Block& e : blocks) {
    e.expressions = nullptr;
    e.configured = false;
    auto name = e.values->find("name");
    if (name == e.values->end() || !name->is_string()) continue;
    for (const json& config : *list) {
      if (!config.is_object() || !config.contains("name")) continue;
      const json& n = config["name"];
      if (n.is_object() && n.contains("constant_value") && n["constant_value"] == *name) {
        e.expressions = &config;
        e.configured = true;
        break;
      }
    }
  }
  return blocks;
}

/// Writes each element of nested block `key` as `{ "name": ..., "properties": {} }` at `<list>/<k>`, then calls
/// `fill(block, pointer of its properties)`. A name only known after apply is replaced by the block's address.
template <typename Fill>
void for_each_child(Context& ctx, const Block& b, std::string_view key, Synthesized& s, std::string_view list,
                    Fill fill) {
  const auto blocks = nested_by_name(ctx, b, key);
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const Block& cb = blocks[k];
    const std::string base = fmt::format("/properties/{}/{}", list, k);
    s.set(base, json{{"properties", json::object()}}, cb.values_pointer);
    if (ctx.state(cb, "name") == State::kUnknown) {
      // The Azure reader leaves out a child whose name is unknown; one left out could hide an exposure.
      const std::string name = fmt::format("{}.{}[{}]", b.instance->address, key, k);
      ctx.report(model::Severity::kWarning, *b.instance, cb.attr_pointer("name"), "unknown-value",
                 fmt::format("the name of '{}' block {} is only known after apply: it is analysed under the name '{}'",
                             key, k, name));
      s.set(base + "/name", name, cb.attr_pointer("name"), b.instance);
    } else {
      ctx.copy_string(cb, "name", s, base + "/name");
    }
    fill(cb, base + "/properties");
  }
}

/// The NICs whose private address an `ip_addresses` only known after apply is, from its configuration:
/// `[azurerm_network_interface.app.private_ip_address]` (a dynamic address). Empty when anything else is
/// referenced (or nothing): the list stays unknown.
std::vector<const Instance*> backend_nics(Context& ctx, const Block& pb) {
  std::vector<const Instance*> nics;
  if (ctx.state(pb, "ip_addresses") != State::kUnknown || pb.expressions == nullptr || !pb.expressions->is_object()) {
    return nics;
  }
  auto e = pb.expressions->find("ip_addresses");
  if (e == pb.expressions->end() || !e->is_object()) return nics;
  bool other = false;
  for (const auto& t : ctx.instances().targets(scope_of(*pb.instance), *e, 8)) {
    if (t.attribute.empty()) continue;  // "azurerm_network_interface.app" beside "...app.private_ip_address"
    if (t.instance->type == "azurerm_network_interface" &&
        (t.attribute == "private_ip_address" || t.attribute == "private_ip_addresses")) {
      if (std::find(nics.begin(), nics.end(), t.instance) == nics.end()) nics.push_back(t.instance);
    } else {
      other = true;
    }
  }
  if (other) nics.clear();
  return nics;
}

/// The `backend_address_pool` block's `ip_addresses` and `fqdns` as `backendAddresses`; a list only known after
/// apply is one backend address only known after apply (an unknown, external backend for the Azure reader),
/// unless it is the private addresses of NICs (finish_application_gateways() makes them members).
void copy_backend_addresses(Context& ctx, const Block& pb, Synthesized& s, const std::string& props) {
  json addresses = json::array();
  for (auto [key, field] : {std::pair{"ip_addresses", "ipAddress"}, std::pair{"fqdns", "fqdn"}}) {
    switch (ctx.state(pb, key)) {
      case State::kKnown:
        if (auto list = ctx.strings(pb, key)) {
          for (const auto& a : *list) {
            if (!a.empty()) addresses.push_back(json{{field, a}});
          }
        }
        break;
      case State::kUnknown:
        // A list with an element only known after apply keeps its known addresses.
        for (const auto& a : ctx.known_items(pb, key)) addresses.push_back(json{{field, a}});
        if (std::string_view(key) == "ip_addresses" && !backend_nics(ctx, pb).empty()) break;
        addresses.push_back(json{{field, Context::unknown_text(pb, key)}});
        break;
      case State::kAbsent: break;
    }
  }
  if (!addresses.empty()) s.set(props + "/backendAddresses", std::move(addresses), pb.values_pointer, pb.instance);
}

/// The Azure ids of the gateway pools an association's `backend_address_pool_id` names: its known value; else,
/// from the configuration's references, the pools of the referenced gateway (the one indexed,
/// `backend_address_pool[1]`, else every pool: joining more pools than the truth can only add exposure).
std::vector<std::string> pool_ids(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Block b = Context::top(i);
  constexpr std::string_view key = "backend_address_pool_id";
  const State st = ctx.state(b, key);
  if (st == State::kKnown) {
    if (auto id = ctx.string(b, key); id && !id->empty()) return {*id};
    return {};
  }
  if (st == State::kAbsent || b.expressions == nullptr || !b.expressions->is_object()) return {};
  auto e = b.expressions->find(std::string(key));
  if (e == b.expressions->end() || !e->is_object()) return {};
  // The element index a reference names: "azurerm_application_gateway.gw.backend_address_pool[1].id" -> 1.
  std::optional<std::size_t> index;
  if (auto refs = e->find("references"); refs != e->end() && refs->is_array()) {
    const std::string marker = fmt::format(".{}[", kPoolsKey);
    for (const auto& r : *refs) {
      if (!r.is_string()) continue;
      const std::string& text = r.get_ref<const std::string&>();
      const auto at = text.find(marker);
      if (at == std::string::npos) continue;
      const auto digits = at + marker.size();
      const auto end = text.find(']', digits);
      if (end == std::string::npos || end == digits || text.find_first_not_of("0123456789", digits) != end) {
        continue;
      }
      index = std::stoul(text.substr(digits, end - digits));
    }
  }
  std::vector<std::string> ids;
  for (const auto& t : ctx.instances().targets(scope_of(i), *e, 8)) {
    if (t.instance->type != "azurerm_application_gateway") continue;
    auto gateway_id = ctx.id_of(*t.instance);
    Synthesized* gateway = gateway_id ? find_synthesized(out, *gateway_id) : nullptr;
    if (gateway == nullptr) continue;
    const json* pools = property_list(*gateway, "backendAddressPools");
    const std::size_t n = pools != nullptr ? pools->size() : 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (index && *index != k) continue;
      const json& pool = (*pools)[k];
      auto name = pool.find("name");
      if (name == pool.end() || !name->is_string()) continue;
      std::string id = fmt::format("{}/backendAddressPools/{}", *gateway_id, name->get<std::string>());
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
    }
  }
  return ids;
}

}  // namespace

void translate_application_gateway(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/applicationGateways", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  const std::string gateway = s->doc["id"].get<std::string>();
  if (const auto sku = ctx.nested(b, "sku"); !sku.empty()) {
    s->set("/properties/sku", json::object(), sku.front().values_pointer);
    ctx.copy_string(sku.front(), "name", *s, "/properties/sku/name");
    ctx.copy_string(sku.front(), "tier", *s, "/properties/sku/tier");
  }
  for_each_child(
      ctx, b, "gateway_ip_configuration", *s, "gatewayIPConfigurations",
      [&](const Block& cb, const std::string& props) { ctx.copy_ref(cb, "subnet_id", *s, props + "/subnet"); });
  for_each_child(ctx, b, "frontend_ip_configuration", *s, "frontendIPConfigurations",
                 [&](const Block& cb, const std::string& props) {
                   ctx.copy_ref(cb, "public_ip_address_id", *s, props + "/publicIPAddress");
                   ctx.copy_ref(cb, "subnet_id", *s, props + "/subnet");
                   if (auto a = ctx.string(cb, "private_ip_address"); a && !a->empty()) {
                     s->set(props + "/privateIPAddress", *a, cb.attr_pointer("private_ip_address"));
                   }
                 });
  for_each_child(ctx, b, "frontend_port", *s, "frontendPorts",
                 [&](const Block& cb, const std::string& props) { ctx.copy_integer(cb, "port", *s, props + "/port"); });
  for_each_child(ctx, b, "http_listener", *s, "httpListeners", [&](const Block& cb, const std::string& props) {
    ctx.copy_string(cb, "protocol", *s, props + "/protocol");
    copy_child_ref(ctx, cb, "frontend_ip_configuration_name", gateway, "frontendIPConfigurations", *s,
                   props + "/frontendIPConfiguration");
    copy_child_ref(ctx, cb, "frontend_port_name", gateway, "frontendPorts", *s, props + "/frontendPort");
    ctx.copy_string(cb, "host_name", *s, props + "/hostName");
    ctx.copy_strings(cb, "host_names", *s, props + "/hostNames");
    ctx.copy_ref(cb, "firewall_policy_id", *s, props + "/firewallPolicy");
  });
  for_each_child(ctx, b, kPoolsKey, *s, "backendAddressPools",
                 [&](const Block& cb, const std::string& props) { copy_backend_addresses(ctx, cb, *s, props); });
  for_each_child(ctx, b, "backend_http_settings", *s, "backendHttpSettingsCollection",
                 [&](const Block& cb, const std::string& props) {
                   ctx.copy_integer(cb, "port", *s, props + "/port");
                   ctx.copy_string(cb, "protocol", *s, props + "/protocol");
                 });
  for_each_child(ctx, b, "url_path_map", *s, "urlPathMaps", [&](const Block& cb, const std::string& props) {
    copy_child_ref(ctx, cb, "default_backend_address_pool_name", gateway, "backendAddressPools", *s,
                   props + "/defaultBackendAddressPool");
    copy_child_ref(ctx, cb, "default_backend_http_settings_name", gateway, "backendHttpSettingsCollection", *s,
                   props + "/defaultBackendHttpSettings");
    const auto rules = nested_by_name(ctx, cb, "path_rule");
    for (std::size_t k = 0; k < rules.size(); ++k) {
      const Block& rb = rules[k];
      const std::string base = fmt::format("{}/pathRules/{}", props, k);
      s->set(base, json{{"properties", json::object()}}, rb.values_pointer);
      ctx.copy_string(rb, "name", *s, base + "/name");
      copy_child_ref(ctx, rb, "backend_address_pool_name", gateway, "backendAddressPools", *s,
                     base + "/properties/backendAddressPool");
      copy_child_ref(ctx, rb, "backend_http_settings_name", gateway, "backendHttpSettingsCollection", *s,
                     base + "/properties/backendHttpSettings");
    }
  });
  for_each_child(ctx, b, "request_routing_rule", *s, "requestRoutingRules",
                 [&](const Block& cb, const std::string& props) {
                   copy_child_ref(ctx, cb, "http_listener_name", gateway, "httpListeners", *s, props + "/httpListener");
                   copy_child_ref(ctx, cb, "backend_address_pool_name", gateway, "backendAddressPools", *s,
                                  props + "/backendAddressPool");
                   copy_child_ref(ctx, cb, "backend_http_settings_name", gateway, "backendHttpSettingsCollection", *s,
                                  props + "/backendHttpSettings");
                   copy_child_ref(ctx, cb, "url_path_map_name", gateway, "urlPathMaps", *s, props + "/urlPathMap");
                 });
  if (const auto waf = ctx.nested(b, "waf_configuration"); !waf.empty()) {
    const std::string base = "/properties/webApplicationFirewallConfiguration";
    s->set(base, json::object(), waf.front().values_pointer);
    ctx.copy_boolean(waf.front(), "enabled", *s, base + "/enabled");
    ctx.copy_string(waf.front(), "firewall_mode", *s, base + "/firewallMode");
  }
  ctx.copy_ref(b, "firewall_policy_id", *s, "/properties/firewallPolicy");
}

void translate_waf_policy(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", out);
  if (s == nullptr) return;
  const auto settings = ctx.nested(Context::top(i), "policy_settings");
  if (settings.empty()) return;  // Azure's default policy settings
  const Block& pb = settings.front();
  const std::string base = "/properties/policySettings";
  s->set(base, json::object(), pb.values_pointer);
  ctx.copy_string(pb, "mode", *s, base + "/mode");
  switch (ctx.state(pb, "enabled")) {
    case State::kKnown:
      if (auto on = ctx.boolean(pb, "enabled"))
        s->set(base + "/state", *on ? "Enabled" : "Disabled", pb.attr_pointer("enabled"));
      break;
    case State::kUnknown:
      s->set(base + "/state", Context::unknown_text(pb, "enabled"), pb.attr_pointer("enabled"));
      break;
    case State::kAbsent: break;
  }
}

/// Appends `{ "id": pool }` to `applicationGatewayBackendAddressPools` of the ip configurations of `nic` that
/// `wanted` names (every one when unset), recording `pointer` of `from` as its origin.
void join_pool(Synthesized& nic, const std::optional<std::string>& wanted, const std::string& pool,
               const std::string& pointer, const Instance* from) {
  const json& doc = nic.doc;
  auto props = doc.find("properties");
  if (props == doc.end() || !props->is_object()) return;
  auto configs = props->find("ipConfigurations");
  if (configs == props->end() || !configs->is_array()) return;
  for (std::size_t k = 0; k < configs->size(); ++k) {
    const json& c = (*configs)[k];
    if (wanted && c.contains("name") && c["name"] != *wanted) continue;
    const std::string base =
        fmt::format("/properties/ipConfigurations/{}/properties/applicationGatewayBackendAddressPools", k);
    json& refs = nic.doc[json::json_pointer(base)];
    if (!refs.is_array()) refs = json::array();
    nic.set(fmt::format("{}/{}", base, refs.size()), json{{"id", pool}}, pointer, from);
  }
}

void finish_application_gateways(Context& ctx, std::vector<Synthesized>& out) {
  // Gathered first: joining edits `out`'s documents, not its size.
  struct Join {
    std::string nic_id, pool, pointer;
    const Instance* gateway;
  };
  std::vector<Join> joins;
  for (const auto& s : out) {
    if (s.instance == nullptr || s.instance->type != "azurerm_application_gateway") continue;
    const std::string gateway = s.doc["id"].get<std::string>();
    const json* pools = property_list(s, "backendAddressPools");
    const auto blocks = nested_by_name(ctx, Context::top(*s.instance), kPoolsKey);
    for (std::size_t k = 0; k < blocks.size() && pools != nullptr && k < pools->size(); ++k) {
      auto name = (*pools)[k].find("name");
      if (name == (*pools)[k].end() || !name->is_string()) continue;
      for (const Instance* nic : backend_nics(ctx, blocks[k])) {
        if (auto id = ctx.id_of(*nic)) {
          joins.push_back({*id, fmt::format("{}/backendAddressPools/{}", gateway, name->get<std::string>()),
                           blocks[k].attr_pointer("ip_addresses"), s.instance});
        }
      }
    }
  }
  for (const auto& j : joins) {
    Synthesized* nic = find_synthesized(out, j.nic_id);
    if (nic == nullptr) continue;  // not in the plan: its address is not known either
    // A NIC's `private_ip_address` is its primary configuration's; which one that is may be unknown: all of them.
    join_pool(*nic, std::nullopt, j.pool, j.pointer, j.gateway);
  }
}

void translate_nic_gateway_pool_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited nic = association_target(ctx, i, "network_interface_id", "network interface", out);
  if (nic.doc == nullptr) return;
  const Block b = Context::top(i);
  constexpr std::string_view key = "backend_address_pool_id";
  auto pools = pool_ids(ctx, i, out);
  if (pools.empty()) {
    if (ctx.state(b, key) == State::kAbsent) return;
    pools.push_back(Context::unknown_text(b, key));  // the Azure reader's unknown reference
  } else if (pools.size() > 1) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer(key), "unknown-value",
               fmt::format("the application gateway pool of this association is only known after apply: the network "
                           "interface is taken to join each of the gateway's {} pools",
                           pools.size()));
  }
  if (!nic.base.empty()) return;  // a NIC is never declared inside another resource
  const auto wanted = ctx.string(b, "ip_configuration_name");
  for (const auto& id : pools) join_pool(*nic.doc, wanted, id, b.attr_pointer(key), &i);
}

}  // namespace exposim::importers::terraform
