// Internal to model/: the steps of the validation pass (model/validate.cpp) that live in other files of model/.
#pragma once

#include "model/model.h"

namespace exposim::model {

/// model/topology.cpp: the graph's vertices and Model::by_key, before references are resolved (resolution looks
/// resources up by id); any previous graph is dropped.
void build_vertices(Model& m);
/// model/topology.cpp: the graph's edges, from the resolved references.
void build_edges(Model& m);

}  // namespace exposim::model
