// What the importer tests share: Azure resource JSON written by hand (resource group "rg" of subscription "s"), a
// list of resources as the JSON array that holds them, and diagnostics as printed (one string a line) or by code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "model/diagnostic.h"

namespace exposim::testing::resource_json {

/// The providers prefix of resource group "rg" in subscription "s".
inline const std::string kRg = "/subscriptions/s/resourceGroups/rg/providers";

/// A resource of `type` named `name` in kRg with `properties` (JSON text); `extra` is more members, each led by a
/// comma (`, "location": "westeurope"`).
inline std::string resource(const std::string& type, const std::string& name, const std::string& properties,
                            const std::string& extra = "") {
  return fmt::format(R"({{"id": "{}/{}/{}", "name": "{}", "type": "{}"{}, "properties": {}}})", kRg, type, name, name,
                     type, extra, properties);
}

/// The JSON array of `resources` (JSON texts), one a line.
inline std::string list(const std::vector<std::string>& resources) {
  std::string out = "[";
  for (std::size_t i = 0; i < resources.size(); ++i) out += (i ? ",\n" : "") + resources[i];
  return out + "]";
}

/// Every diagnostic of `d`, sorted, as printed.
inline std::vector<std::string> printed(const model::Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.sorted()) out.push_back(model::to_string(x));
  return out;
}

/// Whether `d` holds a diagnostic with code `code`.
inline bool has_code(const model::Diagnostics& d, std::string_view code) {
  for (const auto& x : d.items()) {
    if (x.code == code) return true;
  }
  return false;
}

/// `lines` as one text, each ended by a newline (a readable failure message for a list of lines).
inline std::string show(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace exposim::testing::resource_json
