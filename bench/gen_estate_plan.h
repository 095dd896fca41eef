// The estate generator's shape, random streams, JSON writer and plan (which resource refers to which), shared
// by gen_estate.cpp (the resources written) and gen_estate_plan.cpp (the plan decided).
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace exposim::bench {

// ---- Shape of the estate ----
constexpr std::uint32_t kNicsPerVnet = 1000;
constexpr std::uint32_t kNicsPerSubnet = 250;  // hosts .4 .. .253 of a /24 (Azure reserves .0-.3 and .255)
constexpr std::uint32_t kVnetsPerSubscription = 25;
constexpr std::uint32_t kMaxRules = 1000;  // Azure's limit of rules per NSG
constexpr std::array<std::string_view, 4> kAsgRoles{"web", "app", "db", "mgmt"};
constexpr std::array<std::string_view, 6> kLocations{"westeurope", "northeurope", "eastus2",
                                                     "westus3",    "uksouth",     "swedencentral"};
constexpr std::array<std::string_view, 5> kVmSizes{"Standard_D2s_v5", "Standard_D4s_v5", "Standard_B2ms",
                                                   "Standard_E4s_v5", "Standard_F8s_v2"};
constexpr std::array<std::string_view, 4> kEnvs{"prod", "dev", "test", "staging"};
// First octets of public IPv4 space used for rule sources (corporate offices, partners, admins' homes).
constexpr std::array<int, 14> kPublicFirstOctets{31, 45, 62, 81, 85, 91, 145, 151, 185, 193, 195, 203, 212, 217};
// Where Azure allocates public IPs from.
constexpr std::array<int, 5> kAzureFirstOctets{20, 40, 52, 13, 4};

// The fragmented profile (issue 18): VNets of 16 subnets, an NSG per subnet from the pool, 50 ASGs in all.
constexpr std::uint32_t kFragmentedSubnetsPerVnet = 16;
constexpr std::uint32_t kFragmentedAsgs = 50;

// Entity domains of the random streams (any distinct constants).
enum class Domain : std::uint64_t { kVnet = 1, kSubnet, kNic, kNsg, kPip, kVm, kSubscription, kRouteTable, kAsg };

/// The shape of the estate. kDefault: structured rules (shared source lists, mostly disjoint rules), hub and
/// spoke. kFragmented: interleaved allow and deny rules over many small source prefixes, VNets peered in a chain,
/// the estate issue 18 describes.
enum class Profile { kDefault, kFragmented };

/// splitmix64 (Steele, Lea, Flood 2014): small, fast, identical everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t state) : state_(state) {}
  /// An independent stream for one entity, so values never depend on generation order.
  static Rng for_entity(std::uint64_t seed, Domain d, std::uint64_t index) {
    Rng r(seed * 0x9E3779B97F4A7C15ull ^ (static_cast<std::uint64_t>(d) << 56) ^ (index * 0xD1B54A32D192ED03ull));
    r.next();
    return r;
  }
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform-enough integer in [0, n), n > 0.
  std::uint32_t below(std::uint64_t n) { return static_cast<std::uint32_t>(next() % n); }
  /// True with probability percent/100.
  bool percent(int p) { return below(100) < static_cast<std::uint32_t>(p); }
  template <typename C>
  const auto& pick(const C& c) {
    return c[below(std::size(c))];
  }
  /// A version-4 GUID in lowercase text.
  std::string guid() {
    const std::uint64_t a = next();
    const std::uint64_t b = next();
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                       8 + ((b >> 62) & 3), (b >> 48) & 0xfff, b & 0xffffffffffffull);
  }

 private:
  std::uint64_t state_;
};

// ---- Streaming JSON output ----

/// Writes JSON to a FILE through a 1 MiB buffer, placing commas itself. Top-level array elements
/// go one per line. Strings are escaped; formatted values must not need escaping (ids, addresses).
class JsonWriter {
 public:
  explicit JsonWriter(std::FILE* f) : file_(f) { buf_.reserve(kChunk + 64 * 1024); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    separate();
    buf_ += '"';
    buf_ += k;
    buf_ += "\":";
    after_key_ = true;
  }
  void str(std::string_view s) {
    separate();
    buf_ += '"';
    for (const char c : s) {
      if (c == '"' || c == '\\') buf_ += '\\';
      buf_ += c;
    }
    buf_ += '"';
    maybe_flush();
  }
  template <typename... A>
  void strf(fmt::format_string<A...> f, A&&... args) {
    separate();
    buf_ += '"';
    fmt::format_to(std::back_inserter(buf_), f, std::forward<A>(args)...);
    buf_ += '"';
    maybe_flush();
  }
  void num(std::int64_t n) {
    separate();
    fmt::format_to(std::back_inserter(buf_), "{}", n);
  }
  void boolean(bool b) {
    separate();
    buf_ += b ? "true" : "false";
  }
  void empty_array() {
    separate();
    buf_ += "[]";
  }

  // Conveniences for "key": value.
  void field(std::string_view k, std::string_view v) { key(k), str(v); }
  void field_num(std::string_view k, std::int64_t v) { key(k), num(v); }
  void field_bool(std::string_view k, bool v) { key(k), boolean(v); }
  /// "k": {"id": "..."}
  void ref(std::string_view k, std::string_view id) {
    key(k);
    id_object(id);
  }
  /// {"id": "..."}
  void id_object(std::string_view id) {
    begin_object();
    field("id", id);
    end_object();
  }

  /// Bytes produced so far (written or buffered).
  std::uint64_t bytes() const { return flushed_ + buf_.size(); }
  /// Flushes the buffer; false when a write failed at any point.
  bool finish() {
    flush();
    return ok_;
  }

 private:
  static constexpr std::size_t kChunk = 1u << 20;

  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) buf_ += ',';
    first_.back() = false;
    if (first_.size() == 1) buf_ += '\n';
  }
  void open(char c) {
    separate();
    buf_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    first_.pop_back();
    if (first_.empty()) buf_ += '\n';
    buf_ += c;
    if (first_.empty()) buf_ += '\n';
    maybe_flush();
  }
  void maybe_flush() {
    if (buf_.size() >= kChunk) flush();
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) ok_ = false;
    flushed_ += buf_.size();
    buf_.clear();
  }

  std::FILE* file_;
  std::string buf_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_{false};
  bool ok_{true};
  std::uint64_t flushed_{0};
};

// ---- The plan: which resource refers to which, held as small integers ----

struct Options {
  std::uint64_t nics{0};
  std::optional<std::uint64_t> nsgs;
  std::uint32_t rules{60};
  std::uint64_t seed{1};
  std::string output;
  Profile profile{Profile::kDefault};
  bool full{false};  // every field Azure returns on child resources too (etag, type, empty lists)
  bool quiet{false};
};

struct VnetPlan {
  std::uint32_t first_nic{0};
  std::uint32_t nic_count{0};
  std::uint32_t first_subnet{0};
  std::uint32_t subnet_count{0};  // with NICs, plus one spare on some VNets
  std::uint32_t first_vm{0};
  std::uint32_t vm_count{0};
  std::uint32_t nsg_lo{0};  // NSGs [nsg_lo, nsg_hi) live in this VNet's resource group
  std::uint32_t nsg_hi{0};
  std::uint32_t subscription{0};
  std::uint32_t hub{0};  // the subscription's hub VNet (itself for the hub)
  std::string_view location;
  std::string env;
  int octet1{10};  // the /16 is octet1.octet2.0.0
  int octet2{0};
  bool dual_stack{false};
};

struct SubnetPlan {
  std::uint32_t vnet{0};
  std::uint32_t index{0};  // within the VNet
  std::uint32_t nic_count{0};
  int nsg{-1};
  int route_table{-1};
  bool service_endpoints{false};
};

struct NicPlan {
  std::uint32_t vnet{0};
  std::uint32_t subnet{0};  // global subnet index
  std::uint32_t host{0};    // last octet
  std::uint32_t vm{0};
  std::uint8_t vm_nic{0};  // 0 = the VM's primary NIC
  int nsg{-1};
  int pip{-1};
  std::uint8_t asg_mask{0};  // bit r = member of kAsgRoles[r] of its VNet
  int asg{-1};               // fragmented profile: member of this estate-wide ASG
  bool ip_forwarding{false};
  bool accelerated{false};
};

struct RouteTablePlan {
  std::uint32_t subnet{0};
  std::uint32_t nva_host{0};  // next hop 0.0.0.0/0 -> VirtualAppliance at octet1.octet2.0.<nva_host>
};

struct Estate {
  Options opt;
  std::uint32_t nsg_count{0};
  std::vector<std::string> subscriptions;  // GUIDs
  std::vector<VnetPlan> vnets;
  std::vector<SubnetPlan> subnets;
  std::vector<NicPlan> nics;
  std::vector<std::uint32_t> pips;  // pip -> NIC
  std::vector<RouteTablePlan> route_tables;
  std::vector<std::vector<std::uint32_t>> nsg_subnets;  // back-references, ascending
  std::vector<std::vector<std::uint32_t>> nsg_nics;
  std::vector<std::uint32_t> nsg_owner;  // NSG -> VNet whose resource group holds it

  // ---- Names and ids ----
  std::string rg_id(std::uint32_t v) const {
    return fmt::format("/subscriptions/{}/resourceGroups/rg-{}", subscriptions[vnets[v].subscription], v);
  }
  std::string vnet_id(std::uint32_t v) const {
    return fmt::format("{}/providers/Microsoft.Network/virtualNetworks/vnet-{:03}", rg_id(v), v);
  }
  std::string subnet_name(std::uint32_t s) const {
    const auto& sp = subnets[s];
    return sp.nic_count == 0 ? std::string("snet-spare") : fmt::format("snet-{:02}", sp.index);
  }
  std::string subnet_id(std::uint32_t s) const {
    return fmt::format("{}/subnets/{}", vnet_id(subnets[s].vnet), subnet_name(s));
  }
  std::string nsg_name(std::uint32_t k) const { return fmt::format("nsg-{:05}", k); }
  std::string nsg_id(std::uint32_t k) const {
    return fmt::format("{}/providers/Microsoft.Network/networkSecurityGroups/{}", rg_id(nsg_owner[k]), nsg_name(k));
  }
  std::string route_table_id(std::uint32_t r) const {
    return fmt::format("{}/providers/Microsoft.Network/routeTables/rt-{:04}",
                       rg_id(subnets[route_tables[r].subnet].vnet), r);
  }
  /// Fragmented profile: the estate-wide ASGs, all in the first VNet's resource group.
  std::string fragmented_asg_name(std::uint32_t a) const { return fmt::format("asg-{:02}", a); }
  std::string fragmented_asg_id(std::uint32_t a) const {
    return fmt::format("{}/providers/Microsoft.Network/applicationSecurityGroups/{}", rg_id(0), fragmented_asg_name(a));
  }
  std::string asg_name(std::uint32_t v, std::size_t role) const {
    return fmt::format("asg-{:03}-{}", v, kAsgRoles[role]);
  }
  std::string asg_id(std::uint32_t v, std::size_t role) const {
    return fmt::format("{}/providers/Microsoft.Network/applicationSecurityGroups/{}", rg_id(v), asg_name(v, role));
  }
  std::string vm_name(std::uint32_t vm) const { return fmt::format("vm-{:06}", vm); }
  std::string vm_id(std::uint32_t v, std::uint32_t vm) const {
    return fmt::format("{}/providers/Microsoft.Compute/virtualMachines/{}", rg_id(v), vm_name(vm));
  }
  std::string nic_name(std::uint32_t j) const { return fmt::format("{}-nic{}", vm_name(nics[j].vm), nics[j].vm_nic); }
  std::string nic_id(std::uint32_t j) const {
    return fmt::format("{}/providers/Microsoft.Network/networkInterfaces/{}", rg_id(nics[j].vnet), nic_name(j));
  }
  std::string pip_name(std::uint32_t p) const { return fmt::format("{}-pip", nic_name(pips[p])); }
  std::string pip_id(std::uint32_t p) const {
    return fmt::format("{}/providers/Microsoft.Network/publicIPAddresses/{}", rg_id(nics[pips[p]].vnet), pip_name(p));
  }

  // ---- Addresses ----
  std::string vnet_v4(std::uint32_t v) const { return fmt::format("{}.{}.0.0/16", vnets[v].octet1, vnets[v].octet2); }
  std::string vnet_v6(std::uint32_t v) const { return fmt::format("fd00:{:x}::/48", v); }
  std::string subnet_v4(std::uint32_t s) const {
    const auto& vp = vnets[subnets[s].vnet];
    return fmt::format("{}.{}.{}.0/24", vp.octet1, vp.octet2, subnets[s].index);
  }
  std::string subnet_v6(std::uint32_t s) const {
    return fmt::format("fd00:{:x}:{:x}::/64", subnets[s].vnet, subnets[s].index);
  }
  std::string nic_v4(std::uint32_t j) const {
    const auto& n = nics[j];
    const auto& vp = vnets[n.vnet];
    return fmt::format("{}.{}.{}.{}", vp.octet1, vp.octet2, subnets[n.subnet].index, n.host);
  }
  std::string nic_v6(std::uint32_t j) const {
    const auto& n = nics[j];
    return fmt::format("fd00:{:x}:{:x}::{:x}", n.vnet, subnets[n.subnet].index, n.host);
  }
  /// Public IPs are allocated in order from Azure's blocks, skipping .0 and .255.
  std::string pip_address(std::uint32_t p) const {
    const std::uint32_t block = p % kAzureFirstOctets.size();
    const std::uint32_t n = p / kAzureFirstOctets.size();
    return fmt::format("{}.{}.{}.{}", kAzureFirstOctets[block], 64 + (n / (254 * 256)) % 192, (n / 254) % 256,
                       1 + n % 254);
  }
};

/// Decides every resource and reference. Cheap: a few small integers per NIC.
Estate plan(const Options& opt);
/// plan() for Profile::kFragmented.
Estate plan_fragmented(const Options& opt);

}  // namespace exposim::bench
