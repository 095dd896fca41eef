// Locations in a plan: the line and column of the value a JSON pointer names, and the map from the Azure resource
// JSON generated from a plan back to the plan's attributes.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "importers/terraform/translate.h"
#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::importers::terraform {

/// The element pointers given to the Azure importer for the generated text: kSynthPrefix + index.
inline constexpr std::string_view kSynthPrefix = "/terraform-synthesized/";

/// A key as a JSON pointer token ("~" -> "~0", "/" -> "~1").
std::string escape_token(std::string_view key);

/// Byte offsets of the values at `pointers` in the JSON `text` (well-formed: it parsed), by one scan.
std::map<std::string, std::size_t> locate(std::string_view text, const std::set<std::string>& pointers);

/// Gives each diagnostic with a pointer the line and column of that value in the plan, then hands it on.
class Located {
 public:
  Located(std::string_view text, const std::string& file, model::Diagnostics& sink)
      : text_(text), file_(file), sink_(sink) {}

  /// Adds `diags` to the sink; an attribute only known after apply is absent from the values, and its nearest
  /// enclosing value gives the line.
  void add(const model::Diagnostics& diags);

 private:
  std::string_view text_;
  const std::string& file_;
  model::Diagnostics& sink_;
};

/// Maps the locations of the generated text back to the plan.
class Remap {
 public:
  Remap(const std::string& file, const std::vector<Synthesized>& out) : file_(file), out_(out) {}

  /// The instance of a location in the generated text, and the location in the plan; false for others.
  bool apply(model::SourceLocation& where, const Instance** instance = nullptr) const;

 private:
  const std::string& file_;
  const std::vector<Synthesized>& out_;
};

/// Every location the import wrote for the resources of this file, mapped back to the plan: each location of every
/// kind that model::for_each_location (model/locations.h) visits.
void remap_model(model::Model& m, const Remap& remap);

}  // namespace exposim::importers::terraform
