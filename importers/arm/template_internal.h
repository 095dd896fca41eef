// The template expander's private parts, shared by the files that implement it: template.cpp (the run,
// deployment-time values), template_parameters.cpp (parameters, variables, evaluation and its errors),
// template_resources.cpp (resource lists, copy loops, conditions, property walks) and
// template_deployments.cpp (nested and linked deployments). Nothing outside importers/arm/ includes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "importers/arm/expression.h"
#include "importers/arm/template.h"
#include "importers/unknown_value.h"
#include "model/ascii.h"
#include "model/diagnostic.h"

namespace exposim::importers::arm::expansion {

using nlohmann::json;

using model::ascii::lower;

bool ends_with_ci(std::string_view text, std::string_view suffix);

/// The member of `o` named `key` (case-insensitively), or nullptr.
inline const json* member(const json& o, std::string_view key) { return detail::find_key(o, key); }

std::string escape_token(std::string_view t);

std::vector<std::string> split(std::string_view s, char sep);

std::string trim_slashes(std::string s);

/// Reads `reference(<resource>[, api][, 'Full']).ipAddress` (or `.properties.ipAddress`): the inside of the
/// first argument, as an expression, or empty.
std::string reference_ip_argument(std::string_view expr);

/// Prefixes a `reference(<public IP>).ipAddress` value known only by its target, resolved by finish() once every
/// public IP has its address.
constexpr std::string_view kDeferredPip = "\x01pip:";

/// Expands one deployment template (and the nested and linked ones it deploys) into resources.
class Expander {
 public:
  Expander(const std::string& file, const TemplateOptions& options, model::Diagnostics& diags)
      : file_(file), top_file_(file), options_(options), diags_(diags) {}

  std::vector<ExpandedResource> run(const json& doc);

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
  bool prepare(const json& tmpl, const json& given, const std::string& ptr, Context& context);

  /// A parameter with no value and no default, as ARM would prompt for it: a string takes the text `<NAME>`
  /// (so that names and ids built from it still match), `location` the placeholder region, any other type is
  /// unknown. One note says which; the name is recorded for the resource importer.
  void valueless(const std::string& at, const std::string& name, const std::string& ltype, json& values,
                 Context& context);

  /// A value given as a string for an `int`, `bool`, `array` or `object` parameter, converted as ARM converts
  /// it (booleans in any casing, integers with surrounding blanks); anything else as given.
  static json coerce(const json& value, const json* type);

  /// Evaluates a template value. An error that only a placeholder caused (`<NAME>` has no `_` for
  /// `split(parameters('vmSize'), '_')[1]`; the placeholder region is no key of a map of regions) is not the
  /// template's: evaluated again with every parameter holding a placeholder unknown, such a value is unknown,
  /// with the parameter as the reason.
  Result evaluate(Evaluator& ev, const json& value);

  /// An expression ARM would reject at deployment. Without `strict`: a warning naming the place (a note in a
  /// resource that cannot decide exposure), and the caller reads the value as unknown. With `strict`: an error,
  /// or in a resource that cannot decide exposure a warning, the resource being left out.
  static std::string code_of(const Error& e);

  void expression_error(const std::string& pointer, const Error& e);

  /// The value written for a field whose expression has an error (after expression_error()).
  static json error_value(const Error& e) { return json(unknown_value("error: " + to_string(e))); }

  /// The number of iterations of a copy loop (resource or property) from its evaluated `count`: an integer in
  /// 0..800 as is; a count only known at deployment, or one ARM would reject, expands one instance with a
  /// warning (with `strict`, an error and nothing). nullopt: nothing to expand.
  std::optional<std::int64_t> copy_count(const Result& n, const std::string& at);

  void expand_list(Evaluator& ev, const json& resources, const std::string& ptr, const std::string& parent_type,
                   const std::string& parent_name, int depth);

  /// A resource's `type` or `name`, evaluated.
  struct Field {
    std::optional<std::string> text;  // set when the value is a string
    std::optional<Error> error;       // an expression ARM would reject
    std::string problem;              // otherwise, why there is no text: "only known at deployment (...)"
  };
  Field string_field(Evaluator& ev, const json& f);

  void expand_one(Evaluator& ev, const json& r, const std::string& at, const std::string& parent_type,
                  const std::string& parent_name, int depth);

  /// Evaluates a value; a field only known at deployment is written as unknown_value(reason) with a note, one
  /// with an expression error as unknown_value("error: ...") with a warning (with `strict`: left out, an error).
  std::optional<json> walk(Evaluator& ev, const json& v, const std::string& at, const std::string& label, int depth);

  /// `"copy": [{"name": "subnets", "count": N, "input": {...}}]` inside properties: property `subnets` becomes
  /// an array of N evaluated inputs, with copyIndex('subnets').
  void property_copies(Evaluator& ev, const json& specs, const std::string& at, const std::string& label, int depth,
                       json& out);

  /// Microsoft.Resources/deployments: an inline template (inner or outer scope) or a linked one (`templateLink`).
  void nested_deployment(Evaluator& ev, const json& r, const std::string& at, const std::string& name, int depth);

  /// The scope of a deployment's resources: the parent's, with the deployment's `resourceGroup` and
  /// `subscriptionId` when given, and its name for deployment().
  Context deployment_context(Evaluator& ev, const json& r, const std::string& name);

  /// The deployment's `parameters` ({name: {value}}), evaluated in the parent.
  json inline_parameters(Evaluator& ev, const json& props, const std::string& at);

  /// The outputs of a deployment, for `reference(<deployment>).outputs.<name>.value` in what follows it.
  /// Recorded only when every output is known (otherwise such references stay unknown, with a warning where
  /// they are used).
  void record_outputs(Evaluator& ev, const json& tmpl, const std::string& tat, const std::string& name);

  /// A key that identifies a file however it is spelled (for cycles between linked templates).
  static std::string file_key(const std::string& path);

  /// Where a link points on disk: `relativePath` resolved against the directory of the template holding the
  /// link (as Azure resolves it against the parent's URI); a `uri` under the placeholder templateLink URI
  /// (`_artifactsLocation` defaulting to deployment().properties.templateLink.uri means "next to this
  /// template"); any other `uri` (or one whose file is not next to the template) looked up in the template
  /// directories (from_template_dirs()). nullopt, with a warning naming the deployment and the link, when there
  /// is no file to read.
  std::optional<std::string> link_path(Evaluator& ev, const json& link, const std::string& lat, const std::string& name,
                                       std::string_view what);

  /// A file for a linked `uri` in one of the template directories: the longest trailing part of the URI's path
  /// that names a file there (`nested/vnet.json`, as the quickstart folders lay them out, then `vnet.json`).
  /// The file must lie inside the directory once symbolic links are resolved; a part with a `.` or `..`
  /// segment is never used.
  std::optional<std::string> from_template_dirs(const std::string& uri) const;

  /// "" when a linked file at `path` may be read: it lies, once symbolic links are resolved, inside the directory
  /// of the template given (top_file_), an allowed directory or a template directory, and it is a regular file
  /// or does not exist. Else why not, for the error `linked-template-outside`.
  std::string outside_allowed(const std::string& path) const;

  /// Reads and parses a linked file once (a copy loop may link it many times); nullopt when it cannot be read
  /// or parsed (reported once).
  std::optional<json> load_linked(const std::string& path, const std::string& at, const std::string& name);

  /// A deployment of a linked template: read from disk (relativePath), expanded with its own parameters
  /// (inline `parameters`, or a `parametersLink` file), in its own file's diagnostics.
  void linked_deployment(Evaluator& ev, const json& r, const json& props, const json& link, const std::string& at,
                         const std::string& name, int depth);

  /// Deployment-time values: public IP addresses referenced by DNAT rules, and placeholder addresses.
  void finish();

  /// Dynamic private IPs: Azure hands out a subnet's addresses from its fourth (.4) in the order it creates
  /// the NICs; exposim takes declaration order (so a DNAT rule or route naming 10.0.1.4 finds the first NIC
  /// of the subnet), skipping static addresses. An IPv6 ip configuration (`privateIPAddressVersion` IPv6) takes
  /// its address from the subnet's IPv6 prefix in the same way, never from the IPv4 one; a subnet without a
  /// prefix of the configuration's family gives none. Deploy-order dependent, hence a warning.
  void assign_private_ips();

  static constexpr int kMaxLinkedDepth = 8;
  static constexpr int kMaxRetries = 256;  // evaluate(): errors evaluated again with placeholders unknown
  int retries_{0};
  std::size_t expanded_{0};        // resource instances evaluated (TemplateOptions::max_expanded)
  bool expansion_stopped_{false};  // past max_expanded: nothing more is expanded
  std::string file_;               // the template being expanded: the given one, or a linked one
  std::string top_file_;           // the template given: its directory is where linked files may be read from
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

}  // namespace exposim::importers::arm::expansion
