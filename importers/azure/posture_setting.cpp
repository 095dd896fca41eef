// Reading a property into a model::Setting (posture_setting.h).
#include "importers/azure/posture_setting.h"

#include <fmt/format.h>

#include <utility>

namespace exposim::importers::azure {

model::SourceLocation field_location(const ReaderContext& ctx, std::string_view key) {
  model::SourceLocation at = ctx.here();
  append_token(at.pointer, key);
  return at;
}

model::Setting<bool> read_bool_setting(ReaderContext& ctx, JsonObject o, std::string_view key,
                                       const model::SourceLocation& absent_where, std::optional<bool> absent_value) {
  model::Setting<bool> s;
  auto got = ctx.get_bool(o, key);
  if (!got.present) {
    s.value = absent_value;
    s.where = absent_where;
    return s;
  }
  s.where = field_location(ctx, got.key);
  if (got) s.value = *got;
  s.unknown = got.unknown;
  return s;
}

model::Setting<std::string> read_enum_setting(ReaderContext& ctx, JsonObject o, std::string_view key,
                                              std::span<const std::string_view> allowed, std::string_view what,
                                              const model::SourceLocation& absent_where,
                                              std::optional<std::string> absent_value) {
  model::Setting<std::string> s;
  auto got = ctx.get_string(o, key);
  if (!got.present) {
    s.value = std::move(absent_value);
    s.where = absent_where;
    return s;
  }
  s.where = field_location(ctx, got.key);
  if (got.unknown) {
    s.unknown = true;
    return s;
  }
  if (!got) return s;  // reported
  const std::string_view text = trim(*got);
  for (std::string_view a : allowed) {
    if (ascii::equals_lower(text, ascii::lower(a))) {
      s.value = std::string(a);
      return s;
    }
  }
  std::string expected;
  for (std::size_t k = 0; k < allowed.size(); ++k) {
    expected += k == 0 ? "" : (k + 1 == allowed.size() ? " or " : ", ");
    expected += allowed[k];
  }
  if (ctx.invalid_value_at(got.key, *got, fmt::format("{} '{}' is not {}", what, *got, expected))) s.unknown = true;
  return s;
}

}  // namespace exposim::importers::azure
