// The estate generator's plan: every resource and reference of the estate, decided from the options.
#include "bench/gen_estate_plan.h"

namespace exposim::bench {

Estate plan(const Options& opt) {
  if (opt.profile == Profile::kFragmented) return plan_fragmented(opt);
  Estate e;
  e.opt = opt;
  const auto n = static_cast<std::uint32_t>(opt.nics);
  const std::uint32_t vnet_count = (n + kNicsPerVnet - 1) / kNicsPerVnet;
  e.nsg_count = static_cast<std::uint32_t>(opt.nsgs.value_or(std::max<std::uint64_t>(5, opt.nics / 20)));
  const std::uint32_t k = e.nsg_count;

  const std::uint32_t sub_count = (vnet_count + kVnetsPerSubscription - 1) / kVnetsPerSubscription;
  for (std::uint32_t i = 0; i < sub_count; ++i)
    e.subscriptions.push_back(Rng::for_entity(opt.seed, Domain::kSubscription, i).guid());

  // VNets: /16s from 10.0.0.0/8, then 172.16.0.0/12 (address spaces repeat beyond 272 VNets, as in
  // real estates of unpeered VNets); every fifth VNet is dual-stack.
  e.nsg_owner.assign(k, 0);
  for (std::uint32_t v = 0; v < vnet_count; ++v) {
    Rng r = Rng::for_entity(opt.seed, Domain::kVnet, v);
    VnetPlan vp;
    vp.first_nic = v * kNicsPerVnet;
    vp.nic_count = std::min(kNicsPerVnet, n - vp.first_nic);
    vp.subscription = v / kVnetsPerSubscription;
    vp.hub = vp.subscription * kVnetsPerSubscription;
    vp.location = kLocations[(vp.subscription + (r.percent(20) ? 1 : 0)) % kLocations.size()];
    vp.env = std::string(r.pick(kEnvs));
    const std::uint32_t block = v % 272;
    vp.octet1 = block < 256 ? 10 : 172;
    vp.octet2 = static_cast<int>(block < 256 ? block : 16 + (block - 256));
    vp.dual_stack = v % 5 == 2;
    const std::uint32_t vms_full = vp.nic_count / 11 * 10;
    vp.vm_count = vms_full + std::min<std::uint32_t>(vp.nic_count % 11, 10);
    vp.first_vm = v == 0 ? 0 : e.vnets.back().first_vm + e.vnets.back().vm_count;
    if (k >= vnet_count) {
      vp.nsg_lo = static_cast<std::uint32_t>(std::uint64_t{v} * k / vnet_count);
      vp.nsg_hi = static_cast<std::uint32_t>(std::uint64_t{v + 1} * k / vnet_count);
    } else {  // fewer NSGs than VNets: share them
      vp.nsg_lo = v % k;
      vp.nsg_hi = vp.nsg_lo + 1;
    }
    if (k >= vnet_count || v < k) {
      for (std::uint32_t i = vp.nsg_lo; i < vp.nsg_hi; ++i) e.nsg_owner[i] = v;
    }

    // Subnets: /24s of up to 250 NICs; 85% with an NSG; a quarter (never the NVA's) with a route table
    // sending 0.0.0.0/0 to the NVA; a spare empty subnet on some VNets.
    vp.first_subnet = static_cast<std::uint32_t>(e.subnets.size());
    const std::uint32_t used = (vp.nic_count + kNicsPerSubnet - 1) / kNicsPerSubnet;
    const bool spare = r.percent(30);
    vp.subnet_count = used + (spare ? 1 : 0);
    const std::uint32_t nsgs_here = vp.nsg_hi - vp.nsg_lo;
    for (std::uint32_t s = 0; s < vp.subnet_count; ++s) {
      Rng rs = Rng::for_entity(opt.seed, Domain::kSubnet, vp.first_subnet + s);
      SubnetPlan sp;
      sp.vnet = v;
      sp.index = s;
      sp.nic_count = s < used ? std::min(kNicsPerSubnet, vp.nic_count - s * kNicsPerSubnet) : 0;
      if (rs.percent(85)) sp.nsg = static_cast<int>(vp.nsg_lo + s % nsgs_here);
      if (s > 0 && sp.nic_count > 0 && rs.percent(25)) {
        sp.route_table = static_cast<int>(e.route_tables.size());
        e.route_tables.push_back(RouteTablePlan{vp.first_subnet + s, 4});
      }
      sp.service_endpoints = rs.percent(20);
      e.subnets.push_back(sp);
    }
    e.vnets.push_back(std::move(vp));
  }

  // NICs: ~30% with a public IP, ~40% with their own NSG (taken from the VNet's NSGs that no subnet
  // uses, when there are any), ~25% in application security groups. VMs take 1 NIC, every tenth 2.
  e.nsg_subnets.resize(k);
  e.nsg_nics.resize(k);
  for (std::uint32_t s = 0; s < e.subnets.size(); ++s) {
    if (e.subnets[s].nsg >= 0) e.nsg_subnets[static_cast<std::uint32_t>(e.subnets[s].nsg)].push_back(s);
  }
  e.nics.resize(n);
  for (std::uint32_t v = 0; v < vnet_count; ++v) {
    const auto& vp = e.vnets[v];
    const std::uint32_t used = (vp.nic_count + kNicsPerSubnet - 1) / kNicsPerSubnet;
    const std::uint32_t nsgs_here = vp.nsg_hi - vp.nsg_lo;
    const std::uint32_t free_lo = nsgs_here > used ? vp.nsg_lo + used : vp.nsg_lo;
    const std::uint32_t free_count = vp.nsg_hi - free_lo;
    std::uint32_t next_nsg = 0;
    for (std::uint32_t l = 0; l < vp.nic_count; ++l) {
      const std::uint32_t j = vp.first_nic + l;
      Rng r = Rng::for_entity(opt.seed, Domain::kNic, j);
      NicPlan& nic = e.nics[j];
      nic.vnet = v;
      nic.subnet = vp.first_subnet + l / kNicsPerSubnet;
      nic.host = 4 + l % kNicsPerSubnet;
      const std::uint32_t block = l / 11;
      const std::uint32_t pos = l % 11;
      nic.vm = vp.first_vm + block * 10 + std::min<std::uint32_t>(pos, 9);
      nic.vm_nic = pos == 10 ? 1 : 0;
      nic.ip_forwarding = l == 0;  // the VNet's NVA, next hop of the route tables
      nic.accelerated = r.percent(60);
      if (r.percent(30)) {
        nic.pip = static_cast<int>(e.pips.size());
        e.pips.push_back(j);
      }
      if (r.percent(40)) {
        nic.nsg = static_cast<int>(free_lo + next_nsg++ % free_count);
        e.nsg_nics[static_cast<std::uint32_t>(nic.nsg)].push_back(j);
      }
      if (r.percent(25)) {
        nic.asg_mask = static_cast<std::uint8_t>(1u << r.below(kAsgRoles.size()));
        if (r.percent(20)) nic.asg_mask |= static_cast<std::uint8_t>(1u << r.below(kAsgRoles.size()));
      }
    }
  }
  return e;
}

// The fragmented profile (issue 18): VNets of 16 subnets of 250 NICs peered in a chain; every subnet has an NSG
// drawn from the pool of K NSGs (default NICs/20), a quarter of the NICs one of their own too; 30% of the NICs
// have a Standard public IP; 20% are members of one of 50 estate-wide ASGs. No route tables, IPv4 only.
Estate plan_fragmented(const Options& opt) {
  Estate e;
  e.opt = opt;
  const auto n = static_cast<std::uint32_t>(opt.nics);
  const std::uint32_t per_vnet = kFragmentedSubnetsPerVnet * kNicsPerSubnet;
  const std::uint32_t vnet_count = (n + per_vnet - 1) / per_vnet;
  e.nsg_count = static_cast<std::uint32_t>(opt.nsgs.value_or(std::max<std::uint64_t>(5, opt.nics / 20)));
  const std::uint32_t k = e.nsg_count;
  const std::uint32_t sub_count = (vnet_count + kVnetsPerSubscription - 1) / kVnetsPerSubscription;
  for (std::uint32_t i = 0; i < sub_count; ++i)
    e.subscriptions.push_back(Rng::for_entity(opt.seed, Domain::kSubscription, i).guid());

  // Each NSG lives in the resource group of one VNet, spread evenly.
  e.nsg_owner.resize(k);
  for (std::uint32_t i = 0; i < k; ++i) e.nsg_owner[i] = static_cast<std::uint32_t>(std::uint64_t{i} * vnet_count / k);
  e.nsg_subnets.resize(k);
  e.nsg_nics.resize(k);
  e.nics.resize(n);
  for (std::uint32_t v = 0; v < vnet_count; ++v) {
    Rng r = Rng::for_entity(opt.seed, Domain::kVnet, v);
    VnetPlan vp;
    vp.first_nic = v * per_vnet;
    vp.nic_count = std::min(per_vnet, n - vp.first_nic);
    vp.subscription = v / kVnetsPerSubscription;
    vp.hub = v;
    vp.location = kLocations[(vp.subscription + (r.percent(20) ? 1 : 0)) % kLocations.size()];
    vp.env = std::string(r.pick(kEnvs));
    const std::uint32_t block = v % 272;
    vp.octet1 = block < 256 ? 10 : 172;
    vp.octet2 = static_cast<int>(block < 256 ? block : 16 + (block - 256));
    const std::uint32_t vms_full = vp.nic_count / 11 * 10;
    vp.vm_count = vms_full + std::min<std::uint32_t>(vp.nic_count % 11, 10);
    vp.first_vm = v == 0 ? 0 : e.vnets.back().first_vm + e.vnets.back().vm_count;
    vp.first_subnet = static_cast<std::uint32_t>(e.subnets.size());
    vp.subnet_count = (vp.nic_count + kNicsPerSubnet - 1) / kNicsPerSubnet;
    for (std::uint32_t s = 0; s < vp.subnet_count; ++s) {
      Rng rs = Rng::for_entity(opt.seed, Domain::kSubnet, vp.first_subnet + s);
      SubnetPlan sp;
      sp.vnet = v;
      sp.index = s;
      sp.nic_count = std::min(kNicsPerSubnet, vp.nic_count - s * kNicsPerSubnet);
      sp.nsg = static_cast<int>(rs.below(k));
      e.nsg_subnets[static_cast<std::uint32_t>(sp.nsg)].push_back(vp.first_subnet + s);
      e.subnets.push_back(sp);
    }
    for (std::uint32_t l = 0; l < vp.nic_count; ++l) {
      const std::uint32_t j = vp.first_nic + l;
      Rng rn = Rng::for_entity(opt.seed, Domain::kNic, j);
      NicPlan& nic = e.nics[j];
      nic.vnet = v;
      nic.subnet = vp.first_subnet + l / kNicsPerSubnet;
      nic.host = 4 + l % kNicsPerSubnet;
      const std::uint32_t block11 = l / 11;
      const std::uint32_t pos = l % 11;
      nic.vm = vp.first_vm + block11 * 10 + std::min<std::uint32_t>(pos, 9);
      nic.vm_nic = pos == 10 ? 1 : 0;
      nic.accelerated = rn.percent(60);
      if (rn.percent(30)) {
        nic.pip = static_cast<int>(e.pips.size());
        e.pips.push_back(j);
      }
      if (rn.percent(25)) {
        nic.nsg = static_cast<int>(rn.below(k));
        e.nsg_nics[static_cast<std::uint32_t>(nic.nsg)].push_back(j);
      }
      if (rn.percent(20)) nic.asg = static_cast<int>(rn.below(kFragmentedAsgs));
    }
    e.vnets.push_back(std::move(vp));
  }
  return e;
}

}  // namespace exposim::bench
