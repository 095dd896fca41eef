// The NSG slots and the NSG chains of inbound and outbound paths.
#include "solver/nsg_stage.h"

namespace exposim::solver {

NsgSlot nsg_slot(const model::Ref& ref) {
  if (!ref.set()) return {};
  if (ref.resolved()) return {NsgSlot::State::kPresent, ref.index};
  return {NsgSlot::State::kMissing, -1};
}

NsgSlot subnet_nsg_slot(const model::Model& m, const model::Ref& subnet) {
  if (subnet.set() && !subnet.resolved()) return {NsgSlot::State::kMissing, -1};
  if (subnet.resolved()) return nsg_slot(m.subnets[subnet.index].nsg);
  return {};
}

std::array<NsgStage, 2> inbound_nsg_stages(const model::Model& m, const model::IpConfigIndex& x) {
  const auto& nic = m.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  return {NsgStage{subnet_nsg_slot(m, cfg.subnet), "subnet", model::ResourceKind::kSubnet, cfg.subnet.index},
          NsgStage{nsg_slot(nic.nsg), "nic", model::ResourceKind::kNetworkInterface, x.nic}};
}

std::array<NsgStage, 2> inbound_nsg_stages(const model::Model& m, int subnet) {
  return {NsgStage{nsg_slot(m.subnets[subnet].nsg), "subnet", model::ResourceKind::kSubnet, subnet},
          NsgStage{NsgSlot{}, "nic", model::ResourceKind::kNetworkInterface, -1}};
}

std::array<NsgStage, 2> outbound_nsg_stages(const model::Model& m, const model::IpConfigIndex& x, int subnet) {
  const bool from_nic = x.nic >= 0;
  const NsgSlot nic = from_nic ? nsg_slot(m.nics[x.nic].nsg) : NsgSlot{};
  const NsgSlot own = from_nic      ? subnet_nsg_slot(m, m.nics[x.nic].ip_configurations[x.ip_configuration].subnet)
                      : subnet >= 0 ? nsg_slot(m.subnets[subnet].nsg)
                                    : NsgSlot{};
  return {NsgStage{nic, "nic-outbound", model::ResourceKind::kNetworkInterface, x.nic},
          NsgStage{own, "subnet-outbound", model::ResourceKind::kSubnet, subnet}};
}

}  // namespace exposim::solver
