// Expansion of deployment templates into Azure resource JSON (docs/arm-templates.md).
#include "importers/arm/template.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "importers/arm/expression.h"
#include "importers/unknown_value.h"
#include "model/ascii.h"
#include "model/ip.h"
#include "model/json_pointer.h"

namespace exposim::importers::arm {
namespace {

using nlohmann::json;

using model::ascii::lower;

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return lower(text.substr(text.size() - suffix.size())) == lower(suffix);
}

/// The member of `o` named `key` (case-insensitively), or nullptr.
const json* member(const json& o, std::string_view key) { return detail::find_key(o, key); }

std::string escape_token(std::string_view t) { return model::escape_pointer_token(t); }

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string trim_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  return s;
}

/// Reads `reference(<resource>[, api][, 'Full']).ipAddress` (or `.properties.ipAddress`): the inside of the
/// first argument, as an expression, or empty.
std::string reference_ip_argument(std::string_view expr) {
  std::string text(expr);
  std::string l = lower(text);
  if (l.size() < 2 || l.front() != '[' || l.back() != ']') return "";
  l = l.substr(1, l.size() - 2);
  text = text.substr(1, text.size() - 2);
  const std::string head = "reference(";
  if (l.rfind(head, 0) != 0) return "";
  std::string tail;
  for (const char* t : {").ipaddress", ").properties.ipaddress"}) {
    if (l.size() > std::string(t).size() &&
        l.compare(l.size() - std::string(t).size(), std::string(t).size(), t) == 0) {
      tail = t;
    }
  }
  if (tail.empty()) return "";
  const std::string inside = text.substr(head.size(), text.size() - head.size() - tail.size());
  // The first top-level argument.
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    const char c = inside[i];
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) return inside.substr(0, i);
  }
  return inside;
}

constexpr std::string_view kDeferredPip = "\x01pip:";

class Expander {
 public:
  Expander(const std::string& file, const TemplateOptions& options, model::Diagnostics& diags)
      : file_(file), options_(options), diags_(diags) {}

  std::vector<ExpandedResource> run(const json& doc) {
    Context context;
    if (!options_.subscription_id.empty()) context.subscription_id = options_.subscription_id;
    if (!options_.resource_group.empty()) context.resource_group = options_.resource_group;
    if (!options_.location.empty()) context.location = options_.location;
    context.deployment_outputs = &outputs_;
    files_.push_back(file_key(file_));
    if (!prepare(doc, options_.parameters, "", context)) return {};
    Evaluator ev(context);
    if (const json* resources = member(doc, "resources")) expand_list(ev, *resources, "/resources", "", "", 0);
    finish();
    return std::move(out_);
  }

  /// The parameters, of the template and its nested and linked ones, that had no value and no default.
  const std::vector<std::string>& valueless_parameters() const { return valueless_; }

 private:
  void report(model::Severity s, const std::string& pointer, std::string code, std::string message) {
    report(s, file_, pointer, std::move(code), std::move(message));
  }
  void report(model::Severity s, const std::string& file, const std::string& pointer, std::string code,
              std::string message) {
    diags_.add({s, std::move(code), {model::FileName(file), pointer, 0, 0}, std::move(message)});
  }
  void error(const std::string& pointer, std::string code, std::string message) {
    report(model::Severity::kError, pointer, std::move(code), std::move(message));
  }
  void note(const std::string& pointer, std::string code, std::string message) {
    report(model::Severity::kNote, pointer, std::move(code), std::move(message));
  }
  void warning(const std::string& pointer, std::string code, std::string message) {
    report(model::Severity::kWarning, pointer, std::move(code), std::move(message));
  }

  /// Fills `context` with the template's parameters (given values, then defaults) and raw variables. A parameter
  /// with no value and no default takes a placeholder (valueless()); with `strict`, it is an error as before.
  bool prepare(const json& tmpl, const json& given, const std::string& ptr, Context& context) {
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
          context.unknown_parameters[lower(it.key())] =
              std::string(unknown_reason(value->get_ref<const std::string&>()));
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
                 fmt::format("the default of parameter '{}' is only known at deployment ({}): its value is unknown",
                             name, r.unknown_reason));
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

  /// A parameter with no value and no default, as ARM would prompt for it: a string takes the text `<NAME>`
  /// (so that names and ids built from it still match), `location` the placeholder region, any other type is
  /// unknown. One note says which; the name is recorded for the resource importer.
  void valueless(const std::string& at, const std::string& name, const std::string& ltype, json& values,
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

  /// A value given as a string for an `int`, `bool`, `array` or `object` parameter, converted as ARM converts
  /// it (booleans in any casing, integers with surrounding blanks); anything else as given.
  static json coerce(const json& value, const json* type) {
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

  /// Evaluates a template value. An error that only a placeholder caused (`<NAME>` has no `_` for
  /// `split(parameters('vmSize'), '_')[1]`; the placeholder region is no key of a map of regions) is not the
  /// template's: evaluated again with every parameter holding a placeholder unknown, such a value is unknown,
  /// with the parameter as the reason.
  Result evaluate(Evaluator& ev, const json& value) {
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

  /// An expression ARM would reject at deployment. Without `strict`: a warning naming the place (a note in a
  /// resource that cannot decide exposure), and the caller reads the value as unknown. With `strict`: an error,
  /// or in a resource that cannot decide exposure a warning, the resource being left out.
  static std::string code_of(const Error& e) {
    return e.code == "expression-syntax" ? "expression-syntax" : "expression-error";
  }

  void expression_error(const std::string& pointer, const Error& e) {
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

  /// The value written for a field whose expression has an error (after expression_error()).
  static json error_value(const Error& e) { return json(unknown_value("error: " + to_string(e))); }

  /// The number of iterations of a copy loop (resource or property) from its evaluated `count`: an integer in
  /// 0..800 as is; a count only known at deployment, or one ARM would reject, expands one instance with a
  /// warning (with `strict`, an error and nothing). nullopt: nothing to expand.
  std::optional<std::int64_t> copy_count(const Result& n, const std::string& at) {
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

  void expand_list(Evaluator& ev, const json& resources, const std::string& ptr, const std::string& parent_type,
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
      for (std::int64_t i = 0; i < *n; ++i) {
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
      for (auto it = resources.begin(); it != resources.end(); ++it)
        one(it.value(), ptr + "/" + escape_token(it.key()));
    } else {
      error(ptr, "invalid-type", "'resources' is not an array or object");
    }
  }

  /// A resource's `type` or `name`, evaluated.
  struct Field {
    std::optional<std::string> text;  // set when the value is a string
    std::optional<Error> error;       // an expression ARM would reject
    std::string problem;              // otherwise, why there is no text: "only known at deployment (...)"
  };
  Field string_field(Evaluator& ev, const json& f) {
    Result v = evaluate(ev, f);
    if (!v.ok()) return {std::nullopt, v.error, ""};
    if (v.unknown) return {std::nullopt, std::nullopt, fmt::format("only known at deployment ({})", v.unknown_reason)};
    if (!v.value.is_string()) return {std::nullopt, std::nullopt, fmt::format("not a string but {}", v.value.dump())};
    return {v.value.get<std::string>(), std::nullopt, ""};
  }

  void expand_one(Evaluator& ev, const json& r, const std::string& at, const std::string& parent_type,
                  const std::string& parent_name, int depth) {
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

  /// Evaluates a value; a field only known at deployment is written as unknown_value(reason) with a note, one
  /// with an expression error as unknown_value("error: ...") with a warning (with `strict`: left out, an error).
  std::optional<json> walk(Evaluator& ev, const json& v, const std::string& at, const std::string& label, int depth) {
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

  /// `"copy": [{"name": "subnets", "count": N, "input": {...}}]` inside properties: property `subnets` becomes
  /// an array of N evaluated inputs, with copyIndex('subnets').
  void property_copies(Evaluator& ev, const json& specs, const std::string& at, const std::string& label, int depth,
                       json& out) {
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

  /// Microsoft.Resources/deployments: an inline template (inner or outer scope) or a linked one (`templateLink`).
  void nested_deployment(Evaluator& ev, const json& r, const std::string& at, const std::string& name, int depth) {
    const json* props = member(r, "properties");
    const json* tmpl = props != nullptr ? member(*props, "template") : nullptr;
    const json* link = props != nullptr ? member(*props, "templateLink") : nullptr;
    if ((tmpl == nullptr || !tmpl->is_object()) && link != nullptr && link->is_object()) {
      linked_deployment(ev, r, *props, *link, at, name, depth);
      return;
    }
    if (tmpl == nullptr || !tmpl->is_object()) {
      warning(at, "unmodelled-feature",
              fmt::format("deployment '{}' has neither an inline 'template' nor a 'templateLink': nothing of it is "
                          "analysed",
                          name));
      return;
    }
    bool inner = false;
    if (const json* options = member(*props, "expressionEvaluationOptions")) {
      if (const json* scope = member(*options, "scope"); scope != nullptr && scope->is_string()) {
        inner = lower(scope->get<std::string>()) == "inner";
      }
    }
    const std::string tat = at + "/properties/template";
    Context context = deployment_context(ev, r, name);
    if (!inner) {
      // Outer scope: the nested template's expressions see the parent's parameters and variables.
      Evaluator outer(context);
      if (const json* resources = member(*tmpl, "resources"))
        expand_list(outer, *resources, tat + "/resources", "", "", depth + 1);
      record_outputs(outer, *tmpl, tat, name);
      return;
    }
    // Inner scope: its own parameters, given by the deployment's `parameters` evaluated in the parent.
    json given = inline_parameters(ev, *props, at);
    context.copy_indices.clear();
    context.variables = json::object();
    if (!prepare(*tmpl, given, tat, context)) return;
    Evaluator nested(context);
    if (const json* resources = member(*tmpl, "resources"))
      expand_list(nested, *resources, tat + "/resources", "", "", depth + 1);
    record_outputs(nested, *tmpl, tat, name);
  }

  /// The scope of a deployment's resources: the parent's, with the deployment's `resourceGroup` and
  /// `subscriptionId` when given, and its name for deployment().
  Context deployment_context(Evaluator& ev, const json& r, const std::string& name) {
    Context context = ev.context();
    context.deployment_name = name;
    if (const json* rg = member(r, "resourceGroup")) {
      Result v = ev.evaluate_json(*rg);
      if (v.known() && v.value.is_string()) context.resource_group = v.value.get<std::string>();
    }
    if (const json* sub = member(r, "subscriptionId")) {
      Result v = ev.evaluate_json(*sub);
      if (v.known() && v.value.is_string()) context.subscription_id = v.value.get<std::string>();
    }
    return context;
  }

  /// The deployment's `parameters` ({name: {value}}), evaluated in the parent.
  json inline_parameters(Evaluator& ev, const json& props, const std::string& at) {
    json given = json::object();
    if (const json* params = member(props, "parameters"); params != nullptr && params->is_object()) {
      for (auto it = params->begin(); it != params->end(); ++it) {
        const json* value = member(it.value(), "value");
        if (value == nullptr) continue;
        if (auto v = walk(ev, *value, at + "/properties/parameters/" + escape_token(it.key()) + "/value",
                          "a nested deployment", 0)) {
          given[it.key()] = std::move(*v);
        }
      }
    }
    return given;
  }

  /// The outputs of a deployment, for `reference(<deployment>).outputs.<name>.value` in what follows it.
  /// Recorded only when every output is known (otherwise such references stay unknown, with a warning where
  /// they are used).
  void record_outputs(Evaluator& ev, const json& tmpl, const std::string& tat, const std::string& name) {
    json values = json::object();
    if (const json* outputs = member(tmpl, "outputs"); outputs != nullptr && outputs->is_object()) {
      for (auto it = outputs->begin(); it != outputs->end(); ++it) {
        const json* value = member(it.value(), "value");
        if (value == nullptr || member(it.value(), "copy") != nullptr) return;
        Result v = ev.evaluate_json(*value);
        if (!v.ok()) {
          warning(tat + "/outputs/" + escape_token(it.key()) + "/value", code_of(*v.error),
                  fmt::format("output '{}' of deployment '{}' cannot be evaluated ({}): references to it are unknown",
                              it.key(), name, to_string(*v.error)));
          return;
        }
        if (v.unknown) return;
        json entry = json::object();
        if (const json* type = member(it.value(), "type")) entry["type"] = *type;
        entry["value"] = std::move(v.value);
        values[it.key()] = std::move(entry);
      }
    }
    outputs_[lower(name)] = json{{"outputs", std::move(values)}};
  }

  /// A key that identifies a file however it is spelled (for cycles between linked templates).
  static std::string file_key(const std::string& path) {
    std::error_code ec;
    auto p = std::filesystem::weakly_canonical(std::filesystem::path(path), ec);
    if (ec) p = std::filesystem::absolute(std::filesystem::path(path), ec).lexically_normal();
    return p.string();
  }

  /// Where a link points on disk: `relativePath` resolved against the directory of the template holding the
  /// link (as Azure resolves it against the parent's URI); a `uri` under the placeholder templateLink URI
  /// (`_artifactsLocation` defaulting to deployment().properties.templateLink.uri means "next to this
  /// template"); any other `uri` (or one whose file is not next to the template) looked up in the template
  /// directories (from_template_dirs()). nullopt, with a warning naming the deployment and the link, when there
  /// is no file to read.
  std::optional<std::string> link_path(Evaluator& ev, const json& link, const std::string& lat, const std::string& name,
                                       std::string_view what) {
    auto text = [&](std::string_view key) -> std::optional<std::pair<std::string, Result>> {
      const json* f = member(link, key);
      if (f == nullptr) return std::nullopt;
      return std::make_pair(lat + "/" + std::string(key), ev.evaluate_json(*f));
    };
    const std::string hidden = "its resources are not analysed, so exposure they create is not reported";
    const std::string hint = options_.template_dirs.empty() ? " (--template-dir DIR points links at local files)" : "";
    if (auto id = text("id")) {
      const Result& v = id->second;
      warning(id->first, "linked-template-skipped",
              fmt::format("deployment '{}' deploys the template spec '{}': template specs are not read; {}", name,
                          v.known() && v.value.is_string() ? v.value.get<std::string>() : "(only known at deployment)",
                          hidden));
      return std::nullopt;
    }
    std::string relative;
    std::string at;
    std::string uri_text;  // a known `uri`, for the template directories
    if (auto rel = text("relativePath")) {
      at = rel->first;
      Result& v = rel->second;
      if (!v.ok()) {
        expression_error(at, *v.error);
        if (!options_.strict) warning(at, "linked-template-skipped", fmt::format("deployment '{}': {}", name, hidden));
        return std::nullopt;
      }
      if (v.unknown || !v.value.is_string()) {
        warning(
            at, "linked-template-skipped",
            fmt::format("deployment '{}': the {} path is {}; {}", name, what,
                        v.unknown ? "only known at deployment (" + v.unknown_reason + ")" : "not a string", hidden));
        return std::nullopt;
      }
      relative = v.value.get<std::string>();
    } else if (auto uri = text("uri")) {
      at = uri->first;
      Result& v = uri->second;
      if (!v.ok()) {
        expression_error(at, *v.error);
        if (!options_.strict) warning(at, "linked-template-skipped", fmt::format("deployment '{}': {}", name, hidden));
        return std::nullopt;
      }
      const bool known = v.known() && v.value.is_string();
      const std::string shown =
          known ? v.value.get<std::string>() : "(only known at deployment: " + v.unknown_reason + ")";
      const std::string base(kPlaceholderTemplateUri.substr(0, kPlaceholderTemplateUri.rfind('/') + 1));
      if (known && shown.rfind(base, 0) == 0) {
        relative = shown.substr(base.size());
        relative = relative.substr(0, relative.find_first_of("?#"));  // a SAS token or fragment
        uri_text = shown;
      } else if (auto local = known ? from_template_dirs(shown) : std::nullopt) {
        return local;
      } else {
        warning(at, "linked-template-skipped",
                fmt::format("deployment '{}' links its {} by URI '{}': exposim does not fetch URIs{}{}; {}", name, what,
                            shown, options_.template_dirs.empty() || !known ? "" : " and no --template-dir holds it",
                            known ? hint : "", hidden));
        return std::nullopt;
      }
    } else {
      warning(lat, "linked-template-skipped",
              fmt::format("deployment '{}': the {} link has no 'relativePath', 'uri' or 'id'; {}", name, what, hidden));
      return std::nullopt;
    }
    if (relative.empty() || std::filesystem::path(relative).is_absolute() ||
        relative.find("://") != std::string::npos) {
      const std::string message =
          fmt::format("deployment '{}': '{}' is not a relative path to a {}", name, relative, what);
      if (options_.strict) {
        error(at, "invalid-value", message);
      } else {
        warning(at, "linked-template-skipped", fmt::format("{}; {}", message, hidden));
      }
      return std::nullopt;
    }
    const std::string path =
        (std::filesystem::path(file_).parent_path() / std::filesystem::path(relative)).lexically_normal().string();
    std::error_code ec;
    if (options_.strict || !options_.read_file || std::filesystem::exists(path, ec)) return path;
    // Not next to the template: the template directories, else a warning (ARM would fetch it from where the
    // template was deployed from; the user did not supply it).
    if (auto local = from_template_dirs(uri_text.empty() ? relative : uri_text)) return local;
    warning(at, "linked-template-skipped",
            fmt::format("deployment '{}' links its {} '{}', which is not in the input (no file '{}'){}; {}", name, what,
                        relative, path, hint, hidden));
    return std::nullopt;
  }

  /// A file for a linked `uri` in one of the template directories: the longest trailing part of the URI's path
  /// that names a file there (`nested/vnet.json`, as the quickstart folders lay them out, then `vnet.json`).
  /// The file must lie inside the directory once symbolic links are resolved; a part with a `.` or `..`
  /// segment is never used.
  std::optional<std::string> from_template_dirs(const std::string& uri) const {
    if (options_.template_dirs.empty()) return std::nullopt;
    std::string path = uri.substr(0, uri.find_first_of("?#"));
    if (const auto scheme = path.find("://"); scheme != std::string::npos) {
      const auto slash = path.find('/', scheme + 3);
      path = slash == std::string::npos ? "" : path.substr(slash);
    }
    std::vector<std::string> segments;
    for (auto& seg : split(path, '/')) {
      if (!seg.empty()) segments.push_back(std::move(seg));
    }
    // The trailing parts of the path, longest first (at most 8 segments): nested/microsoft.network/vnet.json,
    // microsoft.network/vnet.json, vnet.json.
    std::vector<std::filesystem::path> candidates;
    auto plain = [](const std::string& seg) {
      return seg != "." && seg != ".." && seg.find('\\') == std::string::npos;
    };
    const std::size_t n = segments.size();
    for (std::size_t k = std::min<std::size_t>(n, 8); k >= 1; --k) {
      std::filesystem::path candidate;
      bool ok = true;
      for (std::size_t j = n - k; j < n; ++j) {
        ok = ok && plain(segments[j]);
        candidate /= segments[j];
      }
      if (ok) candidates.push_back(std::move(candidate));
    }
    for (const auto& dir : options_.template_dirs) {
      std::error_code ec;
      const auto root = std::filesystem::canonical(dir, ec);
      if (ec) continue;
      for (const auto& candidate : candidates) {
        const auto real = std::filesystem::canonical(root / candidate, ec);
        if (ec || !std::filesystem::is_regular_file(real, ec)) continue;
        const auto [r, _] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
        if (r != root.end()) continue;  // a symbolic link out of the directory
        return (std::filesystem::path(dir) / candidate).lexically_normal().string();
      }
    }
    return std::nullopt;
  }

  /// Reads and parses a linked file once (a copy loop may link it many times); nullopt when it cannot be read
  /// or parsed (reported once).
  std::optional<json> load_linked(const std::string& path, const std::string& at, const std::string& name) {
    if (!options_.read_file) {
      warning(at, "linked-template-skipped",
              fmt::format("deployment '{}' links '{}': linked files are not read here; its resources are not "
                          "analysed, so exposure they create is not reported",
                          name, path));
      return std::nullopt;
    }
    auto [it, fresh] = linked_files_.try_emplace(path);
    if (fresh) {
      if (auto text = options_.read_file(path)) it->second = parse_arm_json(*text, path, diags_);
    }
    return it->second;
  }

  /// A deployment of a linked template: read from disk (relativePath), expanded with its own parameters
  /// (inline `parameters`, or a `parametersLink` file), in its own file's diagnostics.
  void linked_deployment(Evaluator& ev, const json& r, const json& props, const json& link, const std::string& at,
                         const std::string& name, int depth) {
    const std::string lat = at + "/properties/templateLink";
    auto path = link_path(ev, link, lat, name, "template");
    if (!path) return;
    if (linked_depth_ >= kMaxLinkedDepth) {
      error(lat, "limit-exceeded", fmt::format("linked templates nested deeper than {}", kMaxLinkedDepth));
      return;
    }
    const std::string key = file_key(*path);
    if (std::find(files_.begin(), files_.end(), key) != files_.end()) {
      error(lat, "linked-template-cycle",
            fmt::format("deployment '{}' links '{}', which is already being expanded (a cycle of linked templates)",
                        name, *path));
      return;
    }
    json given = inline_parameters(ev, props, at);
    if (const json* plink = member(props, "parametersLink"); plink != nullptr && plink->is_object()) {
      auto ppath = link_path(ev, *plink, at + "/properties/parametersLink", name, "parameter file");
      if (!ppath) return;
      auto pdoc = load_linked(*ppath, at + "/properties/parametersLink", name);
      if (!pdoc) return;
      if (!is_parameters_file(*pdoc)) {
        report(model::Severity::kError, *ppath, "/$schema", "unexpected-shape",
               "not a parameter file: '$schema' does not end in 'deploymentParameters.json'");
        return;
      }
      const json values = parameter_values(*pdoc);
      for (auto it = values.begin(); it != values.end(); ++it) given[it.key()] = it.value();
    }
    auto doc = load_linked(*path, lat, name);
    if (!doc) return;
    if (!is_deployment_template(*doc)) {
      report(model::Severity::kError, *path, "/$schema", "unexpected-shape",
             "not a deployment template: '$schema' does not end in 'deploymentTemplate.json'");
      return;
    }
    Context context = deployment_context(ev, r, name);
    context.copy_indices.clear();
    context.variables = json::object();
    const std::string saved = file_;
    file_ = *path;
    files_.push_back(key);
    ++linked_depth_;
    if (prepare(*doc, given, "", context)) {
      Evaluator linked(context);
      if (const json* resources = member(*doc, "resources"))
        expand_list(linked, *resources, "/resources", "", "", depth + 1);
      record_outputs(linked, *doc, "", name);
    }
    --linked_depth_;
    files_.pop_back();
    file_ = saved;
  }

  /// Deployment-time values: public IP addresses referenced by DNAT rules, and placeholder addresses.
  void finish() {
    // Public IPs without an address get a stable placeholder from 240.0.0.0/4 (reserved: never a real
    // address), in declaration order, so that rules naming `reference(pip).ipAddress` match them.
    std::map<std::string, std::string> pip_address;  // canonical id -> address
    std::uint32_t next = 0;
    for (auto& e : out_) {
      if (lower(e.resource["type"].get<std::string>()) != "microsoft.network/publicipaddresses") continue;
      json& props = e.resource["properties"];
      if (!props.is_object()) props = json::object();
      const json* version = member(props, "publicIPAddressVersion");
      if (version != nullptr && version->is_string() && lower(version->get<std::string>()) == "ipv6") continue;
      if (const json* a = member(props, "ipAddress"); a != nullptr && a->is_string()) {
        pip_address[lower(e.resource["id"].get<std::string>())] = a->get<std::string>();
        continue;
      }
      ++next;
      const std::string a = fmt::format("240.{}.{}.{}", (next >> 16) & 0xff, (next >> 8) & 0xff, next & 0xff);
      props["ipAddress"] = a;
      pip_address[lower(e.resource["id"].get<std::string>())] = a;
      placeholders_ = true;
    }
    if (placeholders_) {
      warning("", "placeholder-address",
              "public IPs without an address get placeholders from 240.0.0.0/4 in declaration order (Azure assigns "
              "the real ones at deployment)");
    }
    assign_private_ips();
    // Deferred `reference(pip).ipAddress` values: the public IP's address (by id, or by name).
    std::function<void(json&, const std::string&)> resolve = [&](json& v, const std::string& at) {
      if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        if (s.rfind(std::string(kDeferredPip), 0) != 0) return;
        const std::string target = lower(s.substr(kDeferredPip.size()));
        std::string found;
        for (const auto& [id, address] : pip_address) {
          if (id == target || (target.find('/') == std::string::npos && ends_with_ci(id, "/" + target)))
            found = address;
        }
        if (found.empty()) {
          warning(at, "unresolved-expression",
                  fmt::format("reference('{}').ipAddress names no public IP of the template: left as the whole "
                              "internet-facing address space is unknown",
                              s.substr(kDeferredPip.size())));
          v = "*";
        } else {
          v = found;
        }
        return;
      }
      if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) resolve(v[i], at + "/" + std::to_string(i));
      } else if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) resolve(it.value(), at + "/" + escape_token(it.key()));
      }
    };
    const std::string saved = file_;
    for (auto& e : out_) {
      file_ = e.file;
      resolve(e.resource, e.pointer);
    }
    file_ = saved;
  }

  /// Dynamic private IPs: Azure hands out a subnet's addresses from its fourth (.4) in the order it creates
  /// the NICs; exposim takes declaration order (so a DNAT rule or route naming 10.0.1.4 finds the first NIC
  /// of the subnet), skipping static addresses. An IPv6 ip configuration (`privateIPAddressVersion` IPv6) takes
  /// its address from the subnet's IPv6 prefix in the same way, never from the IPv4 one; a subnet without a
  /// prefix of the configuration's family gives none. Deploy-order dependent, hence a warning.
  void assign_private_ips() {
    struct Prefixes {
      std::optional<model::IpPrefix> v4, v6;
    };
    std::map<std::string, Prefixes> subnets;  // canonical subnet id -> its first prefix of each family
    auto add_subnet = [&](const std::string& id, const json& props) {
      std::vector<const json*> given;
      if (const json* p = member(props, "addressPrefix")) given.push_back(p);
      if (const json* list = member(props, "addressPrefixes"); list != nullptr && list->is_array()) {
        for (const auto& p : *list) given.push_back(&p);
      }
      Prefixes& out = subnets[lower(id)];
      for (const json* p : given) {
        if (!p->is_string()) continue;
        const auto prefix = model::IpPrefix::parse(p->get<std::string>());
        if (!prefix) continue;
        auto& slot = prefix->family() == model::IpFamily::kV4 ? out.v4 : out.v6;
        if (!slot) slot = *prefix;
      }
    };
    std::set<model::U128> used;
    std::vector<json*> dynamic;
    for (auto& e : out_) {
      const std::string type = lower(e.resource["type"].get<std::string>());
      const std::string id = e.resource["id"].get<std::string>();
      json* props = e.resource.contains("properties") ? &e.resource["properties"] : nullptr;
      if (props == nullptr || !props->is_object()) continue;
      if (type == "microsoft.network/virtualnetworks") {
        if (const json* list = member(*props, "subnets"); list != nullptr && list->is_array()) {
          for (const auto& sn : *list) {
            const json* name = member(sn, "name");
            const json* sp = member(sn, "properties");
            if (name != nullptr && name->is_string() && sp != nullptr)
              add_subnet(id + "/subnets/" + name->get<std::string>(), *sp);
          }
        }
      } else if (type == "microsoft.network/virtualnetworks/subnets") {
        add_subnet(id, *props);
      } else if (type == "microsoft.network/networkinterfaces") {
        json* configs = nullptr;
        for (auto it = props->begin(); it != props->end(); ++it) {
          if (lower(it.key()) == "ipconfigurations") configs = &it.value();
        }
        if (configs == nullptr || !configs->is_array()) continue;
        for (auto& c : *configs) {
          if (!c.is_object() || !c.contains("properties") || !c["properties"].is_object()) continue;
          json& cp = c["properties"];
          if (const json* a = member(cp, "privateIPAddress"); a != nullptr && a->is_string()) {
            if (auto ip = model::IpAddress::parse(a->get<std::string>())) used.insert(ip->value);
            continue;
          }
          dynamic.push_back(&cp);
        }
      }
    }
    std::map<std::pair<std::string, bool>, model::U128> next;  // (subnet id, IPv6) -> next candidate
    bool assigned = false;
    for (json* cp : dynamic) {
      const json* subnet = member(*cp, "subnet");
      const json* sid = subnet != nullptr ? member(*subnet, "id") : nullptr;
      if (sid == nullptr || !sid->is_string()) continue;
      const std::string key = lower(trim_slashes(sid->get<std::string>()));
      auto it = subnets.find("/" + key);
      if (it == subnets.end()) it = subnets.find(key);
      if (it == subnets.end()) continue;
      const json* version = member(*cp, "privateIPAddressVersion");
      const bool v6 = version != nullptr && version->is_string() && lower(version->get<std::string>()) == "ipv6";
      const auto& prefix = v6 ? it->second.v6 : it->second.v4;
      if (!prefix) continue;
      auto [pos, fresh] = next.try_emplace({it->first, v6}, prefix->first() + 4);
      while (used.count(pos->second) != 0 && pos->second < prefix->last()) ++pos->second;
      if (pos->second >= prefix->last()) continue;  // the last address is Azure's broadcast (IPv4)
      (*cp)["privateIPAddress"] = model::IpAddress{pos->second}.to_string();
      used.insert(pos->second);
      ++pos->second;
      assigned = true;
    }
    if (assigned) {
      warning("", "placeholder-address",
              "dynamic private IPs are assigned from each subnet's fourth address (.4, or ::4 in its IPv6 prefix) in "
              "declaration order; Azure's order depends on the deployment");
    }
  }

  static constexpr int kMaxLinkedDepth = 8;
  static constexpr int kMaxRetries = 256;  // evaluate(): errors evaluated again with placeholders unknown
  int retries_{0};
  std::string file_;  // the template being expanded: the given one, or a linked one
  const TemplateOptions& options_;
  model::Diagnostics& diags_;
  std::vector<ExpandedResource> out_;
  bool placeholders_{false};
  json outputs_ = json::object();   // Context::deployment_outputs
  std::vector<std::string> files_;  // file_key of the templates being expanded, outermost first
  int linked_depth_{0};
  std::map<std::string, std::optional<json>> linked_files_;  // path -> parsed linked file
  bool soft_{false};                                         // inside a resource of a type that cannot decide exposure
  int placeholder_names_{0};                                 // placeholder names handed out: <unknown-name-N>
  std::vector<std::string> valueless_;  // parameters with no value and no default, declared spelling
  std::size_t hard_errors_{0};          // expression errors met while soft_
};

/// `$schema` in any of its historic spellings (`http` or `https`, with or without the trailing `#`, any
/// casing) ends in `file` (lowercase).
bool schema_names(const json& doc, std::string_view file) {
  const json* schema = member(doc, "$schema");
  if (schema == nullptr || !schema->is_string()) return false;
  std::string s = lower(schema->get<std::string>());
  while (!s.empty() && (s.back() == '#' || std::isspace(static_cast<unsigned char>(s.back())) != 0)) s.pop_back();
  return s.size() >= file.size() && s.compare(s.size() - file.size(), file.size(), file) == 0;
}

}  // namespace

bool is_deployment_template(const nlohmann::json& doc) { return schema_names(doc, "deploymenttemplate.json"); }

bool is_parameters_file(const nlohmann::json& doc) { return schema_names(doc, "deploymentparameters.json"); }

nlohmann::json parameter_values(const nlohmann::json& doc) {
  json out = json::object();
  const json* params = member(doc, "parameters");
  if (params == nullptr || !params->is_object()) return out;
  for (auto it = params->begin(); it != params->end(); ++it) {
    if (const json* v = member(it.value(), "value")) out[it.key()] = *v;
  }
  return out;
}

std::vector<ExpandedResource> expand_template(const nlohmann::json& doc, const std::string& file,
                                              const TemplateOptions& options, model::Diagnostics& diags,
                                              std::vector<std::string>* valueless_parameters) {
  const std::size_t before = diags.size();
  Expander expander(file, options, diags);
  auto out = expander.run(doc);
  // A template that links forty deployments by URI gets one warning for them, not forty.
  diags.group_warnings("linked-template-skipped", before, "deployments of this file are not analysed either");
  if (valueless_parameters != nullptr) {
    for (const auto& name : expander.valueless_parameters()) {
      if (std::find(valueless_parameters->begin(), valueless_parameters->end(), name) == valueless_parameters->end()) {
        valueless_parameters->push_back(name);
      }
    }
  }
  return out;
}

}  // namespace exposim::importers::arm
