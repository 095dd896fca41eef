// Change documents of `exposim whatif` (importers/change.h, docs/whatif.md).
#include "importers/change.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/azure/resource_importer.h"
#include "importers/azure/resource_json.h"
#include "importers/document.h"
#include "importers/document_value.h"
#include "model/ascii.h"
#include "model/json_pointer.h"
#include "model/suggest.h"

namespace exposim::importers {
namespace {

using model::Edit;
using model::EditKind;
using nlohmann::json;

using model::ascii::lower;

/// The fields each operation accepts (besides "op"); required ones are checked where they are read.
const std::map<std::string, std::pair<EditKind, std::set<std::string>>>& operations() {
  static const std::map<std::string, std::pair<EditKind, std::set<std::string>>> ops = {
      {"add-nsg-rule", {EditKind::kAddNsgRule, {"nsg", "rule"}}},
      {"remove-nsg-rule", {EditKind::kRemoveNsgRule, {"nsg", "rule"}}},
      {"modify-nsg-rule", {EditKind::kModifyNsgRule, {"nsg", "rule", "set"}}},
      {"attach-nsg", {EditKind::kAttachNsg, {"nsg", "subnet", "nic"}}},
      {"detach-nsg", {EditKind::kDetachNsg, {"subnet", "nic"}}},
      {"add-public-ip", {EditKind::kAddPublicIp, {"nic", "ipConfiguration", "publicIp"}}},
      {"remove-public-ip", {EditKind::kRemovePublicIp, {"nic", "ipConfiguration"}}},
      {"add-firewall-rule",
       {EditKind::kAddFirewallRule, {"firewallPolicy", "ruleCollectionGroup", "firewall", "ruleCollection", "rule"}}},
      {"remove-firewall-rule",
       {EditKind::kRemoveFirewallRule,
        {"firewallPolicy", "ruleCollectionGroup", "firewall", "ruleCollection", "rule"}}},
      {"modify-firewall-rule",
       {EditKind::kModifyFirewallRule,
        {"firewallPolicy", "ruleCollectionGroup", "firewall", "ruleCollection", "rule", "set"}}},
      {"add-route", {EditKind::kAddRoute, {"routeTable", "route"}}},
      {"remove-route", {EditKind::kRemoveRoute, {"routeTable", "route"}}},
      {"modify-route", {EditKind::kModifyRoute, {"routeTable", "route", "set"}}},
      {"set-public-network-access", {EditKind::kSetPublicNetworkAccess, {"service", "publicNetworkAccess"}}},
      {"grant-jit", {EditKind::kGrantJit, {"vm", "nic", "port", "protocol", "source", "duration"}}},
      {"add-admin-rule",
       {EditKind::kAddAdminRule, {"networkManager", "securityAdminConfiguration", "ruleCollection", "rule"}}},
      {"remove-admin-rule",
       {EditKind::kRemoveAdminRule, {"networkManager", "securityAdminConfiguration", "ruleCollection", "rule"}}},
      {"modify-admin-rule",
       {EditKind::kModifyAdminRule, {"networkManager", "securityAdminConfiguration", "ruleCollection", "rule", "set"}}},
  };
  return ops;
}

class Reader {
 public:
  Reader(const Document& document, model::Model& m, model::Diagnostics& d, std::vector<model::Changed>& c)
      : document_(document), file_(document.file.str()), m_(m), diags_(d), changed_(c) {}

  bool run() {
    const json& doc = json_of(document_);
    const json* list = &doc;
    std::string base;
    if (doc.is_object()) {
      for (const auto& [k, v] : doc.items()) {
        if (k != "changes" && k != "description") {
          error("/" + model::escape_pointer_token(k), "change-invalid",
                fmt::format("unknown field '{}' (expected 'changes' and optionally 'description')", k));
        }
      }
      if (!doc.contains("changes")) {
        error("", "change-invalid", "the change document has no 'changes' list");
        return false;
      }
      list = &doc.at("changes");
      base = "/changes";
    }
    if (!list->is_array()) {
      error(base, "change-invalid", "the changes are not a list (expected an array of operations)");
      return false;
    }
    if (list->empty()) {
      error(base, "change-invalid", "the change document lists no operation");
      return false;
    }
    if (diags_.has_errors()) return false;
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (!operation((*list)[i], fmt::format("{}/{}", base, i))) return false;
    }
    return true;
  }

 private:
  /// The file and pointer, with the line and column in YAML documents.
  model::SourceLocation at(const std::string& pointer) const { return document_.at(pointer); }
  bool error(const std::string& pointer, const char* code, std::string message) {
    diags_.error(code, at(pointer), std::move(message));
    return false;
  }

  /// A required or optional string field; false (reported) when present but not a non-empty string, or absent
  /// and required.
  bool string_field(const json& o, const std::string& ptr, const char* key, std::string& out, bool required) {
    auto it = o.find(key);
    if (it == o.end()) {
      if (required) return error(ptr, "change-invalid", fmt::format("'{}' operation has no '{}'", op_, key));
      return true;
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
      return error(ptr + "/" + key, "change-invalid", fmt::format("'{}' is not a non-empty string", key));
    }
    out = it->get<std::string>();
    return true;
  }

  bool operation(const json& o, const std::string& ptr) {
    if (!o.is_object()) return error(ptr, "change-invalid", "an operation is not an object");
    auto op = o.find("op");
    if (op == o.end() || !op->is_string()) return error(ptr, "change-invalid", "the operation has no 'op' string");
    op_ = op->get<std::string>();
    const auto& ops = operations();
    auto known = ops.find(op_);
    if (known == ops.end()) {
      std::string names;
      for (const auto& [name, _] : ops) names += (names.empty() ? "" : ", ") + name;
      return error(ptr + "/op", "change-invalid",
                   fmt::format("unknown operation '{}' (expected one of: {})", op_, names));
    }
    for (const auto& [k, _] : o.items()) {
      if (k != "op" && k != "description" && known->second.second.count(k) == 0) {
        return error(ptr + "/" + model::escape_pointer_token(k), "change-invalid",
                     fmt::format("'{}' operation has no field '{}'", op_, k));
      }
    }
    Edit e;
    e.kind = known->second.first;
    e.where = at(ptr);
    if (!fields(o, ptr, e)) return false;
    return model::apply_edit(m_, e, diags_, changed_);
  }

  /// Exactly one of two fields.
  bool one_of(const json& o, const std::string& ptr, const char* a, std::string& out_a, const char* b,
              std::string& out_b) {
    if (o.contains(a) == o.contains(b)) {
      return error(ptr, "change-invalid", fmt::format("'{}' operation needs exactly one of '{}' and '{}'", op_, a, b));
    }
    return string_field(o, ptr, a, out_a, false) && string_field(o, ptr, b, out_b, false);
  }

  bool fields(const json& o, const std::string& ptr, Edit& e) {
    switch (e.kind) {
      case EditKind::kAddNsgRule:
      case EditKind::kRemoveNsgRule:
      case EditKind::kModifyNsgRule: return nsg_rule(o, ptr, e);
      case EditKind::kAttachNsg:
        return string_field(o, ptr, "nsg", e.nsg, true) && one_of(o, ptr, "subnet", e.subnet, "nic", e.nic);
      case EditKind::kDetachNsg: return one_of(o, ptr, "subnet", e.subnet, "nic", e.nic);
      case EditKind::kAddPublicIp:
      case EditKind::kRemovePublicIp: return public_ip(o, ptr, e);
      case EditKind::kAddFirewallRule:
      case EditKind::kRemoveFirewallRule:
      case EditKind::kModifyFirewallRule: return firewall_rule(o, ptr, e);
      case EditKind::kAddRoute:
      case EditKind::kRemoveRoute:
      case EditKind::kModifyRoute: return route(o, ptr, e);
      case EditKind::kSetPublicNetworkAccess: {
        std::string value;
        if (!string_field(o, ptr, "service", e.service, true) ||
            !string_field(o, ptr, "publicNetworkAccess", value, true)) {
          return false;
        }
        const std::string v = lower(value);
        if (v == "enabled") {
          e.access = model::PublicNetworkAccess::kEnabled;
        } else if (v == "disabled") {
          e.access = model::PublicNetworkAccess::kDisabled;
        } else {
          return error(ptr + "/publicNetworkAccess", "change-invalid",
                       fmt::format("publicNetworkAccess '{}' is not Enabled or Disabled", value));
        }
        return true;
      }
      case EditKind::kGrantJit: return jit(o, ptr, e);
      case EditKind::kAddAdminRule:
      case EditKind::kRemoveAdminRule:
      case EditKind::kModifyAdminRule: return admin_rule(o, ptr, e);
    }
    return false;
  }

  /// The new rule of an add ("rule": object) or the name and patch of a remove or modify.
  bool add_or_name(const json& o, const std::string& ptr, const Edit& e, const char* key, const json*& value) {
    const bool add = e.kind == EditKind::kAddNsgRule || e.kind == EditKind::kAddFirewallRule ||
                     e.kind == EditKind::kAddRoute || e.kind == EditKind::kAddAdminRule;
    const bool modify = e.kind == EditKind::kModifyNsgRule || e.kind == EditKind::kModifyFirewallRule ||
                        e.kind == EditKind::kModifyRoute || e.kind == EditKind::kModifyAdminRule;
    auto it = o.find(key);
    if (it == o.end()) return error(ptr, "change-invalid", fmt::format("'{}' operation has no '{}'", op_, key));
    if (add) {
      if (!it->is_object()) {
        return error(ptr + "/" + key, "change-invalid",
                     fmt::format("'{}' is not an object (the {} in its Azure form)", key, key));
      }
      value = &*it;
      return true;
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
      return error(ptr + "/" + key, "change-invalid",
                   fmt::format("'{}' is not the name of the {} to change", key, key));
    }
    if (modify) {
      auto set = o.find("set");
      if (set == o.end() || !set->is_object() || set->empty()) {
        return error(ptr, "change-invalid",
                     fmt::format("'{}' operation has no 'set' object (the fields to change)", op_));
      }
      value = &*set;
    } else if (o.contains("set")) {
      return error(ptr + "/set", "change-invalid", fmt::format("'{}' operation has no field 'set'", op_));
    }
    return true;
  }

  /// Imports `resource` (one Azure resource whose single child at `synthetic` is the object the change wrote at
  /// `pointer`) into a scratch model; diagnostics are moved to the change's pointer. False on errors.
  bool import_synthetic(const json& resource, const std::string& synthetic, const std::string& pointer,
                        model::Model& scratch) {
    model::Diagnostics local;
    const std::vector<std::string> element_pointers{""};
    azure::Importer importer(scratch, local);
    const std::string text = json::array({resource}).dump();
    importer.add_text(text, file_, &element_pointers);
    importer.finish();
    bool ok = true;
    for (auto d : local.items()) {
      if (d.where.pointer.rfind(synthetic, 0) == 0) {
        d.where.pointer = pointer + d.where.pointer.substr(synthetic.size());
      } else {
        d.where.pointer = pointer;
      }
      d.where = at(d.where.pointer);
      if (d.severity == model::Severity::kError) ok = false;
      diags_.add(std::move(d));
    }
    return ok;
  }

  template <typename T>
  void relocate(T& x, const std::string& synthetic, const std::string& pointer) {
    x.where = at(pointer + (x.where.pointer.rfind(synthetic, 0) == 0 ? x.where.pointer.substr(synthetic.size()) : ""));
  }

  bool nsg_rule(const json& o, const std::string& ptr, Edit& e) {
    const json* value = nullptr;
    if (!string_field(o, ptr, "nsg", e.nsg, true) || !add_or_name(o, ptr, e, "rule", value)) return false;
    if (e.kind == EditKind::kRemoveNsgRule) {
      e.rule = o["rule"].get<std::string>();
      return true;
    }
    const int n = model::find_nsg(m_, e.nsg, e.where, diags_);
    if (n < 0) return false;
    const auto& nsg = m_.nsgs[n];
    json rule;
    std::string pointer = ptr + "/rule";
    if (e.kind == EditKind::kModifyNsgRule) {
      e.rule = o["rule"].get<std::string>();
      auto it =
          std::find_if(nsg.rules.begin(), nsg.rules.end(), [&](auto& r) { return lower(r.name) == lower(e.rule); });
      if (it == nsg.rules.end()) {
        return error(
            ptr + "/rule", "change-target-unknown",
            model::with_suggestion(fmt::format("network security group '{}' has no rule named '{}'", nsg.name, e.rule),
                                   e.rule, model::names_of(nsg.rules)));
      }
      rule = json::parse(azure::security_rule_json(*it).dump());
      rule["properties"].merge_patch(*value);
      pointer = ptr + "/set";
    } else {
      rule = *value;
    }
    const json resource = {{"id", nsg.id},
                           {"name", nsg.name},
                           {"type", "Microsoft.Network/networkSecurityGroups"},
                           {"properties", {{"securityRules", json::array({rule})}}}};
    model::Model scratch;
    const std::string synthetic =
        e.kind == EditKind::kModifyNsgRule ? "/properties/securityRules/0/properties" : "/properties/securityRules/0";
    if (!import_synthetic(resource, synthetic, pointer, scratch)) return false;
    if (scratch.nsgs.size() != 1 || scratch.nsgs[0].rules.size() != 1) {
      return error(pointer, "change-invalid", "the rule could not be read");
    }
    e.security_rule = std::move(scratch.nsgs[0].rules[0]);
    relocate(*e.security_rule, synthetic, pointer);
    return true;
  }

  bool public_ip(const json& o, const std::string& ptr, Edit& e) {
    if (!string_field(o, ptr, "nic", e.nic, true) ||
        !string_field(o, ptr, "ipConfiguration", e.ip_configuration, false)) {
      return false;
    }
    if (e.kind == EditKind::kRemovePublicIp) return true;
    auto it = o.find("publicIp");
    if (it == o.end()) return error(ptr, "change-invalid", "'add-public-ip' operation has no 'publicIp'");
    const std::string p = ptr + "/publicIp";
    if (it->is_string() && !it->get<std::string>().empty()) {
      e.public_ip_name = it->get<std::string>();
      return true;
    }
    if (!it->is_object()) {
      return error(p, "change-invalid", "'publicIp' is not the name of a public IP nor an object describing a new one");
    }
    model::PublicIp pip;
    pip.sku = model::Sku::kStandard;  // Azure's only SKU for new public IPs
    pip.static_allocation = true;
    pip.where = at(p);
    for (const auto& [k, v] : it->items()) {
      const std::string fp = p + "/" + model::escape_pointer_token(k);
      if (!v.is_string()) return error(fp, "change-invalid", fmt::format("'{}' is not a string", k));
      const std::string s = v.get<std::string>();
      if (k == "name") {
        pip.name = s;
      } else if (k == "sku") {
        if (lower(s) == "standard") {
          pip.sku = model::Sku::kStandard;
        } else if (lower(s) == "basic") {
          pip.sku = model::Sku::kBasic;
        } else {
          return error(fp, "change-invalid", fmt::format("sku '{}' is not Standard or Basic", s));
        }
      } else if (k == "ipAddress") {
        auto a = model::IpAddress::parse(s);
        if (!a) return error(fp, "change-invalid", fmt::format("ipAddress '{}' is not an IP address", s));
        pip.address = *a;
        pip.family = a->family();
      } else if (k == "version") {
        if (lower(s) == "ipv4") {
          pip.family = model::IpFamily::kV4;
        } else if (lower(s) == "ipv6") {
          pip.family = model::IpFamily::kV6;
        } else {
          return error(fp, "change-invalid", fmt::format("version '{}' is not IPv4 or IPv6", s));
        }
      } else {
        return error(fp, "change-invalid",
                     fmt::format("'publicIp' has no field '{}' (expected name, sku, ipAddress, version)", k));
      }
    }
    if (pip.name.empty()) return error(p, "change-invalid", "the new public IP has no 'name'");
    if (pip.address && pip.address->family() != pip.family) {
      return error(p, "change-invalid", "'ipAddress' and 'version' disagree");
    }
    e.public_ip = std::move(pip);
    return true;
  }

  bool firewall_rule(const json& o, const std::string& ptr, Edit& e) {
    const bool policy = o.contains("firewallPolicy");
    if (policy == o.contains("firewall")) {
      return error(ptr, "change-invalid",
                   fmt::format("'{}' operation needs exactly one of 'firewallPolicy' (with "
                               "'ruleCollectionGroup') and 'firewall' (classic rules)",
                               op_));
    }
    if (policy) {
      if (!string_field(o, ptr, "firewallPolicy", e.firewall_policy, true) ||
          !string_field(o, ptr, "ruleCollectionGroup", e.group, true)) {
        return false;
      }
    } else {
      if (!string_field(o, ptr, "firewall", e.firewall, true)) return false;
      if (o.contains("ruleCollectionGroup")) {
        return error(ptr + "/ruleCollectionGroup", "change-invalid",
                     "classic firewall rules have no rule collection group");
      }
    }
    const json* value = nullptr;
    if (!string_field(o, ptr, "ruleCollection", e.collection, true) || !add_or_name(o, ptr, e, "rule", value)) {
      return false;
    }
    if (e.kind == EditKind::kRemoveFirewallRule) {
      e.rule = o["rule"].get<std::string>();
      return true;
    }
    // The collection the rule goes to decides how the rule is read (DNAT or filter).
    const model::FirewallRuleCollection* col = nullptr;
    std::string owner_id;
    std::string owner_name;
    std::vector<std::string> collection_names;  // of the group or firewall named, for "did you mean"
    if (policy) {
      const int p = model::find_firewall_policy(m_, e.firewall_policy, e.where, diags_);
      if (p < 0) return false;
      const auto& pol = m_.firewall_policies[p];
      owner_id = pol.id;
      owner_name = pol.name;
      for (const auto& g : pol.groups) {
        if (lower(g.name) != lower(e.group) && g.key != model::canonical_id(e.group)) continue;
        for (const auto& c : g.collections) {
          if (lower(c.name) == lower(e.collection)) col = &c;
          collection_names.push_back(c.name);
        }
      }
    } else {
      const int f = model::find_firewall(m_, e.firewall, e.where, diags_);
      if (f < 0) return false;
      owner_id = m_.firewalls[f].id;
      owner_name = m_.firewalls[f].name;
      for (const auto& c : m_.firewalls[f].classic) {
        if (lower(c.name) == lower(e.collection)) col = &c;
      }
      collection_names = model::names_of(m_.firewalls[f].classic);
    }
    if (col == nullptr) {
      return error(ptr + "/ruleCollection", "change-target-unknown",
                   model::with_suggestion(fmt::format("{} '{}' has no rule collection named '{}'{}",
                                                      policy ? "firewall policy" : "firewall", owner_name, e.collection,
                                                      policy ? fmt::format(" in group '{}'", e.group) : ""),
                                          e.collection, collection_names));
    }
    json rule;
    std::string pointer = ptr + "/rule";
    if (e.kind == EditKind::kModifyFirewallRule) {
      e.rule = o["rule"].get<std::string>();
      auto it =
          std::find_if(col->rules.begin(), col->rules.end(), [&](auto& r) { return lower(r.name) == lower(e.rule); });
      if (it == col->rules.end()) {
        return error(
            ptr + "/rule", "change-target-unknown",
            model::with_suggestion(fmt::format("rule collection '{}' has no rule named '{}'", col->name, e.rule),
                                   e.rule, model::names_of(col->rules)));
      }
      rule = json::parse(azure::firewall_rule_json(*it, !policy).dump());
      rule.merge_patch(*value);
      pointer = ptr + "/set";
    } else {
      rule = *value;
    }
    const bool nat = col->kind == model::FirewallRuleKind::kNat;
    const char* action = nat ? "Dnat" : col->action == model::FirewallAction::kAllow ? "Allow" : "Deny";
    json resource;
    std::string synthetic;
    if (policy) {
      json collection = {
          {"ruleCollectionType", nat ? "FirewallPolicyNatRuleCollection" : "FirewallPolicyFilterRuleCollection"},
          {"name", col->name},
          {"priority", col->priority},
          {"action", {{"type", action}}},
          {"rules", json::array({rule})}};
      json group = {{"id", owner_id + "/ruleCollectionGroups/" + e.group},
                    {"name", e.group},
                    {"properties", {{"priority", 100}, {"ruleCollections", json::array({collection})}}}};
      resource = {{"id", owner_id},
                  {"name", owner_name},
                  {"type", "Microsoft.Network/firewallPolicies"},
                  {"properties", {{"ruleCollectionGroups", json::array({group})}}}};
      synthetic = "/properties/ruleCollectionGroups/0/properties/ruleCollections/0/rules/0";
    } else {
      const char* array = nat                                              ? "natRuleCollections"
                          : col->kind == model::FirewallRuleKind::kNetwork ? "networkRuleCollections"
                                                                           : "applicationRuleCollections";
      json collection = {
          {"name", col->name},
          {"properties",
           {{"priority", col->priority}, {"action", {{"type", action}}}, {"rules", json::array({rule})}}}};
      resource = {{"id", owner_id},
                  {"name", owner_name},
                  {"type", "Microsoft.Network/azureFirewalls"},
                  {"properties", {{array, json::array({collection})}}}};
      synthetic = fmt::format("/properties/{}/0/properties/rules/0", array);
    }
    model::Model scratch;
    if (!import_synthetic(resource, synthetic, pointer, scratch)) return false;
    const model::FirewallRule* read = nullptr;
    if (policy && scratch.firewall_policies.size() == 1 && scratch.firewall_policies[0].groups.size() == 1 &&
        scratch.firewall_policies[0].groups[0].collections.size() == 1 &&
        scratch.firewall_policies[0].groups[0].collections[0].rules.size() == 1) {
      read = &scratch.firewall_policies[0].groups[0].collections[0].rules[0];
    } else if (!policy && scratch.firewalls.size() == 1 && scratch.firewalls[0].classic.size() == 1 &&
               scratch.firewalls[0].classic[0].rules.size() == 1) {
      read = &scratch.firewalls[0].classic[0].rules[0];
    }
    if (read == nullptr) return error(pointer, "change-invalid", "the rule could not be read");
    e.firewall_rule = *read;
    relocate(*e.firewall_rule, synthetic, pointer);
    return true;
  }

  bool route(const json& o, const std::string& ptr, Edit& e) {
    const json* value = nullptr;
    if (!string_field(o, ptr, "routeTable", e.route_table, true) || !add_or_name(o, ptr, e, "route", value))
      return false;
    if (e.kind == EditKind::kRemoveRoute) {
      e.rule = o["route"].get<std::string>();
      return true;
    }
    const int t = model::find_route_table(m_, e.route_table, e.where, diags_);
    if (t < 0) return false;
    const auto& rt = m_.route_tables[t];
    json route;
    std::string pointer = ptr + "/route";
    if (e.kind == EditKind::kModifyRoute) {
      e.rule = o["route"].get<std::string>();
      auto it =
          std::find_if(rt.routes.begin(), rt.routes.end(), [&](auto& r) { return lower(r.name) == lower(e.rule); });
      if (it == rt.routes.end()) {
        return error(ptr + "/route", "change-target-unknown",
                     model::with_suggestion(fmt::format("route table '{}' has no route named '{}'", rt.name, e.rule),
                                            e.rule, model::names_of(rt.routes)));
      }
      route = json::parse(azure::route_json(*it).dump());
      route["properties"].merge_patch(*value);
      pointer = ptr + "/set";
    } else {
      route = *value;
    }
    const json resource = {{"id", rt.id},
                           {"name", rt.name},
                           {"type", "Microsoft.Network/routeTables"},
                           {"properties", {{"routes", json::array({route})}}}};
    const std::string synthetic =
        e.kind == EditKind::kModifyRoute ? "/properties/routes/0/properties" : "/properties/routes/0";
    model::Model scratch;
    if (!import_synthetic(resource, synthetic, pointer, scratch)) return false;
    if (scratch.route_tables.size() != 1 || scratch.route_tables[0].routes.size() != 1) {
      return error(pointer, "change-invalid", "the route could not be read");
    }
    e.route = std::move(scratch.route_tables[0].routes[0]);
    relocate(*e.route, synthetic, pointer);
    return true;
  }

  /// A security admin rule: the collection by id, or by name narrowed by its network manager's and configuration's
  /// names; the rule in its Azure resource form (kind Custom), read by the resource importer as a child of the
  /// collection.
  bool admin_rule(const json& o, const std::string& ptr, Edit& e) {
    const json* value = nullptr;
    if (!string_field(o, ptr, "networkManager", e.network_manager, false) ||
        !string_field(o, ptr, "securityAdminConfiguration", e.admin_configuration, false) ||
        !string_field(o, ptr, "ruleCollection", e.collection, true) || !add_or_name(o, ptr, e, "rule", value)) {
      return false;
    }
    const int c = model::find_admin_rule_collection(m_, e.network_manager, e.admin_configuration, e.collection,
                                                    at(ptr + "/ruleCollection"), diags_);
    if (c < 0) return false;
    const auto& col = m_.admin_rule_collections[c];
    if (e.kind == EditKind::kRemoveAdminRule) {
      e.rule = o["rule"].get<std::string>();
      return true;
    }
    json rule;
    std::string pointer = ptr + "/rule";
    std::string synthetic;
    if (e.kind == EditKind::kModifyAdminRule) {
      e.rule = o["rule"].get<std::string>();
      const model::AdminRule* old = nullptr;
      std::vector<std::string> names;
      for (const auto& r : m_.admin_rules) {
        if (r.collection.id != col.key) continue;
        names.push_back(r.name);
        if (lower(r.name) == lower(e.rule)) old = &r;
      }
      if (old == nullptr) {
        return error(ptr + "/rule", "change-target-unknown",
                     model::with_suggestion(
                         fmt::format("security admin rule collection '{}' has no rule named '{}'", col.name, e.rule),
                         e.rule, names));
      }
      rule = json::parse(azure::admin_rule_json(*old).dump());
      rule["properties"].merge_patch(*value);
      pointer = ptr + "/set";
      synthetic = "/properties";
    } else {
      rule = *value;
      auto name = rule.find("name");
      if (name == rule.end() || !name->is_string() || name->get<std::string>().empty()) {
        return error(pointer, "change-invalid", "the admin rule has no 'name'");
      }
      if (!rule.contains("kind")) rule["kind"] = "Custom";
    }
    rule["id"] = col.id + "/rules/" + rule["name"].get<std::string>();
    rule["type"] = "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules";
    model::Model scratch;
    if (!import_synthetic(rule, synthetic, pointer, scratch)) return false;
    if (scratch.admin_rules.size() != 1) {
      return error(pointer, "change-invalid",
                   "the admin rule could not be read (expected a rule of kind Custom with access, priority, "
                   "direction, protocol, sources, destinations and port ranges)");
    }
    e.admin_rule = std::move(scratch.admin_rules[0]);
    relocate(*e.admin_rule, synthetic, pointer);
    e.admin_rule->rule.where = e.admin_rule->where;
    return true;
  }

  /// ISO 8601 duration of days, hours, minutes, seconds ("PT3H", "PT90M", "P1D") in minutes; -1 when invalid.
  static int minutes_of(const std::string& text) {
    std::size_t i = 0;
    if (text.empty() || (text[0] != 'P' && text[0] != 'p')) return -1;
    ++i;
    bool time = false;
    long long seconds = 0;
    bool any = false;
    while (i < text.size()) {
      const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
      if (c == 'T') {
        if (time) return -1;
        time = true;
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j == i || j == text.size() || j - i > 6) return -1;
      const long long n = std::stoll(text.substr(i, j - i));
      const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[j])));
      if (!time && unit == 'D') {
        seconds += n * 86400;
      } else if (time && unit == 'H') {
        seconds += n * 3600;
      } else if (time && unit == 'M') {
        seconds += n * 60;
      } else if (time && unit == 'S') {
        seconds += n;
      } else {
        return -1;
      }
      any = true;
      i = j + 1;
    }
    return any ? static_cast<int>(seconds / 60) : -1;
  }

  bool jit(const json& o, const std::string& ptr, Edit& e) {
    if (!one_of(o, ptr, "vm", e.vm, "nic", e.nic)) return false;
    auto port = o.find("port");
    if (port == o.end()) return error(ptr, "change-invalid", "'grant-jit' operation has no 'port'");
    if (!port->is_number_integer() || port->get<long long>() < 0 || port->get<long long>() > 65535) {
      return error(ptr + "/port", "change-invalid", "'port' is not an integer in 0..65535");
    }
    e.jit_port = static_cast<std::uint16_t>(port->get<long long>());
    std::string protocol = "*";
    if (!string_field(o, ptr, "protocol", protocol, false)) return false;
    const std::string p = lower(protocol);
    if (p == "*" || p == "any") {
      e.jit_protocols = model::kAllProtocols;
    } else if (p == "tcp") {
      e.jit_protocols = model::bit(model::Protocol::kTcp);
    } else if (p == "udp") {
      e.jit_protocols = model::bit(model::Protocol::kUdp);
    } else {
      return error(ptr + "/protocol", "change-invalid", fmt::format("protocol '{}' is not TCP, UDP or '*'", protocol));
    }
    std::string source;
    if (!string_field(o, ptr, "source", source, true)) return false;
    e.jit_source_text = source;
    if (source == "*" || lower(source) == "any") {
      e.jit_source.any = true;
    } else if (lower(source) == "internet") {
      e.jit_source.tags.push_back(model::ServiceTag::kInternet);
    } else if (auto prefix = model::IpPrefix::parse(source)) {
      e.jit_source.prefixes.push_back(*prefix);
    } else {
      return error(ptr + "/source", "change-invalid",
                   fmt::format("source '{}' is not an IP address, a CIDR prefix, 'Internet' or '*'", source));
    }
    std::string duration;
    if (!string_field(o, ptr, "duration", duration, true)) return false;
    e.jit_minutes = minutes_of(duration);
    if (e.jit_minutes < 5 || e.jit_minutes > 24 * 60) {
      return error(
          ptr + "/duration", "change-invalid",
          fmt::format("duration '{}' is not an ISO 8601 duration from 5 minutes to 1 day (e.g. 'PT3H')", duration));
    }
    return true;
  }

  const Document& document_;
  std::string file_;
  model::Model& m_;
  model::Diagnostics& diags_;
  std::vector<model::Changed>& changed_;
  std::string op_;
};

}  // namespace

bool apply_change_text(std::string_view text, std::string_view file_name, model::Model& m, model::Diagnostics& diags,
                       std::vector<model::Changed>& changed) {
  const auto doc = parse_document(text, std::string(file_name), diags);
  return doc && Reader(*doc, m, diags, changed).run();
}

bool apply_change_file(const std::string& path, model::Model& m, model::Diagnostics& diags,
                       std::vector<model::Changed>& changed) {
  const auto doc = load_document(path, diags);
  return doc && Reader(*doc, m, diags, changed).run();
}

}  // namespace exposim::importers
