// The family readers of the Azure importer: free functions over the reader context, one file per family
// (network.cpp, nsg.cpp, ...). A resource reader reads one resource of the input into the model and returns
// false when it left it out (reported); a separate-child reader does the same for a child resource given on its
// own (its parent's id in `resource.parent_id`) and keeps it until finish(), whose steps attach it.
// resource_types.cpp lists which reader reads which Azure type, and the order of the finish steps.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "importers/azure/reader_context.h"

namespace exposim::importers::azure {

// network.cpp: virtual networks, subnets, peerings, route tables, routes.
bool read_vnet(ReaderContext& ctx, Resource& resource);
bool read_route_table(ReaderContext& ctx, Resource& resource);
bool read_separate_subnet(ReaderContext& ctx, Resource& resource);
bool read_separate_peering(ReaderContext& ctx, Resource& resource);
bool read_separate_route(ReaderContext& ctx, Resource& resource);
void attach_subnets(ReaderContext& ctx);
void attach_peerings(ReaderContext& ctx);
void attach_routes(ReaderContext& ctx);

// nsg.cpp: network security groups, security rules, application security groups.
bool read_nsg(ReaderContext& ctx, Resource& resource);
bool read_asg(ReaderContext& ctx, Resource& resource);
bool read_separate_security_rule(ReaderContext& ctx, Resource& resource);
bool read_separate_default_security_rule(ReaderContext& ctx, Resource& resource);
void attach_security_rules(ReaderContext& ctx);
/// A rule's protocol (`*`/`Any`, `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, any case), or nothing for another value: the
/// security rules' and the security admin rules' (network_manager.cpp) vocabulary.
std::optional<model::ProtocolMask> security_rule_protocol(std::string_view t);
/// Reads one address entry of a rule (`raw`, not blank): `*`/`Any`, a value only known at deployment (`unknown`),
/// an IP or prefix, or a service tag (one the --service-tags table resolves, or Internet, VirtualNetwork,
/// AzureLoadBalancer, or one exposim cannot resolve or does not know, with a warning; a note in an `outbound`
/// rule). `unresolved_message` words the warning of an unresolved tag for the rules at hand. Shared by security
/// rules and security admin rules (network_manager.cpp).
void read_address_entry(ReaderContext& ctx, std::string_view raw, model::AddressMatch& out, bool& unknown,
                        bool outbound, std::string (*unresolved_message)(std::string_view tag));

// compute.cpp: network interfaces, ip configurations, public IP addresses, virtual machines.
bool read_nic(ReaderContext& ctx, Resource& resource);
bool read_public_ip(ReaderContext& ctx, Resource& resource);
bool read_vm(ReaderContext& ctx, Resource& resource);
bool read_separate_ip_configuration(ReaderContext& ctx, Resource& resource);
void attach_ip_configurations(ReaderContext& ctx);

// machine_posture.cpp: what a VM or a scale set says about its own security, and VM extensions (read for the
// recommendations only: nothing there is reported).
/// Fills `p` from `profile` (a VM's `properties`, a scale set's `virtualMachineProfile`, the pointer at it; null
/// when absent) and from `identity` and `resources` next to the resource's `properties`. `where` is the
/// resource's object, where an absent property is said to be.
void read_machine_posture(ReaderContext& ctx, const Resource& resource, const model::SourceLocation& where,
                          const JsonObject* profile, model::MachinePosture& p);
/// Adds the extensions of a scale set's `virtualMachineProfile.extensionProfile.extensions` (the pointer at
/// the profile).
void read_scale_set_extensions(ReaderContext& ctx, JsonObject profile, model::MachinePosture& p);
bool read_separate_vm_extension(ReaderContext& ctx, Resource& resource);
bool read_separate_scale_set_extension(ReaderContext& ctx, Resource& resource);
/// Attaches the separate extensions to their VM or scale set; one whose parent is absent is dropped, with a note.
void attach_vm_extensions(ReaderContext& ctx);

// load_balancer.cpp: load balancers, inbound NAT rules, backend address pools.
bool read_load_balancer(ReaderContext& ctx, Resource& resource);
bool read_separate_lb_nat_rule(ReaderContext& ctx, Resource& resource);
bool read_separate_lb_backend_pool(ReaderContext& ctx, Resource& resource);
void attach_lb_nat_rules(ReaderContext& ctx);
void attach_lb_backend_pools(ReaderContext& ctx);

// scale_set.cpp: virtual machine scale sets.
bool read_scale_set(ReaderContext& ctx, Resource& resource);

// virtual_wan.cpp: virtual WANs, virtual hubs and their connections, routing intents and route tables.
bool read_virtual_wan(ReaderContext& ctx, Resource& resource);
bool read_virtual_hub(ReaderContext& ctx, Resource& resource);
bool read_hub_connection(ReaderContext& ctx, Resource& resource);
bool read_hub_routing_intent(ReaderContext& ctx, Resource& resource);
bool read_hub_route_table(ReaderContext& ctx, Resource& resource);

// bastion.cpp: Azure Bastion hosts.
bool read_bastion(ReaderContext& ctx, Resource& resource);

// application_gateway.cpp: application gateways, WAF policies.
bool read_application_gateway(ReaderContext& ctx, Resource& resource);
bool read_waf_policy(ReaderContext& ctx, Resource& resource);
void apply_waf_policies(ReaderContext& ctx);

// jit_policy.cpp: just-in-time VM access policies.
bool read_jit_policy(ReaderContext& ctx, Resource& resource);
// network_manager.cpp: Azure Virtual Network Manager (network groups, security admin configurations and rules, and
// deployment status).
bool read_network_manager(ReaderContext& ctx, Resource& resource);
bool read_network_group(ReaderContext& ctx, Resource& resource);
bool read_network_group_static_member(ReaderContext& ctx, Resource& resource);
bool read_security_admin_configuration(ReaderContext& ctx, Resource& resource);
bool read_admin_rule_collection(ReaderContext& ctx, Resource& resource);
bool read_admin_rule(ReaderContext& ctx, Resource& resource);
/// An element of `az network manager list-deploy-status` (REST `listDeploymentStatus`): an object with
/// `deploymentStatus` and `configurationIds`, not a resource. False when `o` is not one.
bool read_admin_deployment_status(ReaderContext& ctx, JsonObject o);

// front_door.cpp: Front Door (classic) and CDN profiles, not modelled: each reported as an internet entry point.
/// Notes a Front Door, a CDN profile or a profile's child (its backend or origin host names) for the
/// `unmodelled-entry-point` warning; false for every other type (`lower_type`, lowercase), which is left alone.
bool note_front_door(ReaderContext& ctx, std::string_view lower_type, JsonObject res);
/// One `unmodelled-entry-point` warning per Front Door or CDN profile noted since the last call (the end of a file).
void report_front_doors(ReaderContext& ctx);

// defender_plan.cpp: Defender for Cloud plans.
bool read_defender_plan(ReaderContext& ctx, Resource& resource);

// nat_gateway.cpp: NAT gateways and public IP prefixes (outbound only).
bool read_nat_gateway(ReaderContext& ctx, Resource& resource);
bool read_public_ip_prefix(ReaderContext& ctx, Resource& resource);

// firewall.cpp: Azure Firewall, firewall policies, rule collection groups, legacy rule groups, IP groups.
bool read_firewall(ReaderContext& ctx, Resource& resource);
bool read_firewall_policy(ReaderContext& ctx, Resource& resource);
bool read_ip_group(ReaderContext& ctx, Resource& resource);
bool read_separate_rule_collection_group(ReaderContext& ctx, Resource& resource);
bool read_separate_rule_group(ReaderContext& ctx, Resource& resource);
void attach_rule_collection_groups(ReaderContext& ctx);

// paas.cpp: PaaS services (storage, Key Vault, SQL, SQL managed instance, Cosmos DB, App Service), their firewall
// rules, connection policies, blob containers and site configurations, private endpoints.
bool read_storage_account(ReaderContext& ctx, Resource& resource);
bool read_key_vault(ReaderContext& ctx, Resource& resource);
bool read_sql_server(ReaderContext& ctx, Resource& resource);
bool read_sql_managed_instance(ReaderContext& ctx, Resource& resource);
bool read_separate_blob_container(ReaderContext& ctx, Resource& resource);
void attach_blob_containers(ReaderContext& ctx);
bool read_cosmos_account(ReaderContext& ctx, Resource& resource);
bool read_web_site(ReaderContext& ctx, Resource& resource);
bool read_private_endpoint(ReaderContext& ctx, Resource& resource);
bool read_separate_sql_firewall_rule(ReaderContext& ctx, Resource& resource);
bool read_separate_sql_vnet_rule(ReaderContext& ctx, Resource& resource);
bool read_separate_sql_connection_policy(ReaderContext& ctx, Resource& resource);
bool read_separate_site_config(ReaderContext& ctx, Resource& resource);
void attach_sql_firewall_rules(ReaderContext& ctx);
void attach_sql_vnet_rules(ReaderContext& ctx);
void apply_sql_connection_policies(ReaderContext& ctx);
void apply_site_configs(ReaderContext& ctx);

}  // namespace exposim::importers::azure
