// A property a recommendation reads (encryption at host, purge protection, DDoS protection, ...): its value as the
// input gives it, whether it is only known at deployment, and where it is, so that a finding can point at it.
#pragma once

#include <optional>

#include "model/diagnostic.h"

namespace exposim::model {

/// One property of a resource as written in the input. `value` is nullopt when the property is absent (or only
/// known at deployment: `unknown`); importers fill in Azure's default only where the property's documentation
/// gives one (and say so where the field is declared). `where` is the property's location, or the resource's
/// object when the property is absent.
template <typename T>
struct Setting {
  std::optional<T> value;
  bool unknown{false};  // an unresolved template expression or a Terraform value known after apply
  SourceLocation where;
  bool present() const { return value.has_value() || unknown; }
  /// True only when the value is known and equal to `v`: an unknown value never counts as compliant.
  bool is(const T& v) const { return !unknown && value && *value == v; }
};

}  // namespace exposim::model
