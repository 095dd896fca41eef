// The network recommendations (EXP-NET-*): rows of the catalog and their evaluation (docs/recommendations.md).
// What is decided by exact reachability reads Analysis::exposures; what is decided by properties reads the model;
// the shared facts (a VM's exposures, the words for an entry, ingress ignoring filters, a subnet's default route)
// are in network_facts.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "solver/recommendations/context.h"
#include "solver/recommendations/network_facts.h"

namespace exposim::solver::recommendations {

namespace {

using model::ResourceKind;
using Sev = RecommendationSeverity;
using D = Decision;

constexpr const char* kNetworkingPage =
    "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-networking";

}  // namespace

const std::vector<RecommendationInfo>& network_rows() {
  static const std::vector<RecommendationInfo> kRows = {
      {"EXP-NET-001", "Management ports should be closed on your virtual machines", Sev::kMedium,
       "bc303248-3d14-44c2-96a0-55f5c326b5fe", "22730e10-96f6-4aac-ad84-9383d35b5917",
       "Management ports should be closed on your virtual machines", D::kReachability,
       "Close the management ports to the internet; reach the machine through Azure Bastion or just-in-time access",
       kComputePage},
      {"EXP-NET-002",
       "Management ports of virtual machines should be protected with just-in-time network access control", Sev::kHigh,
       "805651bc-6ecd-4c73-9b55-97a19d0582d0", "b0f33259-77d7-4c9e-aac6-3aabcfae693c",
       "Management ports of virtual machines should be protected with just-in-time network access control",
       D::kReachabilityAndProperties,
       "Enable just-in-time VM access for the management ports and remove the rules that open them permanently",
       kComputePage},
      {"EXP-NET-003", "Internet-facing virtual machines should be protected with network security groups", Sev::kHigh,
       "483f12ed-ae23-447e-a2de-a67a10db4353", "f6de0be7-9a8a-4b8a-b349-43cf02d22f7c",
       "Internet-facing virtual machines should be protected with network security groups",
       D::kReachabilityAndProperties,
       "Associate a network security group with the subnet or the network interface that admits only what is needed",
       kNetworkingPage},
      {"EXP-NET-004", "Non-internet-facing virtual machines should be protected with network security groups",
       Sev::kLow, "a9341235-9389-42f0-a0bf-9bfb57960d44", "bb91dfba-c30d-4263-9add-9c2384e659a6",
       "Non-internet-facing virtual machines should be protected with network security groups",
       D::kReachabilityAndProperties, "Associate a network security group with the subnet or the network interface",
       kNetworkingPage},
      {"EXP-NET-005",
       "All network ports should be restricted on network security groups associated to your virtual machine",
       Sev::kHigh, "3b20e985-f71f-483b-b078-f30d73936d43", "9daedab3-fb2d-461e-b861-71790eead4f6",
       "All network ports should be restricted on network security groups associated to your virtual machine",
       D::kReachability, "Restrict the sources of the allow rules to the addresses that need them", kNetworkingPage},
      {"EXP-NET-006", "Subnets should be associated with a network security group", Sev::kLow,
       "eade5b56-eefd-444f-95c8-23f29e5d93cb", "e71308d3-144b-4262-b144-efdc3cc90517",
       "Subnets should be associated with a Network Security Group", D::kProperties,
       "Associate a network security group with the subnet", kNetworkingPage},
      {"EXP-NET-007", "IP forwarding on your virtual machine should be disabled", Sev::kMedium,
       "c3b51c94-588b-426b-a892-24696f9e54cc", "bd352bd5-2853-4985-bf0d-73806b4a5744",
       "IP Forwarding on your virtual machine should be disabled", D::kProperties,
       "Set enableIPForwarding to false on the network interface unless the machine is a network virtual appliance",
       kNetworkingPage},
      {"EXP-NET-008", "Azure DDoS Protection Standard should be enabled", Sev::kMedium,
       "e3de1cc0-f4dd-3b34-e496-8b5381ba2d70", "a7aca53f-2ed4-4466-a25e-0b45ade68efd",
       "Azure DDoS Protection should be enabled", D::kReachabilityAndProperties,
       "Enable DDoS network protection on the virtual network (a protection plan) or IP protection on its public IPs",
       kNetworkingPage},
      {"EXP-NET-009", "Virtual networks should be protected by Azure Firewall", Sev::kLow,
       "f67fb4ed-d481-44d7-91e5-efadf504f74a", "fc5e4038-4584-4632-8c85-c0448d374b2c",
       "[Preview]: All Internet traffic should be routed via your deployed Azure Firewall", D::kReachability,
       "Route the subnet's 0.0.0.0/0 to an Azure Firewall (a route table, or a secured virtual hub's routing intent)",
       kNetworkingPage},
      {"EXP-NET-010", "Machines should have ports closed that might expose attack vectors", Sev::kHigh,
       "bbff27d2-73db-4c2d-8b1a-5f20b1f1da7e", "af99038c-02fd-4a2f-ac24-386b62bf32de",
       "[Preview]: Machines should have ports closed that might expose attack vectors", D::kReachability,
       "Close the risky ports to the internet", kComputePage},
      {"EXP-NET-011", "Web Application Firewall (WAF) should be enabled for Application Gateway", Sev::kLow,
       "efe75f01-6fff-5d9d-08e6-092b98d3fb3f", "564feb30-bf6a-4854-b4bb-0d2d2d1e6c66",
       "Web Application Firewall (WAF) should be enabled for Application Gateway", D::kProperties,
       "Attach a WAF policy in Prevention mode to the application gateway", kNetworkingPage},
      {"EXP-NET-012", "Network interfaces should not have public IPs", Sev::kMedium, "",
       "83a86a26-fd1f-447c-b59d-e51f44264114", "Network interfaces should not have public IPs", D::kProperties,
       "Remove the public IP from the ip configuration; publish through a load balancer, gateway or Bastion",
       "https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/"
       "%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F83a86a26-fd1f-447c-b59d-e51f44264114"},
      {"EXP-NET-013",
       "Adaptive network hardening recommendations should be applied on internet facing virtual machines", Sev::kHigh,
       "f9f0eed0-f143-47bf-b856-671ea2eeed62", "08e6af2d-db70-460a-bfe9-d5bd474ba9d6",
       "Adaptive network hardening recommendations should be applied on internet facing virtual machines",
       D::kNotDecidable, "Apply the rules adaptive network hardening suggests from the observed traffic",
       kNetworkingPage},
      {"EXP-NET-014", "Microsoft Defender for Servers should be enabled", Sev::kHigh,
       "56a6e81f-7413-4f72-9a1b-aaeeaa87c872", "4da35fc9-c9e7-4960-aec9-797fe7d9051d",
       "Azure Defender for servers should be enabled", D::kProperties,
       "Set the Defender for Cloud plan VirtualMachines to pricing tier Standard on the subscription", kComputePage},
  };
  return kRows;
}

void evaluate_network(Context& ctx) {
  const NetworkFacts facts(ctx.model, ctx.analysis);
  evaluate_management_ports(ctx, facts);  // 001, 002, 010
  evaluate_nsg_presence(ctx, facts);      // 003, 004, 006
  evaluate_open_sources(ctx, facts);      // 005
  evaluate_posture(ctx, facts);           // 007, 008, 009, 011, 012, 013, 014
}

}  // namespace exposim::solver::recommendations
