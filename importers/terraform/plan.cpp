// Reading `terraform show -json` documents: the plan's planned values (or the state's values), module by module,
// with each instance's after_unknown and configuration; then the translation into Azure resource JSON, its import
// by importers/azure, and the diagnostics mapped back to the plan.
#include "importers/terraform/plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/json_positions.h"
#include "importers/terraform/families.h"
#include "importers/terraform/location.h"
#include "model/ascii.h"

namespace exposim::importers::terraform {
namespace {

constexpr std::size_t kMaxDepth = 128;       // JSON nesting, checked before parsing (the parser recurses)
constexpr std::size_t kMaxModules = 100000;  // module instances walked

model::SourceLocation at(const std::string& file, std::string pointer) {
  return {model::FileName(file), std::move(pointer), 0, 0};
}

/// The byte offset where nesting first goes deeper than kMaxDepth, or npos.
std::size_t too_deep(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

const json* member(const json& o, std::string_view key) {
  if (!o.is_object()) return nullptr;
  auto it = o.find(std::string(key));
  return it == o.end() ? nullptr : &*it;
}

/// The configuration blocks of resources, by configuration module path and "type.name".
struct ConfigBlock {
  const json* expressions{nullptr};
  std::string pointer;
};

class Reader {
 public:
  Reader(const std::string& file, model::Diagnostics& diags, std::size_t max_resources)
      : file_(file), diags_(diags), max_resources_(max_resources) {}

  void error(std::string pointer, std::string message, std::string_view code = "unexpected-shape") {
    diags_.error(std::string(code), at(file_, std::move(pointer)), std::move(message));
  }

  /// The resource changes by address (after_unknown and its pointer).
  void read_changes(const json& doc) {
    const json* changes = member(doc, "resource_changes");
    if (changes == nullptr || changes->is_null()) return;
    if (!changes->is_array()) {
      error("/resource_changes", "'resource_changes' is not an array");
      return;
    }
    for (std::size_t k = 0; k < changes->size(); ++k) {
      const json& c = (*changes)[k];
      const json* address = member(c, "address");
      const json* change = member(c, "change");
      if (address == nullptr || !address->is_string() || change == nullptr || !change->is_object()) continue;
      // Destroyed and not created again (a replacement is ["delete", "create"] or the reverse): gone after apply.
      if (const json* actions = member(*change, "actions"); actions != nullptr && *actions == json::array({"delete"})) {
        if (const json* before = member(*change, "before"); before != nullptr) {
          if (const json* id = member(*before, "id"); id != nullptr && id->is_string()) {
            deleted_.insert(model::canonical_id(id->get<std::string>()));
          }
        }
      }
      if (const json* u = member(*change, "after_unknown"); u != nullptr && u->is_object()) {
        unknown_[address->get<std::string>()] = {u, fmt::format("/resource_changes/{}/change/after_unknown", k)};
      }
    }
  }

  /// The configuration's resource blocks, module calls followed (iteratively).
  void read_configuration(const json& doc, Instances& instances) {
    const json* config = member(doc, "configuration");
    if (config == nullptr) return;
    const json* root = member(*config, "root_module");
    if (root == nullptr || !root->is_object()) return;
    has_configuration_ = true;
    std::vector<std::tuple<const json*, std::string, std::string>> stack{{root, "", "/configuration/root_module"}};
    std::size_t walked = 0;
    while (!stack.empty() && ++walked <= kMaxModules) {
      auto [module, path, pointer] = stack.back();
      stack.pop_back();
      if (const json* resources = member(*module, "resources"); resources != nullptr && resources->is_array()) {
        for (std::size_t k = 0; k < resources->size(); ++k) {
          const json& r = (*resources)[k];
          const json* address = member(r, "address");
          if (address == nullptr || !address->is_string()) continue;
          const json* expressions = member(r, "expressions");
          // The address is relative to the module in the configuration ("azurerm_subnet.app").
          std::string relative = address->get<std::string>();
          if (auto cut = relative.rfind("module."); cut != std::string::npos && !path.empty()) {
            relative = relative.substr(relative.find('.', relative.find('.', cut) + 1) + 1);
          }
          config_[path + " " + relative] = {expressions, fmt::format("{}/resources/{}/expressions", pointer, k)};
        }
      }
      if (const json* calls = member(*module, "module_calls"); calls != nullptr && calls->is_object()) {
        for (auto it = calls->begin(); it != calls->end(); ++it) {
          const json* m = member(it.value(), "module");
          if (m == nullptr || !m->is_object()) continue;
          const std::string child = (path.empty() ? "" : path + ".") + "module." + it.key();
          instances.add_module_call(child, member(it.value(), "expressions"));
          instances.add_module_outputs(child, member(*m, "outputs"));
          stack.emplace_back(m, child, fmt::format("{}/module_calls/{}/module", pointer, escape_token(it.key())));
        }
      }
    }
  }

  /// The instances of `root` (planned_values.root_module or values.root_module) and its child modules.
  void read_modules(const json& root, const std::string& root_pointer, Instances& out) {
    std::vector<std::pair<const json*, std::string>> stack{{&root, root_pointer}};
    std::size_t walked = 0;
    while (!stack.empty()) {
      if (++walked > kMaxModules) {
        error(root_pointer, fmt::format("more than {} modules", kMaxModules), "limit-exceeded");
        return;
      }
      auto [module, pointer] = stack.back();
      stack.pop_back();
      if (!module->is_object()) {
        error(pointer, "a module is not an object", "invalid-type");
        continue;
      }
      std::string module_address;
      if (const json* a = member(*module, "address"); a != nullptr && a->is_string()) module_address = *a;
      if (const json* resources = member(*module, "resources"); resources != nullptr && !resources->is_null()) {
        if (!resources->is_array()) {
          error(pointer + "/resources", "'resources' is not an array", "invalid-type");
        } else {
          for (std::size_t k = 0; k < resources->size(); ++k) {
            const std::string at_resource = fmt::format("{}/resources/{}", pointer, k);
            if (++resources_read_ > max_resources_) {
              error(at_resource,
                    fmt::format("more than {} resources in the file; the rest of the file is not read", max_resources_),
                    "limit-exceeded");
              return;
            }
            read_resource((*resources)[k], module_address, at_resource, out);
          }
        }
      }
      if (const json* children = member(*module, "child_modules"); children != nullptr && !children->is_null()) {
        if (!children->is_array()) {
          error(pointer + "/child_modules", "'child_modules' is not an array", "invalid-type");
        } else {
          // Reversed onto the stack, so that modules are read in document order.
          for (std::size_t k = children->size(); k-- > 0;) {
            stack.emplace_back(&(*children)[k], fmt::format("{}/child_modules/{}", pointer, k));
          }
        }
      }
    }
  }

  bool has_configuration() const { return has_configuration_; }
  /// Canonical ids of the resources the plan destroys (resource_changes, actions ["delete"]).
  const std::set<std::string>& deleted() const { return deleted_; }

 private:
  const std::string& file_;
  model::Diagnostics& diags_;
  std::set<std::string> deleted_;
  std::map<std::string, std::pair<const json*, std::string>> unknown_;
  std::map<std::string, ConfigBlock> config_;
  bool has_configuration_{false};
  std::size_t max_resources_;
  std::size_t resources_read_{0};  // resource instances met by read_modules

  void read_resource(const json& r, const std::string& module, const std::string& pointer, Instances& out) {
    if (!r.is_object()) {
      error(pointer, "a resource is not an object", "invalid-type");
      return;
    }
    Instance i;
    i.pointer = pointer;
    i.module = module;
    const json* address = member(r, "address");
    const json* type = member(r, "type");
    const json* name = member(r, "name");
    if (address == nullptr || !address->is_string() || type == nullptr || !type->is_string() || name == nullptr ||
        !name->is_string()) {
      diags_.error("missing-field", at(file_, pointer), "resource has no string 'address', 'type' or 'name'");
      return;
    }
    i.address = *address;
    i.type = *type;
    i.name = *name;
    if (const json* mode = member(r, "mode"); mode != nullptr && mode->is_string()) i.managed = *mode != "data";
    const json* values = member(r, "values");
    if (values == nullptr || !values->is_object()) {
      diags_.error("invalid-type", at(file_, pointer + "/values"),
                   fmt::format("{}: 'values' is {}, expected an object", i.address,
                               values == nullptr ? "absent" : "not an object"));
      return;
    }
    i.values = values;
    if (auto u = unknown_.find(i.address); u != unknown_.end()) {
      i.unknown = u->second.first;
      i.unknown_pointer = u->second.second;
    }
    const std::string block = (i.managed ? "" : "data.") + i.type + "." + i.name;
    if (auto c = config_.find(config_module(i.module) + " " + block); c != config_.end()) {
      i.expressions = c->second.expressions;
      i.expressions_pointer = c->second.pointer;
      i.configured = c->second.expressions != nullptr;
    }
    out.add(std::move(i));
  }
};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
}

/// The canonical Azure id of a synthesized resource, or "" when it has none (or an unknown one).
std::string synthesized_id(const Synthesized& s) {
  const json* id = member(s.doc, "id");
  return id != nullptr && id->is_string() ? model::canonical_id(id->get<std::string>()) : std::string();
}

/// Two instances that synthesize one Azure id: the provider refuses to create a resource that exists (the apply
/// fails), and two instances already applied would manage one resource. Reported with both addresses; the later
/// one is left out (`dropped`), so that nothing is merged silently. Instances of one resource block differ by key.
void report_duplicate_ids(Context& ctx, const std::vector<Synthesized>& out, std::vector<bool>& dropped) {
  std::map<std::string, std::size_t> first;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::string id = synthesized_id(out[k]);
    if (id.empty() || out[k].instance == nullptr) continue;
    auto [it, fresh] = first.emplace(id, k);
    if (fresh || out[it->second].instance == out[k].instance) continue;
    const Instance& a = *out[it->second].instance;
    const Instance& b = *out[k].instance;
    dropped[k] = true;
    ctx.report(model::Severity::kError, b, b.pointer, "terraform-duplicate-id",
               fmt::format("{} and {} are one Azure resource ('{}'): the provider will not create a resource "
                           "that exists, so the apply fails; only {} is analysed",
                           a.address, b.address, out[k].doc.value("id", ""), a.address));
  }
}

/// Removes the elements of array `/properties/<key>` of `s` marked in `remove`, and renumbers the origins of the
/// elements after them (in one pass: an NSG may have thousands of read-back rules).
void erase_elements(Synthesized& s, const std::string& key, const std::vector<bool>& remove) {
  json& list = s.doc["properties"][key];
  json kept_elements = json::array();
  std::vector<std::size_t> new_index(remove.size());
  for (std::size_t i = 0; i < remove.size(); ++i) {
    new_index[i] = kept_elements.size();
    if (!remove[i]) kept_elements.push_back(std::move(list[i]));
  }
  list = std::move(kept_elements);
  const std::string prefix = "/properties/" + key + "/";
  std::vector<Synthesized::Origin> kept;
  kept.reserve(s.map.size());
  for (auto& o : s.map) {
    if (o.synth.rfind(prefix, 0) != 0) {
      kept.push_back(std::move(o));
      continue;
    }
    const auto end = o.synth.find('/', prefix.size());
    const std::string index = o.synth.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size());
    if (index.empty() || index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(index) >= remove.size()) {
      kept.push_back(std::move(o));
      continue;
    }
    const std::size_t i = std::stoul(index);
    if (remove[i]) continue;
    o.synth = prefix + std::to_string(new_index[i]) + (end == std::string::npos ? "" : o.synth.substr(end));
    kept.push_back(std::move(o));
  }
  s.map = std::move(kept);
}

/// Children written inline in their parent's block that are also separate resources of the document, or that the
/// plan destroys. A parent that does not configure the block computes it: Azure's children read back (an NSG's
/// `security_rule` lists the rules of every `azurerm_network_security_rule`, a virtual network's `subnet` every
/// `azurerm_subnet`), with their values before apply. The separate resource is what Terraform plans, and is read;
/// the read-back copy is removed (the Azure reader keeps the first of two children with one id: the copy, with the
/// old values), as is the copy of a destroyed one. A parent that configures the block and a separate resource
/// both manage the child, which the provider does not support: a `terraform-rule-conflict` warning names both,
/// and the separate resource, applied after its parent, is read.
void reconcile_inline_children(Context& ctx, std::vector<Synthesized>& out, const std::vector<bool>& dropped,
                               const std::set<std::string>& deleted) {
  std::map<std::string, std::size_t> separate;
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (dropped[k]) continue;
    if (std::string id = synthesized_id(out[k]); !id.empty()) separate.emplace(std::move(id), k);
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    Synthesized& s = out[k];
    const std::string parent = synthesized_id(s);
    auto props = s.doc.find("properties");
    if (dropped[k] || parent.empty() || props == s.doc.end() || !props->is_object()) continue;
    std::vector<std::string> keys;
    for (auto it = props->begin(); it != props->end(); ++it) {
      if (it.value().is_array()) keys.push_back(it.key());
    }
    std::unordered_map<std::string, const Synthesized::Origin*> origins;  // by synth pointer, when first needed
    for (const std::string& key : keys) {
      std::vector<bool> remove((*props)[key].size(), false);
      bool any = false;
      for (std::size_t e = 0; e < remove.size(); ++e) {
        const json& element = (*props)[key][e];
        const json* name = member(element, "name");
        if (name == nullptr || !name->is_string()) continue;
        const std::string child = model::canonical_id(parent + "/" + key + "/" + name->get<std::string>());
        const auto sep = separate.find(child);
        if (sep == separate.end() && deleted.count(child) == 0) continue;
        // The block the element comes from (its origin), and whether the configuration sets that block.
        if (origins.empty()) {
          for (const auto& o : s.map) origins.emplace(o.synth, &o);
        }
        const auto found = origins.find(fmt::format("/properties/{}/{}", key, e));
        const Synthesized::Origin* origin = found == origins.end() ? nullptr : found->second;
        if (sep != separate.end() && origin != nullptr && s.instance != nullptr) {
          const Instance& owner = origin->from != nullptr ? *origin->from : *s.instance;
          const std::string& plan = origin->plan;
          const auto values = plan.rfind("/values/");
          const std::string attr =
              values == std::string::npos ? "" : plan.substr(values + 8, plan.find('/', values + 8) - values - 8);
          const json* set = owner.expressions != nullptr ? member(*owner.expressions, attr) : nullptr;
          const Instance* other = out[sep->second].instance;
          if (set != nullptr && other != nullptr) {
            ctx.report(model::Severity::kWarning, *other, other->pointer, "terraform-rule-conflict",
                       fmt::format("{} declares '{}' in its {} block too: the provider does not support a child "
                                   "declared both inline and as a separate resource (each apply overwrites the "
                                   "other); this resource, applied after {}, is analysed",
                                   owner.address, name->get<std::string>(), attr, owner.address));
          }
        }
        remove[e] = true;
        any = true;
      }
      if (any) {
        erase_elements(s, key, remove);
        origins.clear();  // they pointed into the map just replaced
      }
    }
  }
}

/// The Terraform address of every synthesized resource and of its children written inline (a security rule in its
/// NSG's block has the NSG's address, a load balancing rule appended by azurerm_lb_rule the rule's), by canonical id.
void record_addresses(const std::vector<Synthesized>& out, const std::vector<bool>& dropped, model::Model& model) {
  for (std::size_t k = 0; k < out.size(); ++k) {
    const Synthesized& s = out[k];
    const std::string id = synthesized_id(s);
    if (dropped[k] || id.empty() || s.instance == nullptr) continue;
    model.source_addresses.emplace(id, model::SourceAddress{"terraform", s.instance->address});
    const json* props = member(s.doc, "properties");
    if (props == nullptr || !props->is_object()) continue;
    for (auto it = props->begin(); it != props->end(); ++it) {
      if (!it.value().is_array()) continue;
      for (std::size_t e = 0; e < it.value().size(); ++e) {
        const json* name = member(it.value()[e], "name");
        if (name == nullptr || !name->is_string()) continue;
        const std::string base = fmt::format("/properties/{}/{}", it.key(), e);
        const Instance* owner = s.instance;
        for (const auto& o : s.map) {
          if (o.synth == base && o.from != nullptr) owner = o.from;
        }
        model.source_addresses.emplace(model::canonical_id(id + "/" + it.key() + "/" + name->get<std::string>()),
                                       model::SourceAddress{"terraform", owner->address});
      }
    }
  }
}

}  // namespace

bool looks_like_terraform(std::string_view head) {
  const auto first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string_view::npos || head[first] != '{') return false;
  if (head.find("\"format_version\"") == std::string_view::npos) return false;
  return head.find("\"planned_values\"") != std::string_view::npos ||
         head.find("\"terraform_version\"") != std::string_view::npos ||
         head.find("\"values\"") != std::string_view::npos ||
         head.find("\"resource_changes\"") != std::string_view::npos;
}

namespace {

PlanStats import_plan_or_throw(std::string_view text, const std::string& path, const azure::ImportOptions& options,
                               model::Model& model, model::Diagnostics& sink, PlanSide side) {
  PlanStats stats;
  stats.kind = "document";  // until the plan or state is recognised
  if (auto deep = too_deep(text); deep != std::string_view::npos) {
    auto [line, column] = line_column(text, deep);
    sink.error("json-too-deep", {model::FileName(path), "", line, column},
               fmt::format("nesting deeper than {} levels", kMaxDepth));
    return stats;
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    if (auto cut = what.find("syntax error"); cut != std::string::npos) what = what.substr(cut);
    sink.error("json-syntax", {model::FileName(path), "", line, column}, what);
    return stats;
  } catch (const json::out_of_range& e) {
    // A number past a double's range ("1e999"): named by the parser but not located; its first occurrence is the one.
    const auto [number, at] = find_out_of_range_number(e.what(), text);
    auto [line, column] = at == std::string_view::npos ? std::pair{0, 0} : line_column(text, at);
    sink.error("json-syntax", {model::FileName(path), "", line, column},
               fmt::format("number '{}' is out of range", number));
    return stats;
  }
  // Diagnostics about the document's meaning are collected here, then given the line of their pointer.
  model::Diagnostics diags;
  Located located(text, path, sink);
  Reader reader(path, diags, options.max_resources);
  if (!doc.is_object()) {
    reader.error("", "the top-level value is not an object, expected `terraform show -json` output");
    located.add(diags);
    return stats;
  }
  if (const json* v = member(doc, "format_version"); v == nullptr || !v->is_string()) {
    diags.error("invalid-type", at(path, "/format_version"), "'format_version' is not a string");
    located.add(diags);
    return stats;
  } else {
    stats.format_version = *v;
    const std::string major = stats.format_version.substr(0, stats.format_version.find('.'));
    if (major != "0" && major != "1") {
      diags.warning(
          "unknown-format-version", at(path, "/format_version"),
          fmt::format("format_version '{}' is not 0.x or 1.x: what has the known shape is read", stats.format_version));
    }
  }
  const json* root = nullptr;
  std::string root_pointer;
  bool prior = false;  // reading a plan's prior state: every value is known, the configuration is the new one
  if (const json* planned = member(doc, "planned_values"); planned != nullptr && side == PlanSide::kPrior) {
    // The state the plan was made against (a state document inside the plan); a plan that only creates has
    // none, or one without values: nothing exists before.
    stats.kind = "plan's prior state";
    prior = true;
    root_pointer = "/prior_state/values/root_module";
    if (const json* state = member(doc, "prior_state"); state != nullptr && !state->is_null()) {
      if (!state->is_object()) {
        diags.error("invalid-type", at(path, "/prior_state"), "'prior_state' is not an object");
      } else if (const json* values = member(*state, "values"); values != nullptr && !values->is_null()) {
        root = member(*values, "root_module");
      }
    }
  } else if (planned != nullptr) {
    stats.kind = "plan";
    root = member(*planned, "root_module");
    root_pointer = "/planned_values/root_module";
  } else if (const json* values = member(doc, "values"); values != nullptr) {
    stats.kind = "state";
    if (!values->is_null()) root = member(*values, "root_module");
    root_pointer = "/values/root_module";
  } else {
    stats.kind = member(doc, "resource_changes") != nullptr ? "plan" : "state";
  }
  Instances instances;
  if (!prior) {
    reader.read_changes(doc);
    reader.read_configuration(doc, instances);
  }
  if (root != nullptr) reader.read_modules(*root, root_pointer, instances);
  instances.index();

  // Translation: resources first, then associations (they edit what the others wrote).
  Context ctx(path, diags, instances);
  std::vector<Synthesized> out;
  std::vector<const Instance*> unmodelled;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Instance& i : instances.all()) {
      if (!i.managed) continue;
      const Mapping* row = find_mapping(i.type);
      if (row == nullptr) {
        if (pass == 0 && i.type.rfind("azurerm_", 0) == 0) unmodelled.push_back(&i);
        continue;
      }
      if (row->association != (pass == 1)) continue;
      ++stats.resources;
      ++stats.by_type[i.type];
      if (row->translate != nullptr) row->translate(ctx, i, out);
    }
  }
  finish_storage(ctx, out);
  finish_application_gateways(ctx, out);
  std::vector<bool> dropped(out.size(), false);
  report_duplicate_ids(ctx, out, dropped);
  reconcile_inline_children(ctx, out, dropped, reader.deleted());
  record_addresses(out, dropped, model);
  for (const Instance& i : ctx.instances().all()) model.source_instances.emplace(path + "\n" + i.pointer, i.address);
  if (!unmodelled.empty()) {
    std::string list;
    for (std::size_t k = 0; k < unmodelled.size() && k < 10; ++k) list += (k ? ", " : "") + unmodelled[k]->address;
    if (unmodelled.size() > 10) list += fmt::format(" and {} more", unmodelled.size() - 10);
    diags.warning("unmodelled-types", at(path, root_pointer),
                  unmodelled.size() == 1
                      ? fmt::format("1 resource of an azurerm type exposim does not read yet is left out: {}", list)
                      : fmt::format("{} resources of azurerm types exposim does not read yet are left out: {}",
                                    unmodelled.size(), list));
  }

  // The import: the Azure reader's rules, defaults and rejections; locations mapped back to the plan.
  json list = json::array();
  std::vector<std::string> pointers;
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (dropped[k]) continue;
    list.push_back(std::move(out[k].doc));  // only the origins are needed from here on
    pointers.push_back(fmt::format("{}{}", kSynthPrefix, k));
  }
  model::Diagnostics local;
  azure::ImportOptions import_options = options;
  import_options.from_template = true;  // values only known after apply are read as unknown, conservatively
  {
    azure::Importer importer(model, local, import_options);
    if (!out.empty()) importer.add_text(list.dump(), path, &pointers);
    importer.finish();
  }
  const Remap remap(path, out);
  for (model::Diagnostic d : local.items()) {
    const Instance* instance = nullptr;
    // The message names the Terraform address first, unless it quotes it already (an unknown value's cause).
    if (remap.apply(d.where, &instance) && instance != nullptr &&
        d.message.find("'" + instance->address + ".") == std::string::npos) {
      d.message = instance->address + ": " + d.message;
    }
    replace_all(d.message, "only known at deployment", "only known after apply");
    replace_all(d.message, "ARM would reject at deployment", "Azure would reject at apply");
    replace_all(d.message, "ARM would reject", "Azure would reject");
    diags.add(std::move(d));
  }
  remap_model(model, remap);
  located.add(diags);
  return stats;
}

}  // namespace

PlanStats import_plan(std::string_view text, const std::string& path, const azure::ImportOptions& options,
                      model::Model& model, model::Diagnostics& diags, PlanSide side) {
  try {
    return import_plan_or_throw(text, path, options, model, diags, side);
  } catch (const std::bad_alloc&) {
    diags.error("import-failed", at(path, ""), "out of memory while importing");
  } catch (const std::exception& e) {
    diags.error("import-failed", at(path, ""), fmt::format("internal error while importing: {}", e.what()));
  }
  PlanStats failed;
  failed.kind = "document";
  return failed;
}

}  // namespace exposim::importers::terraform
