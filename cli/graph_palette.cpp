// Path colours and edge styles of `exposim graph` (cli/graph_palette.h).
#include "cli/graph_palette.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace exposim::cli {
namespace {

// Path palettes: open ports in warm colours, Bastion sessions in greens, just-in-time paths in blues.
constexpr std::array kOpenPalette{"#d62728", "#ff7f0e", "#9467bd", "#8c564b",
                                  "#e377c2", "#b8860b", "#c71585", "#ff1493"};
constexpr std::array kBastionPalette{"#2ca02c", "#006d2c", "#41ab5d", "#00868b"};
constexpr std::array kJitPalette{"#1f77b4", "#08519c", "#3182bd", "#4b0082"};
constexpr const char* kBrokenColor = "#999999";

constexpr const char* kStructureColor = "#7f7f7f";

/// A colour as "#rrggbb" from hue (degrees), saturation and value in [0, 1].
std::string hsv_colour(double hue, double saturation, double value) {
  hue = std::fmod(hue, 360.0);
  if (hue < 0) hue += 360.0;
  const double c = value * saturation;
  const double x = c * (1 - std::fabs(std::fmod(hue / 60.0, 2.0) - 1));
  const double m = value - c;
  double r = 0, g = 0, b = 0;
  switch (static_cast<int>(hue / 60.0)) {
    case 0: r = c, g = x; break;
    case 1: r = x, g = c; break;
    case 2: g = c, b = x; break;
    case 3: g = x, b = c; break;
    case 4: r = x, b = c; break;
    default: r = c, b = x; break;
  }
  auto byte = [&](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b));
}

}  // namespace

const char* to_string(PathClass c) {
  switch (c) {
    case PathClass::kOpen: return "open";
    case PathClass::kBastion: return "bastion";
    case PathClass::kJit: return "jit";
    case PathClass::kBroken: return "broken";
  }
  return "open";
}

std::string path_colour(PathClass cls, std::size_t k) {
  auto from = [&](const auto& palette, double hue_from, double hue_width) {
    if (k < palette.size()) return std::string(palette[k]);
    const std::size_t j = k - palette.size();
    constexpr double kGolden = 0.6180339887498949;
    const double step = static_cast<double>(j) * kGolden;
    const double hue = hue_from + (step - std::floor(step)) * hue_width;
    constexpr std::array kSaturation{0.85, 0.65, 1.0};
    constexpr std::array kValue{0.80, 0.60, 0.95};
    return hsv_colour(hue, kSaturation[j % 3], kValue[(j / 3) % 3]);
  };
  switch (cls) {
    case PathClass::kOpen: return from(kOpenPalette, 330.0, 80.0);
    case PathClass::kBastion: return from(kBastionPalette, 90.0, 80.0);
    case PathClass::kJit: return from(kJitPalette, 195.0, 70.0);
    case PathClass::kBroken: break;
  }
  return kBrokenColor;
}

const char* path_style(std::string_view path_class) {
  return path_class == std::string_view("open")     ? "solid"
         : path_class == std::string_view("broken") ? "dotted"
                                                    : "dashed";
}

const char* path_label_prefix(std::string_view path_class) {
  return path_class == std::string_view("bastion")  ? "Bastion: "
         : path_class == std::string_view("jit")    ? "JIT: "
         : path_class == std::string_view("broken") ? "broken: "
                                                    : "";
}

const char* structure_colour(std::string_view kind) {
  return kind == "peering" || kind == "connected-to" ? "#4a6fa5"
         : kind == "route"                           ? "#1f4e79"
         : kind == "private-link"                    ? "#6a3d9a"
                                                     : kStructureColor;
}

const char* structure_style(std::string_view kind) {
  return kind == "secured-by" || kind == "routed-by" || kind == "private-link" ? "dashed" : "solid";
}

}  // namespace exposim::cli
