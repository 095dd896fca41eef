// Azure Bastion (docs/model.md#azure-bastion): the ports a session reaches, the ip configuration clients enter
// through, and the VNets and ip configurations its sessions reach. Its entries in the analysis are in
// solver/bastion.cpp; explain follows it in solver/explain/bastion.cpp.
#pragma once

#include <set>
#include <vector>

#include "model/model.h"

namespace exposim::solver {

/// The notes of a session's Bastion stage (solver/path.h): what access a session takes, by SKU and shareable link.
inline constexpr const char* kBastionSessionNote =
    "authenticated, mediated access: a session needs Azure sign-in and RBAC rights on the Bastion and the VM";
inline constexpr const char* kBastionShareableLinkNote =
    "mediated access: a session needs Azure sign-in and RBAC rights on the Bastion and the VM, or a shareable link "
    "(enableShareableLink: whoever holds a link needs no Azure account)";
inline constexpr const char* kBastionDeveloperNote =
    "authenticated, mediated access through the Azure portal (Developer SKU: shared Bastion, sessions come from "
    "168.63.129.16)";

/// The ports a Bastion session reaches on a target: 22 and 3389 (Developer, Basic), every TCP port (Standard
/// and Premium: custom inbound ports, native client, IP-based connection).
model::PortSet bastion_ports(const model::BastionHost& b);

/// The ip configuration of a Bastion host its clients enter through: the first with a public IP, else the
/// first; nullptr when it has none.
const model::BastionIpConfiguration* bastion_entry(const model::BastionHost& b);
/// The VNets whose ip configurations a Bastion host's sessions reach: its own (a Developer SKU's
/// `virtualNetwork`) and, except for Developer, every VNet peered with it both ways (routing.h,
/// peering_gap). Empty when its VNet is not in the input.
std::set<int> bastion_vnets(const model::Model& m, const model::BastionHost& b);
/// The ip configurations a Bastion host's sessions reach: every IPv4 ip configuration in `vnets`.
std::vector<model::IpConfigIndex> ip_configurations_in(const model::Model& m, const std::set<int>& vnets);

}  // namespace exposim::solver
