// One stage of a path (solver/path.h builds the lists) and a resource as a stage names it: the vocabulary that the
// east-west engine, what-if's scope index and explain share with the path engine.
#pragma once

#include "model/model.h"
#include "solver/hop.h"
#include "solver/nsg_stage.h"

namespace exposim::solver {

/// One stage of a path: a hop kind of the one vocabulary (solver/hop.h) and what it is about. Stages of kind kNsg
/// or kNoNsg carry their NSG slot; a kRoute stage names the subnet whose routes decide it (resource_kind kSubnet).
/// The deciding rule of an NSG stage and the route a route stage takes are what evaluating the stage yields (for a
/// packet set or one packet), not part of it.
struct Stage {
  HopKind kind{HopKind::kSource};
  model::ResourceKind resource_kind{model::ResourceKind::kInternet};
  int resource{-1};
  const char* scope{""};  // kNsg, kNoNsg: "subnet" or "nic"; kLoadBalancer: which list `rule` indexes; kRoute:
                          // "forward" (a firewall to its DNAT target) or "return" (the reply's route)
  int rule{-1};           // kLoadBalancer: the entry's rule; kFirewall: the DNAT rule
  int port{-1};           // kLoadBalancer: the frontend port (-1: every port)
  NsgSlot slot;           // kNsg, kNoNsg
  model::ResourceKind owner_kind{model::ResourceKind::kSubnet};  // kNsg, kNoNsg: what carries the slot ...
  int owner{-1};                                                 // ... (the subnet or NIC; -1: not in the input)
  const char* note{""};  // an assumption taken at this stage, if any (static string)
};

/// A resource of the model, by kind and index (an index into the Model vector of that kind).
struct ResourceRef {
  model::ResourceKind kind{model::ResourceKind::kInternet};
  int index{-1};
  friend bool operator==(const ResourceRef&, const ResourceRef&) = default;
};

}  // namespace exposim::solver
