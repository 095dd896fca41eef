// The HTML report of `exposim report` (cli/html_report.h): the page's data, its inline style and script, and the
// diagram made safe to inline.
#include "cli/html_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "cli/analyze_report.h"
#include "cli/json_parts.h"
#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/paas_hop.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;

ordered_json ranges_json(const model::PortSet& ports) {
  ordered_json a = ordered_json::array();
  for (const auto& iv : ports.intervals()) a.push_back({iv.lo, iv.hi});
  return a;
}

/// A resource by kind and index as {id, name, type} (and its Terraform address when the input was a plan).
ordered_json resource_json(const model::Model& m, model::ResourceKind kind, int index) {
  ordered_json j;
  const model::ResourceBase* r = index >= 0 ? m.resource(model::GraphVertex{kind, index}) : nullptr;
  j["id"] = r != nullptr ? r->id : "";
  j["name"] = r != nullptr ? r->name : "";
  j["type"] = model::to_string(kind);
  if (r != nullptr) add_source_address(j, m, r->key);
  return j;
}

/// Where an exposure enters: the public IP (by index), else the address or host name; and how it is shown.
struct Entry {
  std::tuple<int, std::string> key;
  std::string address;  // "20.1.1.10", a host name, or "" when unallocated
  std::string name;     // the public IP's or PaaS service's name; "" for a bare address
  std::string id;
};

Entry entry_of(const model::Model& m, const solver::Exposure& e) {
  Entry en;
  if (e.public_ip >= 0) {
    const auto& pip = m.public_ips[e.public_ip];
    en.key = {e.public_ip, ""};
    en.address = pip.address ? pip.address->to_string() : "";
    en.name = pip.name;
    en.id = pip.id;
  } else if (e.via == solver::Via::kPaasPublic) {
    const auto& s = m.paas_services[e.target];
    en.address = solver::entry_host(s, e);
    en.name = s.name;
    en.id = s.id;
    en.key = {-1, "paas:" + s.key + "#" + en.address};
  } else {
    en.address = e.entry_address ? e.entry_address->to_string() : "";
    en.key = {-1, "address:" + en.address};
  }
  return en;
}

ordered_json location_json(const model::SourceLocation& where) {
  ordered_json j = {{"file", where.file.str()}};
  if (!where.pointer.empty()) j["pointer"] = where.pointer;
  if (where.line > 0) {
    j["line"] = where.line;
    j["column"] = where.column;
  }
  return j;
}

ordered_json finding_json(const model::Model& m, const solver::Finding& f) {
  const auto* info = f.recommendation;
  ordered_json j;
  j["id"] = info != nullptr ? std::string(info->id) : "";
  j["severity"] = info != nullptr ? solver::to_string(info->severity) : "";
  j["title"] = info != nullptr ? std::string(info->title) : "";
  j["resource"] = resource_json(m, f.kind, f.index);
  j["status"] = solver::to_string(f.status);
  j["exposed"] = f.exposed;
  j["summary"] = f.summary;
  j["remediation"] = info != nullptr ? std::string(info->remediation) : "";
  j["help_uri"] = info != nullptr ? std::string(info->help_uri) : "";
  j["exposures"] = f.exposures;
  ordered_json ports = ordered_json::object();
  if (!f.tcp_ports.empty()) ports["tcp"] = model::to_string(f.tcp_ports);
  if (!f.udp_ports.empty()) ports["udp"] = model::to_string(f.udp_ports);
  j["ports"] = ports;
  ordered_json properties = ordered_json::array();
  for (const auto& p : f.properties) {
    ordered_json pj = {{"name", p.name}, {"value", p.value}};
    pj["where"] = location_json(p.where);
    properties.push_back(pj);
  }
  j["properties"] = properties;
  j["where"] = location_json(f.where);
  return j;
}

// The page's style: plain, printable, no web font.
constexpr std::string_view kStyle = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1400px;
  padding: 0 1.5em 3em; color: #1f2328; background: #ffffff; }
h1 { font-size: 1.6em; margin: 0.8em 0 0.2em; }
h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2em; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
table.sortable th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \25B2"; }
th[aria-sort="descending"]::after { content: " \25BC"; }
tr:nth-child(even) td { background: #fafbfc; }
.muted { color: #57606a; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 0.6em 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5em 0.9em; min-width: 9em; }
.card b { display: block; font-size: 1.5em; }
.sev-high { color: #b42318; font-weight: 600; }
.sev-medium { color: #b54708; font-weight: 600; }
.sev-low { color: #1d4ed8; font-weight: 600; }
.status-unhealthy { color: #b42318; }
.status-healthy { color: #067647; }
.filters { display: flex; flex-wrap: wrap; gap: 1em; margin: 0.5em 0; align-items: end; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: #57606a; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.diagram { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5em; }
.diagram svg { max-width: 100%; height: auto; }
.note { border-left: 4px solid #d0d7de; padding: 0.4em 0.8em; background: #f6f8fa; }
#errors { color: #b42318; }
)css";

// The page's script: renders the tables from the embedded data, sorts and filters the exposures; with #selftest it
// filters and sorts once and writes what it saw into #selftest-result (the browser test reads it).
constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var errorCount = 0;
  function recordError(message) {
    errorCount += 1;
    document.body.setAttribute('data-errors', String(errorCount));
    var list = document.getElementById('errors');
    if (list) {
      list.hidden = false;
      list.appendChild(el('li', null, message));
    }
  }
  window.addEventListener('error', function (e) {
    recordError('error: ' + e.message + ' (line ' + e.lineno + ')');
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function cell(row, text, cls) { var td = el('td', cls ? { 'class': cls } : null, text); row.appendChild(td); return td; }
  function headRow(table, names, sortable) {
    var thead = el('thead');
    var tr = el('tr');
    names.forEach(function (n) { tr.appendChild(el('th', sortable ? { scope: 'col', tabindex: '0' } : { scope: 'col' }, n)); });
    thead.appendChild(tr);
    table.appendChild(thead);
    return tr;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  var data = JSON.parse(document.getElementById('exposim-data').textContent);

  // Summary.
  function renderSummary() {
    var s = data.summary;
    var cards = document.getElementById('summary-cards');
    [['exposures', s.exposures], ['exposed targets', s.exposed_targets], ['entry points', s.entry_points],
     ['high findings', s.findings.high], ['medium findings', s.findings.medium], ['low findings', s.findings.low]]
      .forEach(function (c) {
        var card = el('div', { 'class': 'card' });
        card.appendChild(el('b', null, c[1]));
        card.appendChild(el('span', null, c[0]));
        cards.appendChild(card);
      });
    var inputs = document.getElementById('inputs');
    data.inputs.forEach(function (f) { inputs.appendChild(el('li', { 'class': 'mono' }, f)); });

    var entries = document.getElementById('entry-points');
    if (data.entry_points.length === 0) {
      entries.appendChild(el('p', { 'class': 'muted' }, 'Nothing is reachable from the internet.'));
    } else {
      var t = el('table', { id: 'entry-points-table' });
      headRow(t, ['Entry', 'Name', 'Via', 'Fronts', 'Exposures']);
      var body = el('tbody');
      data.entry_points.forEach(function (e) {
        var tr = el('tr');
        cell(tr, e.address || '(not allocated)', 'mono');
        cell(tr, e.name);
        cell(tr, e.via.join(', '));
        cell(tr, e.fronts.join(', '));
        cell(tr, e.exposures);
        body.appendChild(tr);
      });
      t.appendChild(body);
      entries.appendChild(t);
    }

    var targets = document.getElementById('targets');
    if (data.targets.length === 0) {
      targets.appendChild(el('p', { 'class': 'muted' }, 'No exposed target.'));
    } else {
      var tt = el('table', { id: 'targets-table' });
      headRow(tt, ['Target', 'Type', 'IP', 'Reached on', 'Exposures']);
      var tbody = el('tbody');
      data.targets.forEach(function (g) {
        var tr = el('tr');
        cell(tr, g.name);
        cell(tr, g.type);
        cell(tr, g.ip, 'mono');
        cell(tr, g.ports.join('; '), 'mono');
        cell(tr, g.exposures);
        tbody.appendChild(tr);
      });
      tt.appendChild(tbody);
      targets.appendChild(tt);
    }

    var st = s.statuses;
    var text = plural(s.findings.high + s.findings.medium + s.findings.low, 'unhealthy finding', 'unhealthy findings') +
      ' (' + s.findings.high + ' high, ' + s.findings.medium + ' medium, ' + s.findings.low + ' low); ' +
      st.healthy + ' healthy, ' + st['not-applicable'] + ' not applicable, ' + st.undecidable + ' undecidable';
    if (data.skipped.length) text += '; skipped: ' + data.skipped.join(', ');
    document.getElementById('findings-summary').textContent = text;
  }

  // Exposures: one row per exposure, sortable and filterable.
  var columns = ['target', 'ip', 'entry', 'via', 'protocol', 'ports', 'sources', 'rules'];
  var titles = ['Target', 'IP', 'Entry', 'Via', 'Protocol', 'Ports', 'Sources', 'Rules'];
  var rows = [];
  var sortState = { column: -1, ascending: true };

  function renderExposures() {
    var table = document.getElementById('exposures-table');
    var header = headRow(table, titles, true);
    var body = el('tbody');
    data.exposures.forEach(function (x, i) {
      var tr = el('tr', { 'data-index': String(i) });
      columns.forEach(function (c) { cell(tr, x[c], c === 'rules' || c === 'ip' || c === 'ports' ? 'mono' : null); });
      body.appendChild(tr);
      rows.push({ data: x, tr: tr });
    });
    table.appendChild(body);
    Array.prototype.forEach.call(header.children, function (th, i) {
      th.addEventListener('click', function () { sortBy(i); });
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(i); } });
    });

    var via = document.getElementById('filter-via');
    var seen = {};
    data.exposures.forEach(function (x) { seen[x.via_kind] = true; });
    Object.keys(seen).sort().forEach(function (v) { via.appendChild(el('option', { value: v }, v)); });
    ['filter-via', 'filter-port', 'filter-target'].forEach(function (id) {
      var input = document.getElementById(id);
      input.addEventListener('input', applyFilters);
      input.addEventListener('change', applyFilters);
    });
    applyFilters();
  }

  function sortBy(i) {
    sortState.ascending = sortState.column === i ? !sortState.ascending : true;
    sortState.column = i;
    var key = columns[i];
    var dir = sortState.ascending ? 1 : -1;
    rows.sort(function (a, b) {
      var r = String(a.data[key]).localeCompare(String(b.data[key]), undefined, { numeric: true, sensitivity: 'base' });
      return r !== 0 ? r * dir : a.data.index - b.data.index;
    });
    var body = document.querySelector('#exposures-table tbody');
    rows.forEach(function (r) { body.appendChild(r.tr); });
    var ths = document.querySelectorAll('#exposures-table thead th');
    Array.prototype.forEach.call(ths, function (th, j) {
      if (j === i) th.setAttribute('aria-sort', sortState.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }

  function portMatches(x, port) {
    return x.port_ranges.some(function (r) { return r[0] <= port && port <= r[1]; });
  }

  function applyFilters() {
    var via = document.getElementById('filter-via').value;
    var portInput = document.getElementById('filter-port');
    var portText = portInput.value.trim();
    var port = null;
    if (portText !== '') {
      port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : -1;
      portInput.setCustomValidity(port >= 0 && port <= 65535 ? '' : 'a port from 0 to 65535');
    } else {
      portInput.setCustomValidity('');
    }
    var target = document.getElementById('filter-target').value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var x = r.data;
      var ok = (via === '' || x.via_kind === via) && (port === null || portMatches(x, port)) &&
        (target === '' || String(x.target).toLowerCase().indexOf(target) >= 0);
      r.tr.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById('exposure-count').textContent =
      shown + ' of ' + plural(rows.length, 'exposure', 'exposures') + ' shown';
    return shown;
  }

  // Recommendations with their evidence.
  function exposureText(i) {
    var x = data.exposures[i];
    if (!x) return 'exposure ' + i;
    return x.target + ': ' + x.protocol + ' ' + x.ports + ' from ' + x.sources + ' via ' + x.via + ' at ' + x.entry +
      ' (' + x.rules + ')';
  }
  function whereText(w) {
    var t = w.file;
    if (w.line) t += ':' + w.line + ':' + w.column;
    if (w.pointer) t += ' ' + w.pointer;
    return t;
  }
  function renderFindings() {
    var box = document.getElementById('findings');
    if (data.findings.length === 0) {
      box.appendChild(el('p', { 'class': 'muted' }, 'No recommendation gave a result for this estate.'));
      return;
    }
    var t = el('table', { id: 'findings-table' });
    headRow(t, ['Severity', 'Id', 'Recommendation', 'Resource', 'Status', 'Evidence', 'Remediation']);
    var body = el('tbody');
    data.findings.forEach(function (f) {
      var tr = el('tr', { 'data-status': f.status });
      cell(tr, f.severity, 'sev-' + f.severity);
      cell(tr, f.id, 'mono');
      var title = cell(tr, '');
      if (/^https:\/\//.test(f.help_uri)) {
        title.appendChild(el('a', { href: f.help_uri, rel: 'noreferrer' }, f.title));
      } else {
        title.textContent = f.title;
      }
      cell(tr, f.resource.name + ' (' + f.resource.type + ')');
      cell(tr, f.status, 'status-' + f.status);
      var ev = cell(tr, '');
      ev.appendChild(el('div', null, f.summary));
      if (f.exposures.length || f.properties.length) {
        var ul = el('ul');
        f.exposures.forEach(function (i) { ul.appendChild(el('li', null, exposureText(i))); });
        f.properties.forEach(function (p) {
          ul.appendChild(el('li', null, p.name + ' = ' + p.value + ' (' + whereText(p.where) + ')'));
        });
        ev.appendChild(ul);
      }
      cell(tr, f.remediation);
      body.appendChild(tr);
    });
    t.appendChild(body);
    box.appendChild(t);
  }

  function renderDiagnostics() {
    var box = document.getElementById('diagnostics');
    if (data.diagnostics.length === 0) {
      box.appendChild(el('p', { 'class': 'muted' }, 'No diagnostics.'));
      return;
    }
    var ul = el('ul');
    data.diagnostics.forEach(function (d) {
      var w = d.file + (d.line ? ':' + d.line + ':' + d.column : '') + (d.pointer ? ': ' + d.pointer : '');
      ul.appendChild(el('li', { 'class': 'mono' }, w + ': ' + d.severity + ': ' + d.message + ' [' + d.code + ']'));
    });
    box.appendChild(ul);
  }

  // #selftest: filter and sort once, then say what the page saw (the browser test reads it with --dump-dom).
  function selfTest() {
    var result = { rows: rows.length, visible: {}, sorted_first: null, findings: data.findings.length };
    function visibleWith(via, port, target) {
      document.getElementById('filter-via').value = via;
      document.getElementById('filter-port').value = port;
      document.getElementById('filter-target').value = target;
      return applyFilters();
    }
    result.visible.all = visibleWith('', '', '');
    data.exposures.forEach(function (x) {
      if (!(('via ' + x.via_kind) in result.visible)) result.visible['via ' + x.via_kind] = visibleWith(x.via_kind, '', '');
      x.port_ranges.forEach(function (r) {
        if (!(('port ' + r[0]) in result.visible)) result.visible['port ' + r[0]] = visibleWith('', String(r[0]), '');
      });
      if (!(('target ' + x.target) in result.visible)) result.visible['target ' + x.target] = visibleWith('', '', x.target);
    });
    visibleWith('', '', '');
    sortBy(columns.indexOf('ports'));
    sortBy(columns.indexOf('ports'));
    var first = document.querySelector('#exposures-table tbody tr');
    result.sorted_first = first ? first.children[columns.indexOf('ports')].textContent : null;
    result.svg = document.querySelector('#diagram svg') !== null;
    result.errors = errorCount;
    document.getElementById('selftest-result').textContent = JSON.stringify(result);
  }

  renderSummary();
  renderExposures();
  renderFindings();
  renderDiagnostics();
  if (window.location.hash === '#selftest') selfTest();
  document.body.setAttribute('data-ready', 'true');
})();
)js";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_json(const ordered_json& data) {
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

std::string inline_svg(std::string_view svg) {
  const auto start = svg.find("<svg");
  const auto end = svg.rfind("</svg>");
  if (start == std::string_view::npos || end == std::string_view::npos || end < start) return "";
  std::string_view body = svg.substr(start, end + 6 - start);
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size();) {
    if (body.compare(i, 4, "<!--") == 0) {
      const auto close = body.find("-->", i + 4);
      if (close == std::string_view::npos) return "";
      i = close + 3;
      continue;
    }
    out += body[i++];
  }
  const std::string l = model::ascii::lower(out);
  for (const char* active : {"<script", "<foreignobject", "javascript:", "<iframe", "<embed", "<object"}) {
    if (l.find(active) != std::string::npos) return "";
  }
  return out;
}

ordered_json report_data(const HtmlReportInput& in) {
  const model::Model& m = in.model;
  const solver::Analysis& a = in.analysis;
  ordered_json j;
  j["format"] = "exposim-report";
  j["version"] = 1;
  j["inputs"] = in.inputs;

  // Exposures as analyze's table has them, plus what the filters need.
  ordered_json exposures = ordered_json::array();
  struct EntryAgg {
    Entry entry;
    std::set<std::string> via;
    std::set<std::string> fronts;
    std::size_t exposures{0};
  };
  std::map<std::tuple<int, std::string>, EntryAgg> entries;
  struct TargetAgg {
    ordered_json resource;
    std::string ip;
    std::vector<std::string> ports;
    std::size_t exposures{0};
  };
  std::map<std::tuple<int, int, int>, TargetAgg> targets;
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    const auto& e = a.exposures[i];
    const std::vector<std::string> row = exposure_row(m, e, a.internet);
    ordered_json x;
    x["index"] = i;
    x["target"] = row[0];
    x["ip"] = row[1];
    x["entry"] = row[2];
    x["via"] = row[3];
    x["protocol"] = row[4];
    x["ports"] = row[5];
    x["sources"] = row[6];
    x["rules"] = row[7];
    x["via_kind"] = solver::to_string(e.via);
    x["jit"] = e.jit;
    x["any_source"] = e.any_source;
    x["port_ranges"] = model::has_ports(e.protocol) ? ranges_json(e.ports) : ordered_json::array();
    const bool nic = e.nic >= 0;
    x["target_type"] = nic ? (e.vm >= 0 ? "virtual-machine" : "network-interface") : model::to_string(e.target_kind);
    if (nic) {
      x["target_id"] = e.vm >= 0 ? m.vms[e.vm].id : m.nics[e.nic].id;
    } else {
      x["target_id"] = resource_json(m, e.target_kind, e.target)["id"];
    }
    exposures.push_back(x);

    const Entry en = entry_of(m, e);
    auto& agg = entries[en.key];
    agg.entry = en;
    agg.via.insert(solver::to_string(e.via));
    agg.fronts.insert(row[0]);
    ++agg.exposures;

    const std::tuple<int, int, int> tkey{static_cast<int>(nic ? model::ResourceKind::kNetworkInterface : e.target_kind),
                                         nic ? e.nic : e.target, nic ? e.ip_configuration : -1};
    auto& t = targets[tkey];
    if (t.exposures == 0) {
      t.resource = {{"name", row[0]}, {"type", x["target_type"]}, {"id", x["target_id"]}};
      t.ip = row[1];
    }
    const std::string ports = row[4] + " " + row[5];
    if (std::find(t.ports.begin(), t.ports.end(), ports) == t.ports.end()) t.ports.push_back(ports);
    ++t.exposures;
  }

  std::size_t by_severity[3] = {0, 0, 0};
  std::map<std::string, std::size_t> statuses = {
      {"unhealthy", 0}, {"healthy", 0}, {"not-applicable", 0}, {"undecidable", 0}};
  for (const auto& f : in.recommendations.findings) {
    ++statuses[solver::to_string(f.status)];
    if (f.status == solver::FindingStatus::kUnhealthy && f.recommendation != nullptr) {
      ++by_severity[static_cast<int>(f.recommendation->severity)];
    }
  }
  std::map<std::string, std::size_t> diagnostics = {{"error", 0}, {"warning", 0}, {"note", 0}};
  for (const auto& d : in.diagnostics) ++diagnostics[model::to_string(d.severity)];

  ordered_json summary;
  summary["exposures"] = a.exposures.size();
  summary["exposed_targets"] = targets.size();
  summary["evaluated_ip_configurations"] = a.targets_evaluated;
  summary["entry_points"] = entries.size();
  summary["broken"] = a.broken.size();
  summary["findings"] = {{"high", by_severity[0]}, {"medium", by_severity[1]}, {"low", by_severity[2]}};
  summary["statuses"] = {{"unhealthy", statuses["unhealthy"]},
                         {"healthy", statuses["healthy"]},
                         {"not-applicable", statuses["not-applicable"]},
                         {"undecidable", statuses["undecidable"]}};
  summary["diagnostics"] = {
      {"error", diagnostics["error"]}, {"warning", diagnostics["warning"]}, {"note", diagnostics["note"]}};
  j["summary"] = summary;

  ordered_json entry_points = ordered_json::array();
  for (const auto& [key, agg] : entries) {
    entry_points.push_back({{"address", agg.entry.address},
                            {"name", agg.entry.name},
                            {"id", agg.entry.id},
                            {"via", agg.via},
                            {"fronts", agg.fronts},
                            {"exposures", agg.exposures}});
  }
  j["entry_points"] = entry_points;

  ordered_json target_list = ordered_json::array();
  for (const auto& [key, t] : targets) {
    ordered_json tj = t.resource;
    tj["ip"] = t.ip;
    tj["ports"] = t.ports;
    tj["exposures"] = t.exposures;
    target_list.push_back(tj);
  }
  std::stable_sort(target_list.begin(), target_list.end(), [](const ordered_json& x, const ordered_json& y) {
    return std::make_tuple(x["name"].get<std::string>(), x["id"].get<std::string>()) <
           std::make_tuple(y["name"].get<std::string>(), y["id"].get<std::string>());
  });
  j["targets"] = target_list;
  j["exposures"] = exposures;

  ordered_json findings = ordered_json::array();
  for (const auto& f : in.recommendations.findings) findings.push_back(finding_json(m, f));
  j["findings"] = findings;
  j["skipped"] = in.recommendations.skipped;
  j["diagram"] = {{"rendered", !in.svg.empty() && in.diagram_note.empty()}, {"note", in.diagram_note}};
  ordered_json diags = ordered_json::array();
  for (const auto& d : in.diagnostics) diags.push_back(diagnostic_json(d));
  j["diagnostics"] = diags;
  return j;
}

void write_html_report(std::ostream& out, const HtmlReportInput& in) {
  const ordered_json data = report_data(in);
  const std::string svg = in.diagram_note.empty() ? inline_svg(in.svg) : "";
  std::string inputs;
  for (const auto& f : in.inputs) inputs += (inputs.empty() ? "" : ", ") + f;

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
         "<title>exposim report: "
      << html_escape(inputs) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>exposim report</h1>\n"
         "<p class=\"muted\">What the internet can reach in this design, computed before deployment by exposim.</p>\n"
         "<noscript><p class=\"note\">The tables of this page are drawn by its inline script: enable JavaScript, "
         "or read the same data with <code>exposim analyze --format json</code>.</p></noscript>\n"
         "<ul id=\"errors\" hidden></ul>\n";
  out << "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\" id=\"summary-cards\"></div>\n"
         "<h3>Inputs</h3>\n<ul id=\"inputs\"></ul>\n"
         "<h3>Entry points</h3>\n<div id=\"entry-points\"></div>\n"
         "<h3>Exposed targets</h3>\n<div id=\"targets\"></div>\n"
         "<h3>Findings</h3>\n<p id=\"findings-summary\"></p>\n</section>\n";
  out << "<section>\n<h2>Exposures</h2>\n"
         "<p class=\"muted\">One row per exposure, as <code>exposim analyze</code> lists them. Click a column "
         "header to sort.</p>\n"
         "<div class=\"filters\">\n"
         "<label>Via<select id=\"filter-via\"><option value=\"\">any</option></select></label>\n"
         "<label>Port<input id=\"filter-port\" type=\"text\" inputmode=\"numeric\" size=\"7\" "
         "placeholder=\"e.g. 22\"></label>\n"
         "<label>Target<input id=\"filter-target\" type=\"search\" size=\"20\" placeholder=\"name contains\"></label>\n"
         "<span id=\"exposure-count\" class=\"muted\"></span>\n</div>\n"
         "<table id=\"exposures-table\" class=\"sortable\"></table>\n</section>\n";
  out << "<section>\n<h2>Recommendations</h2>\n<div id=\"findings\"></div>\n</section>\n";
  out << "<section>\n<h2>Diagram of the exposed paths</h2>\n<div id=\"diagram\" class=\"diagram\">\n";
  if (!svg.empty()) {
    out << svg << '\n';
  } else {
    const std::string note = in.diagram_note.empty()
                                 ? std::string("the diagram was left out: Graphviz's output was not a plain SVG")
                                 : in.diagram_note;
    out << "<p class=\"note\" id=\"diagram-note\">" << html_escape(note) << "</p>\n";
  }
  out << "</div>\n</section>\n";
  out << "<section>\n<h2>Diagnostics</h2>\n<div id=\"diagnostics\"></div>\n</section>\n";
  out << "<pre id=\"selftest-result\"></pre>\n";
  out << "<script type=\"application/json\" id=\"exposim-data\">" << script_json(data) << "</script>\n";
  out << "<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace exposim::cli
