#include "directives/directives.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "base/embedded_data.h"
#include "base/values.h"
#include "directives/capability.h"
#include "directives/directive_syntax.h"
#include "directives/exec_command.h"
#include "directives/ip_address.h"
#include "directives/listen_address.h"
#include "directives/namespaces.h"
#include "directives/user_name.h"

namespace hardnut {

namespace {

// ---- Known sections and keys -------------------------------------------

const SystemdVersion& version_of(const AssignmentContext& ctx) {
  return ctx.version ? *ctx.version : default_systemd_version();
}

// A spelling the version accepts beyond 252's booleans (PrivateTmp=disconnected).
std::optional<bool> extra_value(const AssignmentContext& ctx, std::string_view key,
                                std::string_view value) {
  for (const auto& x : version_of(ctx).extra_values) {
    if (x.key != key) continue;
    if (x.value == value) return x.means;
    if (x.value.size() > 1 && x.value.back() == '*' &&
        value.substr(0, x.value.size() - 1) == x.value.substr(0, x.value.size() - 1))
      return x.means;
  }
  return std::nullopt;
}

// ---- Value helpers ------------------------------------------------------

bool one_of(std::string_view v, std::initializer_list<std::string_view> choices) {
  return std::find(choices.begin(), choices.end(), v) != choices.end();
}

std::vector<std::string> split_words(const std::string& value) {
  std::vector<std::string> words;
  std::istringstream in(value);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

// The words of a value with quotes removed; nullopt, after systemd's
// warning, when a quote is left open.
std::optional<std::vector<std::string>> unquoted_words(AssignmentContext& ctx,
                                                       const std::string& value) {
  auto words = hardnut::unquoted_words(value);
  if (!words) ctx.warnings.push_back("Invalid syntax, ignoring: " + value);
  return words;
}

std::optional<std::string> expand(AssignmentContext& ctx, const std::string& value) {
  auto r = expand_specifiers(value, ctx.specifiers);
  if (!r)
    ctx.warnings.push_back("Failed to resolve unit specifiers in " + value + ": Invalid slot");
  return r;
}

// ---- Handlers -----------------------------------------------------------

using Handler = void (*)(AssignmentContext&, const std::string& key, const std::string& value);

// A boolean setting stored in ExecSettings.
template <bool ExecSettings::*field>
void set_bool(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (auto extra = extra_value(ctx, key, value)) {
    ctx.config.exec.*field = *extra;
    return;
  }
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value, ignoring: " + value);
    return;
  }
  ctx.config.exec.*field = *b;
}

// An enumeration setting: the accepted spellings and the warning subject.
struct EnumSpec {
  std::initializer_list<std::string_view> values;
  const char* what;
};

void warn_enum(AssignmentContext& ctx, const char* what, const std::string& value) {
  ctx.warnings.push_back(std::string("Failed to parse ") + what + ", ignoring: " + value);
}

// PrivateMounts=: a boolean in 252; a tri-state in 257+, where the empty
// value resets it to unset (SystemdVersion::private_mounts_unset_is_good).
void set_private_mounts(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (value.empty() && version_of(ctx).private_mounts_unset_is_good) {
    ctx.config.private_mounts.reset();
    return;
  }
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value, ignoring: " + value);
    return;
  }
  ctx.config.private_mounts = *b;
}

// PrivatePIDs= (257+; an unknown key before): only verification reads it.
void set_private_pids(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value, ignoring: " + value);
    return;
  }
  ctx.config.private_pids = *b;
}

// ProtectHostname=: an enum from 258 (yes, no, private, private:NAME) that
// resets on an empty value and words its rejection on its own.
void set_protect_hostname(AssignmentContext& ctx, const std::string& key,
                          const std::string& value) {
  if (!version_of(ctx).protect_hostname_enum) {
    set_bool<&ExecSettings::protect_hostname>(ctx, key, value);
    return;
  }
  if (value.empty()) {
    ctx.config.exec.protect_hostname = false;
    return;
  }
  auto b = extra_value(ctx, key, value);
  if (!b) b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse " + key + "=" + value + ", ignoring.");
    return;
  }
  ctx.config.exec.protect_hostname = *b;
}

void set_protect_home(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (auto b = parse_boolean(value))
    ctx.config.exec.protect_home = *b ? "yes" : "no";
  else if (one_of(value, {"read-only", "tmpfs"}))
    ctx.config.exec.protect_home = value;
  else
    warn_enum(ctx, "protect home value", value);
}

void set_protect_system(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (auto b = parse_boolean(value))
    ctx.config.exec.protect_system = *b ? "yes" : "no";
  else if (one_of(value, {"full", "strict"}))
    ctx.config.exec.protect_system = value;
  else
    warn_enum(ctx, "protect system value", value);
}

void set_keyring_mode(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (one_of(value, {"inherit", "private", "shared"}))
    ctx.config.keyring_mode = value;
  else
    warn_enum(ctx, "keyring mode", value);
}

void set_protect_proc(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (one_of(value, {"default", "noaccess", "invisible", "ptraceable"}))
    ctx.config.exec.protect_proc = value;
  else
    warn_enum(ctx, "/proc/ protection mode", value);
}

void set_proc_subset(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (one_of(value, {"all", "pid"}))
    ctx.config.exec.proc_subset = value;
  else
    warn_enum(ctx, "/proc/ subset mode", value);
}

void set_notify_access(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (one_of(value, {"none", "all", "main", "exec"}))
    ctx.config.exec.notify_access = value;
  else
    warn_enum(ctx, "notify access specifier", value);
}

void set_device_policy(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (one_of(value, {"auto", "closed", "strict"}))
    ctx.config.exec.device_policy = value;
  else
    warn_enum(ctx, "device policy", value);
}

void set_service_type(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (one_of(value, {"simple", "exec", "forking", "oneshot", "dbus", "notify", "idle"}) ||
      extra_value(ctx, key, value))
    ctx.config.service_type = value;
  else
    warn_enum(ctx, "service type", value);
}

void set_restart(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (one_of(value, {"no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort",
                     "always"}))
    ctx.config.restart = value;
  else
    warn_enum(ctx, "service restart specifier", value);
}

void set_user(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (value.empty()) {
    if (key == "User") ctx.config.exec.user.reset();
    return;
  }
  auto name = expand(ctx, value);
  if (!name) {
    ctx.fatal = true;
    return;
  }
  switch (check_user_name(*name)) {
    case UserNameCheck::kInvalid:
      ctx.warnings.push_back("Invalid user/group name or numeric ID: " + *name);
      ctx.fatal = true;
      return;
    case UserNameCheck::kValidWithWarning:
      ctx.plain_messages.push_back("Accepting user/group name '" + *name +
                                   "', which does not match strict user/group name rules.");
      break;
    case UserNameCheck::kValid:
      break;
  }
  if (key == "User") {
    if (*name == "nobody")
      ctx.warnings.push_back("Special user nobody configured, this is not safe!");
    ctx.config.exec.user = *name;
  }
}

void set_supplementary_groups(AssignmentContext& ctx, const std::string&,
                              const std::string& value) {
  if (value.empty()) {
    ctx.config.exec.supplementary_groups.clear();
    return;
  }
  for (const auto& word : split_words(value)) {
    auto name = expand(ctx, word);
    if (!name) {
      ctx.fatal = true;
      return;
    }
    switch (check_user_name(*name)) {
      case UserNameCheck::kInvalid:
        ctx.warnings.push_back("Invalid user/group name or numeric ID: " + *name);
        ctx.fatal = true;
        return;
      case UserNameCheck::kValidWithWarning:
        ctx.plain_messages.push_back("Accepting user/group name '" + *name +
                                     "', which does not match strict user/group name rules.");
        break;
      case UserNameCheck::kValid:
        break;
    }
    ctx.config.exec.supplementary_groups.push_back(*name);
  }
}

void set_dynamic_user(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value: " + value);
    ctx.fatal = true;
    return;
  }
  ctx.config.exec.dynamic_user = *b;
}

// RootDirectory= and RootImage=: an absolute, normalised path; fatal otherwise.
template <std::string ExecSettings::*field>
void set_root_path(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (value.empty()) {
    (ctx.config.exec.*field).clear();
    return;
  }
  auto path = expand_specifiers(value, ctx.specifiers);
  if (!path) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in '" + value + "': Invalid slot");
    ctx.fatal = true;
    return;
  }
  auto checked = checked_path(key, *path, PathRule::kAbsolute, /*fatal=*/true, ctx.warnings);
  if (!checked) {
    ctx.fatal = true;
    return;
  }
  ctx.config.exec.*field = *checked;
}

void set_working_directory(AssignmentContext& ctx, const std::string& key,
                           const std::string& value) {
  ctx.config.working_directory_home = false;
  if (value.empty()) return;
  std::string v = value[0] == '-' ? value.substr(1) : value;
  if (v == "~") {
    ctx.config.working_directory_home = true;
    return;
  }
  auto path = expand_specifiers(v, ctx.specifiers);
  if (!path) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in working directory path '" + v +
                           "': Invalid slot");
    ctx.fatal = true;
    return;
  }
  if (!is_absolute_path(*path)) {
    ctx.warnings.push_back(key + "= path is not absolute: " + *path);
    ctx.fatal = true;
  } else if (has_dotdot(*path)) {
    ctx.warnings.push_back(key + "= path is not normalized: " + *path);
    ctx.fatal = true;
  }
}

void set_bounding_set(AssignmentContext& ctx, const std::string&, const std::string& value) {
  uint64_t& set = ctx.config.exec.capability_bounding_set;
  apply_capability_assignment(value, ~uint64_t{0}, set, ctx.warnings,
                              version_of(ctx).max_capability_number);
  // 258+: "~" with no known capability yields every known capability, which
  // is no longer the unset value, so a later line adds to it instead of
  // replacing it.
  constexpr uint64_t kKnownCapabilities = (uint64_t{1} << 41) - 1;  // up to CAP_CHECKPOINT_RESTORE
  if (version_of(ctx).inverted_empty_bounding_set_is_known_caps && set == ~uint64_t{0} &&
      !value.empty() && value[0] == '~')
    set = kKnownCapabilities;
}

void set_ambient(AssignmentContext& ctx, const std::string&, const std::string& value) {
  apply_capability_assignment(value, 0, ctx.config.exec.ambient_capabilities, ctx.warnings,
                              version_of(ctx).max_capability_number);
}

void set_umask(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto mode = parse_mode(value);
  if (!mode) {
    ctx.warnings.push_back("Failed to parse mode value, ignoring: " + value);
    return;
  }
  ctx.config.umask = *mode;
}

void set_delegate(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (ctx.config.exec.unit_type != "service") {
    ctx.warnings.push_back("Delegate= setting not supported for this unit type, ignoring.");
    return;
  }
  if (value.empty()) {
    ctx.config.exec.delegate = true;
    return;
  }
  if (auto b = parse_boolean(value)) {
    ctx.config.exec.delegate = *b;
    return;
  }
  static const std::set<std::string> kControllers = {"cpu",
                                                     "cpuacct",
                                                     "cpuset",
                                                     "io",
                                                     "blkio",
                                                     "memory",
                                                     "devices",
                                                     "pids",
                                                     "bpf-firewall",
                                                     "bpf-devices",
                                                     "bpf-foreign",
                                                     "bpf-socket-bind",
                                                     "bpf-restrict-network-interfaces"};
  auto words = unquoted_words(ctx, value);
  if (!words) return;
  for (const auto& w : *words)
    if (!kControllers.count(w))
      ctx.warnings.push_back("Invalid controller name '" + w + "', ignoring");
  ctx.config.exec.delegate = true;
}

void set_namespaces(AssignmentContext& ctx, const std::string&, const std::string& value) {
  apply_restrict_namespaces_assignment(value, ctx.config.exec.restrict_namespaces, ctx.warnings);
}

void set_address_families(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (!version_of(ctx).address_families_stop_at_unknown || value.empty() || value == "none") {
    apply_address_families_assignment(value, ctx.config.address_families, ctx.warnings);
    return;
  }
  // 258+: the first unknown family ends the assignment (the families before
  // it stay applied) and the warning quotes the whole value.
  AddressFamilyFilter& filter = ctx.config.address_families;
  bool invert = value[0] == '~';
  std::string_view rest(value);
  if (invert) rest.remove_prefix(1);
  if (!filter.configured) {
    filter.configured = true;
    filter.allow_list = !invert;
  }
  std::string word;
  for (;;) {
    WordResult r = extract_word(&rest, &word, Quotes::kUnquote);
    if (r == WordResult::kEnd) return;
    if (r == WordResult::kSyntaxError) {
      ctx.warnings.push_back("Invalid syntax, ignoring: " + value.substr(invert ? 1 : 0));
      return;
    }
    if (!address_family_from_name(word)) {
      ctx.warnings.push_back("Failed to parse address family, ignoring: " + value);
      return;
    }
    apply_address_families_assignment((invert ? "~" : "") + word, filter, ctx.warnings);
  }
}

void set_syscall_filter(AssignmentContext& ctx, const std::string&, const std::string& value) {
  apply_system_call_filter_assignment(value, ctx.syscalls, ctx.config.syscall_filter, ctx.warnings);
}

void set_architectures(AssignmentContext& ctx, const std::string&, const std::string& value) {
  apply_system_call_architectures_assignment(value, ctx.config.exec.system_call_architectures,
                                             ctx.warnings);
}

void set_ip_allow(AssignmentContext& ctx, const std::string&, const std::string& value) {
  apply_ip_address_assignment(value, ctx.config.exec.ip_address_allow, ctx.warnings);
}

void set_ip_deny(AssignmentContext& ctx, const std::string&, const std::string& value) {
  apply_ip_address_assignment(value, ctx.config.exec.ip_address_deny, ctx.warnings);
}

template <std::vector<std::string> ExecSettings::*field>
void add_filter_path(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (value.empty()) {
    (ctx.config.exec.*field).clear();
    return;
  }
  auto path = expand_specifiers(value, ctx.specifiers);
  if (!path) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in '" + value +
                           "', ignoring: Invalid slot");
    return;
  }
  auto checked = checked_path(key, *path, PathRule::kAbsolute, false, ctx.warnings);
  if (checked) (ctx.config.exec.*field).push_back(*checked);
}

void add_device_allow(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  auto& list = ctx.config.exec.device_allow;
  if (value.empty()) {
    list.clear();
    return;
  }
  std::string_view rest = value;
  std::string path;
  if (extract_word(&rest, &path, Quotes::kUnquote) != WordResult::kWord) {
    ctx.warnings.push_back("Invalid syntax, ignoring: " + value);
    return;
  }
  std::string rights(rest.substr(std::min(rest.size(), rest.find_first_not_of(" \t"))));
  while (!rights.empty() && (rights.back() == ' ' || rights.back() == '\t')) rights.pop_back();
  auto expanded = expand_specifiers(path, ctx.specifiers);
  if (!expanded) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in '" + path +
                           "', ignoring: Invalid slot");
    return;
  }
  bool device_node =
      expanded->rfind("/dev", 0) == 0 && (expanded->size() == 4 || (*expanded)[4] == '/');
  bool device_class = expanded->rfind("char-", 0) == 0 || expanded->rfind("block-", 0) == 0;
  if (!device_node && !device_class) {
    ctx.warnings.push_back("Invalid device node path '" + *expanded + "', ignoring.");
    return;
  }
  if (device_node && has_dotdot(*expanded)) {
    ctx.warnings.push_back(key + "= path is not normalized, ignoring: " + *expanded);
    return;
  }
  if (device_node) *expanded = simplify_path(*expanded);
  if (rights.find_first_not_of("rwm") != std::string::npos) {
    ctx.warnings.push_back("Invalid device rights '" + rights + "', ignoring.");
    return;
  }
  if (rights.empty()) rights = "rwm";
  std::string normalized;
  for (char c : std::string("rwm"))
    if (rights.find(c) != std::string::npos) normalized += c;
  // Appended, oldest first: inserting at the front made 100,000 lines
  // quadratic. effective_settings() turns the list round once.
  list.push_back(*expanded + ":" + normalized);
}

// The PARTITION:OPTIONS pairs after SOURCE:DESTINATION; a lone last
// OPTIONS applies to the root partition. A bad partition name only drops
// its own options.
void warn_bad_partitions(const std::string& entry, size_t first_colon,
                         std::vector<std::string>& warnings) {
  size_t second = entry.find(':', first_colon + 1);
  if (second == std::string::npos) return;
  std::vector<std::string> parts;
  for (size_t start = second + 1;;) {
    size_t end = entry.find(':', start);
    parts.push_back(entry.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  static const std::set<std::string> kPlainPartitions = {"home", "srv", "esp", "xbootldr",
                                                         "swap", "tmp", "var"};
  auto is_designator = [](std::string name) {
    if (kPlainPartitions.count(name)) return true;
    for (const char* sig : {"-verity-sig", "-verity"})
      if (name.size() > strlen(sig) && name.ends_with(sig)) {
        name.resize(name.size() - strlen(sig));
        break;
      }
    for (const char* variant : {"-secondary", "-other"})
      if (name.size() > strlen(variant) && name.ends_with(variant)) {
        name.resize(name.size() - strlen(variant));
        break;
      }
    return name == "root" || name == "usr";
  };
  for (size_t i = 0; i + 1 < parts.size(); i += 2)
    if (!parts[i].empty() && !is_designator(parts[i]))
      warnings.push_back("Invalid partition name " + parts[i] + ", ignoring");
}

// MountImages=SOURCE:DESTINATION[:OPTIONS] ...; entries with a bad path
// are dropped one by one.
void set_mount_images(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (value.empty()) {
    ctx.config.has_mount_images = false;
    return;
  }
  std::string_view rest = value;
  std::string entry;
  while (true) {
    WordResult r = extract_word(&rest, &entry, Quotes::kUnquote);
    if (r == WordResult::kEnd) return;
    if (r == WordResult::kSyntaxError) {
      ctx.warnings.push_back("Invalid syntax, ignoring: " + value);
      return;
    }
    size_t colon = entry.find(':');
    std::string source = entry.substr(0, colon);
    std::string destination = colon == std::string::npos
                                  ? std::string()
                                  : entry.substr(colon + 1, entry.find(':', colon + 1) - colon - 1);
    std::string unprefixed = !source.empty() && source[0] == '-' ? source.substr(1) : source;
    auto src = expand_specifiers(unprefixed, ctx.specifiers);
    if (!src) {
      ctx.warnings.push_back("Failed to resolve unit specifiers in \"" + unprefixed +
                             "\", ignoring: Invalid slot");
      continue;
    }
    if (!is_absolute_path(*src)) {
      ctx.warnings.push_back(key + "= path is not absolute, ignoring: " + *src);
      continue;
    }
    if (destination.empty()) {
      ctx.warnings.push_back("Missing destination in " + key + ", ignoring: " + *src);
      continue;
    }
    auto dst = expand_specifiers(destination, ctx.specifiers);
    if (!dst) {
      ctx.warnings.push_back("Failed to resolve unit specifiers in \"" + destination +
                             "\", ignoring: Invalid slot");
      continue;
    }
    if (!is_absolute_path(*dst)) {
      ctx.warnings.push_back(key + "= path is not absolute, ignoring: " + *dst);
      continue;
    }
    warn_bad_partitions(entry, colon, ctx.warnings);
    ctx.config.has_mount_images = true;
  }
}

// ListenStream=, ListenDatagram=, ... of sockets.
void add_listen(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (value.empty()) {
    ctx.config.listen_count = 0;
    return;
  }
  auto expanded = expand_specifiers(value, ctx.specifiers);
  if (!expanded) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in '" + value +
                           "', ignoring: Invalid slot");
    return;
  }
  bool address =
      key == "ListenStream" || key == "ListenDatagram" || key == "ListenSequentialPacket";
  std::string error = "Invalid argument";
  bool ok = address                  ? is_valid_socket_address(*expanded, error)
            : key == "ListenNetlink" ? is_valid_netlink_address(*expanded)
                                     : is_absolute_path(*expanded);
  if (!ok) {
    if (address || key == "ListenNetlink")
      ctx.warnings.push_back("Failed to parse address value in '" + *expanded +
                             "', ignoring: " + error);
    else
      ctx.warnings.push_back(key + "= path is not absolute, ignoring: " + *expanded);
    return;
  }
  ++ctx.config.listen_count;
}

void set_accept(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value, ignoring: " + value);
    return;
  }
  ctx.config.socket_accept = *b;
}

void set_socket_service(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto name = expand_specifiers(value, ctx.specifiers);
  if (!name) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in " + value + ": Invalid slot");
    ctx.fatal = true;
    return;
  }
  auto parsed = parse_unit_name(*name);
  if (!parsed || parsed->type != "service" || parsed->is_template) {
    ctx.warnings.push_back("Unit must be of type service, ignoring: " + value);
    return;
  }
  ctx.config.socket_service = *name;
}

bool is_valid_credential_name(const std::string& id) {
  return !id.empty() && id.size() <= 255 && id != "." && id != ".." &&
         id.find('/') == std::string::npos;
}

bool is_valid_base64(const std::string& data) {
  std::string compact;
  for (char c : data)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') compact += c;
  if (compact.empty() || compact.size() % 4 != 0) return false;
  size_t padding = 0;
  for (size_t i = 0; i < compact.size(); ++i) {
    char c = compact[i];
    if (c == '=') {
      if (i + 2 < compact.size()) return false;
      ++padding;
      continue;
    }
    if (padding) return false;
    if (!isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  }
  return true;
}

// LoadCredential[Encrypted]=ID[:PATH] and SetCredential[Encrypted]=ID:DATA.
// ImportCredential= (257+; an unknown key before): only verification reads it.
void set_import_credential(AssignmentContext& ctx, const std::string&, const std::string& value) {
  ctx.config.imports_credentials = !value.empty();
}

void set_credential(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  bool load = key.rfind("Load", 0) == 0;
  bool encrypted = key.find("Encrypted") != std::string::npos;
  auto& creds = load ? ctx.config.load_credentials : ctx.config.set_credentials;
  if (value.empty()) {
    creds.clear();
    return;
  }
  size_t colon = value.find(':');
  std::string raw_id = value.substr(0, colon);
  std::string rest = colon == std::string::npos ? std::string() : value.substr(colon + 1);
  if (!load && (colon == std::string::npos || rest.empty())) {
    ctx.warnings.push_back("Invalid syntax, ignoring: " + value);
    return;
  }
  auto id = expand_specifiers(raw_id, ctx.specifiers);
  if (!id) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in \"" + raw_id +
                           "\", ignoring: Invalid slot");
    return;
  }
  if (!is_valid_credential_name(*id)) {
    ctx.warnings.push_back("Credential name \"" + *id + "\" not valid, ignoring.");
    return;
  }
  if (!load && encrypted && !is_valid_base64(rest)) {
    ctx.warnings.push_back("Encrypted credential data not valid Base64 data, ignoring.");
    return;
  }
  creds[*id] = encrypted;
}

// Exec*= lines: ExecStart= and ExecStop= matter for verification; all of
// them can make the unit fail to load.
void set_exec(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  unsigned* count = key == "ExecStart"  ? &ctx.config.exec_start_count
                    : key == "ExecStop" ? &ctx.config.exec_stop_count
                                        : nullptr;
  if (value.empty()) {
    if (count) *count = 0;
    return;
  }
  if (version_of(ctx).ignores_double_bang) {
    // 258+ dropped the "!!" prefix (ambient capabilities fallback) and says so.
    std::string_view prefix(value);
    prefix = prefix.substr(0, prefix.find_first_not_of("-@:+!|"));
    if (prefix.find("!!") != std::string_view::npos)
      ctx.warnings.push_back("The !! modifier for " + key +
                             "= lines is no longer supported and is now ignored. Please update "
                             "your unit files and remove the modifier.");
  }
  ExecLine line = parse_exec_line(value, ctx.specifiers);
  for (auto& w : line.warnings) ctx.warnings.push_back(w);
  if (line.fatal) {
    ctx.fatal = true;
    return;
  }
  if (count) *count += line.commands;
}

void set_success_action(AssignmentContext& ctx, const std::string& key, const std::string& value) {
  if (!is_emergency_action(version_of(ctx), value)) {
    ctx.warnings.push_back("Failed to parse " + key + "=, ignoring: " + value);
    return;
  }
  ctx.config.has_success_action = value != "none";
}

void set_remain_after_exit(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value, ignoring: " + value);
    return;
  }
  ctx.config.remain_after_exit = *b;
}

// A well-known D-Bus name: two or more dot-separated elements of
// [A-Za-z0-9_-], none starting with a digit.
bool is_valid_bus_name(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  size_t elements = 0, start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string_view e(name.data() + start, dot - start);
    if (e.empty() || isdigit(static_cast<unsigned char>(e[0]))) return false;
    for (char c : e)
      if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    ++elements;
    start = dot + 1;
  }
  return elements >= 2;
}

void set_bus_name(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (value.empty()) {
    ctx.config.bus_name.clear();
    return;
  }
  auto name = expand_specifiers(value, ctx.specifiers);
  if (!name) {
    ctx.warnings.push_back("Failed to resolve unit specifiers in " + value + ": Invalid slot");
    return;
  }
  if (!is_valid_bus_name(*name)) {
    ctx.warnings.push_back("Invalid bus name, ignoring: " + *name);
    return;
  }
  ctx.config.bus_name = *name;
}

void set_watchdog(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (!is_valid_timespan(value)) {
    ctx.warnings.push_back("Failed to parse sec value, ignoring: " + value);
    return;
  }
  ctx.config.has_watchdog = value.find_first_not_of("0 .") != std::string::npos;
}

void set_fd_store(AssignmentContext& ctx, const std::string&, const std::string& value) {
  auto n = parse_unsigned(value);
  if (!n || *n > 0xffffffffu) {
    ctx.warnings.push_back("Failed to parse unsigned value, ignoring: " + value);
    return;
  }
  ctx.config.has_fd_store = *n > 0;
}

void set_default_dependencies(AssignmentContext& ctx, const std::string&,
                              const std::string& value) {
  auto b = parse_boolean(value);
  if (!b) {
    ctx.warnings.push_back("Failed to parse boolean value, ignoring: " + value);
    return;
  }
  ctx.config.exec.default_dependencies = *b;
}

// Settings systemd only warns about; they do not change the assessment.
void warn_kill_mode(AssignmentContext& ctx, const std::string&, const std::string& value) {
  if (value == "none")
    ctx.warnings.push_back(
        "Unit uses KillMode=none. This is unsafe, as it disables systemd's process lifecycle "
        "management for the service. Please update the service to use a safer KillMode=, such as "
        "'mixed' or 'control-group'. Support for KillMode=none is deprecated and will eventually "
        "be "
        "removed.");
  else if (!one_of(value, {"control-group", "process", "mixed"}))
    warn_enum(ctx, "kill mode specification", value);
}

void check_documentation(AssignmentContext& ctx, const std::string&, const std::string& value) {
  static const char* const kSchemes[] = {"http://", "https://", "file:", "info:", "man:"};
  auto words = unquoted_words(ctx, value);
  if (!words) return;
  for (const auto& word : *words) {
    auto url = expand_specifiers(word, ctx.specifiers);
    if (!url) {
      ctx.warnings.push_back("Failed to resolve unit specifiers in '" + word +
                             "', ignoring: Invalid slot");
      continue;
    }
    bool ok = false;
    for (auto s : kSchemes)
      if (url->rfind(s, 0) == 0 && url->size() > strlen(s)) ok = true;
    if (!ok) ctx.warnings.push_back("Invalid URL, ignoring: " + *url);
  }
}

// Directives of the [Service]/[Socket]/[Mount]/[Swap] sections (exec and
// cgroup context) that the assessment reads.
const std::map<std::string, Handler, std::less<>>& exec_handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"User", set_user},
      {"Group", set_user},
      {"DynamicUser", set_dynamic_user},
      {"SupplementaryGroups", set_supplementary_groups},
      {"CapabilityBoundingSet", set_bounding_set},
      {"AmbientCapabilities", set_ambient},
      {"PrivateDevices", set_bool<&ExecSettings::private_devices>},
      {"PrivateMounts", set_private_mounts},
      {"PrivatePIDs", set_private_pids},
      {"PrivateNetwork", set_bool<&ExecSettings::private_network>},
      {"PrivateTmp", set_bool<&ExecSettings::private_tmp>},
      {"PrivateUsers", set_bool<&ExecSettings::private_users>},
      {"ProtectControlGroups", set_bool<&ExecSettings::protect_control_groups>},
      {"ProtectKernelModules", set_bool<&ExecSettings::protect_kernel_modules>},
      {"ProtectKernelTunables", set_bool<&ExecSettings::protect_kernel_tunables>},
      {"ProtectKernelLogs", set_bool<&ExecSettings::protect_kernel_logs>},
      {"ProtectClock", set_bool<&ExecSettings::protect_clock>},
      {"ProtectHostname", set_protect_hostname},
      {"LockPersonality", set_bool<&ExecSettings::lock_personality>},
      {"MemoryDenyWriteExecute", set_bool<&ExecSettings::memory_deny_write_execute>},
      {"NoNewPrivileges", set_bool<&ExecSettings::no_new_privileges>},
      {"RemoveIPC", set_bool<&ExecSettings::remove_ipc>},
      {"RestrictRealtime", set_bool<&ExecSettings::restrict_realtime>},
      {"RestrictSUIDSGID", set_bool<&ExecSettings::restrict_suid_sgid>},
      {"ProtectHome", set_protect_home},
      {"ProtectSystem", set_protect_system},
      {"KeyringMode", set_keyring_mode},
      {"ProtectProc", set_protect_proc},
      {"ProcSubset", set_proc_subset},
      {"RootDirectory", set_root_path<&ExecSettings::root_directory>},
      {"RootImage", set_root_path<&ExecSettings::root_image>},
      {"UMask", set_umask},
      {"WorkingDirectory", set_working_directory},
      {"RestrictNamespaces", set_namespaces},
      {"RestrictAddressFamilies", set_address_families},
      {"SystemCallFilter", set_syscall_filter},
      {"SystemCallArchitectures", set_architectures},
      {"MountImages", set_mount_images},
      {"LoadCredential", set_credential},
      {"LoadCredentialEncrypted", set_credential},
      {"SetCredential", set_credential},
      {"SetCredentialEncrypted", set_credential},
      {"ImportCredential", set_import_credential},
      {"Delegate", set_delegate},
      {"DevicePolicy", set_device_policy},
      {"DeviceAllow", add_device_allow},
      {"IPAddressAllow", set_ip_allow},
      {"IPAddressDeny", set_ip_deny},
      {"IPIngressFilterPath", add_filter_path<&ExecSettings::ip_ingress_filter_path>},
      {"IPEgressFilterPath", add_filter_path<&ExecSettings::ip_egress_filter_path>},
      {"ExecStartPre", set_exec},
      {"ExecStartPost", set_exec},
      {"ExecStopPre", set_exec},
      {"ExecStopPost", set_exec},
      {"KillMode", warn_kill_mode},
  };
  return table;
}

// Directives of [Service] only.
const std::map<std::string, Handler, std::less<>>& service_handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"NotifyAccess", set_notify_access},
      {"Type", set_service_type},
      {"Restart", set_restart},
      {"BusName", set_bus_name},
      {"RemainAfterExit", set_remain_after_exit},
      {"ExecStart", set_exec},
      {"ExecStop", set_exec},
      {"ExecStartPre", set_exec},
      {"ExecStartPost", set_exec},
      {"ExecCondition", set_exec},
      {"ExecReload", set_exec},
      {"ExecStopPost", set_exec},
      {"WatchdogSec", set_watchdog},
      {"FileDescriptorStoreMax", set_fd_store},
  };
  return table;
}

// Directives of [Socket] only.
const std::map<std::string, Handler, std::less<>>& socket_handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"ListenStream", add_listen},
      {"ListenDatagram", add_listen},
      {"ListenSequentialPacket", add_listen},
      {"ListenFIFO", add_listen},
      {"ListenSpecial", add_listen},
      {"ListenNetlink", add_listen},
      {"ListenMessageQueue", add_listen},
      {"ListenUSBFunction", add_listen},
      {"Accept", set_accept},
      {"Service", set_socket_service},
  };
  return table;
}

const std::map<std::string, Handler, std::less<>>& unit_handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"DefaultDependencies", set_default_dependencies},
      {"SuccessAction", set_success_action},
      {"Documentation", check_documentation},
  };
  return table;
}

// What one assignment needs to know about its key, found with one hash
// look-up instead of a string-keyed map per question (a scan asks this
// for every line of every unit).
struct KeyInfo {
  std::string_view type;  // the documented value type ("BOOLEAN"); data() set
  Handler handler;        // nullptr: only its syntax is checked
};

// An open-addressing table of (section, key): keys are short, so an FNV-1a
// hash and a power-of-two table beat std::unordered_map's generic ones.
// The slots are small (an entry number each): a table is built at every
// start, and its size was most of that cost.
class KeyInfoIndex {
 public:
  explicit KeyInfoIndex(size_t capacity) {
    size_t size = 16;
    while (size < capacity * 2) size *= 2;
    slots_.assign(size, 0);
    entries_.reserve(capacity);
  }
  // A key listed twice keeps its last type.
  void add(std::string_view section, std::string_view key, KeyInfo info) {
    uint64_t h = hash(section, key);
    size_t i = probe(section, key, h);
    if (slots_[i] != 0) {
      entries_[slots_[i] - 1].info = info;
      return;
    }
    if (entries_.size() * 2 >= slots_.size()) return;  // more keys than counted: cannot be
    entries_.push_back({section, key, info, h});
    slots_[i] = static_cast<uint32_t>(entries_.size());
  }
  const KeyInfo* find(std::string_view section, std::string_view key) const {
    uint32_t e = slots_[probe(section, key, hash(section, key))];
    return e == 0 ? nullptr : &entries_[e - 1].info;
  }

 private:
  struct Entry {
    std::string_view section, key;
    KeyInfo info;
    uint64_t hash;
  };
  // The slot holding (section, key), or the empty one where it would go.
  size_t probe(std::string_view section, std::string_view key, uint64_t h) const {
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      uint32_t e = slots_[i];
      if (e == 0) return i;
      const Entry& entry = entries_[e - 1];
      if (entry.hash == h && entry.key == key && entry.section == section) return i;
    }
  }
  static uint64_t hash(std::string_view section, std::string_view key) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
    for (unsigned char c : section) h = (h ^ c) * 0x100000001b3ULL;
    return h ^ (h >> 29);
  }
  std::vector<uint32_t> slots_;  // 0: empty, else 1 + an index into entries_
  std::vector<Entry> entries_;
};

// From `systemd --dump-configuration-items` output: "[Section]" headers
// followed by "Key=TYPE" lines. The views point into the embedded file.
KeyInfoIndex build_key_info(std::string_view items) {
  KeyInfoIndex out(static_cast<size_t>(std::count(items.begin(), items.end(), '\n')) + 1);
  std::string_view section;
  for (size_t at = 0; at < items.size();) {
    size_t end = items.find('\n', at);
    if (end == std::string_view::npos) end = items.size();
    std::string_view line = items.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    if (line[0] == '[') {
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    size_t eq = line.find('=');
    std::string_view key = line.substr(0, eq);
    std::string_view type =
        eq == std::string_view::npos ? line.substr(line.size()) : line.substr(eq + 1);
    // The handler apply_assignment() would run, as it looks for one.
    auto find = [&](const std::map<std::string, Handler, std::less<>>& table) -> Handler {
      auto it = table.find(key);
      return it == table.end() ? nullptr : it->second;
    };
    Handler h = nullptr;
    if (section == "Unit") h = find(unit_handlers());
    if (!h && section == "Service") h = find(service_handlers());
    if (!h && section == "Socket") h = find(socket_handlers());
    if (!h && section != "Unit" && section != "Install") h = find(exec_handlers());
    out.add(section, key, KeyInfo{type, h});
  }
  return out;
}

// nullptr for a key the version does not know in that section.
const KeyInfo* key_info(const SystemdVersion& version, std::string_view section,
                        std::string_view key) {
  // The last list asked for, by the address of its name (a literal).
  thread_local const char* last_items = nullptr;
  thread_local const KeyInfoIndex* last_index = nullptr;
  if (last_items != version.config_items.data()) {
    last_index = &built_from_file<KeyInfoIndex>(version.config_items, build_key_info);
    last_items = version.config_items.data();
  }
  return last_index->find(section, key);
}

}  // namespace

std::string type_section(std::string_view unit_type) {
  std::string s(unit_type);
  if (!s.empty()) s[0] = static_cast<char>(toupper(s[0]));
  return s;
}

bool is_known_section(std::string_view unit_type, std::string_view section) {
  if (section == "Unit" || section == "Install") return true;
  // Target and device units have no section of their own.
  if (unit_type == "target" || unit_type == "device") return false;
  return section == type_section(unit_type);
}

bool is_known_key(std::string_view section, std::string_view key) {
  return is_known_key(default_systemd_version(), section, key);
}

bool is_known_key(const SystemdVersion& version, std::string_view section, std::string_view key) {
  return key_info(version, section, key) != nullptr;
}

namespace {

// The errno text newer versions append when a value of `kind` is rejected:
// a negative number or one too large is out of range, anything else invalid.
std::string errno_text(std::string_view kind, std::string_view value) {
  constexpr std::string_view kErange = "Numerical result out of range",
                             kEinval = "Invalid argument";
  auto all_of_chars = [](std::string_view s, std::string_view set) {
    return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
  };
  if (kind == "unsigned" || kind == "sec") {
    if (value.size() > 1 && value[0] == '-' && all_of_chars(value.substr(1), "0123456789"))
      return std::string(kErange);
    if (kind == "sec" && value.starts_with("-")) return std::string(kErange);  // any negative
    if (kind == "unsigned" && all_of_chars(value, "0123456789") &&
        (value.size() > 10 || std::stoull(std::string(value)) > 0xffffffffull))
      return std::string(kErange);
    return std::string(kEinval);
  }
  if (kind == "range") {  // a number outside the setting's range
    return std::string(all_of_chars(value, "0123456789") ? kErange : kEinval);
  }
  if (kind == "mode") {
    if (all_of_chars(value, "01234567") &&
        (value.size() > 12 || std::stoull(std::string(value), nullptr, 8) > 07777))
      return std::string(kErange);
    return std::string(kEinval);
  }
  if (kind == "base64") {  // the data after "ID:"; a partial last group is EPIPE
    size_t colon = value.find(':');
    std::string data;
    for (char c : value.substr(colon == std::string_view::npos ? value.size() : colon + 1))
      if (!isspace(static_cast<unsigned char>(c))) data += c;
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    if (all_of_chars(data, kAlphabet) && data.size() % 4 != 0) return "Broken pipe";
    return std::string(kEinval);
  }
  return std::string(kEinval);
}

// Fills {key}, {value}, {section} and {errno:KIND} of a
// SystemdVersion::MessageRewrite pattern.
std::string fill_pattern(std::string_view pattern, std::string_view section, std::string_view key,
                         std::string_view value) {
  std::string out(pattern);
  for (auto [name, text] : {std::pair<std::string_view, std::string_view>{"{key}", key},
                            {"{value}", value},
                            {"{section}", section}}) {
    for (size_t at = out.find(name); at != std::string::npos; at = out.find(name, at + text.size()))
      out.replace(at, name.size(), text);
  }
  if (size_t at = out.find("{errno:"); at != std::string::npos) {
    size_t end = out.find('}', at);
    out.replace(at, end + 1 - at, errno_text(out.substr(at + 7, end - at - 7), value));
  }
  return out;
}

// Words the warnings of one assignment as the version does.
void reword_parse_warnings(AssignmentContext& ctx, size_t first, std::string_view section,
                           const std::string& key, const std::string& value) {
  for (size_t i = first; i < ctx.warnings.size(); ++i) {
    std::string& w = ctx.warnings[i];
    for (const auto& r : version_of(ctx).parser_messages) {
      std::string from = fill_pattern(r.from, section, key, value);
      std::string to = fill_pattern(r.to, section, key, value);
      size_t star = from.find("{*}");
      if (star == std::string::npos) {
        if (w != from) continue;
        w = to;
        break;
      }
      std::string_view head(from.data(), star), tail(from.data() + star + 3);
      if (w.size() < head.size() + tail.size() || w.compare(0, head.size(), head) != 0 ||
          w.compare(w.size() - tail.size(), tail.size(), tail) != 0)
        continue;
      std::string any = w.substr(head.size(), w.size() - head.size() - tail.size());
      w = to.replace(to.find("{*}"), 3, any);
      break;
    }
  }
}

// 257+ shows the notice the manager gives when it moves a PID file or a
// socket path from /var/run/ to /run/.
void warn_legacy_var_run(AssignmentContext& ctx, std::string_view section, const std::string& key,
                         const std::string& value) {
  bool pid_file = section == "Service" && key == "PIDFile";
  bool socket_path = section == "Socket" && one_of(key, {"ListenStream", "ListenDatagram",
                                                         "ListenSequentialPacket", "ListenFIFO"});
  if (!pid_file && !socket_path) return;
  auto path = expand_specifiers(value, ctx.specifiers);
  if (!path || path->rfind("/var/run/", 0) != 0) return;
  ctx.warnings.push_back(key + "= references a path below legacy directory /var/run/, updating " +
                         *path + " \xe2\x86\x92 /run/" + path->substr(9) +
                         "; please update the unit file accordingly.");
}

// Settings hardnut does not interpret still get systemd's warnings.
void check_generic(AssignmentContext& ctx, std::string_view section, const std::string& key,
                   const std::string& value) {
  std::string_view type = key_info(version_of(ctx), section, key)->type;
  if (check_value_syntax(version_of(ctx), section, key, type, value, ctx.specifiers, ctx.warnings,
                         ctx.plain_messages))
    ctx.fatal = true;
}

}  // namespace

void apply_assignment(std::string_view section, const std::string& key, const std::string& value,
                      AssignmentContext& ctx) {
  if (key.rfind("X-", 0) == 0) return;
  if (auto removed = removed_option_message(section, key)) {
    ctx.warnings.push_back(*removed);
    return;
  }
  for (std::string_view removed : version_of(ctx).removed_keys) {
    if (key == removed && section != "Unit" && section != "Install") {
      ctx.warnings.push_back("Support for option " + key + "= has been removed and it is ignored");
      return;
    }
  }
  const KeyInfo* info = key_info(version_of(ctx), section, key);
  if (!info) {
    ctx.warnings.push_back("Unknown key '" + key + "' in section [" + std::string(section) +
                           "], ignoring.");
    return;
  }
  size_t first_new_warning = ctx.warnings.size();
  if (info->handler)
    info->handler(ctx, key, value);
  else
    check_generic(ctx, section, key, value);
  if (!version_of(ctx).parser_messages.empty())
    reword_parse_warnings(ctx, first_new_warning, section, key, value);
  if (version_of(ctx).warns_legacy_var_run) warn_legacy_var_run(ctx, section, key, value);
}

bool accepts_assignment(const SystemdVersion& version, const SyscallTable& syscalls,
                        std::string_view section, const std::string& key,
                        const std::string& value) {
  UnitConfig scratch;
  scratch.exec.unit_id = "hardnut-probe.service";
  scratch.exec.unit_type = "service";
  SpecifierContext spec{*parse_unit_name("hardnut-probe.service"), "/hardnut-probe.service", false};
  std::vector<std::string> warnings, plain;
  AssignmentContext ctx{scratch, spec, syscalls, warnings, plain};
  ctx.version = &version;
  apply_assignment(section, key, value, ctx);
  return warnings.empty() && !ctx.fatal;
}

}  // namespace hardnut
