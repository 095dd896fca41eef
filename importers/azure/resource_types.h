// The Azure resource types the importer reads, in one table: for each type, the family reader that reads it and,
// for a child resource given on its own, its parent's type and the id segment naming the parent. Adding a type
// adds a row here and a reader in its family's file (family_readers.h).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "importers/azure/reader_context.h"

namespace exposim::importers::azure {

/// Reads one resource into the model; false when it was left out (reported): it is then not counted as imported.
using ReadResource = bool (*)(ReaderContext& ctx, Resource& resource);

/// A step of Importer::finish(): attaches the separate children of one kind, or applies what a resource read in
/// any file says about others (WAF policies).
using FinishStep = void (*)(ReaderContext& ctx);

/// How a resource is read.
enum class Shape {
  /// A top-level resource: the reader gets its `properties` (or the object itself when flattened).
  kTopLevel,
  /// A child given as a separate resource, read from its own object at the resource's pointer like the inline
  /// children of its parent, and kept until finish(). An id without the parent segment is an error, and the
  /// resource is left out.
  kSeparateChild,
  /// A child read like a top-level resource (a Virtual WAN hub's connections, routing intents and route tables):
  /// an id without the parent segment is an error, and the resource is counted but not read.
  kChild,
  /// A child read for the recommendations only (a VM extension): it cannot change what the internet reaches, so
  /// it stays among the types the `inert-types` note lists, templates treat it as not modelled
  /// (Importer::models()), and nothing about it is reported: the reader gets the object without `properties`
  /// entered, `base` holding its id, name and location only, and keeps what it can read until finish().
  kPostureChild,
};

struct ResourceType {
  std::string_view type;  // lowercase: "microsoft.network/virtualnetworks/subnets"
  /// The model kind (model/resource_kinds.h) a resource of this type becomes; none for a type read into a resource
  /// of another kind (a child folded into its parent: a security rule, a route; a WAF policy applied to gateways).
  /// Checked when this file compiles: every kind is the kind of some row (resource_types.cpp).
  std::optional<model::ResourceKind> kind;
  ReadResource read;
  Shape shape{Shape::kTopLevel};
  std::string_view parent;   // child resources: the parent's type
  std::string_view segment;  // child resources: the id segment before the child's name ("/subnets/")
  std::string_view what;     // child resources: what the child is called in messages ("subnet")
};

/// Every row of the type table.
std::span<const ResourceType> resource_types();

/// The row of a lowercase Azure type; nullptr for types not modelled.
const ResourceType* find_resource_type(std::string_view lower_type);

/// The steps of finish(), in the order they run.
std::span<const FinishStep> finish_steps();

}  // namespace exposim::importers::azure
