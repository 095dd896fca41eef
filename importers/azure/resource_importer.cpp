// Azure resource JSON to the model: each element the stream yields is parsed with one reused simdjson
// parser and converted straight into model structs. Keys and enum values are matched case-insensitively;
// when `properties` is absent (az CLI's flattened output) the fields are read from the object itself.
#include "importers/azure/resource_importer.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/json_stream.h"
#include "importers/azure/reader_context.h"
#include "importers/azure/service_tags.h"
#include "importers/unknown_value.h"
#include "model/json_pointer.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

static_assert(simdjson::SIMDJSON_PADDING <= kStreamPadding, "the stream must pad elements for simdjson");

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

}  // namespace

struct Importer::Impl : ReaderContext {
  Impl(model::Model& m, model::Diagnostics& d, ImportOptions o) : ReaderContext(m, d, std::move(o)) {
    // Elements are never deeper than the document cap, so simdjson's own depth limit never triggers first.
    // On failure the parser allocates on first use instead.
    if (parser.allocate(std::size_t{1} << 16, std::max<std::size_t>(options.max_depth + 1, 1024))) {}
  }

  dom::parser parser;

  ImportStats* stats = nullptr;
  const std::vector<std::string>* element_pointers = nullptr;  // add_text of generated resources

  // Across files, until finish().
  std::vector<PendingChild<model::PaasIpRule>> pending_sql_rules;
  std::vector<PendingChild<SqlConnectionPolicy>> pending_sql_policies;
  std::vector<PendingChild<SiteRestrictions>> pending_site_configs;

  // ---- security rules ----

  // ---- virtual networks ----

  // ---- PaaS public endpoints and private endpoints (docs/model.md#private-endpoints-and-paas-public-endpoints) ----

  /// The host of a URL ("https://acct.blob.core.windows.net/" -> "acct.blob.core.windows.net"), or the
  /// text itself when it has no scheme.
  static std::string host_of_url(std::string_view url) {
    std::string_view t = trim(url);
    if (auto scheme = t.find("://"); scheme != std::string_view::npos) t.remove_prefix(scheme + 3);
    t = t.substr(0, t.find_first_of("/:?#"));
    return lowercase(t);
  }

  /// `publicNetworkAccess` of a PaaS resource (absent: Enabled).
  void read_public_network_access(dom::object props, model::PaasService& s) {
    using model::PublicNetworkAccess;
    auto f = get_string(props, keys::kPublicNetworkAccess);
    if (!f) return;
    const std::string_view t = trim(*f);
    if (iequals(t, "enabled")) {
      s.public_network_access = PublicNetworkAccess::kEnabled;
    } else if (iequals(t, "disabled")) {
      s.public_network_access = PublicNetworkAccess::kDisabled;
    } else if (iequals(t, "securedbyperimeter")) {
      s.public_network_access = PublicNetworkAccess::kSecuredByPerimeter;
      PointerScope at(ptr, f.key);
      warning("unmodelled-feature",
              fmt::format("'{}' is secured by a network security perimeter, not modelled: its public endpoint is "
                          "assumed to admit the whole internet",
                          s.name));
    } else {
      // From a template, a value ARM would reject is unknown: Enabled, as when absent.
      invalid_value_at(f.key, *f,
                       fmt::format("public network access '{}' is not Enabled, Disabled or SecuredByPerimeter", *f));
    }
  }

  /// An Allow/Deny field; `out` is left alone when absent or bad (reported).
  /// An unknown value is Allow (a default action or a rule that admits is never narrower than the truth).
  void read_paas_action(dom::object o, std::string_view key, std::string_view field, model::Access& out) {
    auto f = get_string(o, key);
    if (f.unknown) out = model::Access::kAllow;
    if (!f) return;
    if (iequals(trim(*f), "allow")) {
      out = model::Access::kAllow;
    } else if (iequals(trim(*f), "deny")) {
      out = model::Access::kDeny;
    } else if (invalid_value_at(f.key, *f, fmt::format("{} '{}' is not Allow or Deny", field, *f))) {
      out = model::Access::kAllow;
    }
  }

  /// Cosmos DB's "0.0.0.0": connections from Azure datacenters, reported at the current pointer.
  void warn_azure_datacenters() {
    warning("unresolved-service-tag",
            "'0.0.0.0' allows connections from Azure datacenters, other customers' resources included; Azure's "
            "ranges are not resolved: taken as the whole internet");
  }

  /// Appends an address rule from one address text at the current pointer; false when it is not an
  /// address (reported).
  bool add_ip_rule_text(std::string_view raw, model::PaasIpRule& rule) {
    const std::string_view t = trim(raw);
    if (t == "*" || iequals(t, "any")) {
      rule.addresses = rule.addresses.unite(model::all_v4().unite(model::all_v6()));
      return true;
    }
    bool unknown = false;
    auto p = prefix_value(t, &unknown);
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
  void read_ip_rules(dom::object o, std::string_view field_key, std::string_view field, bool zero_is_azure,
                     model::PaasService& s) {
    if (unknown_list(o, keys::kIpRules)) {  // the whole list is unknown: it admits every source
      model::PaasIpRule rule;
      rule.where = here();
      rule.text = "(only known at deployment)";
      rule.unresolved = true;
      rule.unknown = true;
      s.ip_rules.push_back(std::move(rule));
      return;
    }
    auto arr = get_array(o, keys::kIpRules);
    if (!arr) return;
    PointerScope scope(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i++);
      dom::object r;
      if (e.get_object().get(r) != simdjson::SUCCESS) {
        if (!e.is_null()) error("invalid-type", fmt::format("IP rule is {}, expected an object", kind_name(e.type())));
        continue;
      }
      model::PaasIpRule rule;
      rule.where = here();
      auto value = get_string(r, field_key);
      if (!value.present && field_key == keys::kValue) value = get_string(r, keys::kIpAddressOrRange);
      if (value.unknown) {  // admits every source
        rule.text = "(only known at deployment)";
        rule.unresolved = true;
        rule.unknown = true;
        read_paas_action(r, keys::kAction, "action", rule.action);
        s.ip_rules.push_back(std::move(rule));
        continue;
      }
      if (!value) {
        if (!value.present) error("missing-field", fmt::format("IP rule has no '{}'", field));
        continue;
      }
      rule.text = std::string(trim(*value));
      read_paas_action(r, keys::kAction, "action", rule.action);
      PointerScope at(ptr, value.key);
      if (zero_is_azure && rule.text == "0.0.0.0") {
        rule.unresolved = true;
        warn_azure_datacenters();
      } else if (!add_ip_rule_text(rule.text, rule)) {
        continue;
      }
      s.ip_rules.push_back(std::move(rule));
    }
  }

  /// `virtualNetworkRules[].id` (storage, Key Vault, Cosmos DB): recorded only.
  void read_vnet_rules(dom::object o, model::PaasService& s) {
    auto arr = get_array(o, keys::kVirtualNetworkRules);
    if (!arr) return;
    PointerScope scope(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i);
      if (!e.is_null()) {
        if (auto r = ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) s.virtual_network_rules.push_back(*r);
      }
      ++i;
    }
  }

  /// `networkAcls` of storage accounts and Key Vaults (`networkRuleSet` in the az CLI's storage output).
  void read_network_acls(dom::object props, model::PaasService& s) {
    auto acls = get_object(props, keys::kNetworkAcls);
    if (!acls.present) acls = get_object(props, keys::kNetworkRuleSet);
    if (!acls) return;
    PointerScope scope(ptr, acls.key);
    read_paas_action(*acls, keys::kDefaultAction, "default action", s.default_action);
    if (auto b = get_string(*acls, keys::kBypass)) s.bypass = std::string(trim(*b));
    read_ip_rules(*acls, keys::kValue, "value", false, s);
    read_vnet_rules(*acls, s);
  }

  static model::PortSet tcp_ports(std::initializer_list<std::uint16_t> ports) {
    model::PortSet out;
    for (auto p : ports) out.add(p, p);
    return out;
  }

  /// True when the resource states an `apiVersion` (next to `properties`) older than `since` (YYYY-MM-DD; a
  /// "-preview" suffix is ignored); false when it states none.
  bool older_api_version(dom::object res, std::size_t res_mark, std::string_view since) {
    const std::string saved = ptr;
    ptr.resize(res_mark);
    bool older = false;
    if (auto v = get_string(res, keys::kApiVersion)) {
      const std::string_view t = trim(*v);
      if (t.size() >= since.size()) older = t.substr(0, since.size()) < since;
    }
    ptr = saved;
    return older;
  }

  void read_storage_account(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kStorage;
    read_public_network_access(props, s);
    // Secure transfer is on by default only from API version 2019-04-01; an older `apiVersion` without the
    // property deploys an account that accepts HTTP. Without an `apiVersion` (most exports), today's default.
    s.https_only = !older_api_version(res, res_mark, "2019-04-01");
    auto https = get_bool(props, keys::kSupportsHttpsTrafficOnly);
    if (!https.present) https = get_bool(props, keys::kEnableHttpsTrafficOnly);  // the az CLI's name
    if (https) s.https_only = *https;
    if (https.unknown) s.https_only = false;  // unknown: HTTP on 80 too
    read_network_acls(props, s);
    if (auto ep = get_object(props, keys::kPrimaryEndpoints)) {
      PointerScope scope(ptr, ep.key);
      if (auto blob = get_string(*ep, keys::kBlob)) s.host_name = host_of_url(*blob);
    }
    // Blob-only account kinds have no Azure Files share, hence no SMB (445) on the public endpoint.
    bool files = true;
    {
      const std::string saved = ptr;
      ptr.resize(res_mark);
      if (auto kind = get_string(res, keys::kKind)) {
        files = !iequals(trim(*kind), "blobstorage") && !iequals(trim(*kind), "blockblobstorage");
      }
      ptr = saved;
    }
    s.tcp_ports = tcp_ports({443});
    if (!s.https_only) s.tcp_ports.add(80, 80);
    if (files) s.tcp_ports.add(445, 445);
    model.paas_services.push_back(std::move(s));
  }

  void read_key_vault(model::ResourceBase base, dom::object props) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kKeyVault;
    read_public_network_access(props, s);
    read_network_acls(props, s);
    if (auto uri = get_string(props, keys::kVaultUri)) s.host_name = host_of_url(*uri);
    s.tcp_ports = tcp_ports({443});
    model.paas_services.push_back(std::move(s));
  }

  void read_sql_server(model::ResourceBase base, dom::object props) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kSqlServer;
    s.default_action = model::Access::kDeny;  // only firewall rules admit
    read_public_network_access(props, s);
    if (auto fqdn = get_string(props, keys::kFullyQualifiedDomainName)) s.host_name = host_of_url(*fqdn);
    // 1433 at the gateway; with the Redirect policy, and with the Default policy for clients inside Azure (which
    // any internet client can be), the database nodes answer on 11000-11999. A Proxy policy (a separate
    // connectionPolicies resource) leaves 1433 only.
    s.tcp_ports = tcp_ports({1433});
    s.tcp_ports.add(11000, 11999);
    model.paas_services.push_back(std::move(s));
  }

  /// A SQL server firewall rule (separate child resource); nullopt when it has an error (reported).
  std::optional<model::PaasIpRule> read_sql_firewall_rule(dom::object res, ChildIds ids) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::PaasIpRule r;
    r.name = std::move(ids.name);
    r.where = here();
    auto props_or = properties_of(res);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    std::optional<IpAddress> bounds[2];
    const std::string_view fields[2] = {"startIpAddress", "endIpAddress"};
    const std::string_view field_keys[2] = {keys::kStartIpAddress, keys::kEndIpAddress};
    bool unknown = false;
    for (int k = 0; k < 2; ++k) {
      auto f = get_string(props, field_keys[k]);
      if (f.unknown) {
        unknown = true;
        continue;
      }
      if (!f) {
        if (!f.present) {
          report(Severity::kError, "missing-field", ptr.substr(0, mark),
                 fmt::format("firewall rule '{}' has no '{}'", r.name, fields[k]));
        }
        continue;
      }
      auto a = IpAddress::parse(trim(*f));
      if (!a || a->family() != IpFamily::kV4) {
        if (invalid_value_at(f.key, *f, fmt::format("{} '{}' is not an IPv4 address", fields[k], *f))) unknown = true;
        continue;
      }
      bounds[k] = a;
    }
    if (errors != errors_before) return std::nullopt;
    if (unknown) {  // a bound only known at deployment: the rule admits every source
      r.text = "(only known at deployment)";
      r.unresolved = true;
      r.unknown = true;
      return r;
    }
    r.text = bounds[0]->to_string() + "-" + bounds[1]->to_string();
    if (bounds[0]->value > bounds[1]->value) {
      report(Severity::kError, "invalid-value", ptr.substr(0, mark),
             fmt::format("firewall rule '{}': range {} is empty (start after end)", r.name, r.text));
      return std::nullopt;
    }
    if (bounds[0]->v4_bits() == 0 && bounds[1]->v4_bits() == 0) {
      r.unresolved = true;  // "allow Azure services and resources to access this server"
      report(Severity::kWarning, "unresolved-service-tag", ptr.substr(0, mark),
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
  std::string cosmos_api(dom::object res, dom::object props, std::size_t res_mark) {
    std::string api = "sql";
    {
      const std::string saved = ptr;
      ptr.resize(res_mark);
      if (auto kind = get_string(res, keys::kKind); kind && iequals(trim(*kind), "mongodb")) api = "mongo";
      ptr = saved;
    }
    if (auto caps = get_array(props, keys::kCapabilities)) {
      for (dom::element e : *caps) {
        dom::object o;
        std::string_view name;
        if (e.get_object().get(o) != simdjson::SUCCESS) continue;
        auto n = find_field(o, keys::kName);
        if (!n || n->value.get_string().get(name) != simdjson::SUCCESS) continue;
        name = trim(name);
        if (iequals(name, "enablemongo")) api = "mongo";
        if (iequals(name, "enablecassandra")) api = "cassandra";
        if (iequals(name, "enabletable")) api = "table";
        if (iequals(name, "enablegremlin")) api = "gremlin";
      }
    }
    return api;
  }

  void read_cosmos_account(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kCosmosDb;
    read_public_network_access(props, s);
    read_ip_rules(props, keys::kIpAddressOrRange, "ipAddressOrRange", true, s);
    if (auto filter = get_string(props, keys::kIpRangeFilter)) {  // older API versions: "a,b/24,..."
      PointerScope at(ptr, filter.key);
      std::string_view rest = *filter;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty()) continue;
        model::PaasIpRule rule;
        rule.where = here();
        rule.text = std::string(item);
        if (item == "0.0.0.0") {
          rule.unresolved = true;
          warn_azure_datacenters();
        } else if (!add_ip_rule_text(item, rule)) {
          continue;
        }
        s.ip_rules.push_back(std::move(rule));
      }
    }
    if (auto b = get_bool(props, keys::kIsVirtualNetworkFilterEnabled)) s.virtual_network_filter = *b;
    read_vnet_rules(props, s);
    if (auto b = get_string(props, keys::kNetworkAclBypass)) s.bypass = std::string(trim(*b));
    // Cosmos DB has no default action: any IP rule or the virtual network filter closes everything else.
    s.default_action = s.ip_rules.empty() && !s.virtual_network_filter ? model::Access::kAllow : model::Access::kDeny;
    if (auto ep = get_string(props, keys::kDocumentEndpoint)) s.host_name = host_of_url(*ep);
    // 443 (gateway mode) for every API; the NoSQL API's direct mode connects to the replicas on 10000-20000, the
    // MongoDB API listens on 10255 (10250 and 10256 for older wire versions), Cassandra on 10350.
    s.tcp_ports = tcp_ports({443});
    const std::string api = cosmos_api(res, props, res_mark);
    if (api == "sql") s.tcp_ports.add(10000, 20000);
    if (api == "mongo") s.tcp_ports.add(10250, 10256);
    if (api == "cassandra") s.tcp_ports.add(10350, 10350);
    model.paas_services.push_back(std::move(s));
  }

  /// One `ipSecurityRestrictions` entry; nullopt when it has an error (reported).
  std::optional<model::PaasIpRule> read_site_restriction(dom::object o, std::size_t index) {
    const std::size_t errors_before = errors;
    model::PaasIpRule r;
    r.where = here();
    if (auto n = get_string(o, keys::kName)) r.name = std::string(*n);
    if (r.name.empty()) r.name = fmt::format("#{}", index);
    read_paas_action(o, keys::kAction, "action", r.action);
    if (auto f = find_field(o, keys::kPriority)) {
      std::int64_t v = 0;
      if (f->value.get_int64().get(v) != simdjson::SUCCESS) {
        wrong_type<int>(*f, "an integer");
      } else if (v < 0 || v > 2147483647) {
        error_at(f->key, "invalid-value", fmt::format("priority {} not in 0..2147483647", v));
      } else {
        r.priority = static_cast<int>(v);
      }
    }
    bool service_tag = false;
    if (auto tag = get_string(o, keys::kTag)) {
      const std::string_view t = trim(*tag);
      if (iequals(t, "servicetag")) {
        service_tag = true;
      } else if (!iequals(t, "default") && !iequals(t, "xffproxy")) {
        error_at(tag.key, "invalid-value", fmt::format("tag '{}' is not Default, XffProxy or ServiceTag", *tag));
      }
    }
    if (auto h = get_object(o, keys::kHeaders)) r.has_headers = h->size() > 0;
    auto subnet = get_string(o, keys::kVnetSubnetResourceId);
    auto ip = get_string(o, keys::kIpAddress);
    if (ip.unknown) {  // an allow restriction admits every source, a deny restriction matches none
      r.text = "(only known at deployment)";
      r.unresolved = true;
      r.unknown = true;
    } else if (ip && !trim(*ip).empty()) {
      r.text = std::string(trim(*ip));
      PointerScope at(ptr, ip.key);
      if (service_tag) {
        r.unresolved = true;
        warning("unresolved-service-tag",
                fmt::format("service tag '{}' is not resolved to addresses: allow rules treat it as the whole "
                            "internet, deny rules as nothing",
                            r.text));
      } else {
        std::string_view rest = *ip;  // up to 8 comma-separated ranges per rule
        while (!rest.empty()) {
          const auto comma = rest.find(',');
          const std::string_view item = trim(rest.substr(0, comma));
          rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
          if (!item.empty()) add_ip_rule_text(item, r);
        }
      }
    } else if (subnet && !trim(*subnet).empty()) {
      r.text = std::string(trim(*subnet));
      r.subnet_only = true;
    } else if (!ip.present && !subnet.present && options.from_template) {
      // A template's expander leaves out a field only known at deployment: the address is unknown.
      r.text = "(only known at deployment)";
      r.unresolved = true;
      r.unknown = true;
    } else if (!ip.present && !subnet.present) {
      error("missing-field",
            fmt::format("access restriction '{}' has no 'ipAddress' or 'vnetSubnetResourceId'", r.name));
    }
    if (errors != errors_before) return std::nullopt;
    return r;
  }

  /// The access restrictions of a site's configuration (`siteConfig`, or the properties of the separate
  /// `Microsoft.Web/sites/config` resource `web`); `present` when it lists restrictions or a default action.
  /// The SCM site's (`scmIpSecurityRestrictions`, ...) go to `scm`.
  SiteRestrictions read_site_restrictions(dom::object config) {
    SiteRestrictions out =
        read_restriction_set(config, keys::kIpSecurityRestrictions, keys::kIpSecurityRestrictionsDefaultAction);
    SiteRestrictions scm =
        read_restriction_set(config, keys::kScmIpSecurityRestrictions, keys::kScmIpSecurityRestrictionsDefaultAction);
    out.scm_rules = std::move(scm.rules);
    out.scm_default_action = scm.default_action;
    out.present |= scm.present;
    if (auto b = get_bool(config, keys::kScmIpSecurityRestrictionsUseMain)) {
      out.scm_uses_main = *b;
      out.present = true;
    }
    return out;
  }

  /// One list of access restrictions and its default action.
  SiteRestrictions read_restriction_set(dom::object config, std::string_view list_key, std::string_view default_key) {
    SiteRestrictions out;
    if (auto arr = get_array(config, list_key)) {
      out.present = true;
      PointerScope list(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i);
        dom::object o;
        if (e.get_object().get(o) == simdjson::SUCCESS) {
          if (auto r = read_site_restriction(o, i)) out.rules.push_back(std::move(*r));
        } else if (!e.is_null()) {
          error("invalid-type", fmt::format("access restriction is {}, expected an object", kind_name(e.type())));
        }
        ++i;
      }
    }
    model::Access action = model::Access::kAllow;
    auto d = get_string(config, default_key);
    if (d && (iequals(trim(*d), "allow") || iequals(trim(*d), "deny"))) {
      read_paas_action(config, default_key, "default action", action);
      out.default_action = action;
      out.present = true;
    } else if (d) {
      read_paas_action(config, default_key, "default action", action);  // reports
    }
    return out;
  }

  /// Sorts restrictions by priority (stable); the default action when none is given: deny after any
  /// restriction (Azure's implicit "deny all"), else allow.
  static model::Access order_restrictions(std::vector<model::PaasIpRule>& rules,
                                          const std::optional<model::Access>& default_action) {
    std::stable_sort(rules.begin(), rules.end(),
                     [](const model::PaasIpRule& a, const model::PaasIpRule& b) { return a.priority < b.priority; });
    if (default_action) return *default_action;
    return rules.empty() ? model::Access::kAllow : model::Access::kDeny;
  }

  /// Applies access restrictions to a site: rules sorted by priority (stable), and the default action.
  static void apply_site_restrictions(model::PaasService& s, SiteRestrictions r) {
    s.ip_rules = std::move(r.rules);
    s.default_action = order_restrictions(s.ip_rules, r.default_action);
    s.scm_ip_rules = std::move(r.scm_rules);
    s.scm_default_action = order_restrictions(s.scm_ip_rules, r.scm_default_action);
    s.scm_uses_main = r.scm_uses_main;
  }

  void read_web_site(model::ResourceBase base, dom::object props) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kAppService;
    s.https_only = false;  // Azure's default for sites
    read_public_network_access(props, s);
    if (auto b = get_bool(props, keys::kHttpsOnly)) s.https_only = *b;  // unknown: false, as when absent
    if (auto h = get_string(props, keys::kDefaultHostName)) s.host_name = host_of_url(*h);
    // Every site has an SCM (Kudu) site: "<app>.scm.<domain>" next to "<app>.<domain>".
    s.has_scm = true;
    if (const auto dot = s.host_name.find('.'); dot != std::string::npos) {
      s.scm_host_name = s.host_name.substr(0, dot) + ".scm" + s.host_name.substr(dot);
    }
    SiteRestrictions restrictions;
    if (auto config = get_object(props, keys::kSiteConfig)) {
      PointerScope scope(ptr, config.key);
      restrictions = read_site_restrictions(*config);
    }
    apply_site_restrictions(s, std::move(restrictions));
    // With HTTPS Only, port 80 answers with a redirect and serves nothing: reported only without it (docs/model.md).
    s.tcp_ports = tcp_ports({443});
    if (!s.https_only) s.tcp_ports.add(80, 80);
    model.paas_services.push_back(std::move(s));
  }

  /// One private link connection; nullopt when it has an error (reported).
  std::optional<model::PrivateLinkConnection> read_pe_connection(dom::object o, ChildIds ids, bool manual) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::PrivateLinkConnection c;
    c.name = std::move(ids.name);
    c.manual = manual;
    c.status = manual ? model::ConnectionStatus::kPending : model::ConnectionStatus::kApproved;
    c.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    c.flattened = props_key.empty();
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    c.target = get_ref_id(props, keys::kPrivateLinkServiceId);
    if (!c.target.set() && !find_field(props, keys::kPrivateLinkServiceId)) {
      report(Severity::kError, "missing-field", ptr.substr(0, mark),
             fmt::format("private link connection '{}' has no 'privateLinkServiceId'", c.name));
    }
    for_each_text(props, "", keys::kGroupIds, [&](std::string_view g) { c.group_ids.emplace_back(trim(g)); });
    if (auto state = get_object(props, keys::kPrivateLinkServiceConnectionState)) {
      PointerScope s(ptr, state.key);
      if (auto st = get_string(*state, keys::kStatus)) {
        const std::string_view t = trim(*st);
        using model::ConnectionStatus;
        if (iequals(t, "approved")) {
          c.status = ConnectionStatus::kApproved;
        } else if (iequals(t, "pending")) {
          c.status = ConnectionStatus::kPending;
        } else if (iequals(t, "rejected")) {
          c.status = ConnectionStatus::kRejected;
        } else if (iequals(t, "disconnected")) {
          c.status = ConnectionStatus::kDisconnected;
        } else {
          error_at(st.key, "invalid-value",
                   fmt::format("connection status '{}' is not Approved, Pending, Rejected or Disconnected", *st));
        }
      }
    }
    if (errors != errors_before) return std::nullopt;
    return c;
  }

  void read_private_endpoint(model::ResourceBase base, dom::object props) {
    model::PrivateEndpoint pe;
    static_cast<model::ResourceBase&>(pe) = std::move(base);
    pe.subnet = get_ref(props, keys::kSubnet);
    for (bool manual : {false, true}) {
      const auto key = manual ? keys::kManualPrivateLinkServiceConnections : keys::kPrivateLinkServiceConnections;
      const auto segment = manual ? segments::kManualPeConnectionsAsWritten : segments::kPeConnectionsAsWritten;
      for_each_child(props, key, pe.id, segment, "private link connection", [&](dom::object o, ChildIds ids) {
        if (auto c = read_pe_connection(o, std::move(ids), manual)) pe.connections.push_back(std::move(*c));
      });
    }
    auto add_ip = [&](std::string_view raw, std::string_view what) {
      const std::string_view t = trim(raw);
      if (t.empty()) return;
      if (auto a = IpAddress::parse(t)) {
        pe.private_ips.push_back(*a);
      } else {
        error("invalid-value", fmt::format("{} '{}' is not an IP address", what, raw));
      }
    };
    if (auto arr = get_array(props, keys::kIpConfigurations)) {
      PointerScope list(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i++);
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) {
          if (!e.is_null()) {
            error("invalid-type", fmt::format("ip configuration is {}, expected an object", kind_name(e.type())));
          }
          continue;
        }
        auto bag = properties_of(o);
        if (!bag) continue;
        std::optional<PointerScope> scope;
        if (!bag->second.empty()) scope.emplace(ptr, bag->second);
        if (auto f = get_string(bag->first, keys::kPrivateIpAddress)) {
          PointerScope at(ptr, f.key);
          add_ip(*f, "private IP address");
        }
      }
    }
    if (auto arr = get_array(props, keys::kCustomDnsConfigs)) {
      PointerScope list(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i++);
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) {
          if (!e.is_null()) {
            error("invalid-type", fmt::format("DNS configuration is {}, expected an object", kind_name(e.type())));
          }
          continue;
        }
        for_each_text(o, "", keys::kIpAddresses, [&](std::string_view t) { add_ip(t, "IP address"); });
      }
    }
    std::sort(pe.private_ips.begin(), pe.private_ips.end());
    pe.private_ips.erase(std::unique(pe.private_ips.begin(), pe.private_ips.end()), pe.private_ips.end());
    pe.network_interfaces = get_ref_list(props, keys::kNetworkInterfaces);
    model.private_endpoints.push_back(std::move(pe));
  }

  // ---- network security groups ----

  // ---- network interfaces, public IPs, VMs ----

  // ---- Azure Bastion and application gateways ----

  // ---- route tables ----

  // ---- load balancers ----

  // ---- scale sets and inbound NAT pools ----

  // ---- Virtual WAN ----

  // ---- Azure Firewall, firewall policies, IP groups (docs/model.md#azure-firewall) ----

  // ---- resources ----

  enum class Kind {
    kVnet,
    kSubnet,
    kPeering,
    kNsg,
    kRule,
    kDefaultRule,
    kAsg,
    kNic,
    kIpConfig,
    kPublicIp,
    kVm,
    kRouteTable,
    kRoute,
    kLoadBalancer,
    kLbNatRule,
    kLbPool,
    kScaleSet,
    kVirtualWan,
    kVirtualHub,
    kHubConnection,
    kHubRoutingIntent,
    kHubRouteTable,
    kStorageAccount,
    kKeyVault,
    kSqlServer,
    kSqlFirewallRule,
    kSqlConnectionPolicy,
    kCosmosDbAccount,
    kWebSite,
    kPrivateEndpoint,
    kWebSiteConfig,
    kFirewall,
    kFirewallPolicy,
    kRuleCollectionGroup,
    kIpGroup,
    kBastion,
    kApplicationGateway,
    kWafPolicy,
    kRuleGroup,
  };

  static std::optional<Kind> kind_of(std::string_view lower_type) {
    static const std::unordered_map<std::string_view, Kind> kKinds = {
        {types::kVirtualNetwork, Kind::kVnet},
        {types::kSubnet, Kind::kSubnet},
        {types::kPeering, Kind::kPeering},
        {types::kNetworkSecurityGroup, Kind::kNsg},
        {types::kSecurityRule, Kind::kRule},
        {types::kDefaultSecurityRule, Kind::kDefaultRule},
        {types::kApplicationSecurityGroup, Kind::kAsg},
        {types::kNetworkInterface, Kind::kNic},
        {types::kIpConfiguration, Kind::kIpConfig},
        {types::kPublicIpAddress, Kind::kPublicIp},
        {types::kVirtualMachine, Kind::kVm},
        {types::kRouteTable, Kind::kRouteTable},
        {types::kRoute, Kind::kRoute},
        {types::kLoadBalancer, Kind::kLoadBalancer},
        {types::kLbInboundNatRule, Kind::kLbNatRule},
        {types::kLbBackendAddressPool, Kind::kLbPool},
        {types::kScaleSet, Kind::kScaleSet},
        {types::kVirtualWan, Kind::kVirtualWan},
        {types::kVirtualHub, Kind::kVirtualHub},
        {types::kHubConnection, Kind::kHubConnection},
        {types::kHubRoutingIntent, Kind::kHubRoutingIntent},
        {types::kHubRouteTable, Kind::kHubRouteTable},
        {types::kStorageAccount, Kind::kStorageAccount},
        {types::kKeyVault, Kind::kKeyVault},
        {types::kSqlServer, Kind::kSqlServer},
        {types::kSqlFirewallRule, Kind::kSqlFirewallRule},
        {types::kSqlConnectionPolicy, Kind::kSqlConnectionPolicy},
        {types::kCosmosDbAccount, Kind::kCosmosDbAccount},
        {types::kWebSite, Kind::kWebSite},
        {types::kPrivateEndpoint, Kind::kPrivateEndpoint},
        {types::kWebSiteConfig, Kind::kWebSiteConfig},
        {types::kAzureFirewall, Kind::kFirewall},
        {types::kFirewallPolicy, Kind::kFirewallPolicy},
        {types::kRuleCollectionGroup, Kind::kRuleCollectionGroup},
        {types::kIpGroup, Kind::kIpGroup},
        {types::kBastionHost, Kind::kBastion},
        {types::kApplicationGateway, Kind::kApplicationGateway},
        {types::kWafPolicy, Kind::kWafPolicy},
        {types::kRuleGroup, Kind::kRuleGroup},
    };
    auto it = kKinds.find(lower_type);
    if (it == kKinds.end()) return std::nullopt;
    return it->second;
  }

  /// False when the child was left out (reported).
  bool read_separate_child(Kind kind, Resource& resource) {
    const model::ResourceBase& base = resource.base;
    const dom::object res = resource.object;
    ChildIds ids{base.id, base.name};
    std::string parent_id;
    switch (kind) {
      case Kind::kSubnet: {
        if (!split_child_id(base.id, segments::kSubnets, "subnet", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_subnet(*this, resource);
      }
      case Kind::kRule:
      case Kind::kDefaultRule: {
        const bool is_default = kind == Kind::kDefaultRule;
        const auto seg = is_default ? segments::kDefaultSecurityRules : segments::kSecurityRules;
        if (!split_child_id(base.id, seg, "security rule", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return is_default ? read_separate_default_security_rule(*this, resource)
                          : read_separate_security_rule(*this, resource);
      }
      case Kind::kPeering: {
        if (!split_child_id(base.id, segments::kPeerings, "virtual network peering", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_peering(*this, resource);
      }
      case Kind::kRoute: {
        if (!split_child_id(base.id, segments::kRoutes, "route", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_route(*this, resource);
      }
      case Kind::kIpConfig: {
        if (!split_child_id(base.id, segments::kIpConfigurations, "ip configuration", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_ip_configuration(*this, resource);
      }
      case Kind::kLbNatRule: {
        if (!split_child_id(base.id, segments::kLbInboundNatRules, "inbound NAT rule", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_lb_nat_rule(*this, resource);
      }
      case Kind::kLbPool: {
        if (!split_child_id(base.id, segments::kLbBackendAddressPools, "backend address pool", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_lb_backend_pool(*this, resource);
      }
      case Kind::kSqlFirewallRule: {
        if (!split_child_id(base.id, segments::kSqlFirewallRules, "firewall rule", parent_id)) return false;
        auto r = read_sql_firewall_rule(res, std::move(ids));
        if (!r) return false;
        std::string key = lowercase(r->name);
        pending_sql_rules.push_back(
            {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
        return true;
      }
      case Kind::kSqlConnectionPolicy: {
        if (!split_child_id(base.id, segments::kSqlConnectionPolicies, "connection policy", parent_id)) return false;
        auto props_or = properties_of(res);
        if (!props_or) return false;
        std::optional<PointerScope> scope;
        if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
        SqlConnectionPolicy policy{base.name, base.where, false};
        if (auto t = get_string(props_or->first, keys::kConnectionType)) {
          const std::string_view v = trim(*t);
          if (iequals(v, "proxy")) {
            policy.proxy = true;
          } else if (!iequals(v, "default") && !iequals(v, "redirect")) {
            error_at(t.key, "invalid-value", fmt::format("connection type '{}' is not Default, Redirect or Proxy", *t));
            return false;
          }
        }
        pending_sql_policies.push_back({model::canonical_id(parent_id), std::move(parent_id), "", std::move(policy)});
        return true;
      }
      case Kind::kWebSiteConfig: {
        if (!split_child_id(base.id, segments::kWebSiteConfig, "site configuration", parent_id)) return false;
        // Only the `web` configuration holds access restrictions (others: appsettings, logs, ...).
        if (!iequals(last_segment(base.id), "web")) return true;
        auto props_or = properties_of(res);
        if (!props_or) return false;
        std::optional<PointerScope> scope;
        if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
        SiteRestrictions r = read_site_restrictions(props_or->first);
        if (!r.present) return true;
        r.name = base.name;
        r.where = base.where;
        pending_site_configs.push_back({model::canonical_id(parent_id), std::move(parent_id), "web", std::move(r)});
        return true;
      }
      case Kind::kRuleCollectionGroup: {
        if (!split_child_id(base.id, segments::kRuleCollectionGroups, "rule collection group", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_rule_collection_group(*this, resource);
      }
      case Kind::kRuleGroup: {
        if (!split_child_id(base.id, segments::kRuleGroups, "rule group", parent_id)) return false;
        resource.parent_id = std::move(parent_id);
        return read_separate_rule_group(*this, resource);
      }
      default: return false;
    }
  }

  /// `tags`: string values are kept (sorted by key); a value of another type gets a warning and is left out.
  void read_tags(dom::object tags, model::ResourceBase& base) {
    PointerScope scope(ptr, keys::kTags);
    model::Tags::List list;
    for (auto [key, value] : tags) {
      std::string_view v;
      if (value.get_string().get(v) != simdjson::SUCCESS) {
        PointerScope at(ptr, key);
        warning("invalid-type",
                fmt::format("tag '{}' is {}, expected a string; tag ignored", key, kind_name(value.type())));
        continue;
      }
      list.emplace_back(std::string(key), std::string(v));
    }
    if (list.empty()) return;
    std::sort(list.begin(), list.end());
    auto [it, fresh] = tag_sets_.try_emplace(std::move(list));
    if (fresh) it->second = std::make_shared<const model::Tags::List>(it->first);
    base.tags = model::Tags(it->second);
  }

  std::map<model::Tags::List, std::shared_ptr<const model::Tags::List>> tag_sets_;  // interned (model::Tags)

  // ---- types not modelled ----

  /// A Front Door or CDN profile of the file, with what its resources say about its backends.
  struct UnmodelledEntry {
    std::string name;
    std::string pointer;  // of the Front Door or profile itself when in the file, else its first child
    bool front_door_classic{false};
    bool front_door{false};        // an Azure Front Door (Standard/Premium) profile: its SKU or an AFD endpoint
    std::set<std::string> hosts;   // backend and origin host names the input states
    std::size_t unknown_hosts{0};  // host names only known at deployment
  };
  std::map<std::string, UnmodelledEntry> entries_;  // canonical id of the Front Door or profile -> entry

  /// A string field read without reporting anything (types not modelled are not validated).
  static std::string_view quiet_string(dom::object o, std::string_view lower) {
    std::string_view v;
    if (auto f = find_field(o, lower); f && f->value.get_string().get(v) != simdjson::SUCCESS) v = {};
    return v;
  }
  static std::optional<dom::object> quiet_object(dom::object o, std::string_view lower) {
    dom::object v;
    if (auto f = find_field(o, lower); f && f->value.get_object().get(v) == simdjson::SUCCESS) return v;
    return std::nullopt;
  }
  /// The `properties` of a resource, or the resource itself when flattened.
  static dom::object quiet_properties(dom::object res) { return quiet_object(res, keys::kProperties).value_or(res); }
  template <typename Fn>
  static void quiet_each_object(dom::object o, std::string_view lower, Fn&& fn) {
    dom::array a;
    if (auto f = find_field(o, lower); !f || f->value.get_array().get(a) != simdjson::SUCCESS) return;
    for (dom::element e : a) {
      dom::object item;
      if (e.get_object().get(item) == simdjson::SUCCESS) fn(item);
    }
  }

  void add_host(UnmodelledEntry& e, std::string_view host) {
    host = trim(host);
    if (host.empty()) return;
    if (is_unknown_value(host)) {
      ++e.unknown_hosts;
    } else {
      e.hosts.emplace(host);
    }
  }

  /// Records a Front Door (classic) or a CDN profile resource or child (Azure Front Door Standard/Premium, classic
  /// CDN) for the `unmodelled-entry-point` warning; false for every other type.
  bool note_entry_point(std::string_view lower_type, dom::object res) {
    const bool classic = lower_type == types::kFrontDoor;
    const bool profile = lower_type == types::kCdnProfile;
    if (!classic && !profile &&
        lower_type.substr(0, types::kCdnProfileChildPrefix.size()) != types::kCdnProfileChildPrefix) {
      return false;
    }
    // The entry is the Front Door or profile: from the id, else from the name ("profile/child" in templates).
    const std::string_view marker =
        classic ? "/providers/microsoft.network/frontdoors/" : "/providers/microsoft.cdn/profiles/";
    const std::string_view id = quiet_string(res, keys::kId);
    const std::string lower_id = lowercase(id);
    std::string key, name;
    if (const auto at = lower_id.find(marker); at != std::string::npos) {
      const auto end = lower_id.find('/', at + marker.size());
      key = lower_id.substr(0, end);
      name =
          std::string(id.substr(at + marker.size(), (end == std::string::npos ? id.size() : end) - at - marker.size()));
    } else {
      const std::string_view n = quiet_string(res, keys::kName);
      name = std::string(n.substr(0, n.find('/')));
      key = std::string(marker) + lowercase(name);
    }
    auto& e = entries_[key];
    if (e.pointer.empty() || classic || profile) {
      e.pointer = ptr;
      e.name = name;
    }
    const dom::object props = quiet_properties(res);
    if (classic) {
      e.front_door_classic = true;
      quiet_each_object(props, "backendpools", [&](dom::object pool) {
        quiet_each_object(quiet_properties(pool), "backends",
                          [&](dom::object b) { add_host(e, quiet_string(b, keys::kAddress)); });
      });
    } else if (profile) {
      if (auto sku = quiet_object(res, keys::kSku)) {
        e.front_door =
            e.front_door || lowercase(quiet_string(*sku, keys::kName)).find("azurefrontdoor") != std::string::npos;
      }
    } else if (lower_type == types::kCdnAfdEndpoint) {
      e.front_door = true;
    } else if (lower_type == types::kCdnOrigin) {
      add_host(e, quiet_string(props, keys::kHostName));
    } else if (lower_type == types::kCdnEndpoint) {
      quiet_each_object(props, "origins",
                        [&](dom::object o) { add_host(e, quiet_string(quiet_properties(o), keys::kHostName)); });
    }
    return true;
  }

  /// Types not modelled, at the end of a file: one `unmodelled-entry-point` warning per Front Door or CDN profile,
  /// one `unmodelled-types` warning listing the types that could change the answer, one `inert-types` note
  /// listing those that cannot (azure_keys.h).
  void report_unmodelled(const std::map<std::string, std::size_t>& skipped) {
    for (const auto& [key, e] : entries_) {
      const char* what = e.front_door_classic ? "Front Door"
                         : e.front_door       ? "Azure Front Door profile"
                                              : "CDN profile";
      std::string hosts;
      constexpr std::size_t kListed = 8;
      std::size_t i = 0;
      for (const auto& h : e.hosts) {
        if (i == kListed) {
          hosts += fmt::format(" and {} more", e.hosts.size() - kListed);
          break;
        }
        hosts += fmt::format("{}'{}'", i++ == 0 ? "" : ", ", h);
      }
      std::string backends =
          hosts.empty() ? "backends the input does not name" : fmt::format("backend host names {}", hosts);
      if (!hosts.empty() && e.unknown_hosts > 0) {
        backends += fmt::format(" (and {} only known at deployment)", e.unknown_hosts);
      }
      diags.warning("unmodelled-entry-point", {file, e.pointer, 0, 0},
                    fmt::format("{} '{}' is an internet entry point in front of {}: exposim does not model it as an "
                                "entry yet, so what it forwards to is not reported through it",
                                what, e.name, backends));
    }
    entries_.clear();
    auto inert = [](std::string_view type) {
      for (const auto t : types::kInertTypes) {
        if (type == t) return true;
      }
      for (const auto p : types::kInertTypePrefixes) {
        if (type.substr(0, p.size()) == p) return true;
      }
      for (const auto x : types::kInertTypeSuffixes) {
        if (type.size() >= x.size() && type.substr(type.size() - x.size()) == x) return true;
      }
      return false;
    };
    for (const bool harmless : {false, true}) {
      std::size_t total = 0;
      std::string list;
      for (const auto& [type, count] : skipped) {
        if (inert(type) != harmless) continue;
        total += count;
        list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", type, count);
      }
      if (total == 0) continue;
      const char* resources = total == 1 ? "resource" : "resources";
      if (harmless) {
        diags.add({Severity::kNote,
                   "inert-types",
                   {file, "", 0, 0},
                   fmt::format("skipped {} {} of types that cannot change what the internet reaches: {}", total,
                               resources, list)});
      } else {
        diags.warning("unmodelled-types", {file, "", 0, 0},
                      fmt::format("skipped {} {} of types not modelled yet: {}", total, resources, list));
      }
    }
  }

  /// The output of `az network nic show-effective-route-table` (elements with `nextHopType`, `source` and
  /// `state`) or `az network nic list-effective-nsg` (elements with `effectiveSecurityRules`, or the whole
  /// object with `networkSecurityGroups` of those): Azure's computed state for one NIC, not resources. Skipped
  /// with one warning per file (`effective-routes-skipped`, `effective-nsg-skipped`); true when `res` is one.
  bool skip_effective_output(dom::object res) {
    const bool routes = find_field(res, "nexthoptype") && find_field(res, "source") && find_field(res, "state");
    bool nsg = find_field(res, "effectivesecurityrules").has_value();
    if (!nsg) {
      if (auto list = find_field(res, "networksecuritygroups")) {
        dom::array a;
        if (list->value.get_array().get(a) == simdjson::SUCCESS) {
          for (dom::element e : a) {
            dom::object o;
            nsg = nsg || (e.get_object().get(o) == simdjson::SUCCESS && find_field(o, "effectivesecurityrules"));
          }
        }
      }
    }
    if (!routes && !nsg) return false;
    if (skipped_effective_in.insert({file.str(), routes}).second) {
      const std::string at =
          element_pointers == nullptr && ptr.rfind('/') != std::string::npos ? ptr.substr(0, ptr.rfind('/')) : ptr;
      report(Severity::kWarning, routes ? "effective-routes-skipped" : "effective-nsg-skipped", at,
             routes ? "effective routes of a network interface (az network nic show-effective-route-table), not "
                      "resources: skipped, the routes are computed from the route tables in the input"
                    : "effective security rules of a network interface (az network nic list-effective-nsg), not "
                      "resources: skipped, the rules are taken from the network security groups in the input");
    }
    return true;
  }
  std::set<std::pair<std::string, bool>> skipped_effective_in;  // (file, routes) already reported

  /// Converts one element of the resource list; the pointer is at the element.
  void convert(dom::element root, bool whole_document) {
    dom::object res;
    if (root.get_object().get(res) != simdjson::SUCCESS) {
      error("invalid-type", fmt::format("resource is {}, expected an object", kind_name(root.type())));
      return;
    }
    auto type = get_string(res, keys::kType);
    if (!type) {
      if (type.present) return;  // invalid-type reported
      if (skip_effective_output(res)) return;
      if (whole_document) {
        error("unexpected-shape",
              "the top-level object is not a resource (no 'type') and has no 'value' or 'data' array");
      } else if (auto id = get_string(res, keys::kId)) {
        error("missing-field", fmt::format("resource '{}' has no 'type'", *id));
      } else {
        error("missing-field", "resource has no 'type'");
      }
      return;
    }
    std::string lower_type = lowercase(trim(*type));
    const auto kind = kind_of(lower_type);
    if (!kind) {
      if (!note_entry_point(lower_type, res)) ++stats->skipped_types[std::move(lower_type)];
      return;
    }
    auto id = get_string(res, keys::kId);
    if (!id || trim(*id).empty()) {
      if (!id.present || id) error("missing-field", fmt::format("resource of type '{}' has no 'id'", *type));
      return;
    }
    model::ResourceBase base;
    base.id = std::string(trim(*id));
    base.key = model::canonical_id(base.id);
    if (auto name = get_string(res, keys::kName)) {
      base.name = std::string(*name);
    } else {
      base.name = std::string(last_segment(base.id));
    }
    if (auto loc = get_string(res, keys::kLocation)) base.location = std::string(*loc);
    if (auto tags = get_object(res, keys::kTags)) read_tags(*tags, base);
    base.where = here();
    const std::size_t res_mark = ptr.size();

    auto props_or = properties_of(res);
    if (!props_or) return;
    auto [props, props_key] = *props_or;
    base.flattened = props_key.empty();
    std::optional<PointerScope> props_scope;
    if (!props_key.empty()) props_scope.emplace(ptr, props_key);

    Resource resource{std::move(base), res, props, res_mark, {}};
    switch (*kind) {
      case Kind::kVnet: read_vnet(*this, resource); break;
      case Kind::kNsg: read_nsg(*this, resource); break;
      case Kind::kAsg: read_asg(*this, resource); break;
      case Kind::kNic: read_nic(*this, resource); break;
      case Kind::kPublicIp: read_public_ip(*this, resource); break;
      case Kind::kVm: read_vm(*this, resource); break;
      case Kind::kRouteTable: read_route_table(*this, resource); break;
      case Kind::kLoadBalancer: read_load_balancer(*this, resource); break;
      case Kind::kScaleSet: read_scale_set(*this, resource); break;
      case Kind::kVirtualWan: read_virtual_wan(*this, resource); break;
      case Kind::kVirtualHub: read_virtual_hub(*this, resource); break;
      case Kind::kHubConnection: read_hub_connection(*this, resource); break;
      case Kind::kHubRoutingIntent: read_hub_routing_intent(*this, resource); break;
      case Kind::kHubRouteTable: read_hub_route_table(*this, resource); break;
      case Kind::kStorageAccount: read_storage_account(std::move(resource.base), res, props, res_mark); break;
      case Kind::kKeyVault: read_key_vault(std::move(resource.base), props); break;
      case Kind::kSqlServer: read_sql_server(std::move(resource.base), props); break;
      case Kind::kCosmosDbAccount: read_cosmos_account(std::move(resource.base), res, props, res_mark); break;
      case Kind::kWebSite: read_web_site(std::move(resource.base), props); break;
      case Kind::kPrivateEndpoint: read_private_endpoint(std::move(resource.base), props); break;
      case Kind::kFirewall: read_firewall(*this, resource); break;
      case Kind::kFirewallPolicy: read_firewall_policy(*this, resource); break;
      case Kind::kIpGroup: read_ip_group(*this, resource); break;
      case Kind::kBastion: read_bastion(*this, resource); break;
      case Kind::kApplicationGateway: read_application_gateway(*this, resource); break;
      case Kind::kWafPolicy: read_waf_policy(*this, resource); break;
      case Kind::kSubnet:
      case Kind::kPeering:
      case Kind::kRule:
      case Kind::kDefaultRule:
      case Kind::kRoute:
      case Kind::kIpConfig:
      case Kind::kLbNatRule:
      case Kind::kLbPool:
      case Kind::kSqlFirewallRule:
      case Kind::kSqlConnectionPolicy:
      case Kind::kWebSiteConfig:
      case Kind::kRuleCollectionGroup:
      case Kind::kRuleGroup: {
        // Child readers work from the child's own object, at the resource's pointer.
        props_scope.reset();
        if (!read_separate_child(*kind, resource)) return;
        break;
      }
    }
    ++stats->resources;
    ++stats->by_type[std::move(lower_type)];
  }

  // ---- files ----

  /// Reports a simdjson error in an element at the line:column where a second, slower parser places it.
  void report_syntax(JsonStream& stream, const StreamElement& el, simdjson::error_code code) {
    struct Locator : nlohmann::json_sax<nlohmann::json> {
      std::size_t position = 0;
      std::string what;
      bool failed = false;
      bool null() override { return true; }
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool string(string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool start_object(std::size_t) override { return true; }
      bool key(string_t&) override { return true; }
      bool end_object() override { return true; }
      bool start_array(std::size_t) override { return true; }
      bool end_array() override { return true; }
      bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& ex) override {
        position = pos;
        what = ex.what();
        failed = true;
        return false;
      }
    };
    Locator locator;
    try {
      nlohmann::json::sax_parse(el.bytes.begin(), el.bytes.end(), &locator);
    } catch (const std::exception&) {
      locator.failed = false;
    }
    std::uint64_t offset = el.offset;
    std::string message;
    if (locator.failed) {
      // nlohmann counts the bytes read, the offending one included.
      offset += std::min<std::uint64_t>(locator.position > 0 ? locator.position - 1 : 0, el.bytes.size());
      message = locator.what;
      if (auto c = message.find(", column "); c != std::string::npos) {
        if (auto colon = message.find(": ", c); colon != std::string::npos) message.erase(0, colon + 2);
      }
      if (auto last = message.find("; last read:"); last != std::string::npos) message.erase(last);
      // Other nlohmann errors ("[json.exception.out_of_range.406] number overflow ...") carry an internal tag.
      if (message.rfind("[json.exception.", 0) == 0) {
        if (auto close = message.find("] "); close != std::string::npos) message.erase(0, close + 2);
      }
    } else {
      message = std::string("cannot parse: ") + simdjson::error_message(code);
      if (message.size() > 14) message[14] = lower_ascii(message[14]);
    }
    const TextPosition p = stream.position(offset);
    diags.error("json-syntax", {file, "", p.line, p.column}, std::move(message));
    ++errors;
  }

  ImportStats run(ByteSource& source, std::string_view file_name) {
    ImportStats result;
    stats = &result;
    file = std::string(file_name);
    StreamOptions so;
    so.chunk_size = options.chunk_bytes;
    so.max_depth = options.max_depth;
    so.max_bytes = options.max_file_bytes;
    JsonStream stream(source, so);
    StreamElement el;
    std::string prefix;
    bool prefix_ready = false;
    while (stream.next(el)) {
      if (!prefix_ready) {
        if (stream.shape() == StreamShape::kValue || stream.shape() == StreamShape::kData) {
          append_token(prefix, stream.wrapper_key());
        }
        prefix_ready = true;
      }
      ptr = prefix;
      const bool whole = stream.shape() == StreamShape::kObject;
      if (element_pointers != nullptr && el.index < element_pointers->size()) {
        ptr = (*element_pointers)[el.index];  // generated text: locations name the original input
      } else if (!whole) {
        ptr += '/';
        ptr += std::to_string(el.index);
      }
      dom::element root;
      const auto code = parser.parse(el.bytes.data(), el.bytes.size(), false).get(root);
      if (code != simdjson::SUCCESS) {
        report_syntax(stream, el, code);
        continue;
      }
      convert(root, whole);
    }
    ptr.clear();
    if (const auto& e = stream.error()) {
      ++errors;
      diags.error(e->code, {file, "", e->position.line, e->position.column}, e->message);
    }
    result.detected_shape = to_string(stream.shape());
    report_unmodelled(result.skipped_types);
    stats = nullptr;
    return result;
  }

  template <typename Body>
  ImportStats guarded(std::string_view file_name, Body&& body) {
    try {
      return body();
    } catch (const std::bad_alloc&) {
      diags.error("import-failed", {std::string(file_name), "", 0, 0}, "out of memory while importing");
    } catch (const std::exception& e) {
      diags.error("import-failed", {std::string(file_name), "", 0, 0},
                  fmt::format("internal error while importing: {}", e.what()));
    }
    stats = nullptr;
    return {};
  }

  // ---- attaching separate children ----

  void finish() {
    flush_unknown_causes();
    apply_waf_policies(*this);

    attach_subnets(*this);
    attach_security_rules(*this);
    attach_peerings(*this);
    attach_routes(*this);
    attach_ip_configurations(*this);
    attach_lb_nat_rules(*this);
    attach_lb_backend_pools(*this);
    attach_rule_collection_groups(*this);
    attach(
        pending_sql_rules, model.paas_services, [](auto& s) -> auto& { return s.ip_rules; },
        [](const model::PaasIpRule& r) { return lowercase(r.name); }, "firewall rule", "SQL server");
    if (!pending_sql_policies.empty()) {
      const auto servers = index_by_key(model.paas_services);
      for (auto& p : pending_sql_policies) {
        auto it = servers.find(p.parent_key);
        if (it == servers.end() || model.paas_services[it->second].kind != model::PaasKind::kSqlServer) {
          dangling(p.value.where, "connection policy", p.value.name, "SQL server", p.parent_id);
          continue;
        }
        if (p.value.proxy) model.paas_services[it->second].tcp_ports = tcp_ports({1433});
      }
      pending_sql_policies.clear();
    }
    if (!pending_site_configs.empty()) {
      // The separate `config/web` resource is what Azure enforces; it replaces restrictions read from the
      // site's own `siteConfig` (which site listings leave empty).
      const auto sites = index_by_key(model.paas_services);
      for (auto& p : pending_site_configs) {
        auto it = sites.find(p.parent_key);
        if (it == sites.end() || model.paas_services[it->second].kind != model::PaasKind::kAppService) {
          dangling(p.value.where, "site configuration", p.value.name, "App Service site", p.parent_id);
          continue;
        }
        apply_site_restrictions(model.paas_services[it->second], std::move(p.value));
      }
      pending_site_configs.clear();
    }
  }
};

// ---- public API ----

Importer::Importer(model::Model& model, model::Diagnostics& diags, ImportOptions options)
    : impl_(std::make_unique<Impl>(model, diags, options)) {}

Importer::~Importer() = default;

ImportStats Importer::add_file(const std::string& path) {
  return impl_->guarded(path, [&]() -> ImportStats {
    FileSource source;
    std::optional<std::uint64_t> size;
    if (!source.open(path, &size)) {
      impl_->diags.error("file-read", {path, "", 0, 0}, fmt::format("cannot open file: {}", source.error()));
      return {};
    }
    if (size && *size > impl_->options.max_file_bytes) {
      impl_->diags.error(
          "file-too-large", {path, "", 0, 0},
          fmt::format("file is {} bytes, larger than the limit of {} bytes", *size, impl_->options.max_file_bytes));
      return {};
    }
    return impl_->run(source, path);
  });
}

ImportStats Importer::add_text(std::string_view text, std::string_view file_name,
                               const std::vector<std::string>* element_pointers) {
  impl_->element_pointers = element_pointers;
  ImportStats stats = impl_->guarded(file_name, [&]() -> ImportStats {
    MemorySource source(text);
    return impl_->run(source, file_name);
  });
  impl_->element_pointers = nullptr;
  return stats;
}

bool Importer::models(std::string_view lower_type) { return Impl::kind_of(lower_type).has_value(); }

void Importer::finish() {
  try {
    impl_->finish();
  } catch (const std::exception& e) {
    impl_->diags.error("import-failed", {},
                       fmt::format("internal error while attaching child resources: {}", e.what()));
  }
}

ImportStats import_file(const std::string& path, model::Model& model, model::Diagnostics& diags,
                        const ImportOptions& options) {
  Importer importer(model, diags, options);
  ImportStats stats = importer.add_file(path);
  importer.finish();
  return stats;
}

ImportStats import_text(std::string_view text, std::string_view file_name, model::Model& model,
                        model::Diagnostics& diags, const ImportOptions& options) {
  Importer importer(model, diags, options);
  ImportStats stats = importer.add_text(text, file_name);
  importer.finish();
  return stats;
}

std::vector<ImportStats> import_files(const std::vector<std::string>& paths, model::Model& model,
                                      model::Diagnostics& diags, const ImportOptions& options) {
  Importer importer(model, diags, options);
  std::vector<ImportStats> out;
  out.reserve(paths.size());
  for (const auto& path : paths) out.push_back(importer.add_file(path));
  importer.finish();
  return out;
}

}  // namespace exposim::importers::azure
