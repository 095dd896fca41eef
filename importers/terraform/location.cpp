// Locations in a plan: lines of JSON pointers, and the generated text's locations mapped back.
#include "importers/terraform/location.h"

#include <algorithm>
#include <tuple>

#include "importers/json_positions.h"
#include "model/locations.h"

namespace exposim::importers::terraform {
namespace {

/// "/a/b" -> "/a"; "/a" and "" -> "".
std::string parent_pointer(const std::string& p) {
  const auto cut = p.rfind('/');
  return cut == std::string::npos ? std::string() : p.substr(0, cut);
}

}  // namespace

std::string escape_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

/// Byte offsets of the values at `pointers` in the JSON `text` (well-formed: it parsed), by one scan.
std::map<std::string, std::size_t> locate(std::string_view text, const std::set<std::string>& pointers) {
  std::map<std::string, std::size_t> out;
  if (pointers.empty()) return out;
  struct Frame {
    bool array;
    std::size_t length;  // of the container's own pointer
    std::size_t index;
    bool expect_key;
  };
  std::vector<Frame> stack;
  std::string ptr;
  auto value_at = [&](std::size_t i) {
    if (pointers.count(ptr) != 0) out.try_emplace(ptr, i);
  };
  auto skip_string = [&](std::size_t i, std::string* decoded) {  // i at the opening quote; returns past the close
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') {
        ++i;
        if (decoded != nullptr && i < text.size()) *decoded += text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i];
      } else if (decoded != nullptr) {
        *decoded += text[i];
      }
    }
    return i + 1;
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':') {
      ++i;
    } else if (c == '{' || c == '[') {
      value_at(i);
      stack.push_back({c == '[', ptr.size(), 0, c == '{'});
      ++i;
      if (c == '[') {
        const auto next = text.find_first_not_of(" \n\r\t", i);
        if (next != std::string_view::npos && text[next] != ']') ptr += "/0";
      }
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) {
        ptr.resize(stack.back().length);
        stack.pop_back();
      }
      ++i;
    } else if (c == ',') {
      if (!stack.empty()) {
        Frame& f = stack.back();
        ptr.resize(f.length);
        if (f.array) {
          ptr += '/';
          ptr += std::to_string(++f.index);
        } else {
          f.expect_key = true;
        }
      }
      ++i;
    } else if (c == '"' && !stack.empty() && !stack.back().array && stack.back().expect_key) {
      std::string key;
      i = skip_string(i, &key);
      stack.back().expect_key = false;
      ptr.resize(stack.back().length);
      ptr += '/';
      ptr += escape_token(key);
    } else if (c == '"') {
      value_at(i);
      i = skip_string(i, nullptr);
    } else {
      value_at(i);
      const auto end = text.find_first_of(",]} \n\r\t", i);
      i = end == std::string_view::npos ? text.size() : end;
    }
  }
  return out;
}

void Located::add(const model::Diagnostics& diags) {
  std::set<std::string> wanted;
  for (const auto& d : diags.items()) {
    if (d.where.file.str() != file_ || d.where.pointer.empty() || d.where.line != 0) continue;
    for (std::string p = d.where.pointer; !p.empty(); p = parent_pointer(p)) wanted.insert(p);
  }
  const auto offsets = locate(text_, wanted);
  for (model::Diagnostic d : diags.items()) {
    if (d.where.file.str() == file_ && d.where.line == 0) {
      for (std::string p = d.where.pointer; !p.empty(); p = parent_pointer(p)) {
        if (auto it = offsets.find(p); it != offsets.end()) {
          std::tie(d.where.line, d.where.column) = line_column(text_, it->second);
          break;
        }
      }
    }
    sink_.add(std::move(d));
  }
}

bool Remap::apply(model::SourceLocation& where, const Instance** instance) const {
  if (where.file.str() != file_ || where.pointer.rfind(kSynthPrefix, 0) != 0) return false;
  const std::string_view rest = std::string_view(where.pointer).substr(kSynthPrefix.size());
  const auto slash = rest.find('/');
  const std::size_t k = std::stoul(std::string(rest.substr(0, slash)));
  if (k >= out_.size()) return false;
  const Synthesized& s = out_[k];
  const std::string inner = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  std::string best = s.instance->pointer;
  const Instance* from = s.instance;
  std::size_t best_len = 0;
  bool found = false;
  for (const auto& o : s.map) {
    if (inner.compare(0, o.synth.size(), o.synth) != 0) continue;
    if (inner.size() != o.synth.size() && inner[o.synth.size()] != '/') continue;
    if (!found || o.synth.size() >= best_len) {
      best = o.plan;
      from = o.from != nullptr ? o.from : s.instance;
      best_len = o.synth.size();
      found = true;
    }
  }
  where.pointer = best;
  if (instance != nullptr) *instance = from;
  return true;
}

void remap_model(model::Model& m, const Remap& remap) {
  model::for_each_location(m, [&](model::SourceLocation& where) { remap.apply(where); });
}

}  // namespace exposim::importers::terraform
