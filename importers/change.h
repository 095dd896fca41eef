// Change documents of `exposim whatif` (docs/whatif.md): a list of operations on the estate, read and applied
// in order to an imported model (before validation). Rules and routes are written in their Azure form and read
// by the resource importer, so that they mean exactly what they would mean in an export.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/edit.h"
#include "model/model.h"

namespace exposim::importers {

/// Reads change document `path` and applies its operations to `m` in order. False on any error (reported
/// with the file and the JSON pointer of the operation or field); the model may then be partly changed and
/// must be discarded. `changed` receives the resources changed or created, sorted and unique.
bool apply_change_file(const std::string& path, model::Model& m, model::Diagnostics& diags,
                       std::vector<model::Changed>& changed);
/// Same from memory; `file_name` is used in diagnostics.
bool apply_change_text(std::string_view text, std::string_view file_name, model::Model& m, model::Diagnostics& diags,
                       std::vector<model::Changed>& changed);

}  // namespace exposim::importers
