#include "model/systemd_version.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

#include "base/embedded_data.h"
#include "base/root_fs.h"
#include "model/syscall_filter.h"

namespace hardnut {

namespace {

// Each profile is 252's with the differences the oracles (257, 262) and
// the published sources and reports (245) show.
std::map<unsigned, SystemdVersion> build_profiles() {
  SystemdVersion v252{
      .number = 252,
      .config_items = "config-items-v252.txt",
      .syscall_groups = "syscall-filter-v252.txt",
      .template_instance = "i",
      .live_template_instance = "test-instance",
      .private_mounts_unset_is_good = false,
      .parser_messages = {},
      .protect_hostname_enum = false,
      .warns_legacy_var_run = false,
      .empty_section_header_is_invalid = false,
      .verifies_private_pids = false,
      .credentials_keep_default_type_simple = false,
      .refuses_home_working_directory_for_dynamic_user = false,
      .max_capability_number = 63,
      .reads_masked_dropins = true,
      .refuses_dynamic_user_in_user_scope = false,
      .extra_values = {},
      .extra_choices = {},
      .bind_paths_split_words_first = false,
      .max_io_class_number = 8,
      .cpu_sched_policy_numbers = {},
      .removed_keys = {},
      .inverted_empty_bounding_set_is_known_caps = false,
      .ignores_double_bang = false,
      .address_families_stop_at_unknown = false,
      .credential_tpm_device = "/dev/tpmrm0:rw",
      .absent_checks = {},
      .renamed_checks = {},
      .changed_descriptions = {},
      .row_order = RowOrder::kByDescription,
      .special_boot_phase = "Service runs in special boot phase, option is not appropriate",
      .allow_list = "allow list",
      .deny_list = "deny list",
      .names_offending_syscall = true,
      .deny_list_included_badness = 0,
      .device_acl_lists_devices = true,
      .has_security_policy = true,
      .policy_must_be_object = false,
      .judges_user_scope = false,
      .bus_error_names_scope = false,
  };

  // 245 (Ubuntu 20.04): 78 checks, before ProtectProc=/ProcSubset= (247)
  // and CAP_BPF (255, 252.19); RestrictNamespaces= rows named after the
  // clone flags; the table sorted by weight, as its sort column was the
  // weight until 250 inserted the json_field column before it. It has no
  // offline mode; offline, hardnut uses 252's key list and syscall groups
  // for it (no 245 data), and its check set, names, order and wording.
  SystemdVersion v245 = v252;
  v245.number = 245;
  v245.absent_checks = {"ProtectProc", "ProcSubset", "CapabilityBoundingSet_CAP_BPF"};
  v245.renamed_checks = {
      {"CapabilityBoundingSet_CAP_SYS_RAWIO", "CapabilityBoundingSet=~CAP_RAWIO"},
      {"RestrictNamespaces_user", "RestrictNamespaces=~CLONE_NEWUSER"},
      {"RestrictNamespaces_mnt", "RestrictNamespaces=~CLONE_NEWNS"},
      {"RestrictNamespaces_ipc", "RestrictNamespaces=~CLONE_NEWIPC"},
      {"RestrictNamespaces_pid", "RestrictNamespaces=~CLONE_NEWPID"},
      {"RestrictNamespaces_cgroup", "RestrictNamespaces=~CLONE_NEWCGROUP"},
      {"RestrictNamespaces_net", "RestrictNamespaces=~CLONE_NEWNET"},
      {"RestrictNamespaces_uts", "RestrictNamespaces=~CLONE_NEWUTS"},
  };
  v245.row_order = RowOrder::kByWeight;
  v245.special_boot_phase = "Service runs in special boot phase, option does not apply";
  v245.allow_list = "whitelist";
  v245.deny_list = "blacklist";
  v245.names_offending_syscall = false;
  v245.deny_list_included_badness = 5;
  v245.device_acl_lists_devices = false;
  v245.has_security_policy = false;

  // 257 (Debian 13): new spellings of the settings that became enums, the
  // PrivateMounts= tri-state, "test_instance" for templates, new keys and
  // syscall groups, and one wording for every rejected value.
  SystemdVersion v257 = v252;
  v257.number = 257;
  v257.config_items = "config-items-v257.txt";
  v257.syscall_groups = "syscall-filter-v257.txt";
  v257.template_instance = "test_instance";
  v257.live_template_instance = "test_instance";
  v257.private_mounts_unset_is_good = true;
  v257.bus_error_names_scope = true;
  // 257 words most rejected booleans and enums as "KEY=VALUE" with errno.
  constexpr std::string_view kKeyValueEinval =
      "Failed to parse {key}={value}, ignoring: Invalid argument";
  // ... or with the errno of why the value was rejected.
  constexpr std::string_view kKeyValueErrno = "Failed to parse {key}={value}, ignoring: {errno}";
  v257.parser_messages = {
      {"Failed to parse boolean value, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse boolean value: {value}", "Failed to parse {key}={value}: Invalid argument"},
      {"Failed to parse protect home value, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse protect system value, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse keyring mode, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse /proc/ protection mode, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse /proc/ subset mode, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse notify access specifier, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse device policy, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse service type, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse service restart specifier, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse OOM policy, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse utmp mode, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse resource value, ignoring: {value}", kKeyValueErrno},
      {"Address prefix is invalid, ignoring assignment: {*}",
       "Invalid address prefix is specified in [{section}] {key}=, ignoring assignment: {*}"},
      {"Encrypted credential data not valid Base64 data, ignoring.",
       "Encrypted credential data not valid Base64 data, ignoring: {errno:base64}"},
      {"Failed to parse sec value, ignoring: {value}",
       "Failed to parse {key}={value}, ignoring: {errno:sec}"},
      {"Failed to parse unsigned value, ignoring: {value}",
       "Failed to parse {key}={value}, ignoring: {errno:unsigned}"},
      {"Failed to parse mode value, ignoring: {value}",
       "Failed to parse {key}={value}, ignoring: {errno:mode}"},
      {"Failed to parse system call, ignoring: {*}", "System call {*} is not known, ignoring."},
      {"Failed to parse personality, ignoring: {value}",
       "Failed to parse {key}={value}, ignoring."},
      {"Failed to parse log facility, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse log level, ignoring: {value}", kKeyValueEinval},
      {"Failed to parse nsec value, ignoring: {value}", kKeyValueErrno},
      {"Invalid CPU shares, ignoring: {value}", kKeyValueErrno},
      {"Invalid block IO weight, ignoring: {value}", kKeyValueErrno},
      {"Failed to parse signal name, ignoring: {value}", kKeyValueErrno},
      {"Failed to parse time value, ignoring: {value}", kKeyValueErrno},
      {"Invalid CPU weight, ignoring: {value}", kKeyValueErrno},
      {"Invalid weight, ignoring: {value}", kKeyValueErrno},
      {"Failed to parse job mode, ignoring: {value}", kKeyValueEinval},
      {"Executable name contains special characters{*}",
       "Executable path contains special characters{*}"},
      {"Empty path in command line, ignoring: '{*}'", "Empty path in command line, ignoring: {*}"},
      {"Empty path in command line: '{*}'", "Empty path in command line: {*}"},
  };
  v257.warns_legacy_var_run = true;
  v257.verifies_private_pids = true;
  v257.refuses_home_working_directory_for_dynamic_user = true;
  v257.refuses_dynamic_user_in_user_scope = true;
  v257.reads_masked_dropins = false;
  v257.max_capability_number = 62;
  v257.credentials_keep_default_type_simple = true;
  v257.credential_tpm_device = "char-tpm:rw";
  v257.extra_values = {
      {"PrivateTmp", "connected", true},
      {"PrivateTmp", "disconnected", true},
      {"PrivateUsers", "self", true},
      {"PrivateUsers", "identity", true},
      {"ProtectControlGroups", "private", true},
      {"ProtectControlGroups", "strict", true},
      {"Type", "notify-reload", true},
  };
  v257.extra_choices = {
      {"emergency action", "halt"},
      {"emergency action", "halt-force"},
      {"emergency action", "halt-immediate"},
      {"emergency action", "kexec"},
      {"emergency action", "kexec-force"},
      {"emergency action", "soft-reboot"},
      {"emergency action", "soft-reboot-force"},
      {"job mode", "restart-dependencies"},
  };

  // 262 (Debian sid): PrivateUsers=full (258) and managed (260),
  // ProtectHostname=private[:NAME] (258).
  SystemdVersion v262 = v257;
  v262.number = 262;
  v262.config_items = "config-items-v262.txt";
  v262.syscall_groups = "syscall-filter-v262.txt";
  v262.protect_hostname_enum = true;
  v262.empty_section_header_is_invalid = true;
  v262.address_families_stop_at_unknown = true;
  v262.ignores_double_bang = true;
  v262.inverted_empty_bounding_set_is_known_caps = true;
  v262.removed_keys = {"CPUAccounting",        "CPUShares",           "StartupCPUShares",
                       "MemoryLimit",          "BlockIOAccounting",   "BlockIOWeight",
                       "StartupBlockIOWeight", "BlockIODeviceWeight", "BlockIOReadBandwidth",
                       "BlockIOWriteBandwidth"};
  v262.row_order = RowOrder::kByDescriptionMissingFirst;
  v262.policy_must_be_object = true;
  v262.judges_user_scope = true;
  v262.credential_tpm_device = "";
  v262.extra_choices.push_back({"job mode", "lenient"});
  v262.extra_choices.push_back({"CPU scheduling policy", "ext"});
  v262.bind_paths_split_words_first = true;
  v262.max_io_class_number = 7;
  v262.cpu_sched_policy_numbers = {0, 1, 2, 3, 5, 6, 7};
  v262.extra_values.push_back({"PrivateUsers", "full", true});
  v262.extra_values.push_back({"PrivateUsers", "managed", true});
  v262.extra_values.push_back({"ProtectHostname", "private", true});
  v262.extra_values.push_back({"ProtectHostname", "private:*", true});

  std::map<unsigned, SystemdVersion> profiles;
  for (auto* p : {&v245, &v252, &v257, &v262}) profiles.emplace(p->number, std::move(*p));
  return profiles;
}

const std::map<unsigned, SystemdVersion>& profiles() {
  static const std::map<unsigned, SystemdVersion> table = build_profiles();
  return table;
}

// Leading decimal number of `s` ("257" of "257.13-1"), if any.
std::optional<unsigned> leading_number(std::string_view s) {
  size_t i = 0;
  unsigned n = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i])) && i < 6)
    n = n * 10 + static_cast<unsigned>(s[i++] - '0');
  if (i == 0) return std::nullopt;
  return n;
}

// "libsystemd-shared-257.so", "libsystemd-shared-256.11-1.fc41.so" -> number.
std::optional<unsigned> shared_library_version(std::string_view name) {
  constexpr std::string_view kPrefix = "libsystemd-shared-";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  if (name.find(".so") == std::string_view::npos) return std::nullopt;
  return leading_number(name.substr(kPrefix.size()));
}

// The directories distributions install libsystemd-shared-N.so into:
// {usr/,}lib{,64}/systemd and the multiarch {usr/,}lib/<triplet>/systemd.
std::vector<std::string> library_dirs(const RootFs& root) {
  std::vector<std::string> dirs;
  for (const char* lib : {"/usr/lib", "/usr/lib64", "/lib", "/lib64"}) {
    dirs.push_back(std::string(lib) + "/systemd");
    std::vector<std::string> names = root.list(lib);
    for (const auto& n : names)
      if (n.find("-linux-") != std::string::npos)
        dirs.push_back(std::string(lib) + "/" + n + "/systemd");
  }
  return dirs;
}

// dpkg's record of the installed systemd package: "Version: 257.13-1~deb13u1".
std::optional<unsigned> dpkg_version(const RootFs& root) {
  std::string status;
  if (root.read_file("/var/lib/dpkg/status", status, 256 * 1024 * 1024) != 0) return std::nullopt;
  size_t at = 0;
  while ((at = status.find("Package: systemd\n", at)) != std::string::npos) {
    if (at != 0 && status[at - 1] != '\n') {
      ++at;
      continue;
    }
    size_t end = status.find("\n\n", at);
    std::string_view stanza(status.data() + at,
                            (end == std::string::npos ? status.size() : end) - at);
    bool installed = stanza.find("\nStatus: install ok installed") != std::string_view::npos;
    size_t v = stanza.find("\nVersion: ");
    if (installed && v != std::string_view::npos) {
      std::string_view text = stanza.substr(v + 10);
      if (auto colon = text.find(':'); colon != std::string_view::npos && colon < 4)
        text = text.substr(colon + 1);  // an epoch
      return leading_number(text);
    }
    at = end == std::string::npos ? status.size() : end;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<unsigned>& supported_systemd_versions() {
  static const std::vector<unsigned> numbers = [] {
    std::vector<unsigned> n;
    for (const auto& [number, profile] : profiles()) n.push_back(number);
    return n;
  }();
  return numbers;
}

const SystemdVersion& systemd_version(unsigned number) {
  auto it = profiles().find(number);
  return it == profiles().end() ? profiles().at(252) : it->second;
}

const SystemdVersion& default_systemd_version() { return profiles().at(252); }

std::optional<unsigned> parse_systemd_version_option(std::string_view text) {
  if (text == "auto") return 0;
  auto n = leading_number(text);
  if (!n || std::to_string(*n) != text || !profiles().count(*n)) return std::nullopt;
  return n;
}

std::optional<unsigned> detect_systemd_version(const RootFs& root, std::string& evidence) {
  for (const auto& dir : library_dirs(root)) {
    std::vector<std::string> names = root.list(dir);
    for (const auto& n : names) {
      if (auto v = shared_library_version(n)) {
        evidence = dir + "/" + n;
        return v;
      }
    }
  }
  if (auto v = dpkg_version(root)) {
    evidence = "/var/lib/dpkg/status";
    return v;
  }
  return std::nullopt;
}

std::optional<unsigned> version_from_manager_string(std::string_view version) {
  if (!version.empty() && version[0] == 'v') version.remove_prefix(1);
  return leading_number(version);
}

const SystemdVersion& resolve_systemd_version(unsigned requested, const RootFs* root,
                                              std::optional<std::string_view> manager_version,
                                              std::ostream& err) {
  if (requested != 0) return systemd_version(requested);
  std::optional<unsigned> found;
  std::string where;
  if (manager_version) {
    found = version_from_manager_string(*manager_version);
    where = "the manager's Version property";
  } else if (root) {
    found = detect_systemd_version(*root, where);
  }
  if (!found) {
    err << "hardnut: note: no systemd version found"
        << (manager_version ? " in the manager's Version property"
                            : " in " + (root ? root->root() : std::string("/")))
        << "; scoring like systemd 252 (--systemd-version= chooses)\n";
    return default_systemd_version();
  }
  // The newest profile not newer than what was found; the oldest for older.
  const auto& numbers = supported_systemd_versions();
  unsigned chosen = numbers.front();
  for (unsigned n : numbers)
    if (n <= *found) chosen = n;
  if (chosen != *found)
    err << "hardnut: note: found systemd " << *found << " (" << where << "); scoring like systemd "
        << chosen << ", the nearest version hardnut knows\n";
  return systemd_version(chosen);
}

const SyscallTable& syscall_table() { return syscall_table(default_systemd_version()); }

const SyscallTable& syscall_table(const SystemdVersion& version) {
  return built_from_file<SyscallTable>(version.syscall_groups, [](std::string_view text) {
    return *SyscallTable::parse(text, nullptr);
  });
}

const SystemdVersion& systemd_version_for(unsigned requested, const std::string& root_path,
                                          std::ostream& err,
                                          std::optional<std::string_view> manager_version) {
  if (requested != 0 || manager_version)
    return resolve_systemd_version(requested, nullptr, manager_version, err);
  std::unique_ptr<RootFs> root;
  try {
    root = std::make_unique<RootFs>(root_path.empty() ? "/" : root_path);
  } catch (const std::exception&) {
    // An unreadable root is reported by the command itself.
  }
  return resolve_systemd_version(0, root.get(), std::nullopt, err);
}

}  // namespace hardnut
