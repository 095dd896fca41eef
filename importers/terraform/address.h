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

/// The index of instances: by address, by module and "type.name", by type and Azure name.
class Instances {
 public:
  void add(Instance i);
  const std::vector<Instance>& all() const { return items_; }
  std::vector<Instance>& all() { return items_; }
  /// Builds the lookups; call after the last add().
  void index();

  /// The instances `reference` (a configuration reference, "azurerm_subnet.app.id") names from `from`'s module.
  /// When it names several (count, for_each), the one with `from`'s instance key if there is one, else all.
  std::vector<const Instance*> referenced(const Instance& from, std::string_view reference) const;

  /// The managed instance of `type` with Azure name `name` in resource group `resource_group` (case-insensitive),
  /// or null (none, or several).
  const Instance* by_name(std::string_view type, std::string_view name, std::string_view resource_group) const;

  /// The instance key of an address ("[0]", "[\"a\"]"), "" when none.
  static std::string key_of(std::string_view address);

 private:
  std::vector<Instance> items_;
  std::map<std::string, std::vector<std::size_t>> by_block_;  // module + " " + type.name -> instances
};

}  // namespace exposim::importers::terraform
