// Terraform resource instances as the plan lists them, their addresses, and the resolution of references between
// them (from known values, from the configuration's `references`, or by name and resource group).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace exposim::importers::terraform {

using nlohmann::json;

/// One resource instance of the planned values (or the state): `module.web.azurerm_subnet.app["a"]`.
struct Instance {
  std::string address;  // full address, module path and instance key included
  std::string module;   // module instance path ("module.web[0]"), "" at the root
  std::string type, name;
  bool managed{true};                // false for data sources
  const json* values{nullptr};       // planned (or state) values: an object
  const json* unknown{nullptr};      // after_unknown of its resource change, or null
  const json* expressions{nullptr};  // configuration expressions of its resource block, or null
  bool configured{false};            // the plan has a configuration block for it (unset attributes are defaults)
  std::string pointer;               // the instance's object in the plan
  std::string unknown_pointer;       // its after_unknown object, "" when none
  std::string expressions_pointer;   // its configuration expressions, "" when none
};

/// "module.a[0].module.b" -> "module.a.module.b": the module path of the configuration (instance keys dropped).
std::string config_module(std::string_view module_instance);

/// The resource part of a reference ("azurerm_subnet.app.id" -> "azurerm_subnet.app";
/// "data.azurerm_subnet.x.id" -> "data.azurerm_subnet.x"); "" for references to variables, locals, modules.
std::string referenced_resource(std::string_view reference);

/// Where a configuration expression is evaluated: a module instance ("module.vm[\"a\"]", "" at the root) and the
/// instance key of the resource (or module call) that evaluates it ("[0]", "" when none).
struct Scope {
  std::string module;
  std::string key;
};

/// An instance a reference leads to, and the attribute it reads ("id", "name").
struct Target {
  const Instance* instance{nullptr};
  std::string attribute;  // "" when the reference names the resource only (Terraform 0.12 and 0.13)
};

/// The scope of an instance's own expressions.
Scope scope_of(const Instance& i);

/// The index of instances: by address, by module and "type.name", by type and Azure name.
class Instances {
 public:
  void add(Instance i);
  const std::vector<Instance>& all() const { return items_; }
  std::vector<Instance>& all() { return items_; }
  /// Builds the lookups; call after the last add().
  void index();

  /// The instances `reference` (a configuration reference, "azurerm_subnet.app.id") names in `scope`'s module.
  /// When it names several (count, for_each), the one with the scope's instance key if there is one, else all.
  std::vector<const Instance*> referenced(const Scope& scope, std::string_view reference) const;

  /// Where the `references` of a configuration expression lead: resources of the scope's module; through
  /// `var.NAME` the module call's argument NAME, evaluated in the parent module; and through `module.M.OUT` (or
  /// `module.M[KEY].OUT`) the output OUT of the child module M, evaluated in that module (at most `depth` steps).
  std::vector<Target> targets(const Scope& scope, const json& expression, int depth) const;

  /// Records the argument expressions of the module call whose configuration path is `path` ("module.vm").
  void add_module_call(std::string path, const json* expressions) { calls_[std::move(path)] = expressions; }
  /// Records the `outputs` of the module whose configuration path is `path` ("module.network").
  void add_module_outputs(std::string path, const json* outputs) { outputs_[std::move(path)] = outputs; }

  /// The managed instance of `type` with Azure name `name` in resource group `resource_group` (case-insensitive),
  /// or null (none, or several).
  const Instance* by_name(std::string_view type, std::string_view name, std::string_view resource_group) const;

  /// The instance key of an address ("[0]", "[\"a\"]"), "" when none.
  static std::string key_of(std::string_view address);

 private:
  std::vector<Instance> items_;
  std::map<std::string, std::vector<std::size_t>> by_block_;  // module + " " + type.name -> instances
  std::map<std::string, const json*> calls_;                  // module call path -> its argument expressions
  std::map<std::string, const json*> outputs_;                // module path -> its `outputs` configuration
};

}  // namespace exposim::importers::terraform
