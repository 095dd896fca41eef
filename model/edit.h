// Edits of an imported model (`exposim whatif`): operations on resources named by name or id, applied to an
// imported model before validation, so that model::validate() resolves and checks the result like any input.
// No JSON here: importers/change.h turns change documents into these operations.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::model {

/// What an operation does (docs/whatif.md lists the change document's `op` for each).
enum class EditKind {
  kAddNsgRule,
  kRemoveNsgRule,
  kModifyNsgRule,    // replaces the rule named `rule` with `security_rule`
  kAttachNsg,        // `nsg` on `subnet` or `nic`
  kDetachNsg,        // from `subnet` or `nic`
  kAddPublicIp,      // `public_ip` (new) or `public_ip_name` (existing) on `nic`'s ip configuration `ip_configuration`
  kRemovePublicIp,   // from `nic`'s ip configuration `ip_configuration`
  kAddFirewallRule,  // into `firewall_policy` / `group` / `collection`, or `firewall` (classic) / `collection`
  kRemoveFirewallRule,
  kModifyFirewallRule,  // replaces the rule named `rule` with `firewall_rule`
  kAddRoute,
  kRemoveRoute,
  kModifyRoute,             // replaces the route named `rule` with `route`
  kSetPublicNetworkAccess,  // `service` gets `access`
  kGrantJit,                // `vm` or `nic`: an allow rule from `jit_source` to `jit_port`/`jit_protocols`
  kAddAdminRule,            // `admin_rule` into the rule collection `collection` (of `admin_configuration` of
                            // `network_manager`, when given)
  kRemoveAdminRule,         // the admin rule named `rule` of that collection
  kModifyAdminRule,         // replaces the admin rule named `rule` with `admin_rule`
};
/// The change document's `op`: "add-nsg-rule", ...
const char* to_string(EditKind k);

/// One operation. Resources are named by canonical id or by name (names must be unique for their kind;
/// subnets may also be named "vnet/subnet"). Only the fields of its kind are read.
struct Edit {
  EditKind kind{EditKind::kAddNsgRule};
  SourceLocation where;  // the operation's object in the change document
  std::string nsg;
  std::string subnet;
  std::string nic;
  std::string vm;
  std::string ip_configuration;  // "" = the NIC's primary (else first) ip configuration
  std::string route_table;
  std::string firewall;             // classic collections
  std::string firewall_policy;      // policy rule collection groups
  std::string network_manager;      // security admin rules: narrows `collection` (a name) to this network manager
  std::string admin_configuration;  // and to this security admin configuration
  std::string group;
  std::string collection;
  std::string service;
  std::string rule;  // the name of the rule or route removed or modified
  std::optional<SecurityRule> security_rule;
  std::optional<FirewallRule> firewall_rule;
  std::optional<Route> route;
  std::optional<AdminRule> admin_rule;
  std::optional<PublicIp> public_ip;  // a new public IP resource
  std::string public_ip_name;         // or an existing one
  PublicNetworkAccess access{PublicNetworkAccess::kEnabled};
  // Just-in-time request.
  std::uint16_t jit_port{0};
  ProtocolMask jit_protocols{kAllProtocols};
  AddressMatch jit_source;
  std::string jit_source_text;
  int jit_minutes{0};
};

/// A resource an edit changed (or created), for `--write`.
struct Changed {
  ResourceKind kind{ResourceKind::kInternet};
  std::string key;  // canonical id
  friend bool operator==(const Changed&, const Changed&) = default;
  friend auto operator<=>(const Changed&, const Changed&) = default;
};

/// Applies `edit` to an imported, not yet validated model. On an unknown resource, rule or route, an
/// ambiguous name or an operation that does not fit (a rule name that already exists, a JIT request for a
/// VM without an NSG) reports an error at `edit.where` (code `change-target-unknown`, `change-ambiguous` or
/// `change-invalid`) and leaves the model unchanged. Returns the changed resources; appends nothing on error.
bool apply_edit(Model& m, const Edit& edit, Diagnostics& diags, std::vector<Changed>& changed);

/// Finders shared by the change reader: the index of a resource of that kind by canonical id or name
/// (-1 and an error at `where` when there is none or several; `field` names the change's field).
int find_nsg(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags);
int find_route_table(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags);
int find_firewall(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags);
int find_firewall_policy(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags);
/// The security admin rule collection `collection` (canonical id, or name narrowed by the names of its network
/// manager and security admin configuration when they are not empty, read from the collection's id).
int find_admin_rule_collection(const Model& m, const std::string& network_manager, const std::string& configuration,
                               const std::string& collection, const SourceLocation& where, Diagnostics& diags);

}  // namespace exposim::model
