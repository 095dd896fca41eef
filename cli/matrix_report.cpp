// The writers of `exposim matrix` (cli/matrix_report.h).
#include "cli/matrix_report.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_csv.h"
#include "cli/graph_report.h"
#include "cli/hop_json.h"
#include "cli/json_parts.h"
#include "cli/json_writer.h"
#include "cli/terminal.h"
#include "cli/text_table.h"

namespace exposim::cli {
namespace {

constexpr std::array<model::Protocol, model::kProtocolCount> kMatrixProtocols{
    model::Protocol::kTcp, model::Protocol::kUdp, model::Protocol::kIcmp, model::Protocol::kEsp, model::Protocol::kAh};

const model::PortSet& matrix_ports(const solver::MatrixCell& c, model::Protocol p) {
  return c.ports[static_cast<std::size_t>(p)];
}

std::string matrix_range_text(const model::Interval<std::uint16_t>& iv) {
  return iv.lo == iv.hi ? std::to_string(iv.lo) : fmt::format("{}-{}", iv.lo, iv.hi);
}

/// The cells by (from, to).
std::map<std::pair<int, int>, const solver::MatrixCell*> matrix_cells_by_pair(const solver::Segmentation& s) {
  std::map<std::pair<int, int>, const solver::MatrixCell*> out;
  for (const auto& c : s.cells) out[{c.from, c.to}] = &c;
  return out;
}

const std::string& matrix_group_name(const MatrixReport& r, int g) {
  static const std::string kNone = "?";
  return g >= 0 && static_cast<std::size_t>(g) < r.groups.names.size() ? r.groups.names[g] : kNone;
}

/// Whether each group is a row (a source group of --by) or only a column (a PaaS service's public endpoint,
/// Grouping::paas_service_group).
std::vector<char> matrix_rows(const solver::Grouping& g) {
  std::vector<char> row(g.names.size(), 1);
  for (const int p : g.paas_service_group) {
    if (p >= 0 && static_cast<std::size_t>(p) < row.size()) row[static_cast<std::size_t>(p)] = 0;
  }
  return row;
}

void matrix_write_ranges(JsonWriter& w, const model::PortSet& ports) {
  w.begin_array();
  for (const auto& iv : ports.intervals()) w.begin_array().value(int{iv.lo}).value(int{iv.hi}).end_array();
  w.end_array();
}

/// One witness flow: source, target, protocol, ports, sources, destinations, path (and why it is broken, if it is).
void matrix_write_flow(JsonWriter& w, const model::Model& m, const solver::ReachFlow& f) {
  w.begin_object().key("source");
  if (f.source.nic >= 0) {
    write_target_json(w, m, f.source.nic, f.source.ip_configuration, f.source_vm);
  } else if (f.source_subnet >= 0) {
    w.raw(target_json(m, model::ResourceKind::kSubnet, f.source_subnet).dump());
  } else {
    w.null();
  }
  w.key("target");
  if (f.target_kind == model::ResourceKind::kNetworkInterface) {
    write_target_json(w, m, f.nic, f.ip_configuration, f.vm);
  } else {
    w.raw(target_json(m, f.target_kind, f.target).dump());
  }
  w.field("protocol", model::to_string(f.protocol));
  if (model::has_ports(f.protocol)) {
    matrix_write_ranges(w.key("ports"), f.ports);
    if (!f.source_ports.is_all()) matrix_write_ranges(w.key("source_ports"), f.source_ports);
  }
  w.key("sources");
  w.cidr_list(f.sources);
  w.key("destinations");
  w.cidr_list(f.destinations);
  w.key("path").begin_array();
  for (const auto& h : f.path) write_hop_json(w, m, h);
  w.end_array().end_object();
}

}  // namespace

std::string matrix_cell_text(const solver::MatrixCell* cell, std::size_t max_ranges) {
  if (cell == nullptr) return "-";
  bool all = true;
  std::string out;
  for (const auto p : kMatrixProtocols) {
    const auto& ports = matrix_ports(*cell, p);
    all = all && ports.is_all();
    if (ports.empty()) continue;
    if (!out.empty()) out += ' ';
    out += model::to_string(p);
    if (!model::has_ports(p)) continue;
    out += ':';
    if (ports.is_all()) {
      out += '*';
      continue;
    }
    const auto& ivs = ports.intervals();
    const std::size_t shown = std::min(ivs.size(), std::max<std::size_t>(max_ranges, 1));
    for (std::size_t i = 0; i < shown; ++i) {
      if (i > 0) out += ',';
      out += matrix_range_text(ivs[i]);
    }
    if (shown < ivs.size()) out += fmt::format(",+{}", ivs.size() - shown);
  }
  if (all) return "all";
  return out.empty() ? "-" : out;
}

MatrixLevel matrix_level(const solver::MatrixCell* cell) {
  if (cell == nullptr) return MatrixLevel::kNothing;
  const auto& tcp = matrix_ports(*cell, model::Protocol::kTcp);
  const auto& udp = matrix_ports(*cell, model::Protocol::kUdp);
  if (tcp.is_all() && udp.is_all()) return MatrixLevel::kEverything;
  if (tcp.contains(22) || tcp.contains(3389) || tcp.contains(5985) || tcp.contains(5986) || udp.contains(3389)) {
    return MatrixLevel::kManagement;
  }
  for (const auto p : kMatrixProtocols) {
    if (!matrix_ports(*cell, p).empty()) return MatrixLevel::kSome;
  }
  return MatrixLevel::kNothing;
}

const char* to_string(MatrixLevel level) {
  switch (level) {
    case MatrixLevel::kNothing: return "nothing";
    case MatrixLevel::kSome: return "some";
    case MatrixLevel::kManagement: return "management";
    case MatrixLevel::kEverything: return "everything";
  }
  return "nothing";
}

void write_matrix_table(std::ostream& out, const MatrixReport& r) {
  const auto cells = matrix_cells_by_pair(r.segmentation);
  const auto& names = r.groups.names;
  std::vector<std::string> header{"from \\ to"};
  for (const auto& n : names) header.push_back(terminal_cell(n));
  std::vector<std::vector<std::string>> rows;
  rows.reserve(names.size());
  const auto is_row = matrix_rows(r.groups);
  for (std::size_t a = 0; a < names.size(); ++a) {
    if (!is_row[a]) continue;
    auto& row = rows.emplace_back();
    row.push_back(names[a]);
    for (std::size_t b = 0; b < names.size(); ++b) {
      const auto it = cells.find({static_cast<int>(a), static_cast<int>(b)});
      row.push_back(matrix_cell_text(it == cells.end() ? nullptr : it->second));
    }
  }
  write_text_table(out, header, rows);
}

void write_matrix_csv(std::ostream& out, const MatrixReport& r) {
  out << "from,to,protocol,ports\r\n";
  for (const auto& c : r.segmentation.cells) {
    for (const auto p : kMatrixProtocols) {
      const auto& ports = matrix_ports(c, p);
      if (ports.empty()) continue;
      std::string text;
      if (model::has_ports(p)) {
        if (ports.is_all()) {
          text = "*";
        } else {
          for (const auto& iv : ports.intervals()) {
            if (!text.empty()) text += ';';
            text += matrix_range_text(iv);
          }
        }
      }
      out << csv_cell(matrix_group_name(r, c.from)) << ',' << csv_cell(matrix_group_name(r, c.to)) << ','
          << model::to_string(p) << ',' << csv_cell(text) << "\r\n";
    }
  }
}

void write_matrix_json(std::ostream& out, const MatrixReport& r, const std::vector<model::Diagnostic>& diagnostics) {
  // One writer, its text sent out after every cell: a large estate's matrix is never held in memory twice.
  std::string text;
  JsonWriter w(text);
  w.begin_object().field("format", "exposim-matrix").field("version", 1).field("by", r.by);
  const auto is_row = matrix_rows(r.groups);
  const bool paas = !r.groups.paas_service_group.empty();
  std::size_t rows = 0;
  w.key("groups").begin_array();
  for (std::size_t g = 0; g < r.groups.names.size(); ++g) {
    if (!is_row[g]) continue;
    w.value(r.groups.names[g]);
    ++rows;
  }
  w.end_array();
  if (paas) {  // --paas: the PaaS services' columns (targets only)
    w.key("paas_services").begin_array();
    for (std::size_t g = 0; g < r.groups.names.size(); ++g) {
      if (!is_row[g]) w.value(r.groups.names[g]);
    }
    w.end_array();
  }
  w.key("cells").begin_array();
  for (const auto& c : r.segmentation.cells) {
    w.begin_object()
        .field("from", matrix_group_name(r, c.from))
        .field("to", matrix_group_name(r, c.to))
        .field("summary", matrix_cell_text(&c, SIZE_MAX))
        .field("level", to_string(matrix_level(&c)));
    w.key("protocols").begin_array();
    for (const auto p : kMatrixProtocols) {
      const auto& ports = matrix_ports(c, p);
      if (ports.empty()) continue;
      w.begin_object().field("protocol", model::to_string(p));
      if (model::has_ports(p)) matrix_write_ranges(w.key("ports"), ports);
      w.key("witness");
      const auto wit = std::find_if(c.witnesses.begin(), c.witnesses.end(),
                                    [&](const solver::ReachFlow& f) { return f.protocol == p; });
      if (wit == c.witnesses.end()) {
        w.null();
      } else {
        matrix_write_flow(w, r.model, *wit);
      }
      w.end_object();
    }
    w.end_array().end_object();
    out << text;
    text.clear();
  }
  w.end_array();
  w.key("summary").begin_object().field("groups", static_cast<std::uint64_t>(rows));
  if (paas) w.field("paas_services", static_cast<std::uint64_t>(r.groups.names.size() - rows));
  w.field("cells", static_cast<std::uint64_t>(r.segmentation.cells.size()))
      .field("source_classes", static_cast<std::uint64_t>(r.segmentation.source_classes))
      .field("target_classes", static_cast<std::uint64_t>(r.segmentation.target_classes))
      .field("evaluations", static_cast<std::uint64_t>(r.segmentation.evaluations))
      .end_object();
  w.key("diagnostics").begin_array();
  for (const auto& d : diagnostics) w.raw(diagnostic_json(d).dump());
  w.end_array().end_object();
  out << text << '\n';
}

void write_matrix_dot(std::ostream& out, const MatrixReport& r) {
  static constexpr std::array<const char*, 4> kColour{"#ffffff", "#fff2a8", "#ffa64d", "#e8474a"};
  const auto cells = matrix_cells_by_pair(r.segmentation);
  const auto& names = r.groups.names;
  // HTML-like labels: dot_string() escapes for a quoted string, so the cell text is escaped here for HTML.
  const auto html = [](std::string_view text) {
    std::string s;
    for (const char ch : terminal_cell(text)) {
      switch (ch) {
        case '&': s += "&amp;"; break;
        case '<': s += "&lt;"; break;
        case '>': s += "&gt;"; break;
        case '"': s += "&quot;"; break;
        default: s += ch;
      }
    }
    return s;
  };
  out << "digraph matrix {\n"
      << "  graph [fontname=\"Helvetica\", label=" << dot_string("segmentation matrix by " + r.by) << ", labelloc=t];\n"
      << "  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n"
      << "  matrix [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">\n";
  out << "    <TR><TD><B>from \\ to</B></TD>";
  for (const auto& n : names) out << "<TD><B>" << html(n) << "</B></TD>";
  out << "</TR>\n";
  const auto is_row = matrix_rows(r.groups);
  for (std::size_t a = 0; a < names.size(); ++a) {
    if (!is_row[a]) continue;
    out << "    <TR><TD ALIGN=\"LEFT\"><B>" << html(names[a]) << "</B></TD>";
    for (std::size_t b = 0; b < names.size(); ++b) {
      const auto it = cells.find({static_cast<int>(a), static_cast<int>(b)});
      const solver::MatrixCell* c = it == cells.end() ? nullptr : it->second;
      out << "<TD BGCOLOR=\"" << kColour[static_cast<std::size_t>(matrix_level(c))] << "\">"
          << html(matrix_cell_text(c)) << "</TD>";
    }
    out << "</TR>\n";
  }
  out << "  </TABLE>>];\n"
      << "  legend [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">"
      << "<TR><TD BGCOLOR=\"" << kColour[0] << "\">nothing</TD><TD BGCOLOR=\"" << kColour[1]
      << "\">some ports</TD><TD BGCOLOR=\"" << kColour[2]
      << "\">management ports (TCP 22, 3389, 5985, 5986; UDP 3389)</TD><TD BGCOLOR=\"" << kColour[3]
      << "\">every TCP and UDP port</TD></TR></TABLE>>];\n"
      << "  matrix -> legend [style=invis];\n"
      << "}\n";
}

}  // namespace exposim::cli
