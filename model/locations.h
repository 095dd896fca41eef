// Every source location a model holds, kind by kind: one visitor per resource type (the resource's object and each
// nested one: children, settings, a machine's posture), and one walk over the Model derived from the kind table
// (model/resource_kinds.h). A new kind is declared here by its row; its visitor goes in model/locations.cpp.
#pragma once

#include <functional>

#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::model {

/// Called once for each location, which it may rewrite (the Terraform importer maps the locations of the text it
/// generates back to the plan).
using LocationVisitor = std::function<void(SourceLocation&)>;

/// Every SourceLocation of one resource: `where` first, then its own settings and its children's locations, in
/// declaration order. One overload per row of the kind table (a row without one does not link).
#define EXPOSIM_DECLARE_FOR_EACH_LOCATION(Enum, name, member, Type, noun) \
  void for_each_location(Type& r, const LocationVisitor& f);
EXPOSIM_RESOURCE_KINDS(EXPOSIM_DECLARE_FOR_EACH_LOCATION)
#undef EXPOSIM_DECLARE_FOR_EACH_LOCATION

/// Every SourceLocation of every resource of `m`: kind by kind in the table's order, resources in index order.
void for_each_location(Model& m, const LocationVisitor& f);

}  // namespace exposim::model
