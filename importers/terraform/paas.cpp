// azurerm storage accounts and their network rules (inline `network_rules` or azurerm_storage_account_network_rules).
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// The attributes of a `network_rules` block (or of azurerm_storage_account_network_rules) as `networkAcls`.
void copy_network_rules(Context& ctx, const Block& b, Synthesized& s) {
  const std::string base = "/properties/networkAcls";
  s.set(base, json::object(), b.values_pointer, b.instance);
  ctx.copy_string(b, "default_action", s, base + "/defaultAction");
  if (auto bypass = ctx.strings(b, "bypass")) {
    std::string joined;
    for (const auto& v : *bypass) joined += (joined.empty() ? "" : ", ") + v;
    s.set(base + "/bypass", joined.empty() ? "None" : joined, b.attr_pointer("bypass"), b.instance);
  }
  switch (ctx.state(b, "ip_rules")) {
    case State::kKnown:
      if (auto rules = ctx.strings(b, "ip_rules")) {
        json arr = json::array();
        for (const auto& r : *rules) arr.push_back(json{{"value", r}, {"action", "Allow"}});
        s.set(base + "/ipRules", std::move(arr), b.attr_pointer("ip_rules"), b.instance);
      }
      break;
    case State::kUnknown:
      s.set(base + "/ipRules", Context::unknown_text(b, "ip_rules"), b.attr_pointer("ip_rules"), b.instance);
      break;
    case State::kAbsent: break;
  }
  bool unknown = false;
  auto subnets = ctx.ids(b, "virtual_network_subnet_ids", &unknown);
  if (!subnets.empty()) {
    json arr = json::array();
    for (auto& id : subnets) arr.push_back(json{{"id", std::move(id)}});
    s.set(base + "/virtualNetworkRules", std::move(arr), b.attr_pointer("virtual_network_subnet_ids"), b.instance);
  }
}

}  // namespace

void translate_storage_account(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Storage/storageAccounts", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "account_kind", *s, "/kind");
  if (ctx.state(b, "https_traffic_only_enabled") != State::kAbsent) {  // azurerm 4
    ctx.copy_boolean(b, "https_traffic_only_enabled", *s, "/properties/supportsHttpsTrafficOnly");
  } else {
    ctx.copy_boolean(b, "enable_https_traffic_only", *s, "/properties/supportsHttpsTrafficOnly");
  }
  if (ctx.state(b, "public_network_access_enabled") == State::kKnown) {
    if (auto on = ctx.boolean(b, "public_network_access_enabled")) {
      s->set("/properties/publicNetworkAccess", *on ? "Enabled" : "Disabled",
             b.attr_pointer("public_network_access_enabled"));
    }
  }
  if (ctx.state(b, "network_rules") == State::kUnknown) {
    // Set in the configuration by a value only known after apply: unknown rules admit every source.
    s->set("/properties/networkAcls", json{{"defaultAction", Context::unknown_text(b, "network_rules")}},
           b.attr_pointer("network_rules"));
    return;
  }
  const auto rules = ctx.nested(b, "network_rules");
  if (!rules.empty()) copy_network_rules(ctx, rules.front(), *s);
}

void translate_storage_network_rules(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* account = nullptr;
  const Block b = Context::top(i);
  if (ctx.state(b, "storage_account_id") != State::kAbsent || ctx.state(b, "storage_account_name") == State::kAbsent) {
    account = association_target(ctx, i, "storage_account_id", "storage account", out).doc;
  } else if (auto name = ctx.string(b, "storage_account_name")) {  // azurerm 2.x
    auto rg = ctx.resource_group(i);
    if (const Instance* a = rg ? ctx.instances().by_name("azurerm_storage_account", *name, *rg) : nullptr) {
      if (auto id = ctx.id_of(*a)) account = find_synthesized(out, *id);
    }
    if (account == nullptr) {
      ctx.report(model::Severity::kWarning, i, b.attr_pointer("storage_account_name"), "missing-reference",
                 fmt::format("storage account '{}' is not in the plan: the network rules are not analysed", *name));
    }
  }
  if (account == nullptr) return;
  account->doc["properties"].erase("networkAcls");
  copy_network_rules(ctx, b, *account);
}

void finish_storage(Context& ctx, std::vector<Synthesized>& out) {
  for (auto& s : out) {
    if (s.instance == nullptr || s.instance->type != "azurerm_storage_account") continue;
    if (s.doc["properties"].contains("networkAcls")) continue;
    ctx.report(model::Severity::kNote, *s.instance, s.instance->pointer + "/values", "assumed-default",
               "no network rules are configured: Azure's default is assumed, the public endpoint admits every "
               "internet source (default action Allow)");
  }
}

}  // namespace exposim::importers::terraform
