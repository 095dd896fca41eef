// The writers of `exposim matrix` (docs/output-format.md, "matrix"): the segmentation matrix as a text table, JSON,
// CSV, or a Graphviz heat map.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/model.h"
#include "solver/segmentation.h"

namespace exposim::cli {

/// What passes in a cell, as the table and the heat map say it: "all" when every protocol passes on every port;
/// else, by protocol, "tcp:22,443" ("tcp:*" for every port; a list of more than `max_ranges` ranges keeps its first
/// ones and ends in "+N", the number left out) and "icmp", "esp", "ah" for the protocols without ports, separated by
/// spaces; "-" when nothing passes.
std::string matrix_cell_text(const solver::MatrixCell* cell, std::size_t max_ranges = 4);

/// How much a cell lets through, the heat map's colour: nothing, some ports, management ports among them (TCP 22,
/// 3389, 5985, 5986 or UDP 3389), every TCP and UDP port.
enum class MatrixLevel { kNothing, kSome, kManagement, kEverything };
MatrixLevel matrix_level(const solver::MatrixCell* cell);
/// "nothing", "some", "management", "everything".
const char* to_string(MatrixLevel level);

/// The matrix and what it was built from, for the writers.
struct MatrixReport {
  const model::Model& model;
  const solver::Grouping& groups;
  const solver::Segmentation& segmentation;
  std::string by;  // "subnet", "vnet", "asg", "tag:KEY"
};

/// Rows: the group traffic comes from; columns: the group it goes to (the PaaS services' columns, --paas, after the
/// groups': targets only, never a row); cells: matrix_cell_text().
void write_matrix_table(std::ostream& out, const MatrixReport& r);

/// RFC 4180 CSV, one row per non-empty cell and protocol: from, to, protocol, ports ("22;443-445", "*"; empty for a
/// protocol without ports).
void write_matrix_csv(std::ostream& out, const MatrixReport& r);

/// {"format": "exposim-matrix", "version": 1, "by", "groups", "paas_services" (with --paas: the PaaS columns' names),
/// "cells" (each protocol with its ports and its witness flow, hops as analyze's version 2 writes them), "summary",
/// "diagnostics"}.
void write_matrix_json(std::ostream& out, const MatrixReport& r, const std::vector<model::Diagnostic>& diagnostics);

/// The heat map as a Graphviz graph: one HTML-like table, a row per source group and a column per target group,
/// each cell coloured by matrix_level() and holding matrix_cell_text(), with a legend.
void write_matrix_dot(std::ostream& out, const MatrixReport& r);

}  // namespace exposim::cli
