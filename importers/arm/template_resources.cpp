// The template expander: resource lists, resource and property copy loops, conditions, and the walk that
// evaluates a resource's fields.
#include "importers/arm/template_internal.h"

#include <fmt/format.h>

#include "importers/unknown_value.h"
#include "model/ip.h"
#include "model/json_pointer.h"

namespace exposim::importers::arm::expansion {

std::optional<std::int64_t> Expander::copy_count(const Result& n, const std::string& at) {
  if (!n.ok()) {
    expression_error(at, *n.error);
    if (options_.strict) return std::nullopt;
    return 1;
  }
  std::int64_t count = 0;
  json value = n.value;
  const json int_type = "int";
  if (value.is_string()) value = coerce(value, &int_type);
  const bool integer = !n.unknown && detail::as_int(value, count);
  if (integer && count >= 0 && count <= 800) return count;
  const std::string what = n.unknown ? fmt::format("only known at deployment ({})", n.unknown_reason)
                           : integer ? fmt::format("{}, not in 0..800", count)
                                     : fmt::format("{}, not an integer", n.value.dump());
  if (options_.strict) {
    error(at, "invalid-value", fmt::format("copy count is {}", what));
    return std::nullopt;
  }
  warning(at, "copy-count-unknown",
          fmt::format("copy count is {}: one instance is expanded, where Azure would deploy the real count", what));
  return 1;
}

void Expander::expand_list(Evaluator& ev, const json& resources, const std::string& ptr, const std::string& parent_type,
                           const std::string& parent_name, int depth) {
  if (depth > 8) {
    error(ptr, "limit-exceeded", "resources nested deeper than 8 levels");
    return;
  }
  auto one = [&](const json& r, const std::string& at) {
    if (!r.is_object()) {
      error(at, "invalid-type", "resource is not an object");
      return;
    }
    const json* copy = member(r, "copy");
    if (copy == nullptr) {
      expand_one(ev, r, at, parent_type, parent_name, depth);
      return;
    }
    const json* name = member(*copy, "name");
    const json* count = member(*copy, "count");
    if (name == nullptr || !name->is_string() || count == nullptr) {
      error(at + "/copy", "missing-field", "copy has no 'name' or 'count'");
      return;
    }
    const auto n = copy_count(evaluate(ev, *count), at + "/copy/count");
    if (!n) return;
    const std::string loop = name->get<std::string>();
    auto& indices = ev.context().copy_indices;
    const auto saved = indices;
    for (std::int64_t i = 0; i < *n && !expansion_stopped_; ++i) {
      indices[""] = i;
      indices[loop] = i;
      indices[lower(loop)] = i;
      expand_one(ev, r, fmt::format("{}[{}]", at, i), parent_type, parent_name, depth);
    }
    indices = saved;
  };
  if (resources.is_array()) {
    for (std::size_t i = 0; i < resources.size(); ++i) one(resources[i], ptr + "/" + std::to_string(i));
  } else if (resources.is_object()) {  // languageVersion 2.0: symbolic names
    for (auto it = resources.begin(); it != resources.end(); ++it) one(it.value(), ptr + "/" + escape_token(it.key()));
  } else {
    error(ptr, "invalid-type", "'resources' is not an array or object");
  }
}

Expander::Field Expander::string_field(Evaluator& ev, const json& f) {
  Result v = evaluate(ev, f);
  if (!v.ok()) return {std::nullopt, v.error, ""};
  if (v.unknown) return {std::nullopt, std::nullopt, fmt::format("only known at deployment ({})", v.unknown_reason)};
  if (!v.value.is_string()) return {std::nullopt, std::nullopt, fmt::format("not a string but {}", v.value.dump())};
  return {v.value.get<std::string>(), std::nullopt, ""};
}

void Expander::expand_one(Evaluator& ev, const json& r, const std::string& at, const std::string& parent_type,
                          const std::string& parent_name, int depth) {
  if (expansion_stopped_) return;
  if (++expanded_ > options_.max_expanded) {
    expansion_stopped_ = true;
    error(at, "limit-exceeded",
          fmt::format("the template expands to more than {} resource instances (copy loops, nested and linked "
                      "deployments); the expansion stops here",
                      options_.max_expanded));
    return;
  }
  // languageVersion 2.0: `"existing": true` declares a resource that already exists; it is not deployed.
  if (const json* existing = member(r, "existing");
      existing != nullptr && existing->is_boolean() && existing->get<bool>()) {
    return;
  }
  if (const json* condition = member(r, "condition")) {
    Result c = evaluate(ev, *condition);
    if (!c.ok()) {
      expression_error(at + "/condition", *c.error);
      if (options_.strict) return;
      c = Result::make_unknown("error: " + to_string(*c.error));
    }
    if (c.unknown) {
      warning(at + "/condition", "unresolved-expression",
              fmt::format("condition is only known at deployment ({}): the resource is kept", c.unknown_reason));
    } else if (!(c.value.is_boolean() ? c.value.get<bool>() : !c.value.is_null())) {
      return;
    }
  }
  const json* type_field = member(r, "type");
  const json* name_field = member(r, "name");
  for (const auto& [key, f] : {std::pair{"type", type_field}, std::pair{"name", name_field}}) {
    if (f == nullptr) {
      error(at, "missing-field", fmt::format("resource has no '{}'", key));
      return;
    }
  }
  const Field type = string_field(ev, *type_field);
  if (!type.text) {
    if (type.error && options_.strict) {
      expression_error(at + "/type", *type.error);
    } else if (type.error) {
      report(soft_ ? model::Severity::kNote : model::Severity::kWarning, at + "/type", code_of(*type.error),
             to_string(*type.error) + ": ARM would reject this at deployment; the resource is left out");
    } else if (options_.strict) {
      error(at + "/type", "invalid-value", fmt::format("'type' is {}", type.problem));
    } else {
      warning(at + "/type", "invalid-value", fmt::format("'type' is {}: the resource is left out", type.problem));
    }
    return;
  }
  std::string full_type = trim_slashes(*type.text);
  const bool child = !parent_type.empty() && full_type.find('.') == std::string::npos;
  if (child) full_type = parent_type + "/" + full_type;
  const auto types = split(full_type, '/');
  const std::string ltype = lower(full_type);
  // Errors inside a resource that cannot decide exposure are notes (with --strict: warnings, and the resource
  // is left out).
  const bool modelled = !options_.modelled_type || options_.modelled_type(ltype);
  struct Soft {
    Expander& e;
    bool saved;
    Soft(Expander& x, bool soft) : e(x), saved(x.soft_) { e.soft_ = soft; }
    ~Soft() { e.soft_ = saved; }
  } soft(*this, ltype != "microsoft.resources/deployments" && !modelled);
  const Field name = string_field(ev, *name_field);
  std::string full_name;
  if (name.text) {
    full_name = trim_slashes(*name.text);
  } else {
    if (options_.strict) {
      if (name.error) {
        expression_error(at + "/name", *name.error);
      } else {
        error(at + "/name", "invalid-value", fmt::format("'name' is {}", name.problem));
      }
      return;
    }
    // A placeholder with as many segments as the type needs, so that the resource is still analysed.
    const std::size_t segments = child || types.size() < 2 ? 1 : types.size() - 1;
    for (std::size_t k = 0; k < segments; ++k) {
      full_name += fmt::format("{}<unknown-name-{}>", k == 0 ? "" : "/", ++placeholder_names_);
    }
    report(modelled ? model::Severity::kWarning : model::Severity::kNote, at + "/name", "placeholder-name",
           fmt::format("the resource's name is {}: the placeholder '{}' is used",
                       name.error ? "an expression ARM would reject (" + to_string(*name.error) + ")" : name.problem,
                       full_name));
  }
  if (child) full_name = parent_name + "/" + full_name;
  const auto names = split(full_name, '/');
  if (types.size() < 2 || names.size() + 1 != types.size()) {
    const std::string message =
        fmt::format("resource name '{}' has {} segment{}; its type '{}' needs {}", full_name, names.size(),
                    names.size() == 1 ? "" : "s", full_type, types.size() > 1 ? types.size() - 1 : 1);
    if (options_.strict) {
      error(at + "/name", "invalid-value", message);
    } else {
      report(modelled ? model::Severity::kWarning : model::Severity::kNote, at + "/name", "invalid-value",
             message + ": ARM would reject it at deployment; the resource is left out");
    }
    return;
  }
  const std::size_t errors_before = hard_errors_;
  if (ltype == "microsoft.resources/deployments") {
    nested_deployment(ev, r, at, names.back(), depth);
    return;
  }
  if (ltype == "microsoft.resources/resourcegroups") return;  // the scope of nested deployments
  std::string id = fmt::format("/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{}", ev.context().subscription_id,
                               ev.context().resource_group, types[0], types[1], names[0]);
  for (std::size_t k = 2; k < types.size(); ++k) id += "/" + types[k] + "/" + names[k - 1];
  json res = json::object();
  res["id"] = id;
  res["name"] = names.back();
  res["type"] = full_type;
  const std::string label = fmt::format("{} '{}'", full_type, full_name);
  static const std::set<std::string> kSkipped = {"type",      "name",     "copy",     "condition", "dependson",
                                                 "resources", "comments", "metadata", "existing"};
  for (auto it = r.begin(); it != r.end(); ++it) {
    if (kSkipped.count(lower(it.key())) != 0) continue;
    std::optional<json> v = walk(ev, it.value(), at + "/" + escape_token(it.key()), label, 0);
    // `apiVersion` under that one spelling: the defaults of some resources depend on it.
    if (v) res[lower(it.key()) == "apiversion" ? std::string("apiVersion") : it.key()] = std::move(*v);
  }
  if (!member(res, "location")) res["location"] = ev.context().location;
  if (soft_ && hard_errors_ != errors_before) return;  // an unmodelled resource with a bad expression: left out
  out_.push_back(ExpandedResource{std::move(res), at, file_});
  if (const json* children = member(r, "resources")) {
    expand_list(ev, *children, at + "/resources", full_type, full_name, depth + 1);
  }
}

std::optional<json> Expander::walk(Evaluator& ev, const json& v, const std::string& at, const std::string& label,
                                   int depth) {
  if (depth > 64) {
    error(at, "limit-exceeded", "value nested deeper than 64 levels");
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    Result r = evaluate(ev, v);
    if (!r.ok()) {
      expression_error(at, *r.error);
      if (options_.strict) return std::nullopt;
      return error_value(*r.error);
    }
    if (!r.unknown) return std::move(r.value);
    const std::string arg = reference_ip_argument(s);
    if (!arg.empty()) {
      Result target = ev.evaluate_string("[" + arg + "]");
      if (target.known() && target.value.is_string()) {
        return json(std::string(kDeferredPip) + target.value.get<std::string>());
      }
    }
    // The resource importer decides whether the field matters and warns then; with --strict, as before.
    report(options_.strict ? model::Severity::kWarning : model::Severity::kNote, at, "unresolved-expression",
           fmt::format("'{}' is only known at deployment ({}): read as unknown in {}", s, r.unknown_reason, label));
    return json(unknown_value(r.unknown_reason));
  }
  if (v.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto e = walk(ev, v[i], at + "/" + std::to_string(i), label, depth + 1)) out.push_back(std::move(*e));
    }
    return out;
  }
  if (v.is_object()) {
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (lower(it.key()) == "copy" && it.value().is_array()) {
        property_copies(ev, it.value(), at + "/copy", label, depth, out);
        continue;
      }
      if (auto e = walk(ev, it.value(), at + "/" + escape_token(it.key()), label, depth + 1)) {
        out[it.key()] = std::move(*e);
      }
    }
    return out;
  }
  return v;
}

void Expander::property_copies(Evaluator& ev, const json& specs, const std::string& at, const std::string& label,
                               int depth, json& out) {
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const std::string here = at + "/" + std::to_string(k);
    const json& spec = specs[k];
    const json* name = member(spec, "name");
    const json* count = member(spec, "count");
    const json* input = member(spec, "input");
    if (name == nullptr || !name->is_string() || count == nullptr || input == nullptr) {
      error(here, "missing-field", "property copy has no 'name', 'count' or 'input'");
      continue;
    }
    const auto n = copy_count(evaluate(ev, *count), here + "/count");
    if (!n) continue;
    const std::string loop = name->get<std::string>();
    auto& indices = ev.context().copy_indices;
    const auto saved = indices;
    json items = json::array();
    for (std::int64_t i = 0; i < *n; ++i) {
      indices[loop] = i;
      indices[lower(loop)] = i;
      if (auto e = walk(ev, *input, fmt::format("{}/input[{}]", here, i), label, depth + 1)) {
        // json('null') items (a condition inside a loop) are dropped, as Azure does.
        if (!e->is_null()) items.push_back(std::move(*e));
      }
    }
    indices = saved;
    out[loop] = std::move(items);
  }
}

}  // namespace exposim::importers::arm::expansion
