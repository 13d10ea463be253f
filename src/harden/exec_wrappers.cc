#include "harden/exec_wrappers.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "base/values.h"

namespace hardnut {

namespace {

using nlohmann::json;

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  for (const auto& p : patterns)
    if (fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool is_name_start(char c) { return isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// "NAME=..." (or "NAME+=..."): the length of NAME, 0 if the word is not an
// assignment.
size_t assignment_name(std::string_view w) {
  if (w.empty() || !is_name_start(w[0])) return 0;
  size_t i = 1;
  while (i < w.size() && is_name_char(w[i])) ++i;
  if (i < w.size() && w[i] == '=') return i;
  if (i + 1 < w.size() && w[i] == '+' && w[i + 1] == '=') return i;
  return 0;
}

std::string join(const std::vector<std::string>& words, size_t from = 0) {
  std::string s;
  for (size_t i = from; i < words.size(); ++i) s += (s.empty() ? "" : " ") + words[i];
  return s;
}

std::vector<std::string> json_strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  for (const auto& v : j.at(key)) out.push_back(v.get<std::string>());
  return out;
}

// ---- Shell words and tokens ------------------------------------------------

struct Token {
  enum Kind { kWord, kOp } kind;
  std::string text;
};

// Skips a quoted or nested part of a word; `i` is just past the opening
// character and ends just past the closing one. False when it never closes.
bool skip_single(std::string_view s, size_t& i) {
  size_t e = s.find('\'', i);
  if (e == std::string_view::npos) return false;
  i = e + 1;
  return true;
}

bool skip_nested(std::string_view s, size_t& i, char open, char close);

bool skip_backquote(std::string_view s, size_t& i) {
  while (i < s.size()) {
    if (s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i++] == '`') return true;
  }
  return false;
}

bool skip_double(std::string_view s, size_t& i) {
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '$' && i + 1 < s.size() && (s[i + 1] == '(' || s[i + 1] == '{')) {
      i += 2;
      if (!skip_nested(s, i, s[i - 1], s[i - 1] == '(' ? ')' : '}')) return false;
      continue;
    }
    if (c == '`') {
      ++i;
      if (!skip_backquote(s, i)) return false;
      continue;
    }
    ++i;
  }
  return false;
}

bool skip_nested(std::string_view s, size_t& i, char open, char close) {
  int depth = 1;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    ++i;
    if (c == '\'') {
      if (!skip_single(s, i)) return false;
    } else if (c == '"') {
      if (!skip_double(s, i)) return false;
    } else if (c == '`') {
      if (!skip_backquote(s, i)) return false;
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return true;
    }
  }
  return false;
}

bool is_meta(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' ||
         c == '(' || c == ')' || c == '<' || c == '>';
}

// The end of the word starting at `i`; npos when a quote or substitution
// never closes.
size_t scan_word(std::string_view s, size_t i) {
  while (i < s.size() && !is_meta(s[i])) {
    char c = s[i++];
    if (c == '\\') {
      if (i < s.size()) ++i;
    } else if (c == '\'') {
      if (!skip_single(s, i)) return std::string_view::npos;
    } else if (c == '"') {
      if (!skip_double(s, i)) return std::string_view::npos;
    } else if (c == '`') {
      if (!skip_backquote(s, i)) return std::string_view::npos;
    } else if (c == '$' && i < s.size() && (s[i] == '(' || s[i] == '{')) {
      char open = s[i++];
      if (!skip_nested(s, i, open, open == '(' ? ')' : '}')) return std::string_view::npos;
    }
  }
  return i;
}

// A quote-removed word with no expansions (here-document delimiters).
std::string literal_of(std::string_view w) {
  std::string out;
  for (char c : w)
    if (c != '\'' && c != '"' && c != '\\') out += c;
  return out;
}

// Splits shell text into words and operators: "\n", ";", "&", "&&", "|",
// "||", ";;", "(", ")", and "redir" for a redirection (its target word
// follows) or "heredoc" (delimiter and body already skipped). False and
// `error` when a quote or substitution does not close.
bool tokenize(std::string_view s, std::vector<Token>& out, std::string& error) {
  std::vector<std::pair<std::string, bool>> heredocs;  // delimiter, strip tabs
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
      i += 2;
    } else if (c == '\n') {
      out.push_back({Token::kOp, "\n"});
      ++i;
      for (const auto& [delim, strip] : heredocs) {
        while (i < s.size()) {
          size_t eol = s.find('\n', i);
          if (eol == std::string_view::npos) eol = s.size();
          std::string_view line = s.substr(i, eol - i);
          if (strip)
            while (!line.empty() && line[0] == '\t') line.remove_prefix(1);
          i = eol + 1;
          if (line == delim) break;
        }
      }
      heredocs.clear();
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == ';' || c == '&' || c == '|') {
      char n = i + 1 < s.size() ? s[i + 1] : '\0';
      std::string op(1, c);
      if (c == '&' && n == '>') {  // &>file, &>>file
        i += 2;
        if (i < s.size() && s[i] == '>') ++i;
        out.push_back({Token::kOp, "redir"});
        continue;
      }
      if (n == c || n == '&') op += n;  // ;; ;& && || |&
      if (op == ";;" && i + 2 < s.size() && s[i + 2] == '&') op += '&';
      i += op.size();
      out.push_back({Token::kOp, op});
    } else if (c == '(' || c == ')') {
      out.push_back({Token::kOp, std::string(1, c)});
      ++i;
    } else if (c == '<' || c == '>') {
      if (s.substr(i, 3) == "<<<") {
        i += 3;
        out.push_back({Token::kOp, "redir"});
      } else if (s.substr(i, 2) == "<<") {
        i += 2;
        bool strip = i < s.size() && s[i] == '-';
        if (strip) ++i;
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        size_t e = scan_word(s, i);
        if (e == std::string_view::npos) {
          error = "an unterminated here-document delimiter";
          return false;
        }
        heredocs.emplace_back(literal_of(s.substr(i, e - i)), strip);
        i = e;
        out.push_back({Token::kOp, "heredoc"});
      } else {
        ++i;
        while (i < s.size() && (s[i] == '>' || s[i] == '&' || s[i] == '|')) ++i;
        out.push_back({Token::kOp, "redir"});
      }
    } else {
      size_t e = scan_word(s, i);
      if (e == std::string_view::npos) {
        error = "an unterminated quote or substitution";
        return false;
      }
      std::string_view w = s.substr(i, e - i);
      i = e;
      // "2>file": the number belongs to the redirection.
      if (i < s.size() && (s[i] == '<' || s[i] == '>') &&
          std::all_of(w.begin(), w.end(),
                      [](char d) { return isdigit(static_cast<unsigned char>(d)); }))
        continue;
      out.push_back({Token::kWord, std::string(w)});
    }
  }
  return true;
}

// ---- Values and expansion --------------------------------------------------

struct Value {
  std::string text;
  bool known = true;
};

using Env = std::map<std::string, Value>;

struct Field {
  std::string text;
  bool known = true;
};

struct ShellState {
  Env vars;
  std::set<std::string> exported;
  bool allexport = false;
  std::string arg0;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<Token>> functions;
  std::vector<std::string> notes;  // why some of its variables may be missing
  bool from_file = false;          // a script read from the root, not code in the unit
};

class Expander {
 public:
  explicit Expander(ShellState& st) : st_(st) {}

  // The fields of a raw word; unquoted expansions are split at blanks
  // when `split`. `unset` collects the variables it found unset.
  std::vector<Field> expand(std::string_view raw, bool split, std::vector<std::string>* unset) {
    unset_ = unset;
    out_.clear();
    cur_ = Field{};
    has_ = false;
    split_ = split;
    size_t i = 0;
    while (i < raw.size()) {
      char c = raw[i];
      if (c == '\\') {
        if (i + 1 < raw.size() && raw[i + 1] != '\n') literal(std::string(1, raw[i + 1]), true);
        i += 2;
      } else if (c == '\'') {
        size_t e = raw.find('\'', i + 1);
        if (e == std::string_view::npos) e = raw.size();
        literal(std::string(raw.substr(i + 1, e - i - 1)), true);
        i = e + 1;
      } else if (c == '"') {
        i = double_quoted(raw, i + 1);
      } else if (c == '$') {
        i = dollar(raw, i, false);
      } else if (c == '`') {
        size_t j = i + 1;
        skip_backquote(raw, j);
        add(Value{std::string(raw.substr(i, j - i)), false}, false);
        i = j;
      } else {
        literal(std::string(1, c), false);
        ++i;
      }
    }
    if (has_) out_.push_back(cur_);
    return out_;
  }

  // A word expanded as one string (assignments, defaults).
  Value expand_string(std::string_view raw, std::vector<std::string>* unset) {
    Expander inner(st_);
    Value v;
    bool first = true;
    for (const auto& f : inner.expand(raw, false, unset)) {
      v.text += (first ? "" : " ") + f.text;
      v.known = v.known && f.known;
      first = false;
    }
    return v;
  }

 private:
  void literal(const std::string& s, bool quoted) {
    cur_.text += s;
    if (quoted || !s.empty()) has_ = true;
  }

  void add(const Value& v, bool quoted) {
    if (!v.known) cur_.known = false;
    if (quoted || !split_) {
      cur_.text += v.text;
      has_ = true;
      return;
    }
    for (char c : v.text) {
      if (c == ' ' || c == '\t' || c == '\n') {
        if (has_) out_.push_back(cur_);
        cur_ = Field{};
        cur_.known = v.known;
        has_ = false;
      } else {
        cur_.text += c;
        has_ = true;
      }
    }
  }

  size_t double_quoted(std::string_view raw, size_t i) {
    has_ = true;
    while (i < raw.size() && raw[i] != '"') {
      char c = raw[i];
      if (c == '\\' && i + 1 < raw.size()) {
        char n = raw[i + 1];
        if (n == '$' || n == '`' || n == '"' || n == '\\')
          cur_.text += n;
        else if (n != '\n')
          cur_.text += std::string{c, n};
        i += 2;
      } else if (c == '$') {
        i = dollar(raw, i, true);
      } else if (c == '`') {
        size_t j = i + 1;
        skip_backquote(raw, j);
        add(Value{std::string(raw.substr(i, j - i)), false}, true);
        i = j;
      } else {
        cur_.text += c;
        ++i;
      }
    }
    return i + 1;
  }

  Value lookup(const std::string& name, bool note_unset) {
    if (name.size() == 1 && isdigit(static_cast<unsigned char>(name[0]))) {
      size_t n = static_cast<size_t>(name[0] - '0');
      if (n == 0) return {st_.arg0, true};
      if (n <= st_.positional.size()) return {st_.positional[n - 1], true};
    } else {
      auto it = st_.vars.find(name);
      if (it != st_.vars.end()) return it->second;
    }
    if (note_unset && unset_) unset_->push_back(name);
    return {"", true};
  }

  bool is_set(const std::string& name) {
    if (name.size() == 1 && isdigit(static_cast<unsigned char>(name[0])))
      return name == "0" || static_cast<size_t>(name[0] - '0') <= st_.positional.size();
    return st_.vars.count(name) > 0;
  }

  // "$@" inside quotes: one field per positional parameter.
  void at_quoted() {
    for (size_t k = 0; k < st_.positional.size(); ++k) {
      if (k > 0) {
        out_.push_back(cur_);
        cur_ = Field{};
      }
      cur_.text += st_.positional[k];
      has_ = true;
    }
  }

  size_t dollar(std::string_view raw, size_t i, bool quoted) {
    if (i + 1 >= raw.size()) {
      literal("$", quoted);
      return i + 1;
    }
    char n = raw[i + 1];
    if (n == '(') {
      size_t j = i + 2;
      skip_nested(raw, j, '(', ')');
      add(Value{std::string(raw.substr(i, j - i)), false}, quoted);
      return j;
    }
    if (n == '{') {
      size_t j = i + 2;
      skip_nested(raw, j, '{', '}');
      std::string_view inner = raw.substr(i + 2, j > i + 3 ? j - i - 3 : 0);
      add(parameter(inner, std::string(raw.substr(i, j - i))), quoted);
      return j;
    }
    if (is_name_start(n)) {
      size_t j = i + 1;
      while (j < raw.size() && is_name_char(raw[j])) ++j;
      add(lookup(std::string(raw.substr(i + 1, j - i - 1)), true), quoted);
      return j;
    }
    if (isdigit(static_cast<unsigned char>(n))) {
      add(lookup(std::string(1, n), false), quoted);
      return i + 2;
    }
    if (n == '@' || n == '*') {
      if (quoted && n == '@')
        at_quoted();
      else
        add(Value{join(st_.positional), true}, quoted);
      return i + 2;
    }
    if (n == '#') {
      add(Value{std::to_string(st_.positional.size()), true}, quoted);
      return i + 2;
    }
    if (n == '?' || n == '$' || n == '!' || n == '-') {
      add(Value{std::string(raw.substr(i, 2)), false}, quoted);
      return i + 2;
    }
    literal("$", quoted);
    return i + 1;
  }

  // ${NAME}, ${NAME:-word} and the like; what cannot be evaluated is
  // unknown, with `whole` as its text.
  Value parameter(std::string_view inner, const std::string& whole) {
    if (inner.size() > 1 && inner[0] == '#') {
      std::string name(inner.substr(1));
      if (std::all_of(name.begin(), name.end(), is_name_char))
        return {std::to_string(lookup(name, false).text.size()), true};
      return {whole, false};
    }
    size_t j = 0;
    if (!inner.empty() && isdigit(static_cast<unsigned char>(inner[0])))
      j = 1;
    else
      while (j < inner.size() && is_name_char(inner[j])) ++j;
    if (j == 0) return {whole, false};
    std::string name(inner.substr(0, j));
    std::string_view op = inner.substr(j);
    if (op.empty()) return lookup(name, true);
    bool colon = op[0] == ':';
    if (colon) op.remove_prefix(1);
    if (op.empty() || std::string_view("-=+?").find(op[0]) == std::string_view::npos)
      return {whole, false};  // substrings, pattern removal, replacement
    char kind = op[0];
    std::string_view word = op.substr(1);
    bool set = is_set(name);
    Value value = lookup(name, false);
    bool present = set && !(colon && value.text.empty());
    switch (kind) {
      case '-':
        return present ? value : expand_string(word, unset_);
      case '=':
        if (!present) {
          value = expand_string(word, unset_);
          st_.vars[name] = value;
        }
        return value;
      case '+':
        return present ? expand_string(word, unset_) : Value{};
      default:  // '?': the script stops when it is unset
        return present ? value : Value{whole, false};
    }
  }

  ShellState& st_;
  std::vector<std::string>* unset_ = nullptr;
  std::vector<Field> out_;
  Field cur_;
  bool has_ = false;
  bool split_ = true;
};

// ---- Launcher grammars -----------------------------------------------------

struct Parsed {
  enum Kind { kNothing, kCode, kProgram, kCommand, kNone } kind = kNone;
  std::string option;  // the code or program option
  std::string code;
  std::vector<std::string> argv;  // the program and its arguments, or the command
  std::vector<std::string> rest;  // after shell code: $0, $1, ...
  std::vector<std::pair<std::string, std::string>> assignments;  // env NAME=VALUE
};

enum class OptClass { kFlag, kValue, kAttached, kCode, kProgram, kSplit, kNoCommand, kUnknown };

OptClass classify(const LauncherGrammar& g, const std::string& opt) {
  if (contains(g.no_command_options, opt)) return OptClass::kNoCommand;
  if (contains(g.code_options, opt)) return OptClass::kCode;
  if (contains(g.program_options, opt)) return OptClass::kProgram;
  if (contains(g.split_options, opt)) return OptClass::kSplit;
  if (contains(g.options_with_value, opt)) return OptClass::kValue;
  if (contains(g.attached_values, opt)) return OptClass::kAttached;
  return OptClass::kUnknown;
}

Parsed parse_launcher(const LauncherGrammar& g, const std::vector<std::string>& argv) {
  using Kind = LauncherGrammar::Kind;
  Parsed p;
  bool end_options = false, permute = g.permute;
  unsigned skipped = 0;
  std::string program, program_option;
  size_t program_rank = SIZE_MAX;
  auto tail = [&](size_t from) {
    return std::vector<std::string>(argv.begin() + static_cast<long>(std::min(from, argv.size())),
                                    argv.end());
  };
  size_t i = 1;
  while (i < argv.size()) {
    const std::string& w = argv[i];
    if (!end_options && w == "--") {
      end_options = true;
      ++i;
      if (!program.empty()) break;  // the program's arguments follow
      if (permute) return p;        // su -- ARGS: arguments of a login shell
      continue;
    }
    bool option =
        !end_options && w.size() > 1 && (w[0] == '-' || (g.kind == Kind::kShell && w[0] == '+'));
    if (!end_options && w == "-") {
      if (g.kind != Kind::kWrapper) return p;  // reads the program from stdin
      ++i;
      continue;
    }
    if (!option) {
      size_t eq = assignment_name(w);
      if (g.assignments && eq) {
        p.assignments.emplace_back(w.substr(0, eq), w.substr(eq + 1));
        ++i;
        continue;
      }
      if (permute || !program.empty() || !p.code.empty()) {
        ++i;  // su USER, or words after the program option
        continue;
      }
      if (skipped < g.skip_words) {
        ++skipped;
        ++i;
        continue;
      }
      break;
    }
    // One option word: an exact name ("--exec", "-cp", "--exec=X"), or
    // combined short options ("-lc", "-n10") where getopt says so.
    std::string name = w, value;
    bool has_value = false;
    size_t eq = w.find('=');
    if (eq != std::string::npos && (w.rfind("--", 0) == 0 || !g.getopt)) {
      name = w.substr(0, eq);
      value = w.substr(eq + 1);
      has_value = true;
    }
    OptClass cls = classify(g, name);
    if (cls == OptClass::kUnknown && g.getopt && w[1] != '-' && w.size() > 2 && !has_value) {
      cls = OptClass::kFlag;
      for (size_t k = 1; k < w.size(); ++k) {
        std::string opt = std::string(1, w[0]) + w[k];
        OptClass c = classify(g, opt);
        if (c == OptClass::kUnknown || c == OptClass::kFlag) continue;
        cls = c;
        name = opt;
        if (c == OptClass::kAttached) break;
        if (k + 1 < w.size()) {
          value = w.substr(k + 1);
          has_value = true;
        }
        break;
      }
    }
    if (permute && contains(g.permute_unless, name)) permute = false;
    bool needs_value = cls == OptClass::kValue || cls == OptClass::kCode ||
                       cls == OptClass::kProgram || cls == OptClass::kSplit;
    size_t next = i + 1;
    if (needs_value && !has_value) {
      if (next >= argv.size()) return p;  // an option without its value: runs nothing named
      value = argv[next++];
    }
    switch (cls) {
      case OptClass::kNoCommand:
        p.kind = Parsed::kNothing;
        return p;
      case OptClass::kCode:
        p.code = value;
        p.option = name;
        if (g.kind != Kind::kWrapper) {
          p.kind = Parsed::kCode;
          p.rest = tail(next);
          return p;
        }
        break;
      case OptClass::kProgram: {
        size_t rank = static_cast<size_t>(
            std::find(g.program_options.begin(), g.program_options.end(), name) -
            g.program_options.begin());
        if (rank < program_rank) {
          program_rank = rank;
          program = value;
          program_option = name;
        }
        if (g.kind != Kind::kWrapper) {
          p.kind = Parsed::kProgram;
          p.option = name;
          p.argv = {value};
          for (auto& a : tail(next)) p.argv.push_back(a);
          return p;
        }
        break;
      }
      case OptClass::kSplit: {
        p.kind = Parsed::kCommand;
        p.argv = unquoted_words(value).value_or(std::vector<std::string>{});
        for (auto& a : tail(next)) p.argv.push_back(a);
        return p;
      }
      default:
        break;
    }
    i = next;
  }
  if (!p.code.empty()) {
    p.kind = Parsed::kCode;
    return p;
  }
  if (!program.empty()) {
    p.kind = Parsed::kProgram;
    p.option = program_option;
    p.argv = {program};
    if (end_options)
      for (auto& a : tail(i)) p.argv.push_back(a);
    return p;
  }
  if (!permute && i >= argv.size() && g.command_optional) p.kind = Parsed::kNothing;
  if (permute || i >= argv.size()) return p;
  p.kind = g.kind == Kind::kWrapper ? Parsed::kCommand : Parsed::kProgram;
  p.argv = tail(i);
  return p;
}

// ---- Following commands ----------------------------------------------------

const std::set<std::string>& shell_builtins() {
  static const std::set<std::string> names = {
      ":",       "[",         "alias",    "bg",      "bind",    "break",  "caller",  "cd",
      "compgen", "complete",  "continue", "dirs",    "disown",  "echo",   "enable",  "exit",
      "false",   "fc",        "fg",       "getopts", "hash",    "help",   "history", "jobs",
      "kill",    "let",       "logout",   "mapfile", "popd",    "printf", "pushd",   "pwd",
      "read",    "readarray", "return",   "shopt",   "suspend", "test",   "times",   "trap",
      "true",    "type",      "ulimit",   "umask",   "unalias", "wait"};
  return names;
}

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class Follower {
 public:
  Follower(UnitFacts& facts, const RootFs& root, const LauncherTable& table,
           const WrapperLimits& limits)
      : facts_(facts), root_(root), table_(table), limits_(limits) {
    for (const auto& c : facts.commands) seen_.insert(c.key + '\n' + c.line);
  }

  void run(const RunCommand& origin, const Env& env) {
    origin_ = &origin;
    std::vector<std::string> argv = origin.argv;
    follow(argv, env, "", 0, false, "");
  }

  const std::vector<std::string>& unknown() const { return unknown_; }

 private:
  // argv[0] as it is found: a name without "/" looked up on PATH.
  std::string locate(const std::string& program, const Env& env) const {
    if (program.empty() || program.find('/') != std::string::npos) return program;
    auto it = env.find("PATH");
    std::string path = it != env.end() && it->second.known ? it->second.text : kDefaultPath;
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find(':', i);
      if (j == std::string::npos) j = path.size();
      std::string dir = path.substr(i, j - i);
      if (!dir.empty() && dir[0] == '/' &&
          root_.kind(path_join(dir, program)) == RootFs::Kind::kRegular)
        return path_join(dir, program);
      i = j + 1;
    }
    return program;
  }

  void add_unknown(const std::string& why) {
    if (std::find(unknown_.begin(), unknown_.end(), why) == unknown_.end()) unknown_.push_back(why);
  }

  bool full() const { return added_ >= limits_.max_commands; }

  void record(const std::vector<std::string>& argv, const std::string& via) {
    if (full() || argv.empty()) return;
    RunCommand c;
    c.key = origin_->key;
    c.argv = argv;
    c.binary = basename_of(argv[0]);
    c.line = join(argv);
    c.privileged = origin_->privileged;
    c.via = via;
    if (!seen_.insert(c.key + '\n' + c.line).second) return;
    facts_.commands.push_back(std::move(c));
    ++added_;
    added_lines_.push_back(facts_.commands.back().key + '\n' + facts_.commands.back().line);
  }

  // Where following can be undone: a script whose result is not used.
  struct Mark {
    size_t commands, unknown, added;
  };
  Mark mark() const { return {facts_.commands.size(), unknown_.size(), added_}; }
  void undo(const Mark& m) {
    while (facts_.commands.size() > m.commands) {
      seen_.erase(added_lines_.back());
      added_lines_.pop_back();
      facts_.commands.pop_back();
    }
    unknown_.resize(m.unknown);
    added_ = m.added;
  }

  const LauncherTarget* target_of(const std::string& name) const {
    for (const auto& t : table_.targets)
      if (matches_any(t.names, name)) return &t;
    return nullptr;
  }

  void follow_targets(const LauncherTarget& t, const std::string& name, const Env& env,
                      const std::string& via, unsigned depth) {
    for (const auto& line : t.runs) {
      auto words = unquoted_words(line).value_or(std::vector<std::string>{});
      if (!words.empty())
        follow(words, env, via, depth + 1, true, " (as hardnut knows " + name + ")");
    }
  }

  // Follows one command line; `parent` is how the unit gets to it ("" for
  // the Exec*= line itself, which is not recorded again).
  void follow(const std::vector<std::string>& argv_in, const Env& env, const std::string& parent,
              unsigned depth, bool is_derived, const std::string& note) {
    if (argv_in.empty() || full()) return;
    std::vector<std::string> argv = argv_in;
    argv[0] = locate(argv[0], env);
    const std::string via =
        (parent.empty() ? origin_->key + "= runs " : parent + ", which runs ") + argv[0] + note;
    if (depth > limits_.max_depth) {
      add_unknown(via + ": more than " + std::to_string(limits_.max_depth) +
                  " wrappers, scripts or sourced files inside each other");
      return;
    }
    if (is_derived) record(argv, via);
    const std::string name = basename_of(argv[0]);
    for (const auto& g : table_.commands)
      if (matches_any(g.names, name)) return follow_launcher(g, argv, env, via, depth);
    if (argv[0].empty() || argv[0][0] != '/') {
      if (const auto* t = target_of(name)) follow_targets(*t, name, env, via, depth);
      return;  // a name hardnut cannot find: the program itself
    }
    follow_file(argv, env, via, depth);
  }

  void follow_launcher(const LauncherGrammar& g, const std::vector<std::string>& argv,
                       const Env& env, const std::string& via, unsigned depth) {
    using Kind = LauncherGrammar::Kind;
    Parsed p = parse_launcher(g, argv);
    const std::string name = basename_of(argv[0]);
    switch (p.kind) {
      case Parsed::kNothing:
        return;
      case Parsed::kNone:
        if (const auto* t = target_of(name)) return follow_targets(*t, name, env, via, depth);
        add_unknown(via + ", which is given no program hardnut can name (\"" + join(argv) + "\")");
        return;
      case Parsed::kCode:
        if (g.kind == Kind::kInterpreter) {
          add_unknown(via + " with code on its command line (" + p.option + ")");
          return;
        }
        {
          ShellState st;
          st.vars = env;
          for (const auto& [k, v] : env) st.exported.insert(k);
          st.arg0 = p.rest.empty() ? argv[0] : p.rest[0];
          if (p.rest.size() > 1) st.positional.assign(p.rest.begin() + 1, p.rest.end());
          run_shell(p.code, st, via, depth + 1, "the code given to " + name);
        }
        return;
      case Parsed::kProgram:
      case Parsed::kCommand:
        break;
    }
    if (g.kind == Kind::kWrapper) {
      Env child = env;
      for (const auto& [k, v] : p.assignments) child[k] = Value{v, true};
      follow(p.argv, child, via, depth + 1, true, "");
      return;
    }
    // An interpreter's or a shell's program: a script, a module, a class.
    std::string script = g.kind == Kind::kShell ? locate_script(p.argv[0], env) : p.argv[0];
    std::vector<std::string> derived = p.argv;
    derived[0] = script;
    std::string script_via = via + ", which runs " + script;
    if (depth + 1 > limits_.max_depth) {
      add_unknown(script_via + ": more than " + std::to_string(limits_.max_depth) +
                  " wrappers, scripts or sourced files inside each other");
      return;
    }
    record(derived, script_via);
    const LauncherTarget* t = target_of(basename_of(script));
    if (g.kind == Kind::kShell) {
      Mark m = mark();
      bool ok = follow_shell_script(derived, env, script_via, depth + 1);
      if (t && !ok) {
        undo(m);
        record(derived, script_via);
        follow_targets(*t, basename_of(script), env, script_via, depth + 1);
      }
      return;
    }
    if (t) follow_targets(*t, basename_of(script), env, script_via, depth + 1);
  }

  // `sh script`: the script as sh finds it (PATH only for a name that is
  // not in the current directory, which hardnut does not know).
  std::string locate_script(const std::string& script, const Env& env) const {
    if (script.find('/') != std::string::npos) return script;
    return locate(script, env);
  }

  // An absolute program: what its file says.
  void follow_file(const std::vector<std::string>& argv, const Env& env, const std::string& via,
                   unsigned depth) {
    const std::string& path = argv[0];
    const std::string name = basename_of(path);
    const LauncherTarget* t = target_of(name);
    std::string head;
    int err = root_.read_prefix(path, head, 256);
    if (err == ENOENT || err == ENOTDIR || err == EISDIR || err == EBADFD || err == ELOOP) {
      if (t) follow_targets(*t, name, env, via, depth);
      return;  // not there (or not a file): nothing to look into
    }
    if (err) {
      if (t) return follow_targets(*t, name, env, via, depth);
      add_unknown(via + ", which cannot be read (" + std::strerror(err) + ")");
      return;
    }
    bool elf = head.rfind(
                   "\x7f"
                   "ELF",
                   0) == 0;
    if (elf || head.empty() || (head.rfind("#!", 0) != 0 && head.find('\0') != std::string::npos)) {
      if (t) follow_targets(*t, name, env, via, depth);
      return;  // a binary: the program itself
    }
    if (head.rfind("#!", 0) == 0) {
      std::string line = head.substr(
          2, head.find('\n') == std::string::npos ? std::string::npos : head.find('\n') - 2);
      auto words = unquoted_words(line).value_or(std::vector<std::string>{});
      if (words.empty()) {
        add_unknown(via + ", a script whose #! line names no interpreter");
        return;
      }
      // Linux passes the rest of the line as one argument.
      size_t start = line.find_first_not_of(" \t");
      size_t after = line.find_first_of(" \t", start);
      std::string optarg;
      if (after != std::string::npos) {
        size_t b = line.find_first_not_of(" \t\r", after), e = line.find_last_not_of(" \t\r");
        if (b != std::string::npos) optarg = line.substr(b, e - b + 1);
      }
      std::string interpreter = words[0];
      std::string effective = basename_of(interpreter);
      if (effective == "env")
        for (const auto& w : unquoted_words(optarg).value_or(std::vector<std::string>{}))
          if (!w.empty() && w[0] != '-' && !assignment_name(w)) {
            effective = basename_of(w);
            break;
          }
      bool shell = false;
      for (const auto& g : table_.commands)
        if (matches_any(g.names, effective)) shell = g.kind == LauncherGrammar::Kind::kShell;
      if (!shell) {
        // A script of another language: its name is what runs, through
        // its interpreter (which the signals see, a JIT among them).
        std::vector<std::string> run = {interpreter};
        if (!optarg.empty()) run.push_back(optarg);
        for (const auto& a : argv) run.push_back(a);
        follow(run, env, via, depth + 1, true, " (its #! line)");
        if (t) follow_targets(*t, name, env, via, depth);
        return;
      }
    }
    Mark m = mark();
    bool ok = follow_shell_script(argv, env, via, depth);
    if (t && !ok) {
      undo(m);
      follow_targets(*t, name, env, via, depth);
    }
  }

  // Reads and follows a shell script; false when what it runs could not
  // be determined (then program_unknown says why) or it names nothing.
  bool follow_shell_script(const std::vector<std::string>& argv, const Env& env,
                           const std::string& via, unsigned depth) {
    const std::string& path = argv[0];
    if (active_.count(path)) return true;  // a script that runs itself again
    std::string content;
    int err = root_.read_file(path, content, limits_.max_script_size);
    if (err == ENOENT || err == ENOTDIR) return false;
    if (err) {
      add_unknown(via + ", a script that cannot be read (" +
                  (err == EFBIG
                       ? "larger than " + std::to_string(limits_.max_script_size / 1024) + " KiB"
                       : std::string(std::strerror(err))) +
                  ")");
      return false;
    }
    ShellState st;
    st.vars = env;
    for (const auto& [k, v] : env) st.exported.insert(k);
    st.arg0 = path;
    st.from_file = true;
    st.positional.assign(argv.begin() + 1, argv.end());
    size_t before = facts_.commands.size(), unknown_before = unknown_.size();
    active_.insert(path);
    run_shell(content, st, via, depth + 1, path);
    active_.erase(path);
    return unknown_.size() == unknown_before && facts_.commands.size() > before;
  }

  // ---- the shell ----

  void run_shell(std::string_view text, ShellState& st, const std::string& via, unsigned depth,
                 const std::string& what) {
    if (depth > limits_.max_depth) {
      add_unknown(via + ": more than " + std::to_string(limits_.max_depth) +
                  " wrappers, scripts or sourced files inside each other");
      return;
    }
    std::vector<Token> tokens;
    std::string error;
    if (!tokenize(text, tokens, error)) {
      add_unknown(via + ": cannot parse " + what + " (" + error + ")");
      return;
    }
    run_tokens(tokens, st, via, depth, what);
  }

  static bool is_separator(const Token& t) {
    return t.kind == Token::kOp && t.text != "redir" && t.text != "heredoc" && t.text != "(" &&
           t.text != ")";
  }

  // Commands in order, every branch of if/case/loops taken (what a script
  // may run), function bodies run where they are called.
  void run_tokens(const std::vector<Token>& tokens, ShellState& st, const std::string& via,
                  unsigned depth, const std::string& what) {
    static const std::set<std::string> prefix_words = {
        "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "fi", "done", "}"};
    std::vector<std::string> words;
    bool drop_next = false, in_pattern = false, skip_command = false;
    int case_depth = 0;
    auto flush = [&]() {
      if (!skip_command && !words.empty()) simple_command(words, st, via, depth, what);
      words.clear();
      skip_command = false;
    };
    for (size_t i = 0; i < tokens.size() && !full(); ++i) {
      const Token& t = tokens[i];
      if (in_pattern) {
        if (t.kind == Token::kWord && t.text == "esac") {
          in_pattern = false;
          --case_depth;
        } else if (t.kind == Token::kOp && t.text == ")") {
          in_pattern = false;
        }
        continue;
      }
      if (t.kind == Token::kWord) {
        if (drop_next) {
          drop_next = false;
          continue;
        }
        if (words.empty() && !skip_command) {
          if (t.text == "esac") {
            if (case_depth > 0) --case_depth;
            continue;
          }
          if (prefix_words.count(t.text)) continue;
          if (t.text == "[[") {
            while (i + 1 < tokens.size() &&
                   !(tokens[i + 1].kind == Token::kWord && tokens[i + 1].text == "]]"))
              ++i;
            ++i;
            skip_command = true;
            continue;
          }
          if (t.text == "for" || t.text == "select") skip_command = true;
        }
        if (words.size() == 2 && words[0] == "function" && t.text == "{") {
          i = define_function(tokens, i, words[1], st);
          words.clear();
          continue;
        }
        words.push_back(t.text);
        if (words.size() >= 3 && words[0] == "case" && t.text == "in") {
          words.clear();
          in_pattern = true;
          ++case_depth;
        }
        continue;
      }
      if (t.text == "redir") {
        drop_next = true;
        continue;
      }
      if (t.text == "heredoc") continue;
      if (t.text == "(") {
        bool function = words.size() == 1 || (words.size() == 2 && words[0] == "function");
        if (function && i + 1 < tokens.size() && tokens[i + 1].kind == Token::kOp &&
            tokens[i + 1].text == ")") {
          i = define_function(tokens, i + 2, words.back(), st);
          words.clear();
          continue;
        }
        if (words.empty() && i + 1 < tokens.size() && tokens[i + 1].kind == Token::kOp &&
            tokens[i + 1].text == "(") {
          // (( arithmetic ))
          while (i + 1 < tokens.size() &&
                 !(tokens[i].kind == Token::kOp && tokens[i].text == ")" &&
                   tokens[i + 1].kind == Token::kOp && tokens[i + 1].text == ")"))
            ++i;
          ++i;
          continue;
        }
        flush();
        continue;
      }
      if (t.text == ")") {
        flush();
        continue;
      }
      // "function name" and a newline: the body follows.
      if (words.size() == 2 && words[0] == "function" && t.text == "\n") continue;
      if (t.text == ";;" || t.text == ";&" || t.text == ";;&") {
        flush();
        if (case_depth > 0) in_pattern = true;
        continue;
      }
      flush();
    }
    flush();
  }

  // The body of "NAME ( )" starting at tokens[i] ({ ... } or ( ... )); the
  // index of its last token.
  size_t define_function(const std::vector<Token>& tokens, size_t i, const std::string& name,
                         ShellState& st) {
    while (i < tokens.size() && tokens[i].kind == Token::kOp && tokens[i].text == "\n") ++i;
    if (i >= tokens.size()) return i;
    bool brace = tokens[i].kind == Token::kWord && tokens[i].text == "{";
    bool paren = tokens[i].kind == Token::kOp && tokens[i].text == "(";
    if (!brace && !paren) return i - 1;
    size_t begin = i + 1;
    int level = 1;
    for (++i; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      bool open =
          brace ? t.kind == Token::kWord && t.text == "{" : t.kind == Token::kOp && t.text == "(";
      bool close =
          brace ? t.kind == Token::kWord && t.text == "}" : t.kind == Token::kOp && t.text == ")";
      if (open) ++level;
      if (close && --level == 0) break;
    }
    st.functions[name] =
        std::vector<Token>(tokens.begin() + static_cast<long>(begin),
                           tokens.begin() + static_cast<long>(std::min(i, tokens.size())));
    return i;
  }

  // "$(kill -0 1)", "`test -x f`": one command that writes nothing to
  // its standard output.
  static bool silent_substitution(const std::string& word) {
    std::string_view inner;
    if (word.size() > 3 && word.rfind("$(", 0) == 0 && word.back() == ')')
      inner = std::string_view(word).substr(2, word.size() - 3);
    else if (word.size() > 2 && word[0] == '`' && word.back() == '`')
      inner = std::string_view(word).substr(1, word.size() - 2);
    else
      return false;
    std::vector<Token> tokens;
    std::string error;
    if (!tokenize(inner, tokens, error) || tokens.empty() || tokens[0].kind != Token::kWord)
      return false;
    for (const auto& t : tokens)
      if (t.kind == Token::kOp && t.text != "redir") return false;
    static const std::set<std::string> silent = {"kill", "test", "[", "true", "false", ":"};
    return silent.count(tokens[0].text) > 0;
  }

  void assign(ShellState& st, const std::string& raw, bool exported) {
    size_t eq = assignment_name(raw);
    std::string name = raw.substr(0, eq);
    bool append = raw[eq] == '+';
    Expander x(st);
    Value v = x.expand_string(std::string_view(raw).substr(eq + (append ? 2 : 1)), nullptr);
    if (append && st.vars.count(name)) {
      v.text = st.vars[name].text + v.text;
      v.known = v.known && st.vars[name].known;
    }
    st.vars[name] = v;
    if (exported || st.allexport) st.exported.insert(name);
  }

  void source_file(const std::string& file, ShellState& st, const std::string& via,
                   unsigned depth) {
    std::string content;
    // ". name" looks the name up on PATH.
    std::string path = file.find('/') == std::string::npos ? locate(file, st.vars) : file;
    int err = root_.read_file(path, content, limits_.max_script_size);
    if (err) {
      st.notes.push_back(
          path + " could not be read (" +
          (err == EFBIG ? std::string("too large") : std::string(std::strerror(err))) + ")");
      return;
    }
    if (depth + 1 > limits_.max_depth) {
      add_unknown(via + ": more than " + std::to_string(limits_.max_depth) +
                  " wrappers, scripts or sourced files inside each other");
      return;
    }
    if (active_.count(path)) return;
    active_.insert(path);
    run_shell(content, st, via, depth + 1, path);
    active_.erase(path);
  }

  void simple_command(const std::vector<std::string>& words, ShellState& st, const std::string& via,
                      unsigned depth, const std::string& what) {
    size_t i = 0;
    std::vector<std::string> prefix;
    while (i < words.size() && assignment_name(words[i])) prefix.push_back(words[i++]);
    if (i == words.size()) {
      for (const auto& a : prefix) assign(st, a, false);
      return;
    }
    const std::string& head = words[i];
    if (head == "export" || head == "readonly" || head == "local" || head == "declare" ||
        head == "typeset") {
      bool exported = head == "export";
      for (size_t k = i + 1; k < words.size(); ++k) {
        const std::string& w = words[k];
        if (!w.empty() && w[0] == '-') {
          exported = exported || w.find('x') != std::string::npos;
          continue;
        }
        if (assignment_name(w))
          assign(st, w, exported);
        else if (exported)
          st.exported.insert(w);
      }
      return;
    }
    Expander x(st);
    // Every field, with the word it comes from and the unset variables
    // that word used.
    struct Expanded {
      Field field;
      size_t word;
    };
    std::vector<Expanded> fields;
    std::vector<std::vector<std::string>> unset(words.size());
    for (size_t k = i; k < words.size(); ++k)
      for (auto& f : x.expand(words[k], true, &unset[k])) fields.push_back({std::move(f), k});
    // Builtins that run what follows them.
    size_t first = 0;
    while (first < fields.size() && fields[first].field.known) {
      const std::string& b = fields[first].field.text;
      if (b != "exec" && b != "command" && b != "builtin" && b != "nohup") break;
      if (b == "command" && first + 1 < fields.size() &&
          (fields[first + 1].field.text == "-v" || fields[first + 1].field.text == "-V"))
        return;
      size_t k = first + 1;
      while (k < fields.size() && fields[k].field.text.size() > 1 &&
             fields[k].field.text[0] == '-') {
        if (b == "exec" && fields[k].field.text == "-a") ++k;
        ++k;
      }
      first = std::min(k, fields.size());
    }
    // The word that names the command: a run-time value cannot be followed.
    size_t named_by = i;
    bool computed = false;
    size_t last = first < fields.size() ? fields[first].word : words.size() - 1;
    if (first < fields.size() && !fields[first].field.known) {
      // "if $(kill -0 $pid); then": a substitution of a command that
      // prints nothing runs nothing.
      if (silent_substitution(words[last])) return;
      named_by = last;
      computed = true;
    }
    // An unset variable up to the naming word ("$DAEMON --x" with DAEMON
    // unset would run "--x").
    std::string unset_name;
    for (size_t k = i; k <= last && !computed; ++k)
      if (!unset[k].empty()) {
        named_by = k;
        computed = true;
        unset_name = unset[k][0];
      }
    if (computed) {
      std::string why =
          via + ": " + what + " runs a command named at run time (" + words[named_by] + ")";
      if (!unset_name.empty()) why += ", and $" + unset_name + " is not set there";
      if (!st.notes.empty()) why += "; " + st.notes.front();
      add_unknown(why);
      return;
    }
    std::vector<std::string> argv;
    for (size_t k = first; k < fields.size(); ++k) argv.push_back(fields[k].field.text);
    if (argv.empty() || argv[0].empty()) return;
    const std::string& name = argv[0];
    if (name == "." || name == "source") {
      if (argv.size() > 1 && !argv[1].empty())
        source_file(argv[1], st, via, depth);
      else
        st.notes.push_back("a file it sources is named at run time");
      return;
    }
    if (name == "eval") {
      if (argv.size() > 1 && argv[1] == "set") return;  // eval set -- "$(getopt ...)"
      for (size_t k = first + 1; k < fields.size(); ++k)
        if (!fields[k].field.known) {
          add_unknown(via + ": " + what + " evaluates code built at run time (" + join(words, i) +
                      ")");
          return;
        }
      run_shell(join(argv, 1), st, via, depth + 1, "code given to eval");
      return;
    }
    if (name == "set") {
      for (size_t k = 1; k < argv.size(); ++k) {
        const std::string& w = argv[k];
        if (w == "--") {
          st.positional.assign(argv.begin() + static_cast<long>(k + 1), argv.end());
          break;
        }
        if (w.size() > 1 && w[0] == '-' && w.find('a') != std::string::npos) st.allexport = true;
        if (w.size() > 1 && w[0] == '+' && w.find('a') != std::string::npos) st.allexport = false;
      }
      return;
    }
    if (name == "shift") {
      size_t n = argv.size() > 1 ? std::strtoul(argv[1].c_str(), nullptr, 10) : 1;
      st.positional.erase(
          st.positional.begin(),
          st.positional.begin() + static_cast<long>(std::min(n, st.positional.size())));
      return;
    }
    if (name == "unset") {
      for (size_t k = 1; k < argv.size(); ++k) st.vars.erase(argv[k]);
      return;
    }
    if (shell_builtins().count(name)) return;
    auto fn = st.functions.find(name);
    if (fn != st.functions.end()) {
      if (depth + 1 > limits_.max_depth || calling_.count(name)) return;
      std::vector<Token> body = fn->second;
      std::vector<std::string> saved = st.positional;
      st.positional.assign(argv.begin() + 1, argv.end());
      calling_.insert(name);
      run_tokens(body, st, via, depth + 1, what);
      calling_.erase(name);
      st.positional = saved;
      return;
    }
    if (contains(table_.plumbing, basename_of(name))) return;
    // An external command: it gets the exported variables.
    Env child;
    for (const auto& v : st.exported) {
      auto it = st.vars.find(v);
      if (it != st.vars.end()) child[v] = it->second;
    }
    auto path = st.vars.find("PATH");
    child["PATH"] = path != st.vars.end() ? path->second : Value{kDefaultPath, true};
    for (const auto& a : prefix) {
      size_t eq = assignment_name(a);
      Expander px(st);
      child[a.substr(0, eq)] = px.expand_string(std::string_view(a).substr(eq + 1), nullptr);
    }
    // A name a script runs that is not on PATH is one of its functions
    // defined elsewhere or an optional tool: not what the unit runs. (Code
    // in the unit itself keeps such names: the root may lack the package.)
    if (st.from_file && name.find('/') == std::string::npos &&
        locate(name, child).find('/') == std::string::npos)
      return;
    follow(argv, child, via, depth, true, "");
  }

  UnitFacts& facts_;
  const RootFs& root_;
  const LauncherTable& table_;
  const WrapperLimits& limits_;
  const RunCommand* origin_ = nullptr;
  std::set<std::string> seen_;
  std::vector<std::string> added_lines_;
  size_t added_ = 0;
  std::vector<std::string> unknown_;
  std::set<std::string> active_;   // scripts and sourced files being followed
  std::set<std::string> calling_;  // shell functions being run
};

// ---- The unit's environment ------------------------------------------------

// Environment= and EnvironmentFile= (read below the root; assignments only).
Env unit_environment(const UnitFacts& facts, const RootFs& root, const WrapperLimits& limits) {
  Env env;
  env["PATH"] = Value{kDefaultPath, true};
  const std::string sec = facts.unit_type == "socket" ? "Socket" : "Service";
  for (const auto& v : facts.all(sec + ".Environment"))
    for (const auto& w : unquoted_words(v).value_or(std::vector<std::string>{}))
      if (size_t eq = assignment_name(w)) env[w.substr(0, eq)] = Value{w.substr(eq + 1), true};
  for (const auto& v : facts.all(sec + ".EnvironmentFile")) {
    std::string path = v.size() > 1 && v[0] == '-' ? v.substr(1) : v;
    std::string content;
    if (root.read_file(path, content, limits.max_script_size) != 0) continue;
    std::vector<Token> tokens;
    std::string error;
    if (!tokenize(content, tokens, error)) continue;
    ShellState st;
    st.vars = env;
    for (const auto& t : tokens)
      if (t.kind == Token::kWord && assignment_name(t.text)) {
        size_t eq = assignment_name(t.text);
        Expander x(st);
        st.vars[t.text.substr(0, eq)] =
            x.expand_string(std::string_view(t.text).substr(eq + 1), nullptr);
      }
    env = st.vars;
  }
  return env;
}

// systemd's expansion of an Exec*= line's arguments: "$NAME" as a word of
// its own is split at blanks, "${NAME}" is replaced anywhere.
std::vector<std::string> expand_exec_arguments(const std::vector<std::string>& argv,
                                               const Env& env) {
  std::vector<std::string> out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    if (i == 0) {
      out.push_back(w);
      continue;
    }
    if (w.size() > 1 && w[0] == '$' && std::all_of(w.begin() + 1, w.end(), is_name_char) &&
        is_name_start(w[1])) {
      auto it = env.find(w.substr(1));
      if (it != env.end())
        for (const auto& part :
             unquoted_words(it->second.text).value_or(std::vector<std::string>{}))
          out.push_back(part);
      continue;
    }
    std::string r;
    for (size_t k = 0; k < w.size(); ++k) {
      if (w[k] == '$' && k + 1 < w.size() && w[k + 1] == '$') {
        r += '$';
        ++k;
        continue;
      }
      if (w[k] == '$' && k + 1 < w.size() && w[k + 1] == '{') {
        size_t e = w.find('}', k + 2);
        bool name = e != std::string::npos && e > k + 2 && is_name_start(w[k + 2]) &&
                    std::all_of(w.begin() + static_cast<long>(k + 2),
                                w.begin() + static_cast<long>(e), is_name_char);
        if (name) {
          auto it = env.find(w.substr(k + 2, e - k - 2));
          if (it != env.end()) r += it->second.text;
          k = e;
          continue;
        }
      }
      r += w[k];
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace

bool parse_launcher_table(const json& j, LauncherTable& out, std::string& error) {
  static const std::set<std::string> top = {"about", "commands", "targets", "plumbing"};
  static const std::set<std::string> grammar_keys = {"names",
                                                     "kind",
                                                     "options_with_value",
                                                     "attached_values",
                                                     "code_options",
                                                     "program_options",
                                                     "split_options",
                                                     "no_command_options",
                                                     "permute_unless",
                                                     "skip_words",
                                                     "assignments",
                                                     "getopt",
                                                     "permute",
                                                     "command_optional"};
  static const std::set<std::string> target_keys = {"names", "runs", "why"};
  try {
    LauncherTable t;
    for (const auto& [k, v] : j.items())
      if (!top.count(k)) {
        error = "launchers: unknown key " + k;
        return false;
      }
    for (const auto& c : j.at("commands")) {
      for (const auto& [k, v] : c.items())
        if (!grammar_keys.count(k)) {
          error = "launchers: unknown key " + k;
          return false;
        }
      LauncherGrammar g;
      g.names = json_strings(c, "names");
      std::string kind = c.at("kind").get<std::string>();
      if (kind == "wrapper")
        g.kind = LauncherGrammar::Kind::kWrapper;
      else if (kind == "interpreter")
        g.kind = LauncherGrammar::Kind::kInterpreter;
      else if (kind == "shell")
        g.kind = LauncherGrammar::Kind::kShell;
      else {
        error = "launchers: unknown kind " + kind;
        return false;
      }
      if (g.names.empty()) {
        error = "launchers: a command without names";
        return false;
      }
      g.options_with_value = json_strings(c, "options_with_value");
      g.attached_values = json_strings(c, "attached_values");
      g.code_options = json_strings(c, "code_options");
      g.program_options = json_strings(c, "program_options");
      g.split_options = json_strings(c, "split_options");
      g.no_command_options = json_strings(c, "no_command_options");
      g.permute_unless = json_strings(c, "permute_unless");
      g.skip_words = c.value("skip_words", 0u);
      g.assignments = c.value("assignments", false);
      g.getopt = c.value("getopt", false);
      g.permute = c.value("permute", false);
      g.command_optional = c.value("command_optional", false);
      t.commands.push_back(std::move(g));
    }
    for (const auto& c : j.at("targets")) {
      for (const auto& [k, v] : c.items())
        if (!target_keys.count(k)) {
          error = "launchers: unknown key " + k;
          return false;
        }
      LauncherTarget target;
      target.names = json_strings(c, "names");
      target.runs = json_strings(c, "runs");
      target.why = c.value("why", "");
      if (target.names.empty() || target.runs.empty()) {
        error = "launchers: a target without names or runs";
        return false;
      }
      t.targets.push_back(std::move(target));
    }
    t.plumbing = json_strings(j, "plumbing");
    out = std::move(t);
    return true;
  } catch (const std::exception& e) {
    error = std::string("launchers: ") + e.what();
    return false;
  }
}

void look_through_wrappers(UnitFacts& facts, const RootFs& root, const LauncherTable& launchers,
                           const WrapperLimits& limits) {
  Env env = unit_environment(facts, root, limits);
  Follower follower(facts, root, launchers, limits);
  // Only the unit's own lines: what following adds is appended behind them.
  const std::vector<RunCommand> own = facts.commands;
  for (const auto& c : own) {
    if (c.argv.empty() || !c.via.empty()) continue;
    RunCommand expanded = c;
    expanded.argv = expand_exec_arguments(c.argv, env);
    follower.run(expanded, env);
  }
  const auto& unknown = follower.unknown();
  if (unknown.empty()) return;
  std::string evidence;
  for (size_t i = 0; i < unknown.size() && i < 3; ++i) evidence += (i ? "; " : "") + unknown[i];
  if (unknown.size() > 3) evidence += "; and " + std::to_string(unknown.size() - 3) + " more";
  facts.facts.emplace("program_unknown", evidence);
}

}  // namespace hardnut
