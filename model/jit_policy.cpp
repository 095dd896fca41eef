// Validation of just-in-time access policies: each entry's virtual machine resolved against the model's.
#include "model/jit_policy.h"

#include "model/resolver.h"

namespace exposim::model {

void resolve_jit_policies(Resolver& rs) {
  for (auto& policy : rs.model.jit_policies) {
    for (auto& entry : policy.virtual_machines) {
      // A policy covers VMs of the whole subscription: one absent from the input stays unresolved (a note).
      rs.resolve(entry.vm, ResourceKind::kVirtualMachine, entry.where, true, "/id", false);
    }
  }
}

}  // namespace exposim::model
