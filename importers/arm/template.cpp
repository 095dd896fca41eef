// Expansion of deployment templates into Azure resource JSON (docs/arm-templates.md): the public entry points,
// the expander's run and the deployment-time values it settles at the end (placeholder addresses). The rest of
// the expander is in template_parameters.cpp, template_resources.cpp and template_deployments.cpp.
#include "importers/arm/template.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "importers/arm/template_internal.h"
#include "importers/unknown_value.h"
#include "model/ip.h"
#include "model/json_pointer.h"

namespace exposim::importers::arm {
namespace expansion {

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return lower(text.substr(text.size() - suffix.size())) == lower(suffix);
}

std::string escape_token(std::string_view t) { return model::escape_pointer_token(t); }

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string trim_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  return s;
}

std::string reference_ip_argument(std::string_view expr) {
  std::string text(expr);
  std::string l = lower(text);
  if (l.size() < 2 || l.front() != '[' || l.back() != ']') return "";
  l = l.substr(1, l.size() - 2);
  text = text.substr(1, text.size() - 2);
  const std::string head = "reference(";
  if (l.rfind(head, 0) != 0) return "";
  std::string tail;
  for (const char* t : {").ipaddress", ").properties.ipaddress"}) {
    if (l.size() > std::string(t).size() &&
        l.compare(l.size() - std::string(t).size(), std::string(t).size(), t) == 0) {
      tail = t;
    }
  }
  if (tail.empty()) return "";
  const std::string inside = text.substr(head.size(), text.size() - head.size() - tail.size());
  // The first top-level argument.
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    const char c = inside[i];
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) return inside.substr(0, i);
  }
  return inside;
}

std::vector<ExpandedResource> Expander::run(const json& doc) {
  Context context;
  if (!options_.subscription_id.empty()) context.subscription_id = options_.subscription_id;
  if (!options_.resource_group.empty()) context.resource_group = options_.resource_group;
  if (!options_.location.empty()) context.location = options_.location;
  context.deployment_outputs = &outputs_;
  files_.push_back(file_key(file_));
  if (!prepare(doc, options_.parameters, "", context)) return {};
  Evaluator ev(context);
  if (const json* resources = member(doc, "resources")) expand_list(ev, *resources, "/resources", "", "", 0);
  finish();
  return std::move(out_);
}

void Expander::finish() {
  // Public IPs without an address get a stable placeholder from 240.0.0.0/4 (reserved: never a real
  // address), in declaration order, so that rules naming `reference(pip).ipAddress` match them.
  std::map<std::string, std::string> pip_address;  // canonical id -> address
  std::uint32_t next = 0;
  for (auto& e : out_) {
    if (lower(e.resource["type"].get<std::string>()) != "microsoft.network/publicipaddresses") continue;
    json& props = e.resource["properties"];
    if (!props.is_object()) props = json::object();
    const json* version = member(props, "publicIPAddressVersion");
    if (version != nullptr && version->is_string() && lower(version->get<std::string>()) == "ipv6") continue;
    if (const json* a = member(props, "ipAddress"); a != nullptr && a->is_string()) {
      pip_address[lower(e.resource["id"].get<std::string>())] = a->get<std::string>();
      continue;
    }
    ++next;
    const std::string a = fmt::format("240.{}.{}.{}", (next >> 16) & 0xff, (next >> 8) & 0xff, next & 0xff);
    props["ipAddress"] = a;
    pip_address[lower(e.resource["id"].get<std::string>())] = a;
    placeholders_ = true;
  }
  if (placeholders_) {
    warning("", "placeholder-address",
            "public IPs without an address get placeholders from 240.0.0.0/4 in declaration order (Azure assigns "
            "the real ones at deployment)");
  }
  assign_private_ips();
  // Deferred `reference(pip).ipAddress` values: the public IP's address (by id, or by name).
  std::function<void(json&, const std::string&)> resolve = [&](json& v, const std::string& at) {
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.rfind(std::string(kDeferredPip), 0) != 0) return;
      const std::string target = lower(s.substr(kDeferredPip.size()));
      std::string found;
      for (const auto& [id, address] : pip_address) {
        if (id == target || (target.find('/') == std::string::npos && ends_with_ci(id, "/" + target))) found = address;
      }
      if (found.empty()) {
        warning(at, "unresolved-expression",
                fmt::format("reference('{}').ipAddress names no public IP of the template: left as the whole "
                            "internet-facing address space is unknown",
                            s.substr(kDeferredPip.size())));
        v = "*";
      } else {
        v = found;
      }
      return;
    }
    if (v.is_array()) {
      for (std::size_t i = 0; i < v.size(); ++i) resolve(v[i], at + "/" + std::to_string(i));
    } else if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) resolve(it.value(), at + "/" + escape_token(it.key()));
    }
  };
  const std::string saved = file_;
  for (auto& e : out_) {
    file_ = e.file;
    resolve(e.resource, e.pointer);
  }
  file_ = saved;
}

void Expander::assign_private_ips() {
  struct Prefixes {
    std::optional<model::IpPrefix> v4, v6;
  };
  std::map<std::string, Prefixes> subnets;  // canonical subnet id -> its first prefix of each family
  auto add_subnet = [&](const std::string& id, const json& props) {
    std::vector<const json*> given;
    if (const json* p = member(props, "addressPrefix")) given.push_back(p);
    if (const json* list = member(props, "addressPrefixes"); list != nullptr && list->is_array()) {
      for (const auto& p : *list) given.push_back(&p);
    }
    Prefixes& out = subnets[lower(id)];
    for (const json* p : given) {
      if (!p->is_string()) continue;
      const auto prefix = model::IpPrefix::parse(p->get<std::string>());
      if (!prefix) continue;
      auto& slot = prefix->family() == model::IpFamily::kV4 ? out.v4 : out.v6;
      if (!slot) slot = *prefix;
    }
  };
  std::set<model::U128> used;
  std::vector<json*> dynamic;
  for (auto& e : out_) {
    const std::string type = lower(e.resource["type"].get<std::string>());
    const std::string id = e.resource["id"].get<std::string>();
    json* props = e.resource.contains("properties") ? &e.resource["properties"] : nullptr;
    if (props == nullptr || !props->is_object()) continue;
    if (type == "microsoft.network/virtualnetworks") {
      if (const json* list = member(*props, "subnets"); list != nullptr && list->is_array()) {
        for (const auto& sn : *list) {
          const json* name = member(sn, "name");
          const json* sp = member(sn, "properties");
          if (name != nullptr && name->is_string() && sp != nullptr)
            add_subnet(id + "/subnets/" + name->get<std::string>(), *sp);
        }
      }
    } else if (type == "microsoft.network/virtualnetworks/subnets") {
      add_subnet(id, *props);
    } else if (type == "microsoft.network/networkinterfaces") {
      json* configs = nullptr;
      for (auto it = props->begin(); it != props->end(); ++it) {
        if (lower(it.key()) == "ipconfigurations") configs = &it.value();
      }
      if (configs == nullptr || !configs->is_array()) continue;
      for (auto& c : *configs) {
        if (!c.is_object() || !c.contains("properties") || !c["properties"].is_object()) continue;
        json& cp = c["properties"];
        if (const json* a = member(cp, "privateIPAddress"); a != nullptr && a->is_string()) {
          if (auto ip = model::IpAddress::parse(a->get<std::string>())) used.insert(ip->value);
          continue;
        }
        dynamic.push_back(&cp);
      }
    }
  }
  std::map<std::pair<std::string, bool>, model::U128> next;  // (subnet id, IPv6) -> next candidate
  bool assigned = false;
  for (json* cp : dynamic) {
    const json* subnet = member(*cp, "subnet");
    const json* sid = subnet != nullptr ? member(*subnet, "id") : nullptr;
    if (sid == nullptr || !sid->is_string()) continue;
    const std::string key = lower(trim_slashes(sid->get<std::string>()));
    auto it = subnets.find("/" + key);
    if (it == subnets.end()) it = subnets.find(key);
    if (it == subnets.end()) continue;
    const json* version = member(*cp, "privateIPAddressVersion");
    const bool v6 = version != nullptr && version->is_string() && lower(version->get<std::string>()) == "ipv6";
    const auto& prefix = v6 ? it->second.v6 : it->second.v4;
    if (!prefix) continue;
    auto [pos, fresh] = next.try_emplace({it->first, v6}, prefix->first() + 4);
    while (used.count(pos->second) != 0 && pos->second < prefix->last()) ++pos->second;
    if (pos->second >= prefix->last()) continue;  // the last address is Azure's broadcast (IPv4)
    (*cp)["privateIPAddress"] = model::IpAddress{pos->second}.to_string();
    used.insert(pos->second);
    ++pos->second;
    assigned = true;
  }
  if (assigned) {
    warning("", "placeholder-address",
            "dynamic private IPs are assigned from each subnet's fourth address (.4, or ::4 in its IPv6 prefix) in "
            "declaration order; Azure's order depends on the deployment");
  }
}

}  // namespace expansion

namespace {

using expansion::json;
using expansion::lower;
using expansion::member;

/// `$schema` in any of its historic spellings (`http` or `https`, with or without the trailing `#`, any
/// casing) ends in `file` (lowercase).
bool schema_names(const json& doc, std::string_view file) {
  const json* schema = member(doc, "$schema");
  if (schema == nullptr || !schema->is_string()) return false;
  std::string s = lower(schema->get<std::string>());
  while (!s.empty() && (s.back() == '#' || std::isspace(static_cast<unsigned char>(s.back())) != 0)) s.pop_back();
  return s.size() >= file.size() && s.compare(s.size() - file.size(), file.size(), file) == 0;
}

}  // namespace

bool is_deployment_template(const nlohmann::json& doc) { return schema_names(doc, "deploymenttemplate.json"); }

bool is_parameters_file(const nlohmann::json& doc) { return schema_names(doc, "deploymentparameters.json"); }

nlohmann::json parameter_values(const nlohmann::json& doc) {
  json out = json::object();
  const json* params = member(doc, "parameters");
  if (params == nullptr || !params->is_object()) return out;
  for (auto it = params->begin(); it != params->end(); ++it) {
    if (const json* v = member(it.value(), "value")) out[it.key()] = *v;
  }
  return out;
}

std::vector<ExpandedResource> expand_template(const nlohmann::json& doc, const std::string& file,
                                              const TemplateOptions& options, model::Diagnostics& diags,
                                              std::vector<std::string>* valueless_parameters) {
  const std::size_t before = diags.size();
  expansion::Expander expander(file, options, diags);
  auto out = expander.run(doc);
  // A template that links forty deployments by URI gets one warning for them, not forty.
  diags.group_warnings("linked-template-skipped", before, "deployments of this file are not analysed either");
  if (valueless_parameters != nullptr) {
    for (const auto& name : expander.valueless_parameters()) {
      if (std::find(valueless_parameters->begin(), valueless_parameters->end(), name) == valueless_parameters->end()) {
        valueless_parameters->push_back(name);
      }
    }
  }
  return out;
}

}  // namespace exposim::importers::arm
