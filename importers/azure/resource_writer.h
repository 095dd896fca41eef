// The model back to Azure resource JSON: the shapes the importer reads (ARM REST, `properties` nested), with
// the fields exposim models. Used by `whatif --write`. What the model does not keep (tags, SKUs of unrelated
// features, etags) is not written. importers/azure/resource_json.h has the same as JSON values, for the importers.
#pragma once

#include <string>
#include <vector>

#include "model/edit.h"
#include "model/model.h"

namespace exposim::importers::azure {

/// The resources `changed` names, in that order, as a JSON array of Azure resources (indented by 2, with a final
/// newline): what `whatif --write` writes. A resource no longer in the model is left out.
std::string changed_resources_json(const model::Model& m, const std::vector<model::Changed>& changed);

}  // namespace exposim::importers::azure
