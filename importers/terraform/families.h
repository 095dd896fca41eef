// The family translators of the mapping table (mapping.cpp), one file per family: network.cpp, nsg.cpp,
// compute.cpp, machine_posture.cpp, load_balancer.cpp, scale_set.cpp, paas.cpp, paas_private_endpoint.cpp,
// firewall.cpp, bastion.cpp, application_gateway.cpp, virtual_wan.cpp, defender_plan.cpp, network_manager.cpp.
#pragma once

#include <string>
#include <vector>

#include "importers/terraform/translate.h"

namespace exposim::importers::terraform {

// network.cpp
void translate_vnet(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_subnet(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_subnet_nsg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_subnet_route_table_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_peering(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_route_table(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_route(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// nsg.cpp
void translate_nsg(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_security_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_asg(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nic_asg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// compute.cpp
void translate_nic(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nic_nsg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_public_ip(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_vm(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// machine_posture.cpp
/// What a VM or scale set instance says about its own security, at `profile` (`/properties`, or a scale set's
/// `/properties/virtualMachineProfile`), its `identity` at the top; a scale set's `extension` blocks.
void translate_machine_posture(Context& ctx, const Instance& i, Synthesized& s, const std::string& profile);
/// azurerm_virtual_machine_extension, azurerm_virtual_machine_scale_set_extension.
void translate_vm_extension(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// load_balancer.cpp
void translate_lb(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_lb_backend_pool(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_lb_nat_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_lb_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nic_backend_pool_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nic_nat_rule_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_lb_nat_pool(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_lb_backend_pool_address(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// scale_set.cpp
void translate_scale_set(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// paas.cpp
void translate_storage_account(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_storage_network_rules(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_storage_container(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_key_vault(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_sql_server(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_sql_firewall_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_sql_vnet_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_sql_managed_instance(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_cosmos_account(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_web_app(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
/// After every translation: a note for each storage account, and each Key Vault with public network access,
/// whose network rules are Azure's default (assumed).
void finish_storage(Context& ctx, std::vector<Synthesized>& out);
// application_gateway.cpp
void translate_application_gateway(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_waf_policy(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nic_gateway_pool_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
/// After every translation: the NICs whose private address a gateway pool's `ip_addresses` only known after apply
/// references join that pool.
void finish_application_gateways(Context& ctx, std::vector<Synthesized>& out);
// virtual_wan.cpp
void translate_virtual_wan(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_virtual_hub(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_hub_connection(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// paas_private_endpoint.cpp
void translate_private_endpoint(Context& ctx, const Instance& i, std::vector<Synthesized>& out);

// firewall.cpp
void translate_firewall(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_firewall_nat_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_firewall_network_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_firewall_application_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_firewall_policy(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_rule_collection_group(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_ip_group(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_ip_group_cidr(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// defender_plan.cpp
void translate_defender_plan(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// nat_gateway.cpp
void translate_nat_gateway(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nat_gateway_public_ip_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_nat_gateway_public_ip_prefix_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_subnet_nat_gateway_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_public_ip_prefix(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// bastion.cpp
void translate_bastion(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
// network_manager.cpp
void translate_network_manager(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_network_group(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_network_group_static_member(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_security_admin_configuration(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_admin_rule_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
void translate_admin_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out);
/// azurerm_network_manager_deployment: a commit, written as the deployment status the Azure reader reads.
void translate_network_manager_deployment(Context& ctx, const Instance& i, std::vector<Synthesized>& out);

/// A new Azure resource of `azure_type` for instance `i`: id, name, type and location written, or null when its
/// name or id cannot be known (reported).
Synthesized* begin_resource(Context& ctx, const Instance& i, std::string_view azure_type,
                            std::vector<Synthesized>& out);

/// What an association edits: a synthesized resource, and the pointer of the edited object inside it ("" for the
/// resource itself; "/properties/subnets/1" for a subnet declared inline in its virtual network).
struct Edited {
  Synthesized* doc{nullptr};
  std::string base;
};

/// The object an association's attribute `key` names (by id): a synthesized resource, or a child declared inline
/// in its parent (an `azurerm_virtual_network`'s `subnet` block); `doc` is null when the target is not in the
/// plan, or unknown (reported).
Edited association_target(Context& ctx, const Instance& i, std::string_view key, std::string_view what,
                          std::vector<Synthesized>& out);

}  // namespace exposim::importers::terraform
