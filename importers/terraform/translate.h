// The translation of azurerm resource instances into the Azure resource JSON that importers/azure reads, with a
// map from every synthesized field back to its attribute in the plan, so that diagnostics name the Terraform
// address and a pointer into the plan (docs/terraform.md, "Design").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "importers/terraform/address.h"
#include "model/diagnostic.h"

namespace exposim::importers::terraform {

/// The subscription of the ids composed for resources whose `id` is only known after apply: a plan does not say.
inline constexpr std::string_view kSubscription = "00000000-0000-0000-0000-000000000000";

/// The Azure resource synthesized from one instance (or, for associations, fields added to another's).
struct Synthesized {
  const Instance* instance{nullptr};
  json doc = json::object();
  /// Where each synthesized field comes from, in insertion order.
  struct Origin {
    std::string synth;              // pointer inside `doc`
    std::string plan;               // pointer into the plan
    const Instance* from{nullptr};  // the instance whose attribute it is, when not `instance` (an association)
  };
  std::vector<Origin> map;
  void set(const std::string& synth, json value, const std::string& plan_pointer, const Instance* from = nullptr);
};

/// One object of an instance's values with its after_unknown and configuration counterparts: the instance's
/// top level, or one element of a nested block (`security_rule[2]`).
struct Block {
  const Instance* instance{nullptr};
  const json* values{nullptr};
  const json* unknown{nullptr};      // null: nothing unknown
  const json* expressions{nullptr};  // null: no configuration known for it
  bool configured{false};            // the configuration of this block is known (absent attribute: not set)
  std::string values_pointer, unknown_pointer;
  std::string path;  // the nested block's path in the instance for messages ("security_rule[2]."), "" at the top
  std::string attr_pointer(std::string_view key) const { return values_pointer + "/" + std::string(key); }
};

/// What an attribute is after apply.
enum class State { kAbsent, kKnown, kUnknown };

class Context {
 public:
  Context(const std::string& file, model::Diagnostics& diags, const Instances& instances)
      : file_(file), diags_(diags), instances_(instances) {}

  const Instances& instances() const { return instances_; }
  model::Diagnostics& diags() { return diags_; }
  const std::string& file() const { return file_; }

  /// A diagnostic at `pointer` in the plan, its message prefixed by the Terraform address.
  void report(model::Severity severity, const Instance& i, const std::string& pointer, std::string_view code,
              const std::string& message);

  /// The top-level block of an instance.
  static Block top(const Instance& i);
  /// The elements of nested block `key` (a list of objects); an element that is not an object is reported.
  std::vector<Block> nested(const Block& b, std::string_view key);

  /// The state of attribute `key`: known (a non-null value), unknown (after_unknown says so and the
  /// configuration sets it, or is not known), or absent (null and not unknown; or unknown but not configured:
  /// the provider computes it, as when absent). A list with an element only known after apply (partly_unknown())
  /// is unknown as a whole: its known elements are read only where the reader can use them (ids(), known_items()).
  State state(const Block& b, std::string_view key) const;
  /// True when list attribute `key` is present but an element of it is only known after apply: after_unknown
  /// is an array with `true` at that element's position (the value holds null there), as for
  /// `[azurerm_lb_backend_address_pool.web.id]` in a create plan (`[null]`, after_unknown `[true]`).
  bool partly_unknown(const Block& b, std::string_view key) const;
  /// The known, non-empty string elements of list attribute `key`, skipping those only known after apply (and
  /// nulls); empty when the attribute is not a list.
  std::vector<std::string> known_items(const Block& b, std::string_view key) const;

  /// A string attribute; nullopt when absent, unknown or of another type (reported as `invalid-type`).
  std::optional<std::string> string(const Block& b, std::string_view key);
  std::optional<std::int64_t> integer(const Block& b, std::string_view key);
  std::optional<bool> boolean(const Block& b, std::string_view key);
  /// A list of strings; nullopt when absent, unknown (partly unknown too) or of another type (reported). Null
  /// elements are skipped.
  std::optional<std::vector<std::string>> strings(const Block& b, std::string_view key);

  /// The Azure ids attribute `key` refers to: its known value; else, when unknown, the ids of the instances
  /// its configuration expression references; else nothing (`*unknown` set when it stays unknown). A partly
  /// unknown list: its known ids and those of the instances its configuration references (once each);
  /// `*unknown` set when the references resolve fewer new ids than it has unknown elements.
  std::vector<std::string> ids(const Block& b, std::string_view key, bool* unknown);

  /// The resource group name of an instance: known, or through its configuration reference.
  std::optional<std::string> resource_group(const Instance& i);
  /// The Azure name of an instance (attribute `name`): known, or through its configuration reference; else its
  /// placeholder_name().
  std::string name_of(const Instance& i);
  /// True when the Azure name of an instance is known (or resolved through a reference).
  bool knows_name(const Instance& i);
  /// The Azure id of an instance: its known `id`, else composed from its mapping row, resource group and name.
  std::optional<std::string> id_of(const Instance& i);

  /// Writes string attribute `key` at `synth`: its value when known; an unknown value (importers/unknown_value.h)
  /// when unknown; nothing when absent or "" (a known "none").
  void copy_string(const Block& b, std::string_view key, Synthesized& s, const std::string& synth);
  void copy_integer(const Block& b, std::string_view key, Synthesized& s, const std::string& synth);
  void copy_boolean(const Block& b, std::string_view key, Synthesized& s, const std::string& synth);
  /// A string list attribute as a JSON array at `synth` (unknown: an unknown value).
  void copy_strings(const Block& b, std::string_view key, Synthesized& s, const std::string& synth);
  /// A reference attribute as `{ "id": ... }` at `synth` (ids()); unknown: an unknown value.
  void copy_ref(const Block& b, std::string_view key, Synthesized& s, const std::string& synth);
  /// A list-of-references attribute as `[{ "id": ... }]` at `synth`.
  void copy_refs(const Block& b, std::string_view key, Synthesized& s, const std::string& synth);

  /// The unknown value text for attribute `key`.
  static std::string unknown_text(const Block& b, std::string_view key);

 private:
  const std::string& file_;
  model::Diagnostics& diags_;
  const Instances& instances_;
  std::optional<std::string> via_reference(const Block& b, std::string_view key, std::string_view target_attr,
                                           int depth);
  std::optional<std::string> string_or_ref(const Instance& i, std::string_view key, int depth);
  std::optional<std::string> id_of(const Instance& i, int depth);
  const json* value(const Block& b, std::string_view key) const;
  void wrong_type(const Block& b, std::string_view key, std::string_view expected);
};

/// A family translator: appends to `out` the Azure resources of one instance, or adds its fields to those
/// already there (associations; `out` is in plan order, so targets precede only when Terraform lists them first:
/// associations are translated after every other instance).
using Translate = void (*)(Context& ctx, const Instance& i, std::vector<Synthesized>& out);

/// One row of the mapping table (mapping.cpp).
struct Mapping {
  std::string_view terraform_type;  // "azurerm_subnet"
  std::string_view azure_type;      // "Microsoft.Network/virtualNetworks/subnets"; "" when not an Azure resource
  std::string_view parent_type;     // the azurerm type of the parent of a child resource, or ""
  std::string_view parent_name;     // the attribute naming that parent ("virtual_network_name"), or ""
  Translate translate;              // null: read, nothing to model (resource groups)
  bool association;                 // translated after the others: it edits their resources
};

/// The row of an azurerm type, or null when it is not modelled.
const Mapping* find_mapping(std::string_view terraform_type);

/// The name a resource whose name is only known after apply is analysed under: its Terraform address.
std::string placeholder_name(const Instance& i);

/// The synthesized resource of the instance with `id` (case-insensitive), or null.
Synthesized* find_synthesized(std::vector<Synthesized>& out, std::string_view id);

}  // namespace exposim::importers::terraform
