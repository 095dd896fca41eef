// The template expander: a template's parameters (given values, defaults, parameters with no value) and
// variables, and the evaluation of expressions with its errors.
#include "importers/arm/template_internal.h"

#include <fmt/format.h>

#include "importers/unknown_value.h"
#include "model/ip.h"
#include "model/json_pointer.h"

namespace exposim::importers::arm::expansion {

bool Expander::prepare(const json& tmpl, const json& given, const std::string& ptr, Context& context) {
  const json* declared = member(tmpl, "parameters");
  json values = json::object();
  context.unknown_parameters.clear();  // the parameters of this template replace the parent's
  std::set<std::string> known;
  bool ok = true;
  if (declared != nullptr && declared->is_object()) {
    std::vector<std::pair<std::string, const json*>> defaults;
    for (auto it = declared->begin(); it != declared->end(); ++it) {
      known.insert(lower(it.key()));
      const std::string at = ptr + "/parameters/" + escape_token(it.key());
      const json* type = member(it.value(), "type");
      const std::string ltype = type != nullptr && type->is_string() ? lower(type->get<std::string>()) : "";
      const json* value = member(given, it.key());
      if (value != nullptr && value->is_string() && is_unknown_value(value->get_ref<const std::string&>())) {
        // A nested deployment's parameter given by a value only known at deployment.
        context.unknown_parameters[lower(it.key())] = std::string(unknown_reason(value->get_ref<const std::string&>()));
      } else if (value != nullptr) {
        values[it.key()] = coerce(*value, type);
        if (values[it.key()] != *value) {
          note(at, "coerced-parameter",
               fmt::format("parameter '{}' of type '{}' is given as the string '{}': read as {}, as ARM converts it",
                           it.key(), ltype, value->get<std::string>(), values[it.key()].dump()));
        }
      } else if (const json* d = member(it.value(), "defaultValue")) {
        defaults.emplace_back(it.key(), d);
      } else if (!options_.strict) {
        valueless(at, it.key(), ltype, values, context);
      } else if (ltype.rfind("secure", 0) == 0) {
        // Passwords and keys never decide exposure: a placeholder, with a warning.
        warning(at, "missing-parameter",
                fmt::format("secure parameter '{}' has no value: a placeholder is used (secrets do not decide "
                            "exposure)",
                            it.key()));
        values[it.key()] = ltype == "secureobject" ? json::object() : json("placeholder");
      } else {
        error(at, "missing-parameter",
              fmt::format("parameter '{}' has no value and no default: give it in a parameter file or with "
                          "--param {}=VALUE",
                          it.key(), it.key()));
        ok = false;
      }
    }
    // Defaults may use other parameters, declared before or after: evaluated lazily by the evaluator.
    json raw_defaults = json::object();
    for (const auto& [name, d] : defaults) raw_defaults[name] = *d;
    Context c = context;
    c.parameters = values;
    c.parameter_defaults = raw_defaults;
    Evaluator ev(c);
    for (const auto& [name, d] : defaults) {
      Result r = ev.parameter(name);
      const std::string at = ptr + "/parameters/" + escape_token(name) + "/defaultValue";
      if (!r.ok()) {
        expression_error(at, *r.error);
        if (options_.strict) {
          ok = false;
        } else {
          context.unknown_parameters[lower(name)] = "error: " + to_string(*r.error);
        }
      } else if (r.unknown) {
        report(options_.strict ? model::Severity::kWarning : model::Severity::kNote, at, "unresolved-expression",
               fmt::format("the default of parameter '{}' is only known at deployment ({}): its value is unknown", name,
                           r.unknown_reason));
        context.unknown_parameters[lower(name)] = r.unknown_reason;
      } else {
        values[name] = std::move(r.value);
      }
    }
  }
  if (given.is_object()) {
    for (auto it = given.begin(); it != given.end(); ++it) {
      if (known.count(lower(it.key())) == 0 && ptr.empty()) {
        warning("", "unknown-parameter",
                fmt::format("parameter '{}' is given but the template does not declare it", it.key()));
      }
    }
  }
  context.parameters = std::move(values);
  if (const json* v = member(tmpl, "variables"); v != nullptr && v->is_object()) context.variables = *v;
  return ok;
}

void Expander::valueless(const std::string& at, const std::string& name, const std::string& ltype, json& values,
                         Context& context) {
  if (std::find(valueless_.begin(), valueless_.end(), name) == valueless_.end()) valueless_.push_back(name);
  if ((ltype == "string" || ltype.empty()) && lower(name) == "location") {
    values[name] = context.location;
    note(at, "missing-parameter",
         fmt::format("parameter '{}' has no value and no default: the placeholder region '{}' is used", name,
                     context.location));
  } else if (ltype == "string" || ltype == "securestring") {
    values[name] = parameter_placeholder(name);
    note(at, "missing-parameter",
         fmt::format("parameter '{}' has no value and no default: its text is the placeholder '{}'", name,
                     parameter_placeholder(name)));
  } else {
    const std::string reason = fmt::format("parameters('{}')", name);
    context.unknown_parameters[lower(name)] = reason;
    note(at, "missing-parameter",
         fmt::format("parameter '{}' of type '{}' has no value and no default: its value is unknown ({})", name,
                     ltype.empty() ? "unspecified" : ltype, reason));
  }
}

json Expander::coerce(const json& value, const json* type) {
  if (!value.is_string() || type == nullptr || !type->is_string()) return value;
  const std::string t = lower(type->get<std::string>());
  const std::string& raw = value.get_ref<const std::string&>();
  const auto first = raw.find_first_not_of(" \t");
  const std::string s = first == std::string::npos ? "" : raw.substr(first, raw.find_last_not_of(" \t") - first + 1);
  if (t == "bool") {
    if (lower(s) == "true") return true;
    if (lower(s) == "false") return false;
    return value;
  }
  if (t == "int") {
    std::int64_t n = 0;
    const json parsed = json::parse(s, nullptr, false);
    if (!parsed.is_discarded() && detail::as_int(parsed, n)) return n;
    return value;
  }
  if (t == "array" || t == "object") {
    json parsed = json::parse(s, nullptr, false);
    if (!parsed.is_discarded() && (t == "array" ? parsed.is_array() : parsed.is_object())) return parsed;
  }
  return value;
}

Result Expander::evaluate(Evaluator& ev, const json& value) {
  Result r = ev.evaluate_json(value);
  if (r.ok() || retries_ >= kMaxRetries) return r;
  ++retries_;  // each retry evaluates afresh (no memoised variables): capped against hostile input
  Context c = ev.context();
  bool placeholders = false;
  if (c.parameters.is_object()) {
    for (auto it = c.parameters.begin(); it != c.parameters.end();) {
      // `<NAME>`, or the placeholder region where the caller gave none (`variables('map')[parameters('location')]`).
      const bool placeholder =
          it.value().is_string() &&
          (it.value().get_ref<const std::string&>() == parameter_placeholder(it.key()) ||
           (options_.location.empty() && it.value().get_ref<const std::string&>() == kPlaceholderLocation));
      if (placeholder) {
        c.unknown_parameters[lower(it.key())] = fmt::format("parameters('{}')", it.key());
        it = c.parameters.erase(it);
        placeholders = true;
      } else {
        ++it;
      }
    }
  }
  if (!placeholders) return r;
  Evaluator again(std::move(c));
  Result retry = again.evaluate_json(value);
  return retry.ok() && retry.unknown ? retry : r;
}

std::string Expander::code_of(const Error& e) {
  return e.code == "expression-syntax" ? "expression-syntax" : "expression-error";
}

void Expander::expression_error(const std::string& pointer, const Error& e) {
  const std::string code = code_of(e);
  if (!options_.strict) {
    report(soft_ ? model::Severity::kNote : model::Severity::kWarning, pointer, code,
           to_string(e) + ": ARM would reject this at deployment; the value is read as unknown");
    return;
  }
  if (soft_) {
    ++hard_errors_;  // counted so that the resource is left out, reported as a warning
    warning(pointer, code, to_string(e) + " (in a resource that cannot decide exposure: it is left out)");
    return;
  }
  error(pointer, code, to_string(e));
}

}  // namespace exposim::importers::arm::expansion
