// What every resource of the model has: references between resources (`Ref`: a canonical id, lowercase, set by the
// importer, and an index into the Model's vector of that kind, resolved by model::validate()), tags, and the common
// fields (ResourceBase).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/canonical_id.h"
#include "model/diagnostic.h"

namespace exposim::model {

/// A reference by canonical id; `index` is -1 until resolved (or when the target is absent).
struct Ref {
  CanonicalId id;  // canonical: lowercase, no trailing '/'; importers share it with the target's `key`
  int index{-1};
  /// For a reference to a child of a resource (a load balancer's frontend, backend pool or inbound NAT
  /// rule): `index` is the parent's and `child` the child's position within it; -1 otherwise.
  int child{-1};
  bool set() const { return !id.empty(); }
  bool resolved() const { return index >= 0; }
};

/// A resource's tags: (key, value) pairs sorted by key; keys keep their casing (Azure tag names are
/// case-insensitive, selectors compare them so). One list is shared by every resource with the same tags (the
/// importer interns them): a large estate repeats a few tag sets on hundreds of thousands of resources, and a
/// list per resource cost about 40 MB at 100k NICs.
class Tags {
 public:
  using List = std::vector<std::pair<std::string, std::string>>;
  Tags() = default;
  Tags(List list) : list_(list.empty() ? nullptr : std::make_shared<const List>(std::move(list))) {}
  Tags(std::initializer_list<std::pair<std::string, std::string>> list) : Tags(List(list)) {}
  explicit Tags(std::shared_ptr<const List> shared) : list_(std::move(shared)) {}

  const List& list() const {
    static const List kEmpty;
    return list_ ? *list_ : kEmpty;
  }
  List::const_iterator begin() const { return list().begin(); }
  List::const_iterator end() const { return list().end(); }
  bool empty() const { return list().empty(); }
  std::size_t size() const { return list().size(); }
  friend bool operator==(const Tags& a, const Tags& b) { return a.list() == b.list(); }
  friend bool operator==(const Tags& a, const List& b) { return a.list() == b; }

 private:
  std::shared_ptr<const List> list_;
};

/// What every resource has. `id` keeps the input's casing for output; `key` is the canonical id (shared with the
/// references to the resource when the importer interned both).
struct ResourceBase {
  std::string id;
  CanonicalId key;
  std::string name;
  std::string location;
  Tags tags;              // string values only
  SourceLocation where;   // the resource's object in its input file
  bool flattened{false};  // its fields sit on the object itself, not under "properties" (az CLI output)
};

}  // namespace exposim::model
