#include "harden/unit_facts.h"

#include <algorithm>
#include <map>

#include "assess/unit.h"
#include "base/values.h"
#include "directives/directives.h"
#include "unit/specifiers.h"
#include "unit/unit_file.h"

namespace hardnut {

namespace {

const std::vector<std::string> kNoValues;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Adds one assignment the way list settings behave: "" resets.
void assign(UnitFacts& f, const std::string& section, const std::string& key,
            const std::string& value) {
  auto& values = f.settings[section + "." + key];
  if (value.empty())
    values.clear();
  else
    values.push_back(value);
}

// The comment block right above an assignment: "# we need /dev" for
// "PrivateDevices=no". A blank line or a directive in between ends it.
std::string comment_above(const std::vector<std::pair<unsigned, std::string>>& comments,
                          unsigned line) {
  std::string text;
  for (auto it = comments.rbegin(); it != comments.rend() && it->first + 1 == line; ++it, --line) {
    std::string_view c = it->second;
    while (!c.empty() && (c.front() == '#' || c.front() == ';' || c.front() == ' '))
      c.remove_prefix(1);
    if (!c.empty()) text = std::string(c) + (text.empty() ? "" : " " + text);
  }
  return text;
}

void read_file_into(UnitFacts& f, std::string_view content, const std::string& type,
                    const SpecifierContext* spec, const std::string& where) {
  LexResult lexed = lex_unit_file(
      content, [&](std::string_view section) { return is_known_section(type, section); },
      /*keep_comments=*/true);
  std::vector<std::pair<unsigned, std::string>> comments;
  for (const auto& e : lexed.events) {
    if (e.kind == UnitFileEvent::kComment) comments.emplace_back(e.line, e.value);
    if (e.kind != UnitFileEvent::kAssignment) continue;
    std::string value = e.value;
    // Specifiers make paths and users concrete ("User=%i"); an unknown one
    // keeps the raw text, which is good enough for the facts below.
    if (spec)
      if (auto expanded = expand_specifiers(value, *spec)) value = *expanded;
    assign(f, e.section, e.key, value);
    f.own[e.section + "." + e.key] = {value, where + ":" + std::to_string(e.line),
                                      comment_above(comments, e.line)};
  }
}

bool read_unit(UnitFacts& f, const UnitFileIndex& index, const std::string& name,
               UnitFiles& files) {
  if (index.lookup(name, files) != LookupStatus::kFound || !files.fragment) return false;
  auto parsed = parse_unit_name(name);
  std::optional<SpecifierContext> spec;
  if (parsed) spec = SpecifierContext{*parsed, files.fragment->display_path, false};
  std::string content;
  if (files.fragment->fs->read_file(files.fragment->path, content, kMaxUnitFileSize) == 0)
    read_file_into(f, content, files.name.type, spec ? &*spec : nullptr,
                   files.fragment->display_path);
  for (const auto& d : files.dropins)
    if (d.fs->read_file(d.path, content, kMaxUnitFileSize) == 0)
      read_file_into(f, content, files.name.type, spec ? &*spec : nullptr, d.display_path);
  return true;
}

// "-@/usr/bin/foo arg" -> argv without the prefix characters.
RunCommand parse_exec(const std::string& key, const std::string& value) {
  RunCommand cmd;
  cmd.key = key;
  std::string_view rest = value;
  std::string word;
  while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord) {
    if (cmd.argv.empty()) {
      size_t i = 0;
      while (i < word.size() && std::string_view("@-:+!|").find(word[i]) != std::string::npos) {
        if (word[i] == '+' || word[i] == '!') cmd.privileged = true;
        ++i;
      }
      word = word.substr(i);
      if (word.empty()) continue;  // "- /bin/foo"
    }
    cmd.argv.push_back(word);
  }
  if (!cmd.argv.empty()) {
    const std::string& p = cmd.argv[0];
    cmd.binary = p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
  }
  for (const auto& a : cmd.argv) cmd.line += (cmd.line.empty() ? "" : " ") + a;
  return cmd;
}

// Paths a unit names: its Exec*= arguments and path settings.
std::vector<std::string> mentioned_paths(const UnitFacts& f, const std::string& section) {
  std::vector<std::string> out;
  for (const auto& c : f.commands)
    for (const auto& a : c.argv) {
      // "--pidfile=/run/x.pid" names a path after the "=".
      size_t eq = a.find('=');
      out.push_back(eq != std::string::npos && a.find('/') > eq ? a.substr(eq + 1) : a);
    }
  for (const char* key : {"WorkingDirectory", "ReadWritePaths", "PIDFile", "EnvironmentFile"})
    for (const auto& v : f.all(section + "." + key)) {
      std::string_view rest = v;
      std::string word;
      while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord) {
        size_t i = 0;
        while (i < word.size() && (word[i] == '-' || word[i] == '+' || word[i] == '!')) ++i;
        out.push_back(word.substr(i));
      }
    }
  return out;
}

bool under(const std::string& path, std::string_view dir) {
  return path == dir ||
         (starts_with(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

std::string first_word_list(const std::vector<std::string>& values) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "" : " ") + v;
  return s;
}

void derive_facts(UnitFacts& f) {
  const std::string sec = type_section(f.unit_type);
  auto& facts = f.facts;
  auto fact = [&](const char* name, const std::string& why) { facts.emplace(name, why); };

  std::string user = f.last(sec + ".User");
  auto dynamic = parse_boolean(f.last(sec + ".DynamicUser"));
  if (dynamic && *dynamic) fact("dynamic_user", "DynamicUser=yes");
  if (!user.empty() && user != "root" && user != "0")
    fact("user_set", "User=" + user);
  else if (!(dynamic && *dynamic))
    fact("runs_as_root", user.empty() ? "User= is not set" : "User=" + user);

  std::string type = f.last("Service.Type");
  if (type == "dbus") fact("type_dbus", "Type=dbus");
  if (!f.last("Service.BusName").empty() && !facts.count("type_dbus"))
    fact("type_dbus", "BusName=" + f.last("Service.BusName"));
  if (type == "notify" || type == "notify-reload") fact("type_notify", "Type=" + type);

  if (!f.sockets.empty()) fact("socket_activated", "activated by " + f.sockets.front());
  for (const auto& [key, value] : f.listens) {
    std::string what = key + "=" + value;
    if (key == "ListenNetlink")
      fact("listens_netlink", what);
    else if (key == "ListenFIFO" || key == "ListenSpecial" || key == "ListenMessageQueue" ||
             key == "ListenUSBFunction")
      continue;
    else if (!value.empty() && (value[0] == '/' || value[0] == '@'))
      fact("listens_unix", what);
    else
      fact("listens_inet", what);
  }
  if (!f.all(sec + ".IPAddressAllow").empty())
    fact("ip_allow_set", "IPAddressAllow=" + first_word_list(f.all(sec + ".IPAddressAllow")));

  for (const char* key :
       {"ReadWritePaths", "StateDirectory", "LogsDirectory", "CacheDirectory", "RuntimeDirectory"})
    if (!f.all(sec + "." + key).empty()) {
      fact("writable_paths_declared", std::string(key) + "=" + f.last(sec + "." + key));
      break;
    }

  std::string pid_file = f.last("Service.PIDFile");
  if (!pid_file.empty()) {
    // A PID file is written by the daemon itself: it must stay writable.
    bool declared = false;
    for (const auto& rd : f.all(sec + ".RuntimeDirectory")) {
      std::string_view rest = rd;
      std::string word;
      while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord)
        declared =
            declared || under(pid_file, "/run/" + word) || under(pid_file, "/var/run/" + word);
    }
    for (const auto& rw : f.all(sec + ".ReadWritePaths")) {
      std::string_view rest = rw;
      std::string word;
      while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord) {
        size_t i = word.find_first_not_of("-+");
        declared = declared || under(pid_file, word.substr(i == std::string::npos ? 0 : i));
      }
    }
    if (!declared) fact("undeclared_pid_file", "PIDFile=" + pid_file);
  }
  for (const char* key : {"StandardOutput", "StandardError"}) {
    std::string v = f.last(sec + "." + key);
    if (starts_with(v, "file:") || starts_with(v, "append:") || starts_with(v, "truncate:"))
      fact("output_to_file", std::string(key) + "=" + v);
  }

  for (const auto& p : mentioned_paths(f, sec)) {
    if (under(p, "/home") || under(p, "/root") || starts_with(p, "~"))
      fact("home_paths", "the unit names " + p);
    if (under(p, "/tmp") || under(p, "/var/tmp")) fact("tmp_paths", "the unit names " + p);
  }
  if (f.last(sec + ".WorkingDirectory") == "~") fact("home_paths", "WorkingDirectory=~");
  for (const auto& rw : f.all(sec + ".ReadWritePaths"))
    if (rw.find("/etc") != std::string::npos) fact("etc_paths", "ReadWritePaths=" + rw);

  if (!f.all(sec + ".AmbientCapabilities").empty())
    fact("ambient_capabilities",
         "AmbientCapabilities=" + first_word_list(f.all(sec + ".AmbientCapabilities")));
  // Which capabilities: dropping one of them from the bounding set takes
  // it from the service, dropping others does not.
  for (const auto& v : f.all(sec + ".AmbientCapabilities")) {
    if (!v.empty() && v[0] == '~') fact("ambient_inverted", "AmbientCapabilities=" + v);
    std::string_view rest =
        !v.empty() && v[0] == '~' ? std::string_view(v).substr(1) : std::string_view(v);
    std::string word;
    while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord) {
      for (char& c : word) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
      if (word.rfind("CAP_", 0) != 0) word = "CAP_" + word;
      facts.emplace("ambient_has:" + word, "AmbientCapabilities=" + v);
    }
  }
  // Read access to every file, granted on purpose: CAP_DAC_READ_SEARCH or
  // CAP_DAC_OVERRIDE in AmbientCapabilities= (a service user gets them only
  // this way), or kept in a bounding set the unit narrows itself, unless
  // that set also keeps CAP_SETUID or CAP_SETGID: root daemons that switch
  // users keep the DAC capabilities to reach their own files after the
  // switch (openvpn, arpwatch, rtkit). Lines apply in order: a "~" line
  // takes capabilities away again.
  for (const char* key : {"AmbientCapabilities", "CapabilityBoundingSet"}) {
    std::map<std::string, std::string> kept;  // capability -> the line keeping it
    for (const auto& v : f.all(sec + "." + key)) {
      bool inverted = !v.empty() && v[0] == '~';
      std::string_view rest = inverted ? std::string_view(v).substr(1) : std::string_view(v);
      std::string word;
      while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord) {
        for (char& c : word) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
        if (word.rfind("CAP_", 0) != 0) word = "CAP_" + word;
        if (inverted)
          kept.erase(word);
        else
          kept[word] = std::string(key) + "=" + v;
      }
    }
    if (std::string_view(key) == "CapabilityBoundingSet" &&
        (kept.count("CAP_SETUID") || kept.count("CAP_SETGID")))
      continue;
    for (const char* cap : {"CAP_DAC_READ_SEARCH", "CAP_DAC_OVERRIDE"})
      if (kept.count(cap)) {
        fact("reads_all_files", kept[cap]);
        break;
      }
  }
  for (const auto& rw : f.all(sec + ".ReadWritePaths")) {
    std::string_view rest = rw;
    std::string word;
    while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord)
      if (word.substr(std::min(word.find_first_not_of("-+"), word.size())) == "/")
        fact("writes_whole_fs", "ReadWritePaths=" + rw);
  }
  if (!f.all(sec + ".DeviceAllow").empty())
    fact("device_allow_set", "DeviceAllow=" + f.all(sec + ".DeviceAllow").front());
  if (!f.all(sec + ".SupplementaryGroups").empty())
    fact("supplementary_groups",
         "SupplementaryGroups=" + first_word_list(f.all(sec + ".SupplementaryGroups")));
  auto delegate = f.last(sec + ".Delegate");
  if (!delegate.empty() && parse_boolean(delegate) != std::optional<bool>(false))
    fact("delegates_cgroups", "Delegate=" + delegate);
  for (const auto& c : f.commands) {
    if (c.privileged) fact("privileged_exec", c.key + "= runs with full privileges (+ or !)");
    bool shell = c.binary == "sh" || c.binary == "bash" || c.binary == "dash" ||
                 c.binary == "zsh" || c.binary == "ksh";
    if (shell) fact("shell_wrapper", c.key + "= runs a shell: " + c.line);
  }
  for (const char* key : {"Unit.Wants", "Unit.After", "Unit.Requires"})
    for (const auto& v : f.all(key))
      if (v.find("network-online.target") != std::string::npos)
        fact("wants_network", std::string(key).substr(5) + "=network-online.target");
}

}  // namespace

std::string UnitFacts::last(const std::string& key) const {
  auto it = settings.find(key);
  return it == settings.end() || it->second.empty() ? std::string() : it->second.back();
}

const std::vector<std::string>& UnitFacts::all(const std::string& key) const {
  auto it = settings.find(key);
  return it == settings.end() ? kNoValues : it->second;
}

const std::vector<std::string>& known_fact_names() {
  static const std::vector<std::string> names = {"runs_as_root",
                                                 "user_set",
                                                 "dynamic_user",
                                                 "type_dbus",
                                                 "type_notify",
                                                 "socket_activated",
                                                 "listens_inet",
                                                 "listens_unix",
                                                 "listens_netlink",
                                                 "ip_allow_set",
                                                 "writable_paths_declared",
                                                 "undeclared_pid_file",
                                                 "output_to_file",
                                                 "home_paths",
                                                 "tmp_paths",
                                                 "etc_paths",
                                                 "ambient_capabilities",
                                                 "device_allow_set",
                                                 "privileged_exec",
                                                 "wants_network",
                                                 "supplementary_groups",
                                                 "delegates_cgroups",
                                                 "shell_wrapper",
                                                 "ambient_inverted",
                                                 "program_unknown",
                                                 "reads_all_files",
                                                 "writes_whole_fs"};
  return names;
}

UnitFacts collect_unit_facts(const UnitFileIndex& index, const std::string& name,
                             const std::vector<std::string>& extra_lines) {
  UnitFacts f;
  f.unit_id = name;
  UnitFiles files;
  if (!read_unit(f, index, name, files)) return f;
  f.unit_id = files.id;
  f.unit_type = files.name.type;
  const std::string sec = type_section(f.unit_type);
  for (const auto& line : extra_lines) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(eq + 1);
    size_t v = value.find_first_not_of(" \t");
    assign(f, sec, key, v == std::string::npos ? "" : value.substr(v));
  }
  for (const auto& [key, values] : f.settings) {
    if (!starts_with(key, sec + ".Exec")) continue;
    for (const auto& v : values) f.commands.push_back(parse_exec(key.substr(sec.size() + 1), v));
  }

  // The sockets that activate a service: Sockets=, else the socket of the
  // same name (an instance may be spawned by an Accept=yes socket named
  // after its template).
  auto add_socket = [&](const std::string& socket) {
    if (std::find(f.sockets.begin(), f.sockets.end(), socket) != f.sockets.end()) return;
    UnitFacts s;
    UnitFiles sf;
    if (!read_unit(s, index, socket, sf)) return;
    f.sockets.push_back(sf.id);
    for (const auto& [key, values] : s.settings)
      if (starts_with(key, "Socket.Listen"))
        for (const auto& v : values) f.listens.emplace_back(key.substr(7), v);
  };
  if (f.unit_type == "socket") {
    for (const auto& [key, values] : f.settings)
      if (starts_with(key, "Socket.Listen"))
        for (const auto& v : values) f.listens.emplace_back(key.substr(7), v);
  } else if (f.unit_type == "service") {
    for (const auto& v : f.all("Service.Sockets")) {
      std::string_view rest = v;
      std::string word;
      while (extract_word(&rest, &word, Quotes::kUnquote) == WordResult::kWord) add_socket(word);
    }
    auto parsed = parse_unit_name(f.unit_id);
    if (parsed) {
      add_socket(parsed->prefix + (parsed->is_instance() ? "@" + parsed->instance : "") +
                 ".socket");
      if (parsed->is_instance()) add_socket(parsed->prefix + ".socket");
    }
  }
  derive_facts(f);
  return f;
}

}  // namespace hardnut
