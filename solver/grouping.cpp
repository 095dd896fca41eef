// The groupings of the segmentation matrix (solver/grouping.h).
#include "solver/grouping.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/ascii.h"

namespace exposim::solver {
namespace {

/// Collects groups by name as members are placed, then numbers them in name order (the groups whose names are in
/// parentheses, "(untagged)", last) and renumbers every member.
class GroupingBuilder {
 public:
  explicit GroupingBuilder(const model::Model& m) {
    g_.ip_configuration_group.resize(m.nics.size());
    for (std::size_t n = 0; n < m.nics.size(); ++n)
      g_.ip_configuration_group[n].assign(m.nics[n].ip_configurations.size(), -1);
    g_.private_endpoint_group.assign(m.private_endpoints.size(), -1);
  }

  void add(model::IpConfigIndex x, const std::string& name) {
    const int id = group(name);
    int& first = g_.ip_configuration_group[x.nic][x.ip_configuration];
    if (first < 0) {
      first = id;
    } else if (first != id) {
      auto& more = g_.extra_groups[x];
      if (std::find(more.begin(), more.end(), id) == more.end()) more.push_back(id);
    }
  }

  void add_endpoint(int endpoint, const std::string& name) { g_.private_endpoint_group[endpoint] = group(name); }

  Grouping finish() && {
    std::vector<int> order(g_.names.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const auto key = [&](int i) {
      const std::string& n = g_.names[i];
      return std::pair{!n.empty() && n.front() == '(', std::string_view(n)};
    };
    std::sort(order.begin(), order.end(), [&](int a, int b) { return key(a) < key(b); });
    std::vector<int> renumber(order.size());
    std::vector<std::string> names(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      renumber[order[k]] = static_cast<int>(k);
      names[k] = std::move(g_.names[order[k]]);
    }
    g_.names = std::move(names);
    const auto re = [&](int& id) {
      if (id >= 0) id = renumber[id];
    };
    for (auto& nic : g_.ip_configuration_group) std::for_each(nic.begin(), nic.end(), re);
    std::for_each(g_.private_endpoint_group.begin(), g_.private_endpoint_group.end(), re);
    for (auto& [x, more] : g_.extra_groups) {
      std::for_each(more.begin(), more.end(), re);
      more.push_back(g_.ip_configuration_group[x.nic][x.ip_configuration]);
      std::sort(more.begin(), more.end());
      g_.ip_configuration_group[x.nic][x.ip_configuration] = more.front();
      more.erase(more.begin());
    }
    return std::move(g_);
  }

 private:
  int group(const std::string& name) {
    const auto [it, added] = ids_.try_emplace(name, static_cast<int>(g_.names.size()));
    if (added) g_.names.push_back(name);
    return it->second;
  }

  Grouping g_;
  std::map<std::string, int> ids_;
};

/// `names` where two resources share one: those resources' ids instead, so that no two resources merge into a group.
template <typename Resources>
std::vector<std::string> grouping_distinct_names(std::vector<std::string> names, const Resources& resources) {
  std::map<std::string_view, int> count;
  for (const auto& n : names) ++count[n];
  std::vector<std::string> out = names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (count[names[i]] > 1) out[i] = resources[i].id;
  }
  return out;
}

std::vector<std::string> grouping_subnet_names(const model::Model& m) {
  std::vector<std::string> names(m.subnets.size());
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    const int v = m.subnets[s].vnet.index;
    names[s] = (v >= 0 ? m.vnets[v].name : std::string("?")) + "/" + m.subnets[s].name;
  }
  return grouping_distinct_names(std::move(names), m.subnets);
}

std::vector<std::string> grouping_vnet_names(const model::Model& m) {
  std::vector<std::string> names(m.vnets.size());
  for (std::size_t v = 0; v < m.vnets.size(); ++v) names[v] = m.vnets[v].name;
  return grouping_distinct_names(std::move(names), m.vnets);
}

/// Calls `place(x, subnet)` for every ip configuration in a subnet.
template <typename Place>
void grouping_each_ip_configuration(const model::Model& m, Place place) {
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].subnet.index < 0) continue;
      place(model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)}, cfgs[c].subnet.index);
    }
  }
}

/// Places every private endpoint in a subnet in "VNET/SUBNET (private endpoints)".
void grouping_endpoints_apart(const model::Model& m, GroupingBuilder& b) {
  const auto subnet_names = grouping_subnet_names(m);
  for (std::size_t e = 0; e < m.private_endpoints.size(); ++e) {
    const int s = m.private_endpoints[e].subnet.index;
    if (s >= 0) b.add_endpoint(static_cast<int>(e), subnet_names[s] + " (private endpoints)");
  }
}

}  // namespace

Grouping group_by_subnet(const model::Model& m) {
  GroupingBuilder b(m);
  const auto names = grouping_subnet_names(m);
  grouping_each_ip_configuration(m, [&](model::IpConfigIndex x, int s) { b.add(x, names[s]); });
  for (std::size_t e = 0; e < m.private_endpoints.size(); ++e) {
    const int s = m.private_endpoints[e].subnet.index;
    if (s >= 0) b.add_endpoint(static_cast<int>(e), names[s]);
  }
  return std::move(b).finish();
}

Grouping group_by_vnet(const model::Model& m) {
  GroupingBuilder b(m);
  const auto names = grouping_vnet_names(m);
  const auto vnet_of = [&](int s) { return m.subnets[s].vnet.index; };
  grouping_each_ip_configuration(m, [&](model::IpConfigIndex x, int s) {
    if (vnet_of(s) >= 0) b.add(x, names[vnet_of(s)]);
  });
  for (std::size_t e = 0; e < m.private_endpoints.size(); ++e) {
    const int s = m.private_endpoints[e].subnet.index;
    if (s >= 0 && vnet_of(s) >= 0) b.add_endpoint(static_cast<int>(e), names[vnet_of(s)]);
  }
  return std::move(b).finish();
}

Grouping group_by_asg(const model::Model& m) {
  GroupingBuilder b(m);
  std::vector<std::string> names(m.asgs.size());
  for (std::size_t a = 0; a < m.asgs.size(); ++a) names[a] = m.asgs[a].name;
  names = grouping_distinct_names(std::move(names), m.asgs);
  grouping_each_ip_configuration(m, [&](model::IpConfigIndex x, int) {
    bool any = false;
    for (const auto& ref : m.nics[x.nic].ip_configurations[x.ip_configuration].asgs) {
      if (ref.index < 0) continue;
      b.add(x, names[ref.index]);
      any = true;
    }
    if (!any) b.add(x, "(no asg)");
  });
  grouping_endpoints_apart(m, b);
  return std::move(b).finish();
}

Grouping group_by_tag(const model::Model& m, std::string_view key) {
  GroupingBuilder b(m);
  const auto value_of = [&](const model::Tags& tags) -> const std::string* {
    for (const auto& [k, v] : tags) {
      if (model::ascii::iequals(k, key)) return &v;
    }
    return nullptr;
  };
  grouping_each_ip_configuration(m, [&](model::IpConfigIndex x, int) {
    const auto& nic = m.nics[x.nic];
    const std::string* v = nullptr;
    if (nic.virtual_machine.index >= 0) v = value_of(m.vms[nic.virtual_machine.index].tags);
    if (v == nullptr) v = value_of(nic.tags);
    b.add(x, v == nullptr ? std::string("(untagged)") : v->empty() ? std::string("(empty)") : *v);
  });
  grouping_endpoints_apart(m, b);
  return std::move(b).finish();
}

void add_paas_groups(const model::Model& m, Grouping& g) {
  std::map<std::string, int> uses;  // by name, case-insensitively as Azure compares names
  for (const auto& p : m.paas_services) ++uses[model::ascii::lower(p.name)];
  g.paas_service_group.assign(m.paas_services.size(), -1);
  for (std::size_t i = 0; i < m.paas_services.size(); ++i) {
    const auto& p = m.paas_services[i];
    std::string name = "paas:" + p.name;
    if (uses[model::ascii::lower(p.name)] > 1) name += std::string(" (") + model::to_string(p.kind) + ")";
    g.paas_service_group[i] = static_cast<int>(g.names.size());
    g.names.push_back(std::move(name));
  }
}

}  // namespace exposim::solver
