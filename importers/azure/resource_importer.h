// Azure resource JSON to the vendor-neutral model: ARM REST lists, az CLI output (also its flattened shape
// without `properties`) and Resource Graph rows. Files are streamed element by element, so that estates of
// hundreds of megabytes import with memory bounded by the model plus one read chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::importers::azure {

struct ImportOptions {
  std::uint64_t max_file_bytes = 4ull << 30;        // larger files: error "file-too-large"
  std::size_t max_depth = 128;                      // JSON nesting cap over the whole document
  std::size_t chunk_bytes = std::size_t{16} << 20;  // read size; tests use tiny values
  /// Resources one file may hold (the elements of a resource JSON file, the resource instances of a Terraform plan
  /// or state); past it, the error `limit-exceeded` and the rest of the file is not read. 10,000,000 is 44 times
  /// the 226,439 resources of the 100,000-NIC bench estate, whose import peaks at 760 MB: a file at the limit
  /// needs tens of GB.
  std::size_t max_resources = 10'000'000;
  /// The text comes from an expanded deployment template (issue 13): a value ARM would coerce is coerced, a value
  /// ARM would reject, a placeholder or an unknown value (importers/unknown_value.h) is a warning and is read as
  /// unknown, conservatively, instead of an error.
  bool from_template{false};
  /// Names of template parameters with no value and no default; their text in the resources is `<NAME>`.
  std::vector<std::string> valueless_parameters;
  /// The published service-tag table of the run (--service-tags), or null: a tag in it is resolved without a
  /// warning, a tag the table lacks is `service-tag-not-in-file` (docs/diagnostics.md).
  const model::ServiceTagTable* service_tags{nullptr};
  /// Called after each resource read from a file with the bytes of the file read so far, for a progress
  /// display; may be empty.
  std::function<void(std::uint64_t bytes)> on_bytes;
};

struct ImportStats {
  std::size_t resources = 0;                         // resources of modelled types imported
  std::map<std::string, std::size_t> by_type;        // lowercase type -> count
  std::map<std::string, std::size_t> skipped_types;  // lowercase type -> count, types not modelled
  std::string detected_shape;                        // "array", "value", "data", "object"; "" if unknown
};

/// An import session over several files. Child resources given as separate resources (subnets, security
/// rules, default security rules, peerings, routes, ip configurations) are attached to their parent by
/// finish(), wherever the parent appears: later in the same file, in another file of the session, or
/// already in the model.
///
/// What the importer does: one `Model` entry per resource of a modelled type, with `Ref::id` set to the
/// canonical id and `Ref::index` left at -1, and `where` = {file, JSON pointer} on every resource, rule,
/// route, peering and ip configuration. What it leaves to model::validate(): resolving references, NSG
/// default rules, dangling references, duplicate resource ids.
///
/// Bad input never throws: problems go to `diags` and the import goes on with the next element. JSON syntax
/// errors carry the line and byte column where the parser noticed them; a framing error (unbalanced brackets,
/// truncation, nesting beyond max_depth) ends the file, an error inside one resource skips that resource.
/// A security rule or route with an error is left out (half a rule could hide or invent an exposure); any
/// other field with an error is left at its default; a resource without `id` or `type` is skipped. A child
/// that is both inline in its parent and a separate resource (same canonical id) is kept once, the first seen.
///
/// Unsupported: references given as plain strings instead of `{ "id": ... }`; keys written with JSON
/// escapes are not matched (Azure never writes them).
class Importer {
 public:
  Importer(model::Model& model, model::Diagnostics& diags, ImportOptions options = {});
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  /// Appends the resources of one file to the model.
  ImportStats add_file(const std::string& path);
  /// Same from memory; `file_name` is used in diagnostics. With `element_pointers` (text generated from
  /// another input, an array), element i is located at element_pointers[i] instead of "/i".
  ImportStats add_text(std::string_view text, std::string_view file_name,
                       const std::vector<std::string>* element_pointers = nullptr);
  /// Attaches the separate child resources added so far to their parents; a child whose parent is not in
  /// the model is reported (`dangling-parent`). Call after the last file; a second call handles the
  /// children added since the first.
  void finish();

  /// True when resources of this type (lowercase, "microsoft.network/virtualnetworks") are read into the model
  /// for the analysis; false for the types read for the recommendations only (VM extensions), which cannot
  /// change what the internet reaches.
  static bool models(std::string_view lower_type);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Appends the resources of one file to `model`; never throws on bad input; problems go to `diags`.
/// Separate child resources must find their parent in this file or already in the model: use
/// import_files() (or an Importer) when parents and children are in different files.
ImportStats import_file(const std::string& path, model::Model& model, model::Diagnostics& diags,
                        const ImportOptions& options = {});

/// Same from memory (tests); `file_name` is used in diagnostics.
ImportStats import_text(std::string_view text, std::string_view file_name, model::Model& model,
                        model::Diagnostics& diags, const ImportOptions& options = {});

/// Imports several files, then attaches child resources across all of them. One ImportStats per path,
/// in order.
std::vector<ImportStats> import_files(const std::vector<std::string>& paths, model::Model& model,
                                      model::Diagnostics& diags, const ImportOptions& options = {});

}  // namespace exposim::importers::azure
