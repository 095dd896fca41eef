// Markdown for pull-request comments (cli/markdown.h).
#include "cli/markdown.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/ascii.h"

namespace exposim::cli {

/// A Markdown table cell: `|` escaped, line breaks as spaces; `<` as an entity and `[`, `]` escaped, so that a name
/// cannot add HTML, an image or a link to a pull-request comment; a backtick escaped, so that it cannot open a code
/// span; `@` followed by a zero-width space (`&#8203;`, as Dependabot writes it), so that `@team` in a name is shown
/// as written but mentions nobody. The zero-width space also goes inside what GitHub turns into a link in a comment
/// (docs/security.md): after `#` and `GH-` before a digit (issue references `#12`, `GH-12`, `owner/repo#12`), after
/// the `:` of `://` and inside `www.` (bare URLs), so that they show as written and link nowhere.
std::string md_cell(const std::string& s) {
  const auto digit_at = [&s](std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  const auto lower_at = [&s](std::size_t i) { return model::ascii::lower(s[i]); };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '#' && digit_at(i + 1)) {
      out += "#&#8203;";
    } else if (ch == '-' && digit_at(i + 1) && i >= 2 && lower_at(i - 2) == 'g' && lower_at(i - 1) == 'h') {
      out += "-&#8203;";
    } else if (ch == ':' && s.compare(i + 1, 2, "//") == 0) {
      out += ":&#8203;";
    } else if (ch == '.' && i >= 3 && lower_at(i - 3) == 'w' && lower_at(i - 2) == 'w' && lower_at(i - 1) == 'w') {
      out += "&#8203;.";
    } else if (ch == '|' || ch == '[' || ch == ']' || ch == '`') {
      out += '\\';
      out += ch;
    } else if (ch == '<') {
      out += "&lt;";
    } else if (ch == '@') {
      out += "@&#8203;";
    } else if (ch == '\n' || ch == '\r') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

/// `s` as a Markdown code span that shows it as written: fenced by one backtick more than its longest run of
/// backticks, with a space inside each fence when it starts or ends with one (CommonMark strips one space from each
/// side), and line breaks as spaces. Nothing in a code span is Markdown, HTML or a mention.
std::string md_code_span(const std::string& s) {
  std::string text;
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char ch : s) {
    run = ch == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    text += ch == '\n' || ch == '\r' ? ' ' : ch;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return pad ? fence + ' ' + text + ' ' + fence : fence + text + fence;
}

std::string md_line(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += ' ' + md_cell(c) + " |";
  return out + '\n';
}

/// The header and the rows while their characters fit in `budget` (what is written is taken from it); the rows
/// that do not fit are counted in a note.
void md_table(std::ostream& out, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows, std::size_t& budget) {
  out << md_line(header) << '|';
  for (std::size_t i = 0; i < header.size(); ++i) out << "---|";
  out << '\n';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string line = md_line(rows[i]);
    if (line.size() > budget) {
      const std::size_t more = rows.size() - i;
      out << fmt::format(
          "\n_{} more row{} not shown: a pull-request comment holds at most 65,536 characters; "
          "`exposim whatif --format table` lists every row._\n",
          more, more == 1 ? "" : "s");
      budget = 0;
      return;
    }
    budget -= line.size();
    out << line;
  }
}

}  // namespace exposim::cli
