// Reading a property a recommendation looks at into a model::Setting: its value as written, whether it is only
// known at deployment, and where it is (the field, or the owner's object when the field is absent).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "importers/azure/reader_context.h"
#include "model/setting.h"

namespace exposim::importers::azure {

/// The location of field `key` of the object at the current pointer.
model::SourceLocation field_location(const ReaderContext& ctx, std::string_view key);

/// Boolean field `key` of `o` (the current pointer at `o`). Absent: `absent_value` at `absent_where`. A value only
/// known at deployment is unknown (reported); a badly typed one is reported and left without a value.
model::Setting<bool> read_bool_setting(ReaderContext& ctx, JsonObject o, std::string_view key,
                                       const model::SourceLocation& absent_where,
                                       std::optional<bool> absent_value = std::nullopt);

/// String field `key` of `o` whose values are `allowed` (matched ignoring case, kept in the spelling given there):
/// `what` names it in messages ("DDoS protection mode"). Absent: `absent_value` at `absent_where`. Another value
/// is an `invalid-value` error (from a template: a warning, and the value is unknown).
model::Setting<std::string> read_enum_setting(ReaderContext& ctx, JsonObject o, std::string_view key,
                                              std::span<const std::string_view> allowed, std::string_view what,
                                              const model::SourceLocation& absent_where,
                                              std::optional<std::string> absent_value = std::nullopt);

}  // namespace exposim::importers::azure
