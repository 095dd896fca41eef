// The ARM expression parser (a hand-written recursive descent with a depth cap) and the evaluator: scope
// functions (parameters, variables, copyIndex, if, and, or, coalesce, unknown-valued functions) live here,
// the pure built-ins in functions.cpp.
#include "importers/arm/expression.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <utility>

#include "model/json_pointer.h"

namespace exposim::importers::arm {

std::string to_string(const Error& e) {
  return fmt::format("offset {} in '{}': {}", e.offset, e.expression, e.message);
}

namespace detail {

const Json* find_key(const Json& obj, std::string_view key, std::string* declared) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  if (it != obj.end()) {
    if (declared) *declared = it.key();
    return &*it;
  }
  std::string want = lower(key);
  for (auto i = obj.begin(); i != obj.end(); ++i) {
    if (lower(i.key()) == want) {
      if (declared) *declared = i.key();
      return &*i;
    }
  }
  return nullptr;
}

bool as_int(const Json& v, std::int64_t& out) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
    out = static_cast<std::int64_t>(u);
    return true;
  }
  if (v.is_number_integer()) {
    out = v.get<std::int64_t>();
    return true;
  }
  return false;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$'; }
bool is_ident(char c) { return is_ident_start(c) || is_digit(c); }

std::string shown(char c) {
  if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
}

class Parser {
 public:
  Parser(std::string_view text, std::size_t begin, std::size_t end, std::size_t max_depth)
      : s_(text), pos_(begin), end_(end), max_depth_(max_depth) {}

  Result run(std::unique_ptr<Node>& out) {
    skip();
    if (pos_ >= end_) return syntax(pos_, "empty expression");
    Result r = expr(out, 0);
    if (!r.ok()) return r;
    skip();
    if (pos_ < end_) {
      if (s_[pos_] == ')') return syntax(pos_, "unbalanced parentheses: unexpected ')'");
      if (s_[pos_] == ']') return syntax(pos_, "unbalanced brackets: unexpected ']'");
      return syntax(pos_, fmt::format("unexpected {} after the end of the expression", shown(s_[pos_])));
    }
    return Result{};
  }

 private:
  static Result syntax(std::size_t at, std::string message) {
    return Result::fail("expression-syntax", std::move(message), at);
  }
  void skip() {
    while (pos_ < end_ && is_space(s_[pos_])) ++pos_;
  }
  std::string_view ident() {
    std::size_t b = pos_;
    while (pos_ < end_ && is_ident(s_[pos_])) ++pos_;
    return s_.substr(b, pos_ - b);
  }

  Result expr(std::unique_ptr<Node>& out, std::size_t depth) {
    if (depth >= max_depth_)
      return Result::fail("limit-exceeded", fmt::format("expression nested deeper than {}", max_depth_), pos_);
    Result r = primary(out, depth);
    if (!r.ok()) return r;
    for (;;) {
      skip();
      if (pos_ >= end_) return r;
      char c = s_[pos_];
      if (c == '.') {
        std::size_t at = pos_++;
        skip();
        if (pos_ >= end_ || !is_ident(s_[pos_]))
          return syntax(pos_ < end_ ? pos_ : at, "expected a property name after '.'");
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::kProperty;
        node->offset = at;
        node->text = std::string(ident());
        node->children.push_back(std::move(out));
        out = std::move(node);
      } else if (c == '[') {
        std::size_t at = pos_++;
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::kIndex;
        node->offset = at;
        std::unique_ptr<Node> index;
        skip();
        if (pos_ < end_ && s_[pos_] == ']') return syntax(pos_, "expected an index inside '[]'");
        if (pos_ >= end_) return syntax(at, "unbalanced brackets: '[' is never closed");
        Result ir = expr(index, depth + 1);
        if (!ir.ok()) return ir;
        skip();
        if (pos_ >= end_) return syntax(at, "unbalanced brackets: '[' is never closed");
        if (s_[pos_] != ']')
          return syntax(pos_, fmt::format("expected ']' to close '[' at offset {}, got {}", at, shown(s_[pos_])));
        ++pos_;
        node->children.push_back(std::move(out));
        node->children.push_back(std::move(index));
        out = std::move(node);
      } else {
        return r;
      }
      if (++depth >= max_depth_)
        return Result::fail("limit-exceeded", fmt::format("expression nested deeper than {}", max_depth_), pos_);
    }
  }

  Result primary(std::unique_ptr<Node>& out, std::size_t depth) {
    skip();
    if (pos_ >= end_) return syntax(pos_, "unexpected end of expression");
    char c = s_[pos_];
    std::size_t at = pos_;
    out = std::make_unique<Node>();
    out->offset = at;
    if (c == '\'') {
      ++pos_;
      std::string text;
      for (;;) {
        if (pos_ >= end_) return syntax(at, "unterminated string");
        if (s_[pos_] == '\'') {
          if (pos_ + 1 < end_ && s_[pos_ + 1] == '\'') {
            text.push_back('\'');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        text.push_back(s_[pos_++]);
      }
      out->kind = Node::Kind::kString;
      out->text = std::move(text);
      return Result{};
    }
    if (is_digit(c) || (c == '-' && pos_ + 1 < end_ && is_digit(s_[pos_ + 1]))) {
      bool negative = c == '-';
      if (negative) ++pos_;
      // Accumulate as a negative number so that INT64_MIN is representable.
      std::int64_t v = 0;
      while (pos_ < end_ && is_digit(s_[pos_])) {
        int d = s_[pos_] - '0';
        if (v < (std::numeric_limits<std::int64_t>::min() + d) / 10) return syntax(at, "integer literal out of range");
        v = v * 10 - d;
        ++pos_;
      }
      if (pos_ < end_ && s_[pos_] == '.') return syntax(at, "decimal literals are not supported");
      if (!negative && v == std::numeric_limits<std::int64_t>::min()) return syntax(at, "integer literal out of range");
      out->kind = Node::Kind::kInt;
      out->number = negative ? v : -v;
      return Result{};
    }
    if (is_ident_start(c)) {
      std::string name(ident());
      // A user-defined function "namespace.name(": kept whole so that it is reported as unknown.
      if (pos_ + 1 < end_ && s_[pos_] == '.' && is_ident_start(s_[pos_ + 1])) {
        std::size_t save = pos_;
        ++pos_;
        std::string_view member = ident();
        std::size_t after = pos_;
        skip();
        if (pos_ < end_ && s_[pos_] == '(') {
          name += '.';
          name += member;
        } else {
          pos_ = save;
        }
        (void)after;
      }
      skip();
      if (pos_ >= end_ || s_[pos_] != '(')
        return syntax(pos_ < end_ ? pos_ : at, fmt::format("expected '(' after function name '{}'", name));
      std::size_t open = pos_++;
      out->kind = Node::Kind::kCall;
      out->text = std::move(name);
      skip();
      if (pos_ < end_ && s_[pos_] == ')') {
        ++pos_;
        return Result{};
      }
      for (;;) {
        std::unique_ptr<Node> arg;
        skip();
        if (pos_ >= end_)
          return syntax(open, fmt::format("unbalanced parentheses: '(' of '{}' is never closed", out->text));
        if (s_[pos_] == ',' || s_[pos_] == ')') return syntax(pos_, fmt::format("missing argument in '{}'", out->text));
        Result r = expr(arg, depth + 1);
        if (!r.ok()) return r;
        out->children.push_back(std::move(arg));
        skip();
        if (pos_ >= end_)
          return syntax(open, fmt::format("unbalanced parentheses: '(' of '{}' is never closed", out->text));
        if (s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (s_[pos_] == ')') {
          ++pos_;
          return Result{};
        }
        if (s_[pos_] == ']')
          return syntax(pos_, fmt::format("unbalanced brackets: unexpected ']' in the arguments of '{}'", out->text));
        return syntax(pos_,
                      fmt::format("expected ',' or ')' in the arguments of '{}', got {}", out->text, shown(s_[pos_])));
      }
    }
    if (c == ')') return syntax(at, "unbalanced parentheses: unexpected ')'");
    if (c == ']') return syntax(at, "unbalanced brackets: unexpected ']'");
    if (c == '"') return syntax(at, "strings are quoted with ' in expressions, not \"");
    return syntax(at, fmt::format("unexpected {}", shown(c)));
  }

  std::string_view s_;
  std::size_t pos_;
  std::size_t end_;
  std::size_t max_depth_;
};

}  // namespace

Result parse(std::string_view expression, std::size_t begin, std::size_t end, std::size_t max_depth,
             std::unique_ptr<Node>& out) {
  Parser p(expression, begin, end, max_depth);
  return p.run(out);
}

}  // namespace detail

using detail::Node;
using detail::type_name;

namespace {

std::string quote_arg(const Json& v) {
  if (v.is_string()) return fmt::format("'{}'", v.get_ref<const std::string&>());
  return detail::to_text(v);
}

Result with_offset(Result r, std::size_t offset) {
  if (r.error && r.error->offset == 0 && r.error->expression.empty()) r.error->offset = offset;
  return r;
}

}  // namespace

Evaluator::Evaluator(Context context, Limits limits) : context_(std::move(context)), limits_(limits) {}

bool Evaluator::charge(std::uint64_t units) {
  work_ += units;
  return work_ <= limits_.max_work;
}

Result Evaluator::evaluate_string(std::string_view text) { return eval_string_at(text, 0); }

Result Evaluator::evaluate_json(const Json& value, std::vector<UnknownLeaf>* unknowns) {
  std::string pointer;
  return eval_json(value, 0, unknowns, &pointer);
}

Result Evaluator::parameter(std::string_view name) { return resolve_parameter(name, 0); }

Result Evaluator::resolve_parameter(std::string_view name, std::size_t depth) {
  const Json* p = context_.parameters.is_object() ? detail::find_key(context_.parameters, name) : nullptr;
  if (p) return Result::of(*p);
  if (const auto u = context_.unknown_parameters.find(detail::lower(name)); u != context_.unknown_parameters.end())
    return Result::make_unknown(u->second);
  std::string declared;
  const Json* d = context_.parameter_defaults.is_object()
                      ? detail::find_key(context_.parameter_defaults, name, &declared)
                      : nullptr;
  if (!d) return Result::fail("undefined-parameter", fmt::format("parameters: parameter '{}' is not defined", name), 0);
  std::string key = detail::lower(name);
  if (auto it = parameter_memo_.find(key); it != parameter_memo_.end()) return it->second;
  for (std::size_t i = 0; i < parameters_in_progress_.size(); ++i) {
    if (detail::lower(parameters_in_progress_[i]) != key) continue;
    std::string chain;
    for (std::size_t j = i; j < parameters_in_progress_.size(); ++j) chain += parameters_in_progress_[j] + " -> ";
    chain += parameters_in_progress_[i];
    return Result::fail("circular-parameter", fmt::format("parameters: circular default values {}", chain), 0);
  }
  if (parameters_in_progress_.size() >= limits_.max_depth)
    return Result::fail("limit-exceeded",
                        fmt::format("parameters: default values nested deeper than {}", limits_.max_depth), 0);
  parameters_in_progress_.push_back(declared);
  auto saved_loops = std::move(loops_);
  loops_.clear();
  auto saved_lambdas = std::move(lambda_vars_);
  lambda_vars_.clear();
  Result r = eval_json(*d, depth + 1);
  loops_ = std::move(saved_loops);
  lambda_vars_ = std::move(saved_lambdas);
  parameters_in_progress_.pop_back();
  if (r.error && r.error->code != "circular-parameter" && r.error->message.rfind("in parameter '", 0) != 0)
    r.error->message = fmt::format("in parameter '{}': {}", declared, r.error->message);
  parameter_memo_[key] = r;
  return r;
}

Result Evaluator::variable(std::string_view name) { return resolve_variable(name, 0); }

Result Evaluator::eval_string_at(std::string_view text, std::size_t depth) {
  if (!charge(1 + text.size() / 16)) return Result::fail("limit-exceeded", "evaluation exceeded its work limit", 0);
  if (text.empty() || text.front() != '[') return Result::of(std::string(text));
  if (text.size() >= 2 && text[1] == '[') return Result::of(std::string(text.substr(1)));
  if (text.back() != ']' || text.size() < 2) return Result::of(std::string(text));
  if (text.size() > limits_.max_expression) {
    Result too_long = Result::fail(
        "limit-exceeded",
        fmt::format("expression of {} characters is longer than {}", text.size(), limits_.max_expression), 0);
    too_long.error->expression = std::string(text.substr(0, 64)) + "...";
    return too_long;
  }
  std::unique_ptr<Node> root;
  Result r = detail::parse(text, 1, text.size() - 1, limits_.max_depth, root);
  if (r.ok()) r = eval(*root, text, depth);
  if (r.error && r.error->expression.empty()) r.error->expression = std::string(text);
  return r;
}

Result Evaluator::eval_json(const Json& value, std::size_t depth, std::vector<UnknownLeaf>* unknowns,
                            std::string* pointer) {
  // One element: an unknown value becomes null and a recorded leaf when the caller asked for them; an error
  // gets the element's pointer.
  auto element = [&](const Json& v, std::initializer_list<std::string_view> tokens, auto&& evaluate) -> Result {
    std::size_t mark = pointer ? pointer->size() : 0;
    if (pointer)
      for (auto token : tokens) model::append_pointer_token(*pointer, token);
    Result r = evaluate(v);
    if (pointer) {
      if (r.error && r.error->pointer.empty()) r.error->pointer = *pointer;
      if (r.ok() && r.unknown && unknowns) {
        unknowns->push_back(UnknownLeaf{*pointer, r.unknown_reason});
        r = Result::of(nullptr);
      }
      pointer->resize(mark);
    }
    return r;
  };
  if (depth > limits_.max_depth * 4)
    return Result::fail("limit-exceeded", fmt::format("value nested deeper than {}", limits_.max_depth * 4), 0);
  if (value.is_string()) return eval_string_at(value.get_ref<const std::string&>(), depth);
  if (!charge(1)) return Result::fail("limit-exceeded", "evaluation exceeded its work limit", 0);
  if (value.is_array()) {
    Json out = Json::array();
    std::size_t i = 0;
    for (const auto& e : value) {
      std::string index = std::to_string(i++);
      Result r = element(e, {index}, [&](const Json& v) { return eval_json(v, depth + 1, unknowns, pointer); });
      if (!r.known()) return r;
      out.push_back(std::move(r.value));
    }
    return Result::of(std::move(out));
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (detail::lower(it.key()) == "copy" && it.value().is_array()) {
        std::size_t i = 0;
        for (const auto& spec : it.value()) {
          std::string name;
          std::string index = std::to_string(i++);
          Result r = element(spec, {it.key(), index}, [&](const Json& v) { return eval_copy(v, depth + 1, name); });
          if (!r.known()) return r;
          if (name.empty()) continue;  // an unknown copy entry without a usable name: recorded, nothing to add
          out[name] = std::move(r.value);
        }
        continue;
      }
      Result r =
          element(it.value(), {it.key()}, [&](const Json& v) { return eval_json(v, depth + 1, unknowns, pointer); });
      if (!r.known()) return r;
      out[it.key()] = std::move(r.value);
    }
    return Result::of(std::move(out));
  }
  return Result::of(value);
}

Result Evaluator::eval_copy(const Json& spec, std::size_t depth, std::string& name_out) {
  if (!spec.is_object()) return Result::fail("invalid-argument", "copy: each copy entry must be an object", 0);
  const Json* name = detail::find_key(spec, "name");
  const Json* count = detail::find_key(spec, "count");
  const Json* input = detail::find_key(spec, "input");
  if (!name || !name->is_string() || name->get<std::string>().empty())
    return Result::fail("invalid-argument", "copy: entry without a string 'name'", 0);
  name_out = name->get<std::string>();
  if (!count) return Result::fail("invalid-argument", fmt::format("copy '{}': missing 'count'", name_out), 0);
  if (!input) return Result::fail("invalid-argument", fmt::format("copy '{}': missing 'input'", name_out), 0);
  Result c = eval_json(*count, depth + 1);
  if (!c.known()) return c;
  std::int64_t n = 0;
  if (!detail::as_int(c.value, n))
    return Result::fail("invalid-argument",
                        fmt::format("copy '{}': count must be an integer, got {}", name_out, type_name(c.value)), 0);
  if (n < 0 || static_cast<std::uint64_t>(n) > limits_.max_range)
    return Result::fail("limit-exceeded",
                        fmt::format("copy '{}': count {} not in 0..{}", name_out, n, limits_.max_range), 0);
  Json out = Json::array();
  for (std::int64_t i = 0; i < n; ++i) {
    loops_.emplace_back(detail::lower(name_out), i);
    Result r = eval_json(*input, depth + 1);
    loops_.pop_back();
    if (!r.known()) return r;
    out.push_back(std::move(r.value));
  }
  return Result::of(std::move(out));
}

const Json* Evaluator::find_variable_raw(const std::string& lower_name, std::string& declared) const {
  if (!context_.variables.is_object()) return nullptr;
  for (auto it = context_.variables.begin(); it != context_.variables.end(); ++it) {
    if (detail::lower(it.key()) == "copy" && it.value().is_array()) continue;
    if (detail::lower(it.key()) == lower_name) {
      declared = it.key();
      return &*it;
    }
  }
  return nullptr;
}

Result Evaluator::resolve_variable(std::string_view name, std::size_t depth) {
  std::string key = detail::lower(name);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  for (std::size_t i = 0; i < in_progress_.size(); ++i) {
    if (detail::lower(in_progress_[i]) != key) continue;
    std::string chain;
    for (std::size_t j = i; j < in_progress_.size(); ++j) chain += in_progress_[j] + " -> ";
    chain += std::string(in_progress_[i]);
    return Result::fail("circular-variable", fmt::format("variables: circular variable reference {}", chain), 0);
  }
  if (in_progress_.size() >= limits_.max_depth)
    return Result::fail("limit-exceeded", fmt::format("variables: references nested deeper than {}", limits_.max_depth),
                        0);
  if (!variables_indexed_) {
    variables_indexed_ = true;
    if (context_.variables.is_object()) {
      for (auto it = context_.variables.begin(); it != context_.variables.end(); ++it) {
        if (detail::lower(it.key()) != "copy" || !it.value().is_array()) continue;
        for (const auto& spec : it.value()) {
          const Json* n = spec.is_object() ? detail::find_key(spec, "name") : nullptr;
          if (n && n->is_string()) copy_variables_.emplace(detail::lower(n->get<std::string>()), spec);
        }
      }
    }
  }
  std::string declared;
  const Json* raw = find_variable_raw(key, declared);
  const Json* copy_spec = nullptr;
  if (!raw) {
    auto c = copy_variables_.find(key);
    if (c != copy_variables_.end()) {
      copy_spec = &c->second;
      declared = (*detail::find_key(c->second, "name")).get<std::string>();
    }
  }
  if (!raw && !copy_spec)
    return Result::fail("undefined-variable", fmt::format("variables: variable '{}' is not defined", name), 0);

  in_progress_.push_back(declared);
  auto saved_loops = std::move(loops_);
  loops_.clear();
  auto saved_lambdas = std::move(lambda_vars_);
  lambda_vars_.clear();
  Result r;
  if (copy_spec) {
    std::string ignored;
    r = eval_copy(*copy_spec, depth + 1, ignored);
  } else {
    r = eval_json(*raw, depth + 1);
  }
  loops_ = std::move(saved_loops);
  lambda_vars_ = std::move(saved_lambdas);
  in_progress_.pop_back();
  if (r.error && r.error->code != "circular-variable" && r.error->message.rfind("in variable '", 0) != 0)
    r.error->message = fmt::format("in variable '{}': {}", declared, r.error->message);
  memo_[key] = r;
  return r;
}

Result Evaluator::copy_index(const std::vector<Json>& args, std::size_t offset) {
  std::string loop;
  bool named = false;
  std::int64_t add = 0;
  if (args.size() > 2)
    return Result::fail("invalid-argument", fmt::format("copyIndex: expected 0 to 2 arguments, got {}", args.size()),
                        offset);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].is_string() && i == 0) {
      loop = args[i].get<std::string>();
      named = true;
    } else if (!detail::as_int(args[i], add)) {
      return Result::fail("invalid-argument",
                          fmt::format("copyIndex: expected a loop name and/or an integer offset, got {} {}",
                                      type_name(args[i]), quote_arg(args[i])),
                          offset);
    }
  }
  std::string key = detail::lower(loop);
  std::optional<std::int64_t> index;
  for (auto it = loops_.rbegin(); it != loops_.rend(); ++it) {
    if (named ? it->first == key : false) {
      index = it->second;
      break;
    }
  }
  if (!index && in_progress_.empty() && parameters_in_progress_.empty()) {
    for (const auto& [k, v] : context_.copy_indices) {
      if (detail::lower(k) == key) {
        index = v;
        break;
      }
    }
  }
  if (!index) {
    if (named)
      return Result::fail("no-copy-loop", fmt::format("copyIndex: no copy loop named '{}' is being evaluated", loop),
                          offset);
    return Result::fail("no-copy-loop", "copyIndex: called outside a copy loop", offset);
  }
  std::int64_t out = 0;
  if (__builtin_add_overflow(*index, add, &out))
    return Result::fail("invalid-argument", "copyIndex: offset overflows", offset);
  return Result::of(out);
}

Result Evaluator::eval(const Node& n, std::string_view expr, std::size_t depth) {
  if (depth > limits_.max_depth * 4)
    return Result::fail("limit-exceeded", fmt::format("evaluation nested deeper than {}", limits_.max_depth * 4),
                        n.offset);
  if (!charge(1)) return Result::fail("limit-exceeded", "evaluation exceeded its work limit", n.offset);
  switch (n.kind) {
    case Node::Kind::kString: return Result::of(n.text);
    case Node::Kind::kInt: return Result::of(n.number);
    case Node::Kind::kCall: return eval_call(n, expr, depth);
    case Node::Kind::kProperty: {
      Result obj = eval(*n.children[0], expr, depth + 1);
      if (!obj.known()) return obj;
      if (!obj.value.is_object())
        return Result::fail(
            "invalid-argument",
            fmt::format("cannot read property '{}' of {} {}", n.text, type_name(obj.value), quote_arg(obj.value)),
            n.offset);
      const Json* v = detail::find_key(obj.value, n.text);
      if (!v) return Result::fail("undefined-property", fmt::format("property '{}' does not exist", n.text), n.offset);
      return Result::of(*v);
    }
    case Node::Kind::kIndex: {
      Result obj = eval(*n.children[0], expr, depth + 1);
      if (!obj.ok()) return obj;
      Result idx = eval(*n.children[1], expr, depth + 1);
      if (!idx.ok()) return idx;
      if (obj.unknown) return obj;
      if (idx.unknown) return idx;
      std::int64_t i = 0;
      if (obj.value.is_array() && detail::as_int(idx.value, i)) {
        if (i < 0 || static_cast<std::uint64_t>(i) >= obj.value.size())
          return Result::fail("index-out-of-range",
                              fmt::format("index {} out of range for an array of {} elements", i, obj.value.size()),
                              n.offset);
        return Result::of(obj.value[static_cast<std::size_t>(i)]);
      }
      if (obj.value.is_object() && idx.value.is_string()) {
        const Json* v = detail::find_key(obj.value, idx.value.get<std::string>());
        if (!v)
          return Result::fail("undefined-property",
                              fmt::format("property '{}' does not exist", idx.value.get<std::string>()), n.offset);
        return Result::of(*v);
      }
      return Result::fail(
          "invalid-argument",
          fmt::format("cannot index {} with {} {}", type_name(obj.value), type_name(idx.value), quote_arg(idx.value)),
          n.offset);
    }
  }
  return Result::fail("expression-syntax", "unknown node", n.offset);
}

Result Evaluator::apply_lambda(const Node& lambda, std::vector<Json> values, std::string_view expr, std::size_t depth) {
  // lambda('a', ['b',] body): the leading string literals name the parameters.
  const std::size_t params = lambda.children.size() - 1;
  const std::size_t mark = lambda_vars_.size();
  for (std::size_t i = 0; i < params && i < values.size(); ++i)
    lambda_vars_.emplace_back(detail::lower(lambda.children[i]->text), std::move(values[i]));
  Result r = eval(*lambda.children.back(), expr, depth + 1);
  lambda_vars_.resize(mark);
  return r;
}

Result Evaluator::eval_lambda_call(const Node& n, std::string_view expr, std::size_t depth) {
  const std::string name = detail::lower(n.text);
  const std::size_t argc = n.children.size();
  const bool is_reduce = name == "reduce";
  const bool is_to_object = name == "toobject";
  const std::size_t want_lo = is_reduce ? 3 : 2, want_hi = is_to_object ? 3 : want_lo;
  if (argc < want_lo || argc > want_hi)
    return Result::fail(
        "invalid-argument",
        fmt::format("{}: expected {} arguments, got {}", n.text,
                    want_lo == want_hi ? std::to_string(want_lo) : fmt::format("{} to {}", want_lo, want_hi), argc),
        n.offset);
  // The lambdas: every argument after the array (and reduce's initial value).
  const std::size_t first_lambda = is_reduce ? 2 : 1;
  const std::size_t params_needed = (is_reduce || name == "sort") ? 2 : 1;
  for (std::size_t i = first_lambda; i < argc; ++i) {
    const Node& l = *n.children[i];
    bool ok = l.kind == Node::Kind::kCall && detail::lower(l.text) == "lambda" && l.children.size() >= 2;
    for (std::size_t j = 0; ok && j + 1 < l.children.size(); ++j) ok = l.children[j]->kind == Node::Kind::kString;
    if (!ok)
      return Result::fail("invalid-argument",
                          fmt::format("{}: argument {} must be lambda('name', ..., expression)", n.text, i + 1),
                          l.offset);
    std::size_t params = l.children.size() - 1;
    if (params < params_needed || params > params_needed + 1)
      return Result::fail("invalid-argument",
                          fmt::format("{}: the lambda takes {} parameter{}, got {}", n.text, params_needed,
                                      params_needed == 1 ? "" : "s", params),
                          l.offset);
  }
  Result arr = eval(*n.children[0], expr, depth + 1);
  if (!arr.known()) return arr;
  if (!arr.value.is_array())
    return Result::fail("invalid-argument", fmt::format("{}: argument 1 must be an array", n.text), n.offset);
  const Json& items = arr.value;
  const Node& fn = *n.children[first_lambda];
  auto index_value = [](std::size_t i) { return Json(static_cast<std::int64_t>(i)); };

  if (name == "filter" || name == "map") {
    Json out = Json::array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      Result r = apply_lambda(fn, {items[i], index_value(i)}, expr, depth);
      if (!r.known()) return r;
      if (name == "map") {
        out.push_back(std::move(r.value));
      } else {
        if (!r.value.is_boolean())
          return Result::fail("invalid-argument", fmt::format("{}: the lambda must return a bool", n.text), n.offset);
        if (r.value.get<bool>()) out.push_back(items[i]);
      }
    }
    return Result::of(std::move(out));
  }
  if (is_reduce) {
    Result acc = eval(*n.children[1], expr, depth + 1);
    if (!acc.known()) return acc;
    Json value = std::move(acc.value);
    for (std::size_t i = 0; i < items.size(); ++i) {
      Result r = apply_lambda(fn, {value, items[i], index_value(i)}, expr, depth);
      if (!r.known()) return r;
      if (!charge(detail::value_size(r.value, limits_.max_string + limits_.max_elements + 1)))
        return Result::fail("limit-exceeded", "evaluation exceeded its work limit", n.offset);
      value = std::move(r.value);
    }
    return Result::of(std::move(value));
  }
  if (is_to_object) {
    Json out = Json::object();
    for (std::size_t i = 0; i < items.size(); ++i) {
      Result k = apply_lambda(fn, {items[i]}, expr, depth);
      if (!k.known()) return k;
      if (!k.value.is_string())
        return Result::fail("invalid-argument", fmt::format("{}: the key lambda must return a string", n.text),
                            n.offset);
      Json v = items[i];
      if (argc == 3) {
        Result r = apply_lambda(*n.children[2], {items[i]}, expr, depth);
        if (!r.known()) return r;
        v = std::move(r.value);
      }
      out[k.value.get<std::string>()] = std::move(v);
    }
    return Result::of(std::move(out));
  }
  // sort: a merge sort (well defined whatever the lambda answers), stable.
  std::vector<Json> v(items.begin(), items.end());
  std::vector<Json> tmp(v.size());
  std::optional<Result> failure;
  auto less = [&](const Json& a, const Json& b) -> bool {
    if (failure) return false;
    Result r = apply_lambda(fn, {a, b}, expr, depth);
    if (!r.known() || !r.value.is_boolean()) {
      failure = r.known() ? Result::fail("invalid-argument", fmt::format("{}: the lambda must return a bool", n.text),
                                         n.offset)
                          : r;
      return false;
    }
    return r.value.get<bool>();
  };
  for (std::size_t width = 1; width < v.size() && !failure; width *= 2) {
    for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
      std::size_t mid = std::min(lo + width, v.size()), hi = std::min(lo + 2 * width, v.size());
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = less(v[j], v[i]) ? v[j++] : v[i++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    std::swap(v, tmp);
  }
  if (failure) return *failure;
  return Result::of(Json(std::move(v)));
}

Result Evaluator::eval_call(const Node& n, std::string_view expr, std::size_t depth) {
  const std::string name = detail::lower(n.text);
  const std::size_t argc = n.children.size();

  if (name == "filter" || name == "map" || name == "reduce" || name == "sort" || name == "toobject")
    return eval_lambda_call(n, expr, depth);
  if (name == "lambda")
    return Result::fail("invalid-argument",
                        "lambda: only allowed as an argument of filter, map, reduce, sort, toObject", n.offset);
  if (name == "lambdavariables") {
    if (argc != 1)
      return Result::fail("invalid-argument", fmt::format("{}: expected 1 argument, got {}", n.text, argc), n.offset);
    Result a = eval(*n.children[0], expr, depth + 1);
    if (!a.known()) return a;
    if (!a.value.is_string())
      return Result::fail("invalid-argument", fmt::format("{}: expected a name string", n.text), n.offset);
    std::string key = detail::lower(a.value.get<std::string>());
    for (auto it = lambda_vars_.rbegin(); it != lambda_vars_.rend(); ++it)
      if (it->first == key) return Result::of(it->second);
    return Result::fail("undefined-variable",
                        fmt::format("{}: no lambda parameter '{}' in scope", n.text, a.value.get<std::string>()),
                        n.offset);
  }

  // if(): only the chosen branch is evaluated (Azure does the same).
  if (name == "if") {
    if (argc != 3)
      return Result::fail("invalid-argument", fmt::format("{}: expected 3 arguments, got {}", n.text, argc), n.offset);
    Result c = eval(*n.children[0], expr, depth + 1);
    if (!c.known()) return c;
    if (!c.value.is_boolean())
      return Result::fail(
          "invalid-argument",
          fmt::format("{}: the condition must be a bool, got {} {}", n.text, type_name(c.value), quote_arg(c.value)),
          n.offset);
    return eval(*n.children[c.value.get<bool>() ? 1 : 2], expr, depth + 1);
  }

  std::vector<Result> results;
  results.reserve(argc);
  for (const auto& child : n.children) {
    Result r = eval(*child, expr, depth + 1);
    if (!r.ok()) return r;
    results.push_back(std::move(r));
  }
  const Result* first_unknown = nullptr;
  for (const auto& r : results)
    if (r.unknown && !first_unknown) first_unknown = &r;

  auto arity = [&](std::size_t lo, std::size_t hi) -> std::optional<Result> {
    if (argc >= lo && argc <= hi) return std::nullopt;
    std::string want = lo == hi         ? std::to_string(lo)
                       : hi == SIZE_MAX ? fmt::format("at least {}", lo)
                                        : fmt::format("{} to {}", lo, hi);
    return Result::fail(
        "invalid-argument",
        fmt::format("{}: expected {} argument{}, got {}", n.text, want, (lo == 1 && hi == 1) ? "" : "s", argc),
        n.offset);
  };

  // Values only Azure knows at deployment time.
  if (name == "reference" || name.rfind("list", 0) == 0 || name == "utcnow" || name == "newguid" ||
      name == "pickzones") {
    if (first_unknown) return *first_unknown;
    if (name == "reference" && argc >= 1 && context_.deployment_outputs != nullptr && results[0].value.is_string()) {
      // A nested or linked deployment of this expansion whose outputs are known: by name, or by resource id.
      std::string target = detail::lower(results[0].value.get_ref<const std::string&>());
      while (!target.empty() && target.back() == '/') target.pop_back();
      const std::string_view marker = "microsoft.resources/deployments/";
      if (const auto at = target.rfind(marker); at != std::string::npos) {
        target.erase(0, at + marker.size());
      }
      if (target.find('/') == std::string::npos) {
        if (const auto it = context_.deployment_outputs->find(target); it != context_.deployment_outputs->end()) {
          return Result::of(*it);
        }
      }
    }
    std::string reason = n.text;
    reason += '(';
    for (std::size_t i = 0; i < argc; ++i) {
      if (i) reason += ", ";
      reason += quote_arg(results[i].value);
    }
    reason += ')';
    return Result::make_unknown(std::move(reason));
  }

  if (name == "parameters" || name == "variables") {
    if (auto e = arity(1, 1)) return *e;
    if (first_unknown) return *first_unknown;
    if (!results[0].value.is_string())
      return Result::fail("invalid-argument",
                          fmt::format("{}: expected a name string, got {} {}", n.text, type_name(results[0].value),
                                      quote_arg(results[0].value)),
                          n.offset);
    const std::string& v = results[0].value.get_ref<const std::string&>();
    Result r = name == "parameters" ? resolve_parameter(v, depth) : resolve_variable(v, depth);
    // Each use copies the memoised value: charge it, so that many uses of a large value stop at the budget.
    if (r.known() && !charge(detail::value_size(r.value, limits_.max_string + limits_.max_elements + 1)))
      return Result::fail("limit-exceeded", "evaluation exceeded its work limit", n.offset);
    return with_offset(std::move(r), n.offset);
  }

  if (name == "copyindex") {
    if (first_unknown) return *first_unknown;
    std::vector<Json> args;
    for (auto& r : results) args.push_back(std::move(r.value));
    return copy_index(args, n.offset);
  }

  if (name == "and" || name == "or") {
    if (auto e = arity(2, SIZE_MAX)) return *e;
    const bool is_and = name == "and";
    bool decided = false;
    for (const auto& r : results) {
      if (r.unknown) continue;
      if (!r.value.is_boolean())
        return Result::fail(
            "invalid-argument",
            fmt::format("{}: expected bool arguments, got {} {}", n.text, type_name(r.value), quote_arg(r.value)),
            n.offset);
      if (r.value.get<bool>() != is_and) decided = true;
    }
    if (decided) return Result::of(!is_and);
    if (first_unknown) return *first_unknown;
    return Result::of(is_and);
  }

  if (name == "coalesce") {
    if (auto e = arity(1, SIZE_MAX)) return *e;
    for (const auto& r : results) {
      if (r.unknown) return r;
      if (!r.value.is_null()) return Result::of(r.value);
    }
    return Result::of(nullptr);
  }

  const detail::FunctionSpec* spec = detail::find_builtin(name);
  if (!spec) {
    if (name.find('.') != std::string::npos)
      return Result::fail("unknown-function",
                          fmt::format("unknown function '{}' (user-defined functions are not supported)", n.text),
                          n.offset);
    return Result::fail("unknown-function", fmt::format("unknown function '{}'", n.text), n.offset);
  }
  if (auto e = arity(static_cast<std::size_t>(spec->min_args),
                     spec->max_args < 0 ? SIZE_MAX : static_cast<std::size_t>(spec->max_args)))
    return *e;
  if (first_unknown) return *first_unknown;
  std::vector<Json> args;
  args.reserve(argc);
  for (auto& r : results) args.push_back(std::move(r.value));
  detail::Call call{n.text, n.offset, context_, limits_};
  Result out = spec->fn(call, args);
  if (out.error) {
    if (out.error->offset == 0) out.error->offset = n.offset;
    return out;
  }
  std::size_t size = detail::value_size(out.value, limits_.max_string + limits_.max_elements + 1);
  if (!charge(size)) return Result::fail("limit-exceeded", "evaluation exceeded its work limit", n.offset);
  if (out.value.is_string() && out.value.get_ref<const std::string&>().size() > limits_.max_string)
    return Result::fail("limit-exceeded",
                        fmt::format("{}: result longer than {} characters", n.text, limits_.max_string), n.offset);
  if ((out.value.is_array() || out.value.is_object()) && out.value.size() > limits_.max_elements)
    return Result::fail("limit-exceeded",
                        fmt::format("{}: result larger than {} elements", n.text, limits_.max_elements), n.offset);
  return out;
}

}  // namespace exposim::importers::arm
