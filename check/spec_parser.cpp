// Check spec reader: one JSON value (from JSON or YAML) to check::Spec, every field validated at its pointer.
#include "check/spec_parser.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/document.h"

#include "importers/document_value.h"
#include "model/ascii.h"

namespace exposim::check {
namespace {

using nlohmann::json;

/// The keys each kind accepts besides `name`, `kind` and `description`.
std::vector<std::string_view> keys_of(AssertionKind k) {
  switch (k) {
    case AssertionKind::kNotExposed: return {"select", "protocols", "ports", "entry-ports", "sources", "allowed-via"};
    case AssertionKind::kExposedOnly:
      return {"select", "protocols", "ports", "entry-ports", "sources", "via", "required"};
    case AssertionKind::kNoManagementPorts:
      return {"select", "protocols", "ports", "sources", "allowed-via", "allow-jit"};
    case AssertionKind::kMaxEntryPoints: return {"select", "max"};
    case AssertionKind::kEverySubnetHasNsg: return {"select", "exempt", "default-exempt"};
    case AssertionKind::kFlow:
      return {"from", "to", "port", "protocol", "source-port", "backend", "expect", "admin-rule"};
    case AssertionKind::kRecommendation:
      return {"select", "ids", "severity", "status", "management-ports", "risky-ports"};
    case AssertionKind::kReach: return {"from", "to", "protocols", "ports", "never"};
    case AssertionKind::kSegmentation: return {"by", "allow", "within-group", "paas"};
  }
  return {};
}

using model::ascii::lower;

std::string escape_token(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

template <typename List>
std::string joined(const List& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

class Parser {
 public:
  Parser(const importers::Document& doc, model::Diagnostics& diags,
         const std::vector<solver::RecommendationInfo>& catalog)
      : doc_(doc), diags_(diags), catalog_(catalog) {}

  std::optional<Spec> run() {
    Spec spec;
    spec.file = doc_.file;
    const json& root = importers::json_of(doc_);
    if (!root.is_object()) {
      error("", "spec-shape", fmt::format("the spec is {}, expected an object with 'assertions'", type_name(root)));
      return std::nullopt;
    }
    for (const auto& [key, value] : root.items()) {
      if (key == "version") {
        if (!value.is_number_integer() || value.get<long long>() != 1) {
          error("/version", "spec-invalid-value", fmt::format("version {} is not supported, expected 1", value.dump()));
        }
      } else if (key != "description" && key != "assertions") {
        error(std::string("/").append(escape_token(key)), "spec-unknown-key",
              fmt::format("unknown key '{}'; expected version, description, assertions", key));
      } else if (key == "description" && !value.is_string()) {
        error("/description", "spec-shape", fmt::format("'description' is {}, expected a string", type_name(value)));
      }
    }
    auto it = root.find("assertions");
    if (it == root.end()) {
      error("", "spec-missing-key", "the spec has no 'assertions'");
    } else if (!it->is_array()) {
      error("/assertions", "spec-shape", fmt::format("'assertions' is {}, expected an array", type_name(*it)));
    } else if (it->empty()) {
      error("/assertions", "spec-invalid-value", "'assertions' is empty, expected at least one assertion");
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string at = fmt::format("/assertions/{}", i);
        if (auto a = assertion((*it)[i], at)) {
          if (!names.insert(lower(a->name)).second) {
            error(at + "/name", "spec-invalid-value", fmt::format("duplicate assertion name '{}'", a->name));
          }
          spec.assertions.push_back(std::move(*a));
        }
      }
    }
    if (errors_ > 0) return std::nullopt;
    return spec;
  }

 private:
  const importers::Document& doc_;
  model::Diagnostics& diags_;
  const std::vector<solver::RecommendationInfo>& catalog_;
  int errors_{0};

  void error(const std::string& pointer, const char* code, std::string message) {
    ++errors_;
    diags_.error(code, doc_.at(pointer), std::move(message));
  }

  /// A string field; reports and returns nullopt when of another type or empty.
  std::optional<std::string> string_of(const json& v, const std::string& at, std::string_view key) {
    if (!v.is_string()) {
      error(at, "spec-shape", fmt::format("'{}' is {}, expected a string", key, type_name(v)));
      return std::nullopt;
    }
    auto s = v.get<std::string>();
    if (s.empty()) {
      error(at, "spec-invalid-value", fmt::format("'{}' is empty", key));
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> bool_of(const json& v, const std::string& at, std::string_view key) {
    if (!v.is_boolean()) {
      error(at, "spec-shape", fmt::format("'{}' is {}, expected true or false", key, type_name(v)));
      return std::nullopt;
    }
    return v.get<bool>();
  }

  /// A string or a non-empty array of them, each with its pointer.
  std::vector<std::pair<std::string, std::string>> strings_of(const json& v, const std::string& at,
                                                              std::string_view key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (v.is_array()) {
      if (v.empty()) error(at, "spec-invalid-value", fmt::format("'{}' is an empty list", key));
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = fmt::format("{}/{}", at, i);
        if (auto s = string_of(v[i], p, key)) out.emplace_back(*s, p);
      }
    } else if (auto s = string_of(v, at, key)) {
      out.emplace_back(*s, at);
    }
    return out;
  }

  std::optional<model::PortSet> ports_of(const json& v, const std::string& at, std::string_view key) {
    const json items = v.is_array() ? v : json::array({v});
    if (items.empty()) {
      error(at, "spec-invalid-value", fmt::format("'{}' is an empty list", key));
      return std::nullopt;
    }
    model::PortSet ports;
    bool ok = true;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string p = v.is_array() ? fmt::format("{}/{}", at, i) : at;
      const json& item = items[i];
      if (item.is_number_integer()) {
        const auto n = item.get<long long>();
        if (n < 0 || n > 65535) {
          error(p, "spec-invalid-value", fmt::format("port {} not in 0..65535", n));
          ok = false;
          continue;
        }
        ports.add(static_cast<std::uint16_t>(n), static_cast<std::uint16_t>(n));
      } else if (item.is_string()) {
        const auto text = item.get<std::string>();
        if (text == "*") {
          ports = model::PortSet::all();
          continue;
        }
        auto r = model::parse_port_range(text);
        if (!r) {
          error(p, "spec-invalid-value",
                fmt::format("'{}' is not a port or port range, expected e.g. 443 or '8000-8080'", text));
          ok = false;
          continue;
        }
        ports.add(r->lo, r->hi);
      } else {
        error(p, "spec-shape",
              fmt::format("port is {}, expected an integer or a string such as '8000-8080'", type_name(item)));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return ports;
  }

  std::optional<model::Protocol> protocol_of(const std::string& text, const std::string& at) {
    const std::string t = lower(text);
    for (int p = 0; p < model::kProtocolCount; ++p) {
      if (t == model::to_string(static_cast<model::Protocol>(p))) return static_cast<model::Protocol>(p);
    }
    error(at, "spec-invalid-value",
          fmt::format("unknown protocol '{}'; expected tcp, udp, icmp, esp, ah or '*'", text));
    return std::nullopt;
  }

  std::optional<model::ProtocolMask> protocols_of(const json& v, const std::string& at, std::string_view key) {
    model::ProtocolMask mask = 0;
    bool ok = true;
    for (const auto& [text, p] : strings_of(v, at, key)) {
      if (text == "*" || lower(text) == "any") {
        mask = model::kAllProtocols;
      } else if (auto proto = protocol_of(text, p)) {
        mask |= model::bit(*proto);
      } else {
        ok = false;
      }
    }
    if (!ok || mask == 0) return std::nullopt;
    return mask;
  }

  std::optional<model::IpSet> sources_of(const json& v, const std::string& at) {
    model::IpSet set;
    bool ok = true;
    auto items = strings_of(v, at, "sources");
    if (items.empty()) return std::nullopt;
    for (const auto& [text, p] : items) {
      if (text == "*") {
        set = model::all_v4().unite(model::all_v6());
        continue;
      }
      auto prefix = model::IpPrefix::parse(text);
      if (!prefix) {
        error(p, "spec-invalid-value", fmt::format("'{}' is not an IP address or CIDR prefix", text));
        ok = false;
        continue;
      }
      set = set.unite(model::to_set(*prefix));
    }
    if (!ok) return std::nullopt;
    return set;
  }

  std::vector<solver::Via> vias_of(const json& v, const std::string& at, std::string_view key) {
    std::vector<solver::Via> out;
    constexpr int kVias = static_cast<int>(solver::Via::kAppliance) + 1;
    for (const auto& [text, p] : strings_of(v, at, key)) {
      bool found = false;
      for (int i = 0; i < kVias; ++i) {
        const auto via = static_cast<solver::Via>(i);
        if (lower(text) == solver::to_string(via)) {
          out.push_back(via);
          found = true;
        }
      }
      if (!found) {
        std::vector<std::string_view> names;
        for (int i = 0; i < kVias; ++i) names.emplace_back(solver::to_string(static_cast<solver::Via>(i)));
        error(p, "spec-invalid-value", fmt::format("unknown via '{}'; expected one of {}", text, joined(names)));
      }
    }
    return out;
  }

  void selector(const json& v, const std::string& at, bool subnets, bool any_kind, Selector& s,
                std::string_view name = "select") {
    s.given = true;
    if (!v.is_object()) {
      error(at, "spec-shape", fmt::format("'{}' is {}, expected an object", name, type_name(v)));
      return;
    }
    if (v.empty()) {
      error(at, "spec-invalid-value", fmt::format("'{}' is empty; leave it out to select everything", name));
      return;
    }
    for (const auto& [key, value] : v.items()) {
      const std::string p = at + "/" + escape_token(key);
      const bool target_only = key == "tag" || key == "subnet" || key == "type";
      if (subnets && target_only) {
        error(p, "spec-unknown-key",
              fmt::format("selector key '{}' does not apply to subnets; expected name, id, vnet", key));
        continue;
      }
      if (key == "tag") {
        for (const auto& [text, tp] : strings_of(value, p, key)) {
          const auto eq = text.find('=');
          TagMatch t{text.substr(0, eq), std::nullopt};
          if (eq != std::string::npos) t.value = text.substr(eq + 1);
          if (t.key.empty()) {
            error(tp, "spec-invalid-value",
                  fmt::format("tag selector '{}' has no key, expected 'key' or 'key=value'", text));
            continue;
          }
          s.tags.push_back(std::move(t));
        }
      } else if (key == "type") {
        for (const auto& [text, tp] : strings_of(value, p, key)) {
          const auto& types = any_kind ? resource_types() : target_types();
          if (std::find(types.begin(), types.end(), lower(text)) == types.end()) {
            error(tp, "spec-invalid-value",
                  fmt::format("unknown resource type '{}'; expected one of {}", text, joined(types)));
            continue;
          }
          s.types.push_back(lower(text));
        }
      } else if (key == "name" || key == "id" || key == "subnet" || key == "vnet") {
        auto& list = key == "name" ? s.names : key == "id" ? s.ids : key == "subnet" ? s.subnets : s.vnets;
        for (auto& [text, tp] : strings_of(value, p, key)) list.push_back(std::move(text));
      } else {
        error(p, "spec-unknown-key",
              fmt::format("unknown selector key '{}'; expected {}", key,
                          subnets ? "name, id, vnet" : "name, id, tag, subnet, vnet, type"));
      }
    }
  }

  std::optional<Assertion> assertion(const json& v, const std::string& at) {
    const int errors_before = errors_;
    if (!v.is_object()) {
      error(at, "spec-shape", fmt::format("assertion is {}, expected an object", type_name(v)));
      return std::nullopt;
    }
    Assertion a;
    a.where = doc_.at(at);
    auto kind_it = v.find("kind");
    if (kind_it == v.end()) {
      error(at, "spec-missing-key", "assertion has no 'kind'");
      return std::nullopt;
    }
    auto kind = string_of(*kind_it, at + "/kind", "kind");
    if (!kind) return std::nullopt;
    const auto k = assertion_kind(*kind);
    if (!k) {
      error(at + "/kind", "spec-unknown-kind",
            fmt::format("unknown assertion kind '{}'; expected one of {}", *kind, joined(assertion_kind_names())));
      return std::nullopt;
    }
    a.kind = *k;
    if (auto name_it = v.find("name"); name_it == v.end()) {
      error(at, "spec-missing-key", "assertion has no 'name'");
    } else if (auto name = string_of(*name_it, at + "/name", "name")) {
      a.name = *name;
    }
    const auto allowed = keys_of(a.kind);
    if (a.kind == AssertionKind::kNoManagementPorts) {
      a.filter.ports = default_management_ports();
      a.filter.protocols = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);
      a.vias = {solver::Via::kBastion};
    }
    bool default_exempt = true;
    for (const auto& [key, value] : v.items()) {
      const std::string p = at + "/" + escape_token(key);
      if (key == "name" || key == "kind") continue;
      if (key == "description") {
        if (auto d = string_of(value, p, key)) a.description = *d;
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        error(p, "spec-unknown-key",
              fmt::format("unknown key '{}' for a {} assertion; expected {}", key, *kind,
                          joined(std::vector<std::string_view>{allowed.begin(), allowed.end()})));
        continue;
      }
      if (key == "select") {
        selector(value, p, a.kind == AssertionKind::kEverySubnetHasNsg, a.kind == AssertionKind::kRecommendation,
                 a.select);
      } else if (key == "protocols") {
        a.filter.protocols = protocols_of(value, p, key);
      } else if (key == "ports") {
        a.filter.ports = ports_of(value, p, key);
      } else if (key == "entry-ports") {
        a.filter.entry_ports = ports_of(value, p, key);
      } else if (key == "sources") {
        a.filter.sources = sources_of(value, p);
      } else if (key == "via" || key == "allowed-via") {
        a.vias = vias_of(value, p, key);
      } else if (key == "required") {
        a.required = bool_of(value, p, key).value_or(false);
      } else if (key == "allow-jit") {
        a.allow_jit = bool_of(value, p, key).value_or(false);
      } else if (key == "max") {
        if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 1'000'000'000) {
          error(p, "spec-invalid-value", fmt::format("'max' is {}, expected an integer >= 0", value.dump()));
        } else {
          a.max = static_cast<int>(value.get<long long>());
        }
      } else if (key == "exempt") {
        for (auto& [text, tp] : strings_of(value, p, key)) a.exempt.push_back(std::move(text));
      } else if (key == "default-exempt") {
        default_exempt = bool_of(value, p, key).value_or(true);
      } else if ((key == "from" || key == "to") && a.kind == AssertionKind::kReach) {
        selector(value, p, false, true, key == "from" ? a.from : a.to, key);
      } else if (key == "never") {
        a.never = bool_of(value, p, key).value_or(false);
      } else if (key == "by") {
        if (auto s = string_of(value, p, key)) {
          if (lower(*s) == "subnet") {
            a.group_by = GroupBy::kSubnet;
          } else if (lower(*s) == "vnet") {
            a.group_by = GroupBy::kVirtualNetwork;
          } else {
            error(p, "spec-invalid-value", fmt::format("'by' is '{}', expected subnet or vnet", *s));
          }
        }
      } else if (key == "within-group") {
        if (auto s = string_of(value, p, key)) {
          if (lower(*s) == "allowed" || lower(*s) == "judged") {
            a.judge_within = lower(*s) == "judged";
          } else {
            error(p, "spec-invalid-value", fmt::format("'within-group' is '{}', expected allowed or judged", *s));
          }
        }
      } else if (key == "allow") {
        allowed_pairs(value, p, a.allow);
      } else if (key == "paas") {
        a.paas = bool_of(value, p, key).value_or(false);
      } else if (key == "from") {
        if (auto s = string_of(value, p, key)) {
          if (auto ip = model::IpAddress::parse(*s)) {
            a.flow.source = *ip;
          } else {
            error(p, "spec-invalid-value", fmt::format("'from' is '{}', expected an IP address", *s));
          }
        }
      } else if (key == "to") {
        if (auto s = string_of(value, p, key)) a.flow.target = *s;
      } else if (key == "backend") {
        if (auto s = string_of(value, p, key)) a.flow.backend = *s;
      } else if (key == "admin-rule") {
        if (auto s = string_of(value, p, key)) a.admin_rule = *s;
      } else if (key == "protocol") {
        if (auto s = string_of(value, p, key)) {
          if (auto proto = protocol_of(*s, p)) a.flow.protocol = *proto;
        }
      } else if (key == "port" || key == "source-port") {
        if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 65535) {
          error(p, "spec-invalid-value",
                fmt::format("'{}' is {}, expected a port number in 0..65535", key, value.dump()));
        } else {
          (key == "port" ? a.flow.destination_port : a.flow.source_port) =
              static_cast<std::uint16_t>(value.get<long long>());
        }
      } else if (key == "ids") {
        for (auto& [text, tp] : strings_of(value, p, key)) {
          // A structured binding is captured through a reference: clang before 16 (the fuzz build) cannot capture it.
          const std::string& pattern = text;
          const bool any =
              std::any_of(catalog_.begin(), catalog_.end(), [&](const auto& r) { return glob_match(pattern, r.id); });
          if (!any) {
            error(tp, "spec-invalid-value",
                  fmt::format("'{}' matches no recommendation id; expected ids such as EXP-NET-001 or globs such "
                              "as EXP-NET-*",
                              text));
            continue;
          }
          a.recommendation_ids.push_back(std::move(text));
        }
      } else if (key == "severity") {
        if (auto sev = string_of(value, p, key)) {
          const std::string t = lower(*sev);
          if (t == "high") {
            a.min_severity = solver::RecommendationSeverity::kHigh;
          } else if (t == "medium") {
            a.min_severity = solver::RecommendationSeverity::kMedium;
          } else if (t == "low") {
            a.min_severity = solver::RecommendationSeverity::kLow;
          } else {
            error(p, "spec-invalid-value", fmt::format("'severity' is '{}', expected high, medium or low", *sev));
          }
        }
      } else if (key == "status") {
        for (const auto& [text, tp] : strings_of(value, p, key)) {
          bool found = false;
          for (auto st : {solver::FindingStatus::kUnhealthy, solver::FindingStatus::kHealthy,
                          solver::FindingStatus::kNotApplicable, solver::FindingStatus::kUndecidable}) {
            if (lower(text) == solver::to_string(st)) {
              a.allowed_statuses.push_back(st);
              found = true;
            }
          }
          if (!found) {
            error(tp, "spec-invalid-value",
                  fmt::format("unknown status '{}'; expected healthy, unhealthy, not-applicable or undecidable", text));
          }
        }
      } else if (key == "management-ports") {
        if (auto ports = ports_of(value, p, key)) a.recommend_options.management_ports = *ports;
      } else if (key == "risky-ports") {
        if (auto ports = ports_of(value, p, key)) a.recommend_options.risky_ports = *ports;
      } else if (key == "expect") {
        if (auto s = string_of(value, p, key)) {
          if (*s == "allowed" || *s == "denied") {
            a.expect_allowed = *s == "allowed";
          } else {
            error(p, "spec-invalid-value", fmt::format("'expect' is '{}', expected allowed or denied", *s));
          }
        }
      }
    }
    if (a.kind == AssertionKind::kEverySubnetHasNsg && default_exempt) {
      const auto& d = default_nsg_exemptions();
      a.exempt.insert(a.exempt.begin(), d.begin(), d.end());
    }
    required_keys(v, at, a);
    if (errors_ > errors_before) return std::nullopt;
    return a;
  }

  /// A segmentation assertion's `allow`: a list of {from, to, protocols, ports}.
  void allowed_pairs(const json& v, const std::string& at, std::vector<AllowedPair>& out) {
    if (!v.is_array()) {
      error(at, "spec-shape",
            fmt::format("'allow' is {}, expected a list of {{from, to, protocols, ports}}", type_name(v)));
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = fmt::format("{}/{}", at, i);
      const json& e = v[i];
      if (!e.is_object()) {
        error(p, "spec-shape", fmt::format("allowed pair is {}, expected an object with from and to", type_name(e)));
        continue;
      }
      AllowedPair pair;
      pair.where = doc_.at(p);
      for (const auto& [key, value] : e.items()) {
        const std::string kp = p + "/" + escape_token(key);
        if (key == "from" || key == "to") {
          if (auto s = string_of(value, kp, key)) (key == "from" ? pair.from : pair.to) = *s;
        } else if (key == "protocols") {
          pair.protocols = protocols_of(value, kp, key);
        } else if (key == "ports") {
          pair.ports = ports_of(value, kp, key);
        } else {
          error(kp, "spec-unknown-key",
                fmt::format("unknown key '{}' in an allowed pair; expected from, to, protocols, ports", key));
        }
      }
      for (const char* key : {"from", "to"}) {
        if (!e.contains(key)) error(p, "spec-missing-key", fmt::format("allowed pair has no '{}'", key));
      }
      out.push_back(std::move(pair));
    }
  }

  void required_keys(const json& v, const std::string& at, const Assertion& a) {
    auto need = [&](std::string_view key) {
      if (!v.contains(std::string(key))) {
        error(at, "spec-missing-key", fmt::format("{} assertion '{}' has no '{}'", to_string(a.kind), a.name, key));
      }
    };
    switch (a.kind) {
      case AssertionKind::kMaxEntryPoints: need("max"); break;
      case AssertionKind::kFlow:
        need("from");
        need("to");
        need("expect");
        if (model::has_ports(a.flow.protocol)) need("port");
        break;
      case AssertionKind::kReach:
        need("from");
        need("to");
        if (a.never && (v.contains("protocols") || v.contains("ports"))) {
          error(at, "spec-invalid-value",
                fmt::format("reach assertion '{}' says never and also allows protocols or ports; give one", a.name));
        } else if (!a.never && !v.contains("protocols") && !v.contains("ports")) {
          error(at, "spec-missing-key",
                fmt::format("reach assertion '{}' allows everything; give protocols or ports that may pass, or "
                            "never: true",
                            a.name));
        }
        break;
      case AssertionKind::kSegmentation: need("allow"); break;
      case AssertionKind::kExposedOnly:
        if (!v.contains("protocols") && !v.contains("ports") && !v.contains("entry-ports") && !v.contains("sources") &&
            !v.contains("via")) {
          error(at, "spec-missing-key",
                fmt::format("exposed-only assertion '{}' allows everything; give at least one of protocols, ports, "
                            "entry-ports, sources, via",
                            a.name));
        }
        break;
      default: break;
    }
  }
};

}  // namespace

std::optional<Spec> parse_spec(std::string_view text, const std::string& file, model::Diagnostics& diags) {
  return parse_spec(text, file, diags, solver::recommendation_catalog());
}

std::optional<Spec> parse_spec(std::string_view text, const std::string& file, model::Diagnostics& diags,
                               const std::vector<solver::RecommendationInfo>& catalog) {
  const auto doc = importers::parse_document(text, file, diags);
  if (!doc) return std::nullopt;
  return Parser(*doc, diags, catalog).run();
}

std::optional<Spec> load_spec(const std::string& path, model::Diagnostics& diags) {
  const auto doc = importers::load_document(path, diags);
  if (!doc) return std::nullopt;
  return Parser(*doc, diags, solver::recommendation_catalog()).run();
}

}  // namespace exposim::check
