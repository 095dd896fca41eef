// Terraform addresses and references.
#include "importers/terraform/address.h"

#include "model/ascii.h"

namespace exposim::importers::terraform {

std::string config_module(std::string_view module_instance) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (char c : module_instance) {
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    } else if (depth > 0) {
      if (c == '"') quoted = true;
    } else {
      out += c;
    }
  }
  return out;
}

std::string referenced_resource(std::string_view reference) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= reference.size()) {
    const auto dot = reference.find('.', start);
    parts.push_back(reference.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  auto strip = [](std::string_view p) { return std::string(p.substr(0, p.find('['))); };
  if (parts.size() >= 3 && parts[0] == "data") return "data." + strip(parts[1]) + "." + strip(parts[2]);
  if (parts.size() < 2) return {};
  static constexpr std::string_view kNotResources[] = {"var",  "local",     "module", "each", "count",
                                                       "path", "terraform", "self",   "data"};
  for (auto n : kNotResources) {
    if (parts[0] == n) return {};
  }
  return strip(parts[0]) + "." + strip(parts[1]);
}

std::string Instances::key_of(std::string_view address) {
  if (address.empty() || address.back() != ']') return {};
  // The key is the last bracket group; a quoted key may hold ']' and '.'.
  std::size_t depth = 0;
  for (std::size_t i = address.size(); i-- > 0;) {
    if (address[i] == ']') ++depth;
    if (address[i] == '[' && --depth == 0) return std::string(address.substr(i));
  }
  return {};
}

void Instances::add(Instance i) { items_.push_back(std::move(i)); }

void Instances::index() {
  by_block_.clear();
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const auto& it = items_[i];
    const std::string block = (it.managed ? "" : "data.") + it.type + "." + it.name;
    by_block_[it.module + " " + block].push_back(i);
  }
}

Scope scope_of(const Instance& i) { return {i.module, Instances::key_of(i.address)}; }

namespace {

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

/// "module.a[0].module.b" -> "module.a[0]"; "module.a" -> "".
std::string parent_module(std::string_view module) {
  const auto cut = module.rfind(".module.");
  return cut == std::string_view::npos ? std::string() : std::string(module.substr(0, cut));
}

}  // namespace

std::vector<Target> Instances::targets(const Scope& scope, const json& expression, int depth) const {
  std::vector<Target> out;
  if (!expression.is_object()) return out;
  auto refs = expression.find("references");
  if (refs == expression.end() || !refs->is_array()) return out;
  for (const auto& r : *refs) {
    if (!r.is_string()) continue;
    const std::string& ref = r.get_ref<const std::string&>();
    const auto parts = split_dots(ref);
    if (parts.size() >= 2 && parts[0] == "var") {
      // A module variable: the module call's argument, evaluated where the module is called.
      if (scope.module.empty() || depth <= 0) continue;
      auto call = calls_.find(config_module(scope.module));
      if (call == calls_.end() || call->second == nullptr || !call->second->is_object()) continue;
      auto arg = call->second->find(std::string(parts[1].substr(0, parts[1].find('['))));
      if (arg == call->second->end()) continue;
      for (auto& t : targets(Scope{parent_module(scope.module), key_of(scope.module)}, *arg, depth - 1)) {
        out.push_back(std::move(t));
      }
      continue;
    }
    if (parts.size() >= 3 && parts[0] == "module") {
      // A child module's output: its expression, evaluated in the child module. Without an instance key on a
      // module with count or for_each, no instance is named and the value stays unknown.
      if (depth <= 0) continue;
      const std::string child = (scope.module.empty() ? "" : scope.module + ".") + "module." + std::string(parts[1]);
      auto outputs = outputs_.find(config_module(child));
      if (outputs == outputs_.end() || outputs->second == nullptr || !outputs->second->is_object()) continue;
      auto output = outputs->second->find(std::string(parts[2].substr(0, parts[2].find('['))));
      if (output == outputs->second->end() || !output->is_object()) continue;
      auto expression = output->find("expression");
      if (expression == output->end()) continue;
      for (auto& t : targets(Scope{child, ""}, *expression, depth - 1)) out.push_back(std::move(t));
      continue;
    }
    const std::string block = referenced_resource(ref);
    if (block.empty()) continue;
    const std::size_t at = block.rfind("data.", 0) == 0 ? 3 : 2;
    // Terraform 1.x lists "azurerm_subnet.app.id" and then "azurerm_subnet.app"; 0.12 and 0.13 list only the
    // latter: an empty attribute, which the caller infers from the attribute being resolved.
    const std::string attribute(parts.size() > at ? parts[at].substr(0, parts[at].find('[')) : std::string_view{});
    for (const Instance* i : referenced(scope, ref)) out.push_back({i, attribute});
  }
  return out;
}

std::vector<const Instance*> Instances::referenced(const Scope& scope, std::string_view reference) const {
  const std::string block = referenced_resource(reference);
  std::vector<const Instance*> out;
  if (block.empty()) return out;
  auto it = by_block_.find(scope.module + " " + block);
  if (it == by_block_.end()) return out;
  const std::string& key = scope.key;
  if (!key.empty() && it->second.size() > 1) {
    for (auto i : it->second) {
      if (key_of(items_[i].address) == key) return {&items_[i]};
    }
  }
  for (auto i : it->second) out.push_back(&items_[i]);
  return out;
}

const Instance* Instances::by_name(std::string_view type, std::string_view name,
                                   std::string_view resource_group) const {
  const Instance* found = nullptr;
  for (const auto& i : items_) {
    if (!i.managed || i.type != type || i.values == nullptr || !i.values->is_object()) continue;
    auto n = i.values->find("name");
    auto g = i.values->find("resource_group_name");
    if (n == i.values->end() || !n->is_string() || g == i.values->end() || !g->is_string()) continue;
    if (!model::ascii::iequals(n->get<std::string>(), name) ||
        !model::ascii::iequals(g->get<std::string>(), resource_group)) {
      continue;
    }
    if (found != nullptr) return nullptr;
    found = &i;
  }
  return found;
}

}  // namespace exposim::importers::terraform
