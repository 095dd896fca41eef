// azurerm PaaS services and their public endpoints: storage accounts and their network rules (inline
// `network_rules` or azurerm_storage_account_network_rules) and blob containers, Key Vaults, SQL servers and their
// firewall rules and virtual network rules, SQL managed instances, Cosmos DB accounts, App Service sites and
// function apps and their access restrictions.
#include <cstdint>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "importers/terraform/families.h"
#include "model/ascii.h"

namespace exposim::importers::terraform {
namespace {

/// `public_network_access_enabled` as `publicNetworkAccess`; absent or unknown: nothing, Azure's default (Enabled).
void copy_public_network_access(Context& ctx, const Block& b, Synthesized& s) {
  if (ctx.state(b, "public_network_access_enabled") != State::kKnown) return;
  if (auto on = ctx.boolean(b, "public_network_access_enabled")) {
    s.set("/properties/publicNetworkAccess", *on ? "Enabled" : "Disabled",
          b.attr_pointer("public_network_access_enabled"), b.instance);
  }
}

/// A known, non-empty string attribute written as it is (computed names and endpoints: absent or unknown, the
/// reader's default applies).
void copy_known_string(Context& ctx, const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  if (auto v = ctx.string(b, key); v && !v->empty()) s.set(synth, *v, b.attr_pointer(key), b.instance);
}

/// The attributes of a storage `network_rules` block (or of azurerm_storage_account_network_rules), or of a Key
/// Vault `network_acls` block, as `networkAcls`. `bypass` is a list for storage, a string for Key Vault.
void copy_network_rules(Context& ctx, const Block& b, Synthesized& s) {
  const std::string base = "/properties/networkAcls";
  s.set(base, json::object(), b.values_pointer, b.instance);
  ctx.copy_string(b, "default_action", s, base + "/defaultAction");
  const json* bypass =
      b.values != nullptr && b.values->is_object() && b.values->contains("bypass") ? &(*b.values)["bypass"] : nullptr;
  if (bypass != nullptr && bypass->is_string()) {
    ctx.copy_string(b, "bypass", s, base + "/bypass");
  } else if (auto list = ctx.strings(b, "bypass")) {
    std::string joined;
    for (const auto& v : *list) joined += (joined.empty() ? "" : ", ") + v;
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

/// The inline rules block `key` (storage `network_rules`, Key Vault `network_acls`) as `networkAcls`. Configured
/// but only known after apply: an unknown default action, which admits every source. Absent or not configured:
/// nothing (Azure's default, noted by finish_storage()).
void copy_rules_block(Context& ctx, const Block& b, std::string_view key, Synthesized& s) {
  if (ctx.state(b, key) == State::kUnknown) {
    s.set("/properties/networkAcls", json{{"defaultAction", Context::unknown_text(b, key)}}, b.attr_pointer(key));
    return;
  }
  const auto rules = ctx.nested(b, key);
  if (!rules.empty()) copy_network_rules(ctx, rules.front(), s);
}

/// The prefix length of a dotted IPv4 subnet mask ("255.255.255.0" -> 24), or -1 when it is not one.
int mask_length(std::string_view mask) {
  std::uint32_t bits = 0;
  int octets = 0;
  while (true) {
    const auto dot = mask.find('.');
    const std::string_view part = mask.substr(0, dot);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string_view::npos) return -1;
    const int v = std::stoi(std::string(part));
    if (v > 255 || ++octets > 4) return -1;
    bits = (bits << 8) | static_cast<std::uint32_t>(v);
    if (dot == std::string_view::npos) break;
    mask.remove_prefix(dot + 1);
  }
  if (octets != 4) return -1;
  int len = 0;
  while (len < 32 && (bits & (0x80000000u >> len)) != 0) ++len;
  const std::uint32_t expected = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
  return bits == expected ? len : -1;
}

/// The address of an App Service restriction block as `ipAddress`: `ip_address` (with azurerm 1.x/2.x's
/// `subnet_mask` as its prefix length), or `service_tag` (tagged ServiceTag); `virtual_network_subnet_id` as
/// `vnetSubnetResourceId`.
void copy_restriction_address(Context& ctx, const Block& rb, Synthesized& s, const std::string& base) {
  if (ctx.state(rb, "ip_address") == State::kKnown) {
    if (auto ip = ctx.string(rb, "ip_address"); ip && !ip->empty()) {
      std::string text = *ip;
      if (text.find('/') == std::string::npos) {
        if (auto mask = ctx.string(rb, "subnet_mask"); mask && !mask->empty()) {
          if (const int len = mask_length(*mask); len >= 0) text += fmt::format("/{}", len);
        }
      }
      s.set(base + "/ipAddress", text, rb.attr_pointer("ip_address"), rb.instance);
    }
  } else {
    ctx.copy_string(rb, "ip_address", s, base + "/ipAddress");
  }
  if (auto tag = ctx.string(rb, "service_tag"); tag && !tag->empty()) {
    s.set(base + "/ipAddress", *tag, rb.attr_pointer("service_tag"), rb.instance);
    s.set(base + "/tag", "ServiceTag", rb.attr_pointer("service_tag"), rb.instance);
  } else if (ctx.state(rb, "service_tag") == State::kUnknown) {
    s.set(base + "/ipAddress", Context::unknown_text(rb, "service_tag"), rb.attr_pointer("service_tag"), rb.instance);
  }
  bool unknown = false;
  auto subnet = ctx.ids(rb, "virtual_network_subnet_id", &unknown);
  if (!subnet.empty()) {
    s.set(base + "/vnetSubnetResourceId", subnet.front(), rb.attr_pointer("virtual_network_subnet_id"), rb.instance);
  } else if (unknown) {
    s.set(base + "/vnetSubnetResourceId", Context::unknown_text(rb, "virtual_network_subnet_id"),
          rb.attr_pointer("virtual_network_subnet_id"), rb.instance);
  }
}

/// The `headers` block of a restriction as Azure's header map (a restriction with headers matches only requests
/// that carry them).
void copy_restriction_headers(Context& ctx, const Block& rb, Synthesized& s, const std::string& base) {
  const auto headers = ctx.nested(rb, "headers");
  if (headers.empty()) return;
  const Block& hb = headers.front();
  constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
      {"x_azure_fdid", "X-Azure-FDID"},
      {"x_fd_health_probe", "X-FD-HealthProbe"},
      {"x_forwarded_for", "X-Forwarded-For"},
      {"x_forwarded_host", "X-Forwarded-Host"},
  };
  json map = json::object();
  for (const auto& [key, header] : kHeaders) {
    if (auto list = ctx.strings(hb, key); list && !list->empty()) map[std::string(header)] = *list;
  }
  if (!map.empty()) s.set(base + "/headers", std::move(map), hb.values_pointer, hb.instance);
}

/// Restriction blocks `key` of a `site_config` (`ip_restriction`, `scm_ip_restriction`) as the list at `synth`.
/// Configured but only known after apply: one allow restriction whose address is unknown (it admits every source).
void copy_restrictions(Context& ctx, const Block& cb, std::string_view key, Synthesized& s, const std::string& synth) {
  switch (ctx.state(cb, key)) {
    case State::kAbsent: return;
    case State::kUnknown:
      s.set(synth,
            json::array({json{
                {"name", "unknown-restrictions"}, {"action", "Allow"}, {"ipAddress", Context::unknown_text(cb, key)}}}),
            cb.attr_pointer(key), cb.instance);
      return;
    case State::kKnown: break;
  }
  s.set(synth, json::array(), cb.attr_pointer(key), cb.instance);
  const auto list = ctx.nested(cb, key);
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Block& rb = list[k];
    const std::string base = fmt::format("{}/{}", synth, k);
    s.set(base, json::object(), rb.values_pointer, rb.instance);
    ctx.copy_string(rb, "name", s, base + "/name");
    ctx.copy_string(rb, "action", s, base + "/action");
    ctx.copy_integer(rb, "priority", s, base + "/priority");
    copy_restriction_address(ctx, rb, s, base);
    copy_restriction_headers(ctx, rb, s, base);
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
  copy_public_network_access(ctx, b, *s);
  copy_rules_block(ctx, b, "network_rules", *s);
  if (ctx.state(b, "allow_nested_items_to_be_public") != State::kAbsent) {  // azurerm 3+
    ctx.copy_boolean(b, "allow_nested_items_to_be_public", *s, "/properties/allowBlobPublicAccess");
  } else {
    ctx.copy_boolean(b, "allow_blob_public_access", *s, "/properties/allowBlobPublicAccess");
  }
}

void translate_storage_container(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Block b = Context::top(i);
  std::string account_id;
  if (ctx.state(b, "storage_account_id") != State::kAbsent) {  // azurerm 4
    if (Synthesized* a = association_target(ctx, i, "storage_account_id", "storage account", out).doc) {
      account_id = a->doc["id"].get<std::string>();
    }
  } else if (auto name = ctx.string(b, "storage_account_name")) {
    // Storage account names are unique in Azure: the account of that name in the plan.
    for (const auto& s : out) {
      if (s.instance == nullptr || s.instance->type != "azurerm_storage_account") continue;
      const json& n = s.doc["name"];
      if (n.is_string() && model::ascii::iequals(n.get_ref<const std::string&>(), *name)) {
        account_id = s.doc["id"].get<std::string>();
        break;
      }
    }
    if (account_id.empty()) {
      ctx.report(model::Severity::kWarning, i, b.attr_pointer("storage_account_name"), "missing-reference",
                 fmt::format("storage account '{}' is not in the plan: the container is not analysed", *name));
    }
  } else {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer("storage_account_name"), "unknown-value",
               "the storage account of this container is only known after apply: the container is not analysed");
  }
  if (account_id.empty()) return;
  const std::string name = ctx.name_of(i);
  Synthesized c;
  c.instance = &i;
  c.set("/id", account_id + "/blobServices/default/containers/" + name, b.attr_pointer("name"));
  c.set("/name", name, b.attr_pointer("name"));
  c.set("/type", "Microsoft.Storage/storageAccounts/blobServices/containers", i.pointer + "/type");
  c.doc["properties"] = json::object();
  // `container_access_type`: private (azurerm's default, Azure's None), blob or container.
  switch (ctx.state(b, "container_access_type")) {
    case State::kKnown:
      if (auto t = ctx.string(b, "container_access_type")) {
        const std::string text = model::ascii::iequals(*t, "private") ? "None" : *t;
        c.set("/properties/publicAccess", text, b.attr_pointer("container_access_type"));
      }
      break;
    case State::kUnknown:
      c.set("/properties/publicAccess", Context::unknown_text(b, "container_access_type"),
            b.attr_pointer("container_access_type"));
      break;
    case State::kAbsent: break;
  }
  out.push_back(std::move(c));
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

void translate_key_vault(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.KeyVault/vaults", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  copy_public_network_access(ctx, b, *s);
  copy_known_string(ctx, b, "vault_uri", *s, "/properties/vaultUri");
  copy_rules_block(ctx, b, "network_acls", *s);
  ctx.copy_boolean(b, "purge_protection_enabled", *s, "/properties/enablePurgeProtection");
  // azurerm 3 and later always enable soft delete (the attribute is gone): absent, the reader's default (on).
  ctx.copy_boolean(b, "soft_delete_enabled", *s, "/properties/enableSoftDelete");
}

void translate_sql_managed_instance(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Sql/managedInstances", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_boolean(b, "public_data_endpoint_enabled", *s, "/properties/publicDataEndpointEnabled");
  bool unknown = false;
  auto subnet = ctx.ids(b, "subnet_id", &unknown);
  if (!subnet.empty()) {
    s->set("/properties/subnetId", subnet.front(), b.attr_pointer("subnet_id"));
  } else if (unknown) {
    s->set("/properties/subnetId", Context::unknown_text(b, "subnet_id"), b.attr_pointer("subnet_id"));
  }
  copy_known_string(ctx, b, "fqdn", *s, "/properties/fullyQualifiedDomainName");
}

void translate_sql_server(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Sql/servers", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  copy_public_network_access(ctx, b, *s);
  copy_known_string(ctx, b, "fully_qualified_domain_name", *s, "/properties/fullyQualifiedDomainName");
  // Azure keeps the connection policy in a child resource; only a known Proxy narrows the ports (to 1433), so an
  // unknown policy is left out: Default, which adds 11000-11999.
  auto policy = ctx.string(b, "connection_policy");
  if (!policy || policy->empty()) return;
  const std::string server_id = s->doc["id"].get<std::string>();
  Synthesized p;  // `s` is not used below: the push may move it
  p.instance = &i;
  const std::string at = b.attr_pointer("connection_policy");
  p.set("/id", server_id + "/connectionPolicies/Default", at);
  p.set("/name", "Default", at);
  p.set("/type", "Microsoft.Sql/servers/connectionPolicies", at);
  p.set("/properties", json{{"connectionType", *policy}}, at);
  out.push_back(std::move(p));
}

void translate_sql_firewall_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Sql/servers/firewallRules", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "start_ip_address", *s, "/properties/startIpAddress");
  ctx.copy_string(b, "end_ip_address", *s, "/properties/endIpAddress");
}

/// azurerm_mssql_virtual_network_rule (`server_id`) and azurerm_sql_virtual_network_rule (`server_name`): the
/// subnet the server admits through its service endpoint. A subnet id known after apply stays unknown (the rule
/// may admit any subnet).
void translate_sql_vnet_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Sql/servers/virtualNetworkRules", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "subnet_id", *s, "/properties/virtualNetworkSubnetId");
}

void translate_cosmos_account(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.DocumentDB/databaseAccounts", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "kind", *s, "/kind");
  copy_public_network_access(ctx, b, *s);
  // `ip_range_filter`: a comma-separated string up to azurerm 3.x, a set of strings in 4.x.
  switch (ctx.state(b, "ip_range_filter")) {
    case State::kKnown:
      if ((*b.values)["ip_range_filter"].is_string()) {
        ctx.copy_string(b, "ip_range_filter", *s, "/properties/ipRangeFilter");
      } else if (auto list = ctx.strings(b, "ip_range_filter")) {
        json arr = json::array();
        for (const auto& r : *list) {
          if (!r.empty()) arr.push_back(json{{"ipAddressOrRange", r}});
        }
        s->set("/properties/ipRules", std::move(arr), b.attr_pointer("ip_range_filter"));
      }
      break;
    case State::kUnknown:
      s->set("/properties/ipRules", Context::unknown_text(b, "ip_range_filter"), b.attr_pointer("ip_range_filter"));
      break;
    case State::kAbsent: break;
  }
  ctx.copy_boolean(b, "is_virtual_network_filter_enabled", *s, "/properties/isVirtualNetworkFilterEnabled");
  const auto rules = ctx.nested(b, "virtual_network_rule");
  for (std::size_t k = 0; k < rules.size(); ++k) {
    ctx.copy_ref(rules[k], "id", *s, fmt::format("/properties/virtualNetworkRules/{}", k));
  }
  if (auto bypass = ctx.boolean(b, "network_acl_bypass_for_azure_services")) {
    s->set("/properties/networkAclBypass", *bypass ? "AzureServices" : "None",
           b.attr_pointer("network_acl_bypass_for_azure_services"));
  }
  // The API (and so the ports): unknown capabilities are left out, read as the NoSQL API, whose range is widest.
  const auto caps = ctx.nested(b, "capabilities");
  for (std::size_t k = 0; k < caps.size(); ++k) {
    copy_known_string(ctx, caps[k], "name", *s, fmt::format("/properties/capabilities/{}/name", k));
  }
  copy_known_string(ctx, b, "endpoint", *s, "/properties/documentEndpoint");
}

void translate_web_app(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Web/sites", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  // Azure's `kind` of the site: "functionapp" for function apps, "app" for web apps.
  s->set("/kind", i.type.find("function_app") != std::string::npos ? "functionapp" : "app", i.pointer + "/type");
  copy_public_network_access(ctx, b, *s);
  ctx.copy_boolean(b, "https_only", *s, "/properties/httpsOnly");
  copy_known_string(ctx, b, "default_hostname", *s, "/properties/defaultHostName");
  copy_known_string(ctx, b, "default_site_hostname", *s, "/properties/defaultHostName");  // azurerm_app_service
  const auto configs = ctx.nested(b, "site_config");
  if (configs.empty()) return;
  const Block& cb = configs.front();
  const std::string base = "/properties/siteConfig";
  s->set(base, json::object(), cb.values_pointer);
  copy_restrictions(ctx, cb, "ip_restriction", *s, base + "/ipSecurityRestrictions");
  ctx.copy_string(cb, "ip_restriction_default_action", *s, base + "/ipSecurityRestrictionsDefaultAction");
  copy_restrictions(ctx, cb, "scm_ip_restriction", *s, base + "/scmIpSecurityRestrictions");
  ctx.copy_string(cb, "scm_ip_restriction_default_action", *s, base + "/scmIpSecurityRestrictionsDefaultAction");
  ctx.copy_boolean(cb, "scm_use_main_ip_restriction", *s, base + "/scmIpSecurityRestrictionsUseMain");
}

void finish_storage(Context& ctx, std::vector<Synthesized>& out) {
  for (auto& s : out) {
    if (s.instance == nullptr) continue;
    const json& props = s.doc["properties"];
    if (!props.is_object() || props.contains("networkAcls")) continue;
    if (s.instance->type == "azurerm_storage_account") {
      ctx.report(model::Severity::kNote, *s.instance, s.instance->pointer + "/values", "assumed-default",
                 "no network rules are configured: Azure's default is assumed, the public endpoint admits every "
                 "internet source (default action Allow)");
    } else if (s.instance->type == "azurerm_key_vault" && props.value("publicNetworkAccess", "") != "Disabled") {
      ctx.report(model::Severity::kNote, *s.instance, s.instance->pointer + "/values", "assumed-default",
                 "no network ACLs are configured: Azure's default is assumed, the public endpoint admits every "
                 "internet source (default action Allow)");
    }
  }
}

}  // namespace exposim::importers::terraform
