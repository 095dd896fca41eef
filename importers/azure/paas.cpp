// PaaS services and their public endpoints (storage accounts, Key Vaults, SQL servers with their firewall rules
// and connection policies, Cosmos DB accounts, App Service sites with their access restrictions) and private
// endpoints (docs/model.md#private-endpoints-and-paas-public-endpoints).
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/posture_setting.h"
#include "importers/azure/reader_context.h"
#include "importers/azure/service_tags.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// An App Service site's access restrictions, from `siteConfig` or the separate `config/web` resource.
struct SiteRestrictions {
  std::vector<model::PaasIpRule> rules;
  std::optional<model::Access> default_action;  // explicit `ipSecurityRestrictionsDefaultAction`
  std::vector<model::PaasIpRule> scm_rules;
  std::optional<model::Access> scm_default_action;
  bool scm_uses_main{false};
  bool present{false};
  std::string name;  // of the separate resource, for messages
  model::SourceLocation where;
};

/// A SQL server's connection policy (`Microsoft.Sql/servers/connectionPolicies`, `connectionType`).
struct SqlConnectionPolicy {
  std::string name;
  model::SourceLocation where;
  bool proxy{false};  // Proxy: every connection through the gateway on 1433; Default and Redirect also 11000-11999
};

/// A SQL server's virtual network rule (`Microsoft.Sql/servers/virtualNetworkRules`): the subnet it admits through
/// the subnet's service endpoint.
struct SqlVnetRule {
  std::string name;
  model::SourceLocation where;
  model::Ref subnet;  // model::is_unknown() when only known at deployment: the rule may admit any subnet
};

/// What the PaaS family keeps across files until finish().
struct PaasState {
  std::vector<PendingChild<model::PaasIpRule>> sql_rules;
  std::vector<PendingChild<SqlVnetRule>> sql_vnet_rules;
  std::vector<PendingChild<SqlConnectionPolicy>> sql_policies;
  std::vector<PendingChild<SiteRestrictions>> site_configs;
  std::vector<PendingChild<model::BlobContainer>> containers;
};

/// The service's own `privateEndpointConnections` (name and `privateLinkServiceConnectionState.status`, "" when
/// only known at deployment), as an export of a deployed service lists them.
void read_endpoint_connections(ReaderContext& ctx, JsonObject props, model::PaasService& s) {
  ctx.for_each_object(
      props, keys::kPrivateEndpointConnections, "private endpoint connection",
      [&](JsonObject o, std::size_t) {
        model::ServiceEndpointConnection c;
        c.where = ctx.here();
        if (auto n = ctx.get_string(o, keys::kName)) c.name = std::string(trim(*n));
        if (auto id = ctx.get_string(o, keys::kId); id && c.name.empty()) c.name = std::string(last_segment(*id));
        auto bag = ctx.properties_of(o);
        if (!bag) return;
        std::optional<PointerScope> scope;
        if (!bag->second.empty()) scope.emplace(ctx.ptr, bag->second);
        if (auto state = ctx.get_object(bag->first, keys::kPrivateLinkServiceConnectionState)) {
          PointerScope at(ctx.ptr, state.key);
          if (auto st = ctx.get_string(*state, keys::kStatus)) c.status = std::string(trim(*st));
        }
        s.endpoint_connections.push_back(std::move(c));
      },
      ReaderContext::NullElements::kSkip);
}

/// The host of a URL ("https://acct.blob.core.windows.net/" -> "acct.blob.core.windows.net"), or the
/// text itself when it has no scheme.
std::string host_of_url(std::string_view url) {
  std::string_view t = trim(url);
  if (auto scheme = t.find("://"); scheme != std::string_view::npos) t.remove_prefix(scheme + 3);
  t = t.substr(0, t.find_first_of("/:?#"));
  return ascii::lower(t);
}

/// `publicNetworkAccess` of a PaaS resource (absent: Enabled).
void read_public_network_access(ReaderContext& ctx, JsonObject props, model::PaasService& s) {
  using model::PublicNetworkAccess;
  auto f = ctx.get_string(props, keys::kPublicNetworkAccess);
  s.public_network_access_where = f.present ? field_location(ctx, f.key) : s.where;
  if (!f) return;
  const std::string_view t = trim(*f);
  if (ascii::equals_lower(t, "enabled")) {
    s.public_network_access = PublicNetworkAccess::kEnabled;
  } else if (ascii::equals_lower(t, "disabled")) {
    s.public_network_access = PublicNetworkAccess::kDisabled;
  } else if (ascii::equals_lower(t, "securedbyperimeter")) {
    s.public_network_access = PublicNetworkAccess::kSecuredByPerimeter;
    PointerScope at(ctx.ptr, f.key);
    ctx.warning("unmodelled-feature",
                fmt::format("'{}' is secured by a network security perimeter, not modelled: its public endpoint is "
                            "assumed to admit the whole internet",
                            s.name));
  } else {
    // From a template, a value ARM would reject is unknown: Enabled, as when absent.
    ctx.invalid_value_at(f.key, *f,
                         fmt::format("public network access '{}' is not Enabled, Disabled or SecuredByPerimeter", *f));
  }
}

/// An Allow/Deny field; `out` is left alone when absent or bad (reported).
/// An unknown value is Allow (a default action or a rule that admits is never narrower than the truth).
void read_paas_action(ReaderContext& ctx, JsonObject o, std::string_view key, std::string_view field,
                      model::Access& out) {
  auto f = ctx.get_string(o, key);
  if (f.unknown) out = model::Access::kAllow;
  if (!f) return;
  if (ascii::equals_lower(trim(*f), "allow")) {
    out = model::Access::kAllow;
  } else if (ascii::equals_lower(trim(*f), "deny")) {
    out = model::Access::kDeny;
  } else if (ctx.invalid_value_at(f.key, *f, fmt::format("{} '{}' is not Allow or Deny", field, *f))) {
    out = model::Access::kAllow;
  }
}

/// Cosmos DB's "0.0.0.0": connections from Azure datacenters, reported at the current pointer.
void warn_azure_datacenters(ReaderContext& ctx) {
  ctx.warning("unresolved-service-tag",
              "'0.0.0.0' allows connections from Azure datacenters, other customers' resources included; Azure's "
              "ranges are not resolved: taken as the whole internet");
}

/// An App Service `ServiceTag` restriction naming `r.text` (up to 8 comma-separated tags): their published prefixes
/// when the run's table has every one, else unresolved (an allow is the whole internet, a deny nothing) and a warning.
void read_service_tag_restriction(ReaderContext& ctx, model::PaasIpRule& r) {
  const model::ServiceTagTable* table = ctx.options.service_tags;
  if (table == nullptr) {
    r.unresolved = true;
    ctx.warning("unresolved-service-tag", unresolved_service_tag_message(r.text));
    return;
  }
  std::string_view rest = r.text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view name = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (name.empty()) continue;
    if (const model::IpSet* set = model::service_tag_addresses(table, name)) {
      r.addresses = r.addresses.unite(*set);
      continue;
    }
    r.unresolved = true;
    ctx.warning("service-tag-not-in-file", service_tag_not_in_file_message(name, *table));
  }
  if (r.unresolved) r.addresses = model::IpSet{};
}

/// Appends an address rule from one address text at the current pointer; false when it is not an
/// address (reported).
bool add_ip_rule_text(ReaderContext& ctx, std::string_view raw, model::PaasIpRule& rule) {
  const std::string_view t = trim(raw);
  if (t == "*" || ascii::equals_lower(t, "any")) {
    rule.addresses = rule.addresses.unite(model::all_v4().unite(model::all_v6()));
    return true;
  }
  bool unknown = false;
  auto p = ctx.prefix_value(t, &unknown);
  if (unknown) {  // only known at deployment, or a placeholder: an allow rule admits everyone, a deny none
    rule.unresolved = true;
    rule.unknown = true;
    return true;
  }
  if (!p) return false;
  rule.addresses = rule.addresses.unite(model::to_set(*p));
  return true;
}

/// The `ipRules` of storage accounts and Key Vaults (`value`; the az CLI's storage shape says
/// `ipAddressOrRange`) and Cosmos DB accounts (`ipAddressOrRange`): allow rules. `zero_is_azure`: "0.0.0.0"
/// stands for Azure datacenters (Cosmos DB).
void read_ip_rules(ReaderContext& ctx, JsonObject o, std::string_view field_key, std::string_view field,
                   bool zero_is_azure, model::PaasService& s) {
  if (ctx.unknown_list(o, keys::kIpRules)) {  // the whole list is unknown: it admits every source
    model::PaasIpRule rule;
    rule.where = ctx.here();
    rule.text = "(only known at deployment)";
    rule.unresolved = true;
    rule.unknown = true;
    s.ip_rules.push_back(std::move(rule));
    return;
  }
  ctx.for_each_object(
      o, keys::kIpRules, "IP rule",
      [&](JsonObject r, std::size_t) {
        model::PaasIpRule rule;
        rule.where = ctx.here();
        auto value = ctx.get_string(r, field_key);
        if (!value.present && field_key == keys::kValue) value = ctx.get_string(r, keys::kIpAddressOrRange);
        if (value.unknown) {  // admits every source
          rule.text = "(only known at deployment)";
          rule.unresolved = true;
          rule.unknown = true;
          read_paas_action(ctx, r, keys::kAction, "action", rule.action);
          s.ip_rules.push_back(std::move(rule));
          return;
        }
        if (!value) {
          if (!value.present) ctx.error("missing-field", fmt::format("IP rule has no '{}'", field));
          return;
        }
        rule.text = std::string(trim(*value));
        read_paas_action(ctx, r, keys::kAction, "action", rule.action);
        PointerScope at(ctx.ptr, value.key);
        if (zero_is_azure && rule.text == "0.0.0.0") {
          rule.unresolved = true;
          warn_azure_datacenters(ctx);
        } else if (!add_ip_rule_text(ctx, rule.text, rule)) {
          return;
        }
        s.ip_rules.push_back(std::move(rule));
      },
      ReaderContext::NullElements::kSkip);
}

/// `virtualNetworkRules[].id` (storage, Key Vault, Cosmos DB): recorded only.
void read_vnet_rules(ReaderContext& ctx, JsonObject o, model::PaasService& s) {
  auto arr = ctx.get_array(o, keys::kVirtualNetworkRules);
  if (!arr) return;
  PointerScope scope(ctx.ptr, arr.key);
  std::size_t i = 0;
  for (JsonValue e : *arr) {
    PointerScope item(ctx.ptr, i);
    if (!e.is_null()) {
      if (auto r = ctx.ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) s.virtual_network_rules.push_back(*r);
    }
    ++i;
  }
}

/// `networkAcls` of storage accounts and Key Vaults (`networkRuleSet` in the az CLI's storage output).
void read_network_acls(ReaderContext& ctx, JsonObject props, model::PaasService& s) {
  auto acls = ctx.get_object(props, keys::kNetworkAcls);
  if (!acls.present) acls = ctx.get_object(props, keys::kNetworkRuleSet);
  s.default_action_where = s.where;
  if (!acls) return;
  PointerScope scope(ctx.ptr, acls.key);
  if (auto d = find_field(*acls, keys::kDefaultAction)) s.default_action_where = field_location(ctx, d->key);
  read_paas_action(ctx, *acls, keys::kDefaultAction, "default action", s.default_action);
  if (auto b = ctx.get_string(*acls, keys::kBypass)) s.bypass = std::string(trim(*b));
  read_ip_rules(ctx, *acls, keys::kValue, "value", false, s);
  read_vnet_rules(ctx, *acls, s);
}

model::PortSet tcp_ports(std::initializer_list<std::uint16_t> ports) {
  model::PortSet out;
  for (auto p : ports) out.add(p, p);
  return out;
}

/// True when the resource states an `apiVersion` (next to `properties`) older than `since` (YYYY-MM-DD; a
/// "-preview" suffix is ignored); false when it states none.
bool older_api_version(ReaderContext& ctx, JsonObject res, std::size_t res_mark, std::string_view since) {
  const std::string saved = ctx.ptr;
  ctx.ptr.resize(res_mark);
  bool older = false;
  if (auto v = ctx.get_string(res, keys::kApiVersion)) {
    const std::string_view t = trim(*v);
    if (t.size() >= since.size()) older = t.substr(0, since.size()) < since;
  }
  ctx.ptr = saved;
  return older;
}

/// A SQL server firewall rule (separate child resource); nullopt when it has an error (reported).
std::optional<model::PaasIpRule> read_sql_firewall_rule(ReaderContext& ctx, JsonObject res, ChildIds ids) {
  model::PaasIpRule r;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(res, std::move(ids), r, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const std::size_t mark = child.mark;
  std::optional<IpAddress> bounds[2];
  const std::string_view fields[2] = {"startIpAddress", "endIpAddress"};
  const std::string_view field_keys[2] = {keys::kStartIpAddress, keys::kEndIpAddress};
  bool unknown = false;
  for (int k = 0; k < 2; ++k) {
    auto f = ctx.get_string(props, field_keys[k]);
    if (f.unknown) {
      unknown = true;
      continue;
    }
    if (!f) {
      if (!f.present) {
        ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
                   fmt::format("firewall rule '{}' has no '{}'", r.name, fields[k]));
      }
      continue;
    }
    auto a = IpAddress::parse(trim(*f));
    if (!a || a->family() != IpFamily::kV4) {
      if (ctx.invalid_value_at(f.key, *f, fmt::format("{} '{}' is not an IPv4 address", fields[k], *f))) unknown = true;
      continue;
    }
    bounds[k] = a;
  }
  if (ctx.failed_since(child)) return std::nullopt;
  if (unknown) {  // a bound only known at deployment: the rule admits every source
    r.text = "(only known at deployment)";
    r.unresolved = true;
    r.unknown = true;
    return r;
  }
  r.text = bounds[0]->to_string() + "-" + bounds[1]->to_string();
  if (bounds[0]->value > bounds[1]->value) {
    ctx.report(Severity::kError, "invalid-value", ctx.ptr.substr(0, mark),
               fmt::format("firewall rule '{}': range {} is empty (start after end)", r.name, r.text));
    return std::nullopt;
  }
  if (bounds[0]->v4_bits() == 0 && bounds[1]->v4_bits() == 0) {
    r.unresolved = true;  // "allow Azure services and resources to access this server"
    ctx.report(Severity::kWarning, "unresolved-service-tag", ctx.ptr.substr(0, mark),
               fmt::format("firewall rule '{}' (0.0.0.0-0.0.0.0) allows all Azure services, other customers' included; "
                           "Azure's ranges are not resolved: taken as the whole internet",
                           r.name));
  } else {
    r.addresses.add(bounds[0]->value, bounds[1]->value);
  }
  return r;
}

/// The API a Cosmos DB account serves: `kind` MongoDB, or a capability EnableMongo, EnableCassandra,
/// EnableTable or EnableGremlin; "sql" otherwise (NoSQL, Azure's default).
std::string cosmos_api(ReaderContext& ctx, JsonObject res, JsonObject props, std::size_t res_mark) {
  std::string api = "sql";
  {
    const std::string saved = ctx.ptr;
    ctx.ptr.resize(res_mark);
    if (auto kind = ctx.get_string(res, keys::kKind); kind && ascii::equals_lower(trim(*kind), "mongodb"))
      api = "mongo";
    ctx.ptr = saved;
  }
  if (auto caps = ctx.get_array(props, keys::kCapabilities)) {
    for (JsonValue e : *caps) {
      JsonObject o;
      std::string_view name;
      if (!e.get(o)) continue;
      auto n = find_field(o, keys::kName);
      if (!n || !n->value.get(name)) continue;
      name = trim(name);
      if (ascii::equals_lower(name, "enablemongo")) api = "mongo";
      if (ascii::equals_lower(name, "enablecassandra")) api = "cassandra";
      if (ascii::equals_lower(name, "enabletable")) api = "table";
      if (ascii::equals_lower(name, "enablegremlin")) api = "gremlin";
    }
  }
  return api;
}

/// One `ipSecurityRestrictions` entry; nullopt when it has an error (reported).
std::optional<model::PaasIpRule> read_site_restriction(ReaderContext& ctx, JsonObject o, std::size_t index) {
  const std::size_t errors_before = ctx.errors;
  model::PaasIpRule r;
  r.where = ctx.here();
  if (auto n = ctx.get_string(o, keys::kName)) r.name = std::string(*n);
  if (r.name.empty()) r.name = fmt::format("#{}", index);
  read_paas_action(ctx, o, keys::kAction, "action", r.action);
  if (auto f = find_field(o, keys::kPriority)) {
    std::int64_t v = 0;
    if (!f->value.get(v)) {
      ctx.wrong_type<int>(*f, "an integer");
    } else if (v < 0 || v > 2147483647) {
      ctx.error_at(f->key, "invalid-value", fmt::format("priority {} not in 0..2147483647", v));
    } else {
      r.priority = static_cast<int>(v);
    }
  }
  bool service_tag = false;
  if (auto tag = ctx.get_string(o, keys::kTag)) {
    const std::string_view t = trim(*tag);
    if (ascii::equals_lower(t, "servicetag")) {
      service_tag = true;
    } else if (!ascii::equals_lower(t, "default") && !ascii::equals_lower(t, "xffproxy")) {
      ctx.error_at(tag.key, "invalid-value", fmt::format("tag '{}' is not Default, XffProxy or ServiceTag", *tag));
    }
  }
  if (auto h = ctx.get_object(o, keys::kHeaders)) r.has_headers = h->size() > 0;
  auto subnet = ctx.get_string(o, keys::kVnetSubnetResourceId);
  auto ip = ctx.get_string(o, keys::kIpAddress);
  if (ip.unknown) {  // an allow restriction admits every source, a deny restriction matches none
    r.text = "(only known at deployment)";
    r.unresolved = true;
    r.unknown = true;
  } else if (ip && !trim(*ip).empty()) {
    r.text = std::string(trim(*ip));
    PointerScope at(ctx.ptr, ip.key);
    if (service_tag) {
      read_service_tag_restriction(ctx, r);
    } else {
      std::string_view rest = *ip;  // up to 8 comma-separated ranges per rule
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (!item.empty()) add_ip_rule_text(ctx, item, r);
      }
    }
  } else if (subnet && !trim(*subnet).empty()) {
    r.text = std::string(trim(*subnet));
    r.subnet_only = true;
  } else if (!ip.present && !subnet.present && ctx.options.from_template) {
    // A template's expander leaves out a field only known at deployment: the address is unknown.
    r.text = "(only known at deployment)";
    r.unresolved = true;
    r.unknown = true;
  } else if (!ip.present && !subnet.present) {
    ctx.error("missing-field",
              fmt::format("access restriction '{}' has no 'ipAddress' or 'vnetSubnetResourceId'", r.name));
  }
  if (ctx.errors != errors_before) return std::nullopt;
  return r;
}

/// One list of access restrictions and its default action.
SiteRestrictions read_restriction_set(ReaderContext& ctx, JsonObject config, std::string_view list_key,
                                      std::string_view default_key) {
  SiteRestrictions out;
  if (auto arr = ctx.get_array(config, list_key)) {
    out.present = true;
    PointerScope list(ctx.ptr, arr.key);
    std::size_t i = 0;
    for (JsonValue e : *arr) {
      PointerScope item(ctx.ptr, i);
      JsonObject o;
      if (e.get(o)) {
        if (auto r = read_site_restriction(ctx, o, i)) out.rules.push_back(std::move(*r));
      } else if (!e.is_null()) {
        ctx.error("invalid-type", fmt::format("access restriction is {}, expected an object", kind_name(e.type())));
      }
      ++i;
    }
  }
  model::Access action = model::Access::kAllow;
  auto d = ctx.get_string(config, default_key);
  if (d && (ascii::equals_lower(trim(*d), "allow") || ascii::equals_lower(trim(*d), "deny"))) {
    read_paas_action(ctx, config, default_key, "default action", action);
    out.default_action = action;
    out.present = true;
  } else if (d) {
    read_paas_action(ctx, config, default_key, "default action", action);  // reports
  }
  return out;
}

/// The access restrictions of a site's configuration (`siteConfig`, or the properties of the separate
/// `Microsoft.Web/sites/config` resource `web`); `present` when it lists restrictions or a default action.
/// The SCM site's (`scmIpSecurityRestrictions`, ...) go to `scm`.
SiteRestrictions read_site_restrictions(ReaderContext& ctx, JsonObject config) {
  SiteRestrictions out =
      read_restriction_set(ctx, config, keys::kIpSecurityRestrictions, keys::kIpSecurityRestrictionsDefaultAction);
  SiteRestrictions scm = read_restriction_set(ctx, config, keys::kScmIpSecurityRestrictions,
                                              keys::kScmIpSecurityRestrictionsDefaultAction);
  out.scm_rules = std::move(scm.rules);
  out.scm_default_action = scm.default_action;
  out.present |= scm.present;
  if (auto b = ctx.get_bool(config, keys::kScmIpSecurityRestrictionsUseMain)) {
    out.scm_uses_main = *b;
    out.present = true;
  }
  return out;
}

/// Sorts restrictions by priority (stable); the default action when none is given: deny after any
/// restriction (Azure's implicit "deny all"), else allow.
model::Access order_restrictions(std::vector<model::PaasIpRule>& rules,
                                 const std::optional<model::Access>& default_action) {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const model::PaasIpRule& a, const model::PaasIpRule& b) { return a.priority < b.priority; });
  if (default_action) return *default_action;
  return rules.empty() ? model::Access::kAllow : model::Access::kDeny;
}

/// Applies access restrictions to a site: rules sorted by priority (stable), and the default action.
void apply_site_restrictions(model::PaasService& s, SiteRestrictions r) {
  s.ip_rules = std::move(r.rules);
  s.default_action = order_restrictions(s.ip_rules, r.default_action);
  s.scm_ip_rules = std::move(r.scm_rules);
  s.scm_default_action = order_restrictions(s.scm_ip_rules, r.scm_default_action);
  s.scm_uses_main = r.scm_uses_main;
}

/// One private link connection; nullopt when it has an error (reported).
std::optional<model::PrivateLinkConnection> read_pe_connection(ReaderContext& ctx, JsonObject o, ChildIds ids,
                                                               bool manual) {
  model::PrivateLinkConnection c;
  c.manual = manual;
  c.status = manual ? model::ConnectionStatus::kPending : model::ConnectionStatus::kApproved;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), c, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const std::size_t mark = child.mark;
  c.target = ctx.get_ref_id(props, keys::kPrivateLinkServiceId);
  if (!c.target.set() && !find_field(props, keys::kPrivateLinkServiceId)) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
               fmt::format("private link connection '{}' has no 'privateLinkServiceId'", c.name));
  }
  ctx.for_each_text(props, "", keys::kGroupIds, [&](std::string_view g) { c.group_ids.emplace_back(trim(g)); });
  if (auto state = ctx.get_object(props, keys::kPrivateLinkServiceConnectionState)) {
    PointerScope s(ctx.ptr, state.key);
    if (auto st = ctx.get_string(*state, keys::kStatus)) {
      const std::string_view t = trim(*st);
      using model::ConnectionStatus;
      if (ascii::equals_lower(t, "approved")) {
        c.status = ConnectionStatus::kApproved;
      } else if (ascii::equals_lower(t, "pending")) {
        c.status = ConnectionStatus::kPending;
      } else if (ascii::equals_lower(t, "rejected")) {
        c.status = ConnectionStatus::kRejected;
      } else if (ascii::equals_lower(t, "disconnected")) {
        c.status = ConnectionStatus::kDisconnected;
      } else {
        ctx.error_at(st.key, "invalid-value",
                     fmt::format("connection status '{}' is not Approved, Pending, Rejected or Disconnected", *st));
      }
    }
  }
  if (ctx.failed_since(child)) return std::nullopt;
  return c;
}

}  // namespace

bool read_storage_account(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::PaasService s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  s.kind = model::PaasKind::kStorage;
  read_public_network_access(ctx, props, s);
  // Secure transfer is on by default only from API version 2019-04-01; an older `apiVersion` without the
  // property deploys an account that accepts HTTP. Without an `apiVersion` (most exports), today's default.
  s.https_only = !older_api_version(ctx, res, res_mark, "2019-04-01");
  auto https = ctx.get_bool(props, keys::kSupportsHttpsTrafficOnly);
  if (!https.present) https = ctx.get_bool(props, keys::kEnableHttpsTrafficOnly);  // the az CLI's name
  if (https) s.https_only = *https;
  if (https.unknown) s.https_only = false;  // unknown: HTTP on 80 too
  s.https_only_where = https.present ? field_location(ctx, https.key) : s.where;
  read_network_acls(ctx, props, s);
  s.allow_blob_public_access = read_bool_setting(ctx, props, keys::kAllowBlobPublicAccess, s.where);
  read_endpoint_connections(ctx, props, s);
  if (auto ep = ctx.get_object(props, keys::kPrimaryEndpoints)) {
    PointerScope scope(ctx.ptr, ep.key);
    if (auto blob = ctx.get_string(*ep, keys::kBlob)) s.host_name = host_of_url(*blob);
  }
  // Blob-only account kinds have no Azure Files share, hence no SMB (445) on the public endpoint.
  bool files = true;
  {
    const std::string saved = ctx.ptr;
    ctx.ptr.resize(res_mark);
    if (auto kind = ctx.get_string(res, keys::kKind)) {
      files = !ascii::equals_lower(trim(*kind), "blobstorage") && !ascii::equals_lower(trim(*kind), "blockblobstorage");
    }
    ctx.ptr = saved;
  }
  s.tcp_ports = tcp_ports({443});
  if (!s.https_only) s.tcp_ports.add(80, 80);
  if (files) s.tcp_ports.add(445, 445);
  ctx.model.paas_services.push_back(std::move(s));
  return true;
}

bool read_key_vault(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::PaasService s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  s.kind = model::PaasKind::kKeyVault;
  read_public_network_access(ctx, props, s);
  read_network_acls(ctx, props, s);
  s.enable_purge_protection = read_bool_setting(ctx, props, keys::kEnablePurgeProtection, s.where);
  s.enable_soft_delete = read_bool_setting(ctx, props, keys::kEnableSoftDelete, s.where);
  // Soft delete is on by default from API version 2019-09-01 (and can no longer be turned off); before, off.
  // Without an `apiVersion` (most exports), today's default.
  if (!s.enable_soft_delete.present()) {
    s.enable_soft_delete.value = !older_api_version(ctx, resource.object, resource.mark, "2019-09-01");
  }
  if (auto mode = ctx.get_string(props, keys::kCreateMode)) s.create_mode = std::string(trim(*mode));
  read_endpoint_connections(ctx, props, s);
  if (auto uri = ctx.get_string(props, keys::kVaultUri)) s.host_name = host_of_url(*uri);
  s.tcp_ports = tcp_ports({443});
  ctx.model.paas_services.push_back(std::move(s));
  return true;
}

bool read_sql_server(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::PaasService s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  s.kind = model::PaasKind::kSqlServer;
  s.default_action = model::Access::kDeny;  // only firewall rules admit
  read_public_network_access(ctx, props, s);
  read_endpoint_connections(ctx, props, s);
  if (auto fqdn = ctx.get_string(props, keys::kFullyQualifiedDomainName)) s.host_name = host_of_url(*fqdn);
  // 1433 at the gateway; with the Redirect policy, and with the Default policy for clients inside Azure (which
  // any internet client can be), the database nodes answer on 11000-11999. A Proxy policy (a separate
  // connectionPolicies resource) leaves 1433 only.
  s.tcp_ports = tcp_ports({1433});
  s.tcp_ports.add(11000, 11999);
  ctx.model.paas_services.push_back(std::move(s));
  return true;
}

bool read_sql_managed_instance(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::PaasService s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  s.kind = model::PaasKind::kSqlManagedInstance;
  // No `publicNetworkAccess` and no firewall rules: the public data endpoint is on or off, and the NSG of the
  // instance's subnet filters it (docs/model.md).
  s.public_data_endpoint_enabled = read_bool_setting(ctx, props, keys::kPublicDataEndpointEnabled, s.where);
  if (!s.public_data_endpoint_enabled.present()) s.public_data_endpoint_enabled.value = false;  // Azure's default
  s.subnet = ctx.get_ref_id(props, keys::kSubnetId);
  if (auto fqdn = ctx.get_string(props, keys::kFullyQualifiedDomainName)) {
    // "<name>.<dns zone>.database.windows.net"; the public data endpoint is "<name>.public.<dns zone>...".
    s.host_name = host_of_url(*fqdn);
    if (const auto dot = s.host_name.find('.'); dot != std::string::npos) s.host_name.insert(dot, ".public");
  }
  read_endpoint_connections(ctx, props, s);
  s.tcp_ports = tcp_ports({3342});
  ctx.model.paas_services.push_back(std::move(s));
  return true;
}

bool read_separate_blob_container(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  model::BlobContainer c;
  c.name = std::string(last_segment(resource.base.id));
  c.where = resource.base.where;
  c.public_access = "None";  // Azure's default: no anonymous access
  auto props_or = ctx.properties_of(resource.object);
  if (!props_or) return false;
  std::optional<PointerScope> scope;
  if (!props_or->second.empty()) scope.emplace(ctx.ptr, props_or->second);
  auto f = ctx.get_string(props_or->first, keys::kPublicAccess);
  if (f.present) c.where = field_location(ctx, f.key);
  if (f.unknown) {
    c.unknown = true;
    c.public_access.clear();
  } else if (f) {
    const std::string_view t = trim(*f);
    if (ascii::equals_lower(t, "none")) {
      c.public_access = "None";
    } else if (ascii::equals_lower(t, "blob")) {
      c.public_access = "Blob";
    } else if (ascii::equals_lower(t, "container")) {
      c.public_access = "Container";
    } else if (ctx.invalid_value_at(f.key, *f, fmt::format("public access '{}' is not None, Blob or Container", *f))) {
      c.unknown = true;
      c.public_access.clear();
    } else {
      return false;
    }
  }
  std::string key = ascii::lower(c.name);
  ctx.state<PaasState>().containers.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(c)});
  return true;
}

void attach_blob_containers(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<PaasState>().containers, ctx.model.paas_services, [](auto& s) -> auto& { return s.containers; },
      [](const model::BlobContainer& c) { return ascii::lower(c.name); }, "blob container", "storage account");
}

bool read_cosmos_account(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::PaasService s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  s.kind = model::PaasKind::kCosmosDb;
  read_public_network_access(ctx, props, s);
  read_endpoint_connections(ctx, props, s);
  read_ip_rules(ctx, props, keys::kIpAddressOrRange, "ipAddressOrRange", true, s);
  if (auto filter = ctx.get_string(props, keys::kIpRangeFilter)) {  // older API versions: "a,b/24,..."
    PointerScope at(ctx.ptr, filter.key);
    std::string_view rest = *filter;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (item.empty()) continue;
      model::PaasIpRule rule;
      rule.where = ctx.here();
      rule.text = std::string(item);
      if (item == "0.0.0.0") {
        rule.unresolved = true;
        warn_azure_datacenters(ctx);
      } else if (!add_ip_rule_text(ctx, item, rule)) {
        continue;
      }
      s.ip_rules.push_back(std::move(rule));
    }
  }
  if (auto b = ctx.get_bool(props, keys::kIsVirtualNetworkFilterEnabled)) s.virtual_network_filter = *b;
  read_vnet_rules(ctx, props, s);
  if (auto b = ctx.get_string(props, keys::kNetworkAclBypass)) s.bypass = std::string(trim(*b));
  // Cosmos DB has no default action: any IP rule or the virtual network filter closes everything else.
  s.default_action = s.ip_rules.empty() && !s.virtual_network_filter ? model::Access::kAllow : model::Access::kDeny;
  if (auto ep = ctx.get_string(props, keys::kDocumentEndpoint)) s.host_name = host_of_url(*ep);
  // 443 (gateway mode) for every API; the NoSQL API's direct mode connects to the replicas on 10000-20000, the
  // MongoDB API listens on 10255 (10250 and 10256 for older wire versions), Cassandra on 10350.
  s.tcp_ports = tcp_ports({443});
  const std::string api = cosmos_api(ctx, res, props, res_mark);
  if (api == "sql") s.tcp_ports.add(10000, 20000);
  if (api == "mongo") s.tcp_ports.add(10250, 10256);
  if (api == "cassandra") s.tcp_ports.add(10350, 10350);
  ctx.model.paas_services.push_back(std::move(s));
  return true;
}

bool read_web_site(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::PaasService s;
  static_cast<model::ResourceBase&>(s) = std::move(base);
  s.kind = model::PaasKind::kAppService;
  s.https_only = false;  // Azure's default for sites
  read_public_network_access(ctx, props, s);
  auto https = ctx.get_bool(props, keys::kHttpsOnly);
  if (https) s.https_only = *https;  // unknown: false, as when absent
  s.https_only_where = https.present ? field_location(ctx, https.key) : s.where;
  if (auto ase = ctx.get_object(props, keys::kHostingEnvironmentProfile)) {
    PointerScope at(ctx.ptr, ase.key);
    auto id = ctx.get_string(*ase, keys::kId);  // an id only known at deployment is still set
    s.in_app_service_environment = id.unknown || (id && !trim(*id).empty());
  }
  {
    const std::string saved = ctx.ptr;
    ctx.ptr.resize(resource.mark);
    if (auto kind = ctx.get_string(resource.object, keys::kKind)) s.site_kind = std::string(trim(*kind));
    ctx.ptr = saved;
  }
  read_endpoint_connections(ctx, props, s);
  if (auto h = ctx.get_string(props, keys::kDefaultHostName)) s.host_name = host_of_url(*h);
  // Every site has an SCM (Kudu) site: "<app>.scm.<domain>" next to "<app>.<domain>".
  s.has_scm = true;
  if (const auto dot = s.host_name.find('.'); dot != std::string::npos) {
    s.scm_host_name = s.host_name.substr(0, dot) + ".scm" + s.host_name.substr(dot);
  }
  SiteRestrictions restrictions;
  if (auto config = ctx.get_object(props, keys::kSiteConfig)) {
    PointerScope scope(ctx.ptr, config.key);
    restrictions = read_site_restrictions(ctx, *config);
  }
  apply_site_restrictions(s, std::move(restrictions));
  // With HTTPS Only, port 80 answers with a redirect and serves nothing: reported only without it (docs/model.md).
  s.tcp_ports = tcp_ports({443});
  if (!s.https_only) s.tcp_ports.add(80, 80);
  ctx.model.paas_services.push_back(std::move(s));
  return true;
}

bool read_private_endpoint(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::PrivateEndpoint pe;
  static_cast<model::ResourceBase&>(pe) = std::move(base);
  pe.subnet = ctx.get_ref(props, keys::kSubnet);
  for (bool manual : {false, true}) {
    const auto key = manual ? keys::kManualPrivateLinkServiceConnections : keys::kPrivateLinkServiceConnections;
    const auto segment = manual ? segments::kManualPeConnectionsAsWritten : segments::kPeConnectionsAsWritten;
    ctx.for_each_child(props, key, pe.id, segment, "private link connection", [&](JsonObject o, ChildIds ids) {
      if (auto c = read_pe_connection(ctx, o, std::move(ids), manual)) pe.connections.push_back(std::move(*c));
    });
  }
  auto add_ip = [&](std::string_view raw, std::string_view what) {
    const std::string_view t = trim(raw);
    if (t.empty()) return;
    if (auto a = IpAddress::parse(t)) {
      pe.private_ips.push_back(*a);
    } else {
      ctx.error("invalid-value", fmt::format("{} '{}' is not an IP address", what, raw));
    }
  };
  ctx.for_each_object(
      props, keys::kIpConfigurations, "ip configuration",
      [&](JsonObject o, std::size_t) {
        auto bag = ctx.properties_of(o);
        if (!bag) return;
        std::optional<PointerScope> scope;
        if (!bag->second.empty()) scope.emplace(ctx.ptr, bag->second);
        if (auto f = ctx.get_string(bag->first, keys::kPrivateIpAddress)) {
          PointerScope at(ctx.ptr, f.key);
          add_ip(*f, "private IP address");
        }
      },
      ReaderContext::NullElements::kSkip);
  ctx.for_each_object(
      props, keys::kCustomDnsConfigs, "DNS configuration",
      [&](JsonObject o, std::size_t) {
        ctx.for_each_text(o, "", keys::kIpAddresses, [&](std::string_view t) { add_ip(t, "IP address"); });
      },
      ReaderContext::NullElements::kSkip);
  std::sort(pe.private_ips.begin(), pe.private_ips.end());
  pe.private_ips.erase(std::unique(pe.private_ips.begin(), pe.private_ips.end()), pe.private_ips.end());
  pe.network_interfaces = ctx.get_ref_list(props, keys::kNetworkInterfaces);
  ctx.model.private_endpoints.push_back(std::move(pe));
  return true;
}

bool read_separate_sql_firewall_rule(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto r = read_sql_firewall_rule(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!r) return false;
  std::string key = ascii::lower(r->name);
  ctx.state<PaasState>().sql_rules.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
  return true;
}

bool read_separate_sql_vnet_rule(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  SqlVnetRule r;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(resource.object, ChildIds{resource.base.id, resource.base.name}, r, scope);
  if (!child.props) return false;
  // `ignoreMissingVnetServiceEndpoint` only lets the rule exist before the subnet has its service endpoint; the
  // rule admits the subnet's traffic only through that endpoint, which the solver checks on the subnet.
  auto f = ctx.get_string(*child.props, keys::kVirtualNetworkSubnetId);
  if (f.unknown) {
    r.subnet = model::Ref{importers::unknown_value("the subnet of a SQL virtual network rule"), -1};
  } else if (f && !trim(*f).empty()) {
    r.subnet = model::Ref{model::canonical_id(trim(*f)), -1};
  } else if (f || !f.present) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, child.mark),
               fmt::format("virtual network rule '{}' has no 'virtualNetworkSubnetId'", r.name));
  }
  if (ctx.failed_since(child)) return false;
  std::string key = ascii::lower(r.name);
  ctx.state<PaasState>().sql_vnet_rules.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(r)});
  return true;
}

bool read_separate_sql_connection_policy(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto props_or = ctx.properties_of(resource.object);
  if (!props_or) return false;
  std::optional<PointerScope> scope;
  if (!props_or->second.empty()) scope.emplace(ctx.ptr, props_or->second);
  SqlConnectionPolicy policy{resource.base.name, resource.base.where, false};
  if (auto t = ctx.get_string(props_or->first, keys::kConnectionType)) {
    const std::string_view v = trim(*t);
    if (ascii::equals_lower(v, "proxy")) {
      policy.proxy = true;
    } else if (!ascii::equals_lower(v, "default") && !ascii::equals_lower(v, "redirect")) {
      ctx.error_at(t.key, "invalid-value", fmt::format("connection type '{}' is not Default, Redirect or Proxy", *t));
      return false;
    }
  }
  ctx.state<PaasState>().sql_policies.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), "", std::move(policy)});
  return true;
}

bool read_separate_site_config(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  // Only the `web` configuration holds access restrictions (others: appsettings, logs, ...).
  if (!ascii::equals_lower(last_segment(resource.base.id), "web")) return true;
  auto props_or = ctx.properties_of(resource.object);
  if (!props_or) return false;
  std::optional<PointerScope> scope;
  if (!props_or->second.empty()) scope.emplace(ctx.ptr, props_or->second);
  SiteRestrictions r = read_site_restrictions(ctx, props_or->first);
  if (!r.present) return true;
  r.name = resource.base.name;
  r.where = resource.base.where;
  ctx.state<PaasState>().site_configs.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), "web", std::move(r)});
  return true;
}

void attach_sql_firewall_rules(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<PaasState>().sql_rules, ctx.model.paas_services, [](auto& s) -> auto& { return s.ip_rules; },
      [](const model::PaasIpRule& r) { return ascii::lower(r.name); }, "firewall rule", "SQL server");
}

void attach_sql_vnet_rules(ReaderContext& ctx) {
  auto& pending = ctx.state<PaasState>().sql_vnet_rules;
  if (pending.empty()) return;
  const auto servers = index_by_key(ctx.model.paas_services);
  for (auto& p : pending) {
    auto it = servers.find(p.parent_key);
    if (it == servers.end() || ctx.model.paas_services[it->second].kind != model::PaasKind::kSqlServer) {
      ctx.dangling(p.value.where, "virtual network rule", p.value.name, "SQL server", p.parent_id);
      continue;
    }
    // Rules are a set of subnets: one listed twice (an export and a template of the same server) is kept once.
    auto& rules = ctx.model.paas_services[it->second].virtual_network_rules;
    const bool seen = std::any_of(rules.begin(), rules.end(), [&](const auto& r) { return r.id == p.value.subnet.id; });
    if (!seen) rules.push_back(std::move(p.value.subnet));
  }
  pending.clear();
}

void apply_sql_connection_policies(ReaderContext& ctx) {
  auto& pending = ctx.state<PaasState>().sql_policies;
  if (pending.empty()) return;
  const auto servers = index_by_key(ctx.model.paas_services);
  for (auto& p : pending) {
    auto it = servers.find(p.parent_key);
    if (it == servers.end() || ctx.model.paas_services[it->second].kind != model::PaasKind::kSqlServer) {
      ctx.dangling(p.value.where, "connection policy", p.value.name, "SQL server", p.parent_id);
      continue;
    }
    if (p.value.proxy) ctx.model.paas_services[it->second].tcp_ports = tcp_ports({1433});
  }
  pending.clear();
}

void apply_site_configs(ReaderContext& ctx) {
  auto& pending = ctx.state<PaasState>().site_configs;
  if (pending.empty()) return;
  // The separate `config/web` resource is what Azure enforces; it replaces restrictions read from the
  // site's own `siteConfig` (which site listings leave empty).
  const auto sites = index_by_key(ctx.model.paas_services);
  for (auto& p : pending) {
    auto it = sites.find(p.parent_key);
    if (it == sites.end() || ctx.model.paas_services[it->second].kind != model::PaasKind::kAppService) {
      ctx.dangling(p.value.where, "site configuration", p.value.name, "App Service site", p.parent_id);
      continue;
    }
    apply_site_restrictions(ctx.model.paas_services[it->second], std::move(p.value));
  }
  pending.clear();
}

}  // namespace exposim::importers::azure
