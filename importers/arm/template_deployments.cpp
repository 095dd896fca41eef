// The template expander: nested deployments (inline templates, their parameters and outputs) and linked
// deployments (local template files, their paths and depth).
#include "importers/arm/template_internal.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "importers/unknown_value.h"
#include "model/ip.h"
#include "model/json_pointer.h"

namespace exposim::importers::arm::expansion {

void Expander::nested_deployment(Evaluator& ev, const json& r, const std::string& at, const std::string& name,
                                 int depth) {
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

Context Expander::deployment_context(Evaluator& ev, const json& r, const std::string& name) {
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

json Expander::inline_parameters(Evaluator& ev, const json& props, const std::string& at) {
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

void Expander::record_outputs(Evaluator& ev, const json& tmpl, const std::string& tat, const std::string& name) {
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

std::string Expander::file_key(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::path(path), ec);
  if (ec) p = std::filesystem::absolute(std::filesystem::path(path), ec).lexically_normal();
  return p.string();
}

std::optional<std::string> Expander::link_path(Evaluator& ev, const json& link, const std::string& lat,
                                               const std::string& name, std::string_view what) {
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
      warning(at, "linked-template-skipped",
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
  if (relative.empty() || std::filesystem::path(relative).is_absolute() || relative.find("://") != std::string::npos) {
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
  if (const std::string why = outside_allowed(path); !why.empty()) {
    // Not read, whatever the mode; a warning (rule 1: a design Azure deploys is analysed), an error with --strict.
    const std::string message =
        fmt::format("deployment '{}' links its {} '{}': {}; it is not read (--allow-dir DIR allows a directory)", name,
                    what, relative, why);
    if (options_.strict) {
      error(at, "linked-template-outside", message);
    } else {
      warning(at, "linked-template-outside", fmt::format("{}; {}", message, hidden));
    }
    return std::nullopt;
  }
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

std::optional<std::string> Expander::from_template_dirs(const std::string& uri) const {
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
  auto plain = [](const std::string& seg) { return seg != "." && seg != ".." && seg.find('\\') == std::string::npos; };
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

std::string Expander::outside_allowed(const std::string& path) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(fs::path(path), ec);
  if (ec) return fmt::format("'{}' cannot be resolved ({})", path, ec.message());
  const fs::path top = fs::path(top_file_).parent_path();
  std::vector<fs::path> roots = {top.empty() ? fs::path(".") : top};
  for (const auto& d : options_.allowed_dirs) roots.emplace_back(d);
  for (const auto& d : options_.template_dirs) roots.emplace_back(d);
  std::string shown;
  for (const auto& dir : roots) {
    const fs::path root = fs::canonical(dir, ec);
    if (ec) continue;
    shown += fmt::format("{}'{}'", shown.empty() ? "" : ", ", root.string());
    const auto [r, _] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (r != root.end()) continue;
    if (fs::exists(real, ec) && !fs::is_regular_file(real, ec)) {
      return fmt::format("'{}' is not a regular file", real.string());
    }
    return "";
  }
  return fmt::format("'{}' lies outside the directories linked files may be read from ({})", real.string(), shown);
}

std::optional<json> Expander::load_linked(const std::string& path, const std::string& at, const std::string& name) {
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

void Expander::linked_deployment(Evaluator& ev, const json& r, const json& props, const json& link,
                                 const std::string& at, const std::string& name, int depth) {
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
          fmt::format("deployment '{}' links '{}', which is already being expanded (a cycle of linked templates)", name,
                      *path));
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

}  // namespace exposim::importers::arm::expansion
