// The ARM template expression language: "[concat(parameters('prefix'), '-vnet')]" to a JSON value.
// A lexer and parser to an AST, and an evaluator over a Context (parameters, variables, deployment scope).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ascii.h"

namespace exposim::importers::arm {

using Json = nlohmann::json;

/// Placeholders for the deployment scope when the caller does not know it (documented in docs/arm-templates.md).
inline constexpr std::string_view kPlaceholderSubscriptionId = "00000000-0000-0000-0000-000000000000";
inline constexpr std::string_view kPlaceholderTenantId = "00000000-0000-0000-0000-000000000000";
inline constexpr std::string_view kPlaceholderResourceGroup = "resource-group";
inline constexpr std::string_view kPlaceholderLocation = "location";
inline constexpr std::string_view kPlaceholderDeployment = "deployment";
inline constexpr std::string_view kPlaceholderTemplateUri = "https://template.invalid/azuredeploy.json";

/// An evaluation error. `code` is stable: expression-syntax, unknown-function, invalid-argument,
/// undefined-parameter, undefined-variable, undefined-property, circular-variable, circular-parameter,
/// division-by-zero, index-out-of-range, no-copy-loop, limit-exceeded. `offset` is the 0-based character
/// offset in `expression` (the whole template string, brackets included) of the construct at fault.
struct Error {
  std::string code;
  std::string message;  // LLVM style, naming the function: "toLower: argument 1 must be a string, got int 1"
  std::size_t offset{0};
  std::string expression;  // the template string the offset refers to (a variable's own string for its errors)
  std::string pointer;     // evaluate_json only: JSON pointer of the failing string in the value ("" = the value)
  friend bool operator==(const Error&, const Error&) = default;
};

/// An unknown value inside a JSON value (evaluate_json): where, and why (e.g. "reference('vm1')").
struct UnknownLeaf {
  std::string pointer;
  std::string reason;
  friend bool operator==(const UnknownLeaf&, const UnknownLeaf&) = default;
};

/// "offset N in '<expression>': message".
std::string to_string(const Error& e);

/// The value of an expression: a JSON value, or "unknown" (a value only Azure knows at deployment time, such
/// as `reference()` or `list*()`; `value` is null then and `unknown_reason` names the call, e.g.
/// "reference('vm1')"), or an error. Unknown propagates: a function with an unknown argument is unknown,
/// except where the result does not depend on it (`if` with a known condition, `and`/`or` decided by a known
/// argument, `coalesce` with a known non-null argument before it).
struct Result {
  Json value;
  bool unknown{false};
  std::string unknown_reason;
  std::optional<Error> error;

  bool ok() const { return !error.has_value(); }
  bool known() const { return ok() && !unknown; }
  static Result of(Json v) {
    Result r;
    r.value = std::move(v);
    return r;
  }
  static Result make_unknown(std::string reason) {
    Result r;
    r.unknown = true;
    r.unknown_reason = std::move(reason);
    return r;
  }
  static Result fail(std::string code, std::string message, std::size_t offset) {
    Result r;
    r.error = Error{std::move(code), std::move(message), offset, {}, {}};
    return r;
  }
};

/// What an expression can see. Names are matched case-insensitively.
struct Context {
  /// Parameter values given by the caller (a parameter file, the command line): name -> value, used as is.
  Json parameters = Json::object();
  /// Raw `defaultValue`s of the template's parameters: name -> value, used when `parameters` lacks the name.
  /// Evaluated lazily with memoisation (defaults may be expressions, e.g. "[resourceGroup().location]",
  /// and may refer to other parameters); a cycle is `circular-parameter`.
  Json parameter_defaults = Json::object();
  /// Parameters whose value is only known at deployment (no value and no default, of a type that has no
  /// placeholder text, or a default that is itself unknown): lowercase name -> reason. `parameters('x')` of such
  /// a parameter is unknown with that reason (e.g. "parameters('sshPort')").
  std::map<std::string, std::string> unknown_parameters;
  /// The template's `variables` section, raw: evaluated lazily with memoisation, including the
  /// `{"copy": [{"name", "count", "input"}]}` form (top level, and as a property inside a variable's object).
  Json variables = Json::object();
  std::string subscription_id{kPlaceholderSubscriptionId};
  std::string tenant_id{kPlaceholderTenantId};
  std::string resource_group{kPlaceholderResourceGroup};
  std::string location{kPlaceholderLocation};
  std::string deployment_name{kPlaceholderDeployment};
  /// Current copy-loop indices by loop name; the key "" is the unnamed loop that `copyIndex()` refers to.
  std::map<std::string, std::int64_t> copy_indices;
  /// Nested and linked deployments whose outputs are known: lowercase deployment name -> `{"outputs": {name:
  /// {"type", "value"}}}`, what `reference(<deployment>)` returns (by name or by resource id). Not owned; may
  /// grow while evaluators exist. nullptr or a name not listed: `reference()` is unknown as usual.
  const Json* deployment_outputs = nullptr;
};

/// Hard caps against hostile input.
struct Limits {
  std::size_t max_depth = 64;  // nesting of calls/brackets in one expression; variable chains
  /// Characters in one expression's template string, brackets included: 2^20, about 42 times Azure's own limit
  /// (24,576 characters), so that nothing Azure accepts is refused.
  std::size_t max_expression = std::size_t{1} << 20;
  std::size_t max_string = std::size_t{1} << 20;  // characters in any string value
  std::size_t max_elements = 100000;              // elements of any array, properties of any object
  std::size_t max_range = 10000;                  // range() count and copy count (Azure: 10000 and 800)
  std::uint64_t max_work = 10'000'000;            // total work units (nodes evaluated + value sizes) per Evaluator
};

namespace detail {
/// An expression's syntax tree. Strings, integers, function calls, `.name` property access, `[x]` indexing.
struct Node {
  enum class Kind { kString, kInt, kCall, kProperty, kIndex };
  Kind kind{Kind::kString};
  std::string text;  // string value, function name (as written), or property name
  std::int64_t number{0};
  std::vector<std::unique_ptr<Node>> children;  // call arguments; object (and index) of an access
  std::size_t offset{0};
};

/// Parses the inside of an expression; `expression` is the whole template string and [begin, end) the part
/// between the outer brackets. Errors are `expression-syntax` (or limit-exceeded for depth).
Result parse(std::string_view expression, std::size_t begin, std::size_t end, std::size_t max_depth,
             std::unique_ptr<Node>& out);

/// What a built-in function sees: its name as written, the call's offset, the context and the limits.
struct Call {
  std::string_view name;
  std::size_t offset;
  const Context& context;
  const Limits& limits;
};

/// A pure built-in: every argument known. Returns the value or an error (offset filled by the caller when 0).
using Builtin = Result (*)(const Call& call, std::vector<Json>& args);

struct FunctionSpec {
  std::string_view name;  // lowercase
  int min_args;
  int max_args;  // -1: unbounded
  Builtin fn;
};

/// The pure built-in with lowercase name `lower`, or nullptr.
const FunctionSpec* find_builtin(std::string_view lower);

/// Azure's uniqueString hash (a MurmurHash64 variant) of UTF-8 bytes, and its 13-character base32 text.
std::uint64_t murmur_hash64(std::string_view data);
std::string unique_string(std::string_view joined);
/// RFC 4122 version 5 UUID of `name` in ARM's namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830, lowercase.
std::string arm_guid(std::string_view joined);
/// SHA-1 of `data` (20 bytes).
std::array<std::uint8_t, 20> sha1(std::string_view data);

/// ARM's text of a value for concat/format/string(): strings as is, integers in decimal, booleans "True" and
/// "False", null empty, arrays and objects compact JSON.
std::string to_text(const Json& v);
/// The type of a value as error messages name it: null, bool, string, array, object, int, float.
const char* type_name(const Json& v);
/// Approximate size of a value (characters plus nodes), counted up to `cap`.
std::size_t value_size(const Json& v, std::size_t cap);
using model::ascii::lower;
/// The member of object `obj` named `key`, the exact spelling first, else case-insensitively; nullptr when
/// absent or when `obj` is not an object. `declared` receives the key as written.
const Json* find_key(const Json& obj, std::string_view key, std::string* declared = nullptr);
/// An integer value (signed or unsigned within int64); false otherwise.
bool as_int(const Json& v, std::int64_t& out);
}  // namespace detail

/// Evaluates template strings and values against one Context. Not thread-safe (variables are memoised);
/// create a new Evaluator when parameters or variables change. Never throws on bad input, never recurses
/// without bound, and stops with `limit-exceeded` when Limits are exceeded.
///
/// Unsupported (documented in docs/arm-templates.md): user-defined functions, date functions, float
/// arithmetic. `reference()`, `list*()`, `utcNow()`, `newGuid()` are "unknown" values, never errors.
class Evaluator {
 public:
  explicit Evaluator(Context context, Limits limits = {});

  /// A template string: not starting with '[' is a literal; starting with "[[" is the literal without its
  /// first '['; starting with '[' and ending with ']' is an expression; otherwise a literal (as Azure does).
  Result evaluate_string(std::string_view text);
  /// A JSON value: strings evaluated as above, arrays and objects element by element (object keys are kept;
  /// `copy` arrays in objects are property iterations). Without `unknowns`, an unknown element makes the whole
  /// value unknown; with it, each unknown element becomes null and is recorded with its JSON pointer, and the
  /// value is known. An error carries the JSON pointer of the failing element.
  Result evaluate_json(const Json& value, std::vector<UnknownLeaf>* unknowns = nullptr);
  /// variables('name'): evaluated once, memoised; cycles are `circular-variable` naming the chain.
  Result variable(std::string_view name);
  /// parameters('name'): the caller's value, else the template's default (evaluated once, memoised).
  Result parameter(std::string_view name);

  Context& context() { return context_; }
  const Limits& limits() const { return limits_; }

 private:
  Result eval(const detail::Node& n, std::string_view expr, std::size_t depth);
  Result eval_call(const detail::Node& n, std::string_view expr, std::size_t depth);
  Result eval_json(const Json& value, std::size_t depth, std::vector<UnknownLeaf>* unknowns = nullptr,
                   std::string* pointer = nullptr);
  Result eval_copy(const Json& spec, std::size_t depth, std::string& name_out);
  Result eval_string_at(std::string_view text, std::size_t depth);
  Result copy_index(const std::vector<Json>& args, std::size_t offset);
  Result eval_lambda_call(const detail::Node& n, std::string_view expr, std::size_t depth);
  Result apply_lambda(const detail::Node& lambda, std::vector<Json> values, std::string_view expr, std::size_t depth);
  bool charge(std::uint64_t units);
  const Json* find_variable_raw(const std::string& lower_name, std::string& declared) const;
  Result resolve_variable(std::string_view name, std::size_t depth);
  Result resolve_parameter(std::string_view name, std::size_t depth);

  Context context_;
  Limits limits_;
  std::uint64_t work_{0};
  std::map<std::string, Result> memo_;                       // lowercase variable name -> value
  std::vector<std::string> in_progress_;                     // variable names being evaluated (declared spelling)
  std::map<std::string, Result> parameter_memo_;             // lowercase parameter name -> evaluated default
  std::vector<std::string> parameters_in_progress_;          // parameter defaults being evaluated (declared spelling)
  std::vector<std::pair<std::string, std::int64_t>> loops_;  // variable copy loops being evaluated
  std::vector<std::pair<std::string, Json>> lambda_vars_;    // lowercase lambda parameter -> current value
  std::map<std::string, Json> copy_variables_;               // lowercase name -> copy spec from variables.copy
  bool variables_indexed_{false};
};

}  // namespace exposim::importers::arm
