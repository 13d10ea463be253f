#include "directives/exec_command.h"

#include <cctype>

namespace hardnut {

namespace {

struct Token {
  std::string text;
  size_t start = 0;        // offset of the word in the raw value
  bool separator = false;  // an unquoted, unescaped ";"
};

// Splits a command line into words (quotes removed, backslash escapes
// resolved); false on unbalanced quotes.
bool tokenize(const std::string& value, std::vector<Token>& tokens) {
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && isspace(static_cast<unsigned char>(value[i]))) ++i;
    if (i >= value.size()) break;
    Token t;
    t.start = i;
    bool plain = true;
    char quote = 0;
    while (i < value.size() && (quote || !isspace(static_cast<unsigned char>(value[i])))) {
      char c = value[i];
      if (c == '\\' && i + 1 < value.size()) {
        t.text += value[i + 1];
        plain = false;
        i += 2;
        continue;
      }
      if (quote) {
        if (c == quote)
          quote = 0;
        else
          t.text += c;
      } else if (c == '"' || c == '\'') {
        quote = c;
        plain = false;
      } else {
        t.text += c;
      }
      ++i;
    }
    if (quote) return false;
    t.separator = plain && t.text == ";";
    tokens.push_back(std::move(t));
  }
  return true;
}

// Characters systemd does not accept in an executable name.
bool is_safe_string(const std::string& s) {
  for (unsigned char c : s)
    if (c < ' ' || c == 127 || c == '"' || c == '\'' || c == '\\') return false;
  return true;
}

bool is_valid_filename(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos && s.size() <= 255;
}

}  // namespace

ExecLine parse_exec_line(const std::string& value, const SpecifierContext& specifiers) {
  ExecLine out;
  std::vector<Token> tokens;
  bool balanced = tokenize(value, tokens);
  bool ignore_first = !value.empty() && value[0] == '-';
  if (!balanced) {
    out.warnings.push_back("Unbalanced quoting" + std::string(ignore_first ? ", ignoring" : "") +
                           ": \"" + value + "\"");
    out.fatal = !ignore_first;
    out.commands = 0;
    return out;
  }
  size_t i = 0;
  while (i < tokens.size()) {
    if (tokens[i].separator) {
      ++i;
      continue;
    }
    const std::string original = tokens[i].text;
    std::string path = original;
    bool ignore = false;
    bool separate_argv0 = false;
    size_t p = 0;
    while (p < path.size() && std::string("-@:+!").find(path[p]) != std::string::npos) {
      if (path[p] == '-') ignore = true;
      if (path[p] == '@') separate_argv0 = true;
      ++p;
    }
    path = path.substr(p);
    const std::string suffix = ignore ? ", ignoring" : "";
    auto fail = [&](const std::string& message) {
      out.warnings.push_back(message);
      out.fatal = !ignore;
      return out;
    };
    if (path.empty()) return fail("Empty path in command line" + suffix + ": '" + original + "'");
    auto expanded = expand_specifiers(path, specifiers);
    if (!expanded)
      return fail("Failed to resolve unit specifiers in '" + path + "'" + suffix +
                  ": Invalid slot");
    if (!is_safe_string(*expanded))
      return fail("Executable name contains special characters" + suffix + ": " + *expanded);
    if ((*expanded)[0] != '/' && !is_valid_filename(*expanded))
      return fail("Neither a valid executable name nor an absolute path" + suffix + ": " +
                  *expanded);
    if (expanded->back() == '/')
      return fail("Executable path specifies a directory" + suffix + ": " + *expanded);
    // With '@' the next word is argv[0]; without one the command has no
    // argv at all. systemd quotes the raw rest of the line from this command.
    const size_t command_start = tokens[i].start;
    ++i;
    if (separate_argv0 && (i == tokens.size() || tokens[i].separator))
      return fail("Empty executable name or zeroeth argument" + suffix + ": " +
                  value.substr(command_start));
    ++out.commands;
    while (i < tokens.size() && !tokens[i].separator) ++i;
  }
  return out;
}

}  // namespace hardnut
