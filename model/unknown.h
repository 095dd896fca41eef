// Values only known at deployment, as the model carries them (docs/model.md, "Unknown values"): a reference
// whose target is unknown, the priority of an Allow rule whose priority is unknown, and resources the importer
// assumed because a child of theirs is in the input and they are not.
#pragma once

#include <string_view>

#include "model/resource_base.h"

namespace exposim::model {

/// How a value only known at deployment starts: the template expander writes such a value as this prefix and
/// the reason (importers/unknown_value.h). The importer keeps it in the id of a reference whose target is only
/// known at deployment (`reference(...).id` in a template), so that the id never matches a resource.
/// Validation reads such a target as missing, without a second diagnostic.
inline constexpr std::string_view kUnknownPrefix = "\x01unknown:";

/// The target of `ref` is only known at deployment (see kUnknownPrefix).
inline bool is_unknown(const Ref& ref) {
  return std::string_view(ref.id).substr(0, kUnknownPrefix.size()) == kUnknownPrefix;
}

/// The priority of an Allow rule whose priority is only known at deployment: below every valid priority
/// (100..4096), so that it is evaluated first, which never hides an exposure. Several rules may share it;
/// validation does not report that.
inline constexpr int kUnknownAllowPriority = 99;

/// The `location` of a resource that is not in the input but that the importer or validation assumed, with what
/// the input says of it and nothing else: the virtual network of a subnet resource whose parent is missing, a
/// subnet missing from a partial input that an NSG or route table in the input lists.
inline constexpr std::string_view kAssumedLocation = "(not in the input)";

inline bool is_assumed(const ResourceBase& r) { return r.location == kAssumedLocation; }

}  // namespace exposim::model
