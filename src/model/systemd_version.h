// The systemd versions hardnut scores like (245, 252, 257, 262) and what
// differs between them, kept as data: one profile per version, read by the
// loader, the directive parser, the checks and the report. systemd 252 is
// the reference; the other profiles say only how they differ from it.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

class RootFs;

// A parser warning a version words differently from 252. In both patterns
// {key}, {value} and {section} stand for the assignment's, and {*} for any
// text (the same in both): 252's "Failed to parse boolean value, ignoring:
// {value}" is 257's "Failed to parse {key}={value}, ignoring: Invalid argument".
// In `to`, {errno:KIND} is the errno text guessed from the value, and
// {errno} the one the syntax check of src/directive_syntax.cc found (only
// for its own messages): "Failed to parse KillSignal=65, ignoring: Numerical
// result out of range".
struct MessageRewrite {
  std::string_view from;  // 252's wording
  std::string_view to;    // the version's
};

// The order of the per-check table.
enum class RowOrder {
  kByDescription,  // 250+: description (descending), then name
  kByWeight,       // up to 249: weight (descending), then name
  // 258+: as kByDescription, but a row without description (ProtectProc=
  // noaccess) comes first instead of comparing by definition order.
  kByDescriptionMissingFirst,
};

// A spelling a version accepts beyond 252's: for a boolean-scored setting
// with the boolean the analyser reads for it (every value but "no" is
// good); for an enumeration (Type=notify-reload) only that it is accepted.
struct ExtraValue {
  std::string_view key;
  std::string_view value;  // "*" after a prefix: "private:*"
  bool means;
};

// A value a version accepts in one of the value sets of 252's syntax checks
// (src/directive_syntax.cc) beyond 252's: 257's StartLimitAction=halt is
// {"emergency action", "halt"}. The sets: "emergency action" (SuccessAction=,
// FailureAction=, StartLimitAction=, JobTimeoutAction=), "job mode"
// (OnFailureJobMode=, OnSuccessJobMode=), "CPU scheduling policy".
struct ExtraChoice {
  std::string_view set;
  std::string_view value;
};

// A check the version prints under another name.
struct CheckRename {
  std::string_view json_field;
  std::string_view name;
};

// A check whose description strings differ from 252's.
struct DescriptionChange {
  std::string_view json_field;
  std::string_view good;  // empty: unchanged
  std::string_view bad;
};

struct SystemdVersion {
  unsigned number;
  // data/ files of the version.
  std::string_view config_items;    // systemd --dump-configuration-items
  std::string_view syscall_groups;  // systemd-analyze syscall-filter

  // ---- loading ----
  // The instance a template foo@.service is analysed as (foo@i.service),
  // offline and by a running manager (foo@test-instance.service).
  std::string_view template_instance;
  std::string_view live_template_instance;
  // Offline, 257+ reads PrivateMounts= as a tri-state whose unset value the
  // analyser's bool takes as true: unset (or reset by "PrivateMounts=") is good.
  bool private_mounts_unset_is_good;
  std::vector<MessageRewrite> parser_messages;
  // 262 resets ProtectHostname= silently on an empty value and words its
  // rejection without the errno text.
  bool protect_hostname_enum;
  // 257+ warns when PIDFile= or a socket path lies below /var/run/.
  bool warns_legacy_var_run;
  // 258+ rejects an empty section header "[]" as malformed.
  bool empty_section_header_is_invalid;
  // 257+ knows PrivatePIDs= and refuses it outside services and with
  // Type=forking.
  bool verifies_private_pids;
  // 257+ keeps a service with credentials but without ExecStart= at
  // Type=simple, which then refuses it (252 made it a oneshot).
  bool credentials_keep_default_type_simple;
  // 257+ refuses WorkingDirectory=~ with DynamicUser=yes.
  bool refuses_home_working_directory_for_dynamic_user;
  // The highest capability number CapabilityBoundingSet= and
  // AmbientCapabilities= take: 63, 62 in 257+.
  int max_capability_number;
  // 252 reads the drop-ins of a masked unit (and warns about their lines);
  // 257+ does not.
  bool reads_masked_dropins;
  // 257+ refuses DynamicUser= in a unit of the user manager.
  bool refuses_dynamic_user_in_user_scope;
  std::vector<ExtraValue> extra_values;
  std::vector<ExtraChoice> extra_choices;
  // 262 splits BindPaths=/BindReadOnlyPaths= into words (runs of blanks are
  // one separator) before their SOURCE:DESTINATION:OPTIONS fields; 252 and
  // 257 read the fields one by one, so that "/a  /b" holds an empty source.
  bool bind_paths_split_words_first;
  // The highest IOSchedulingClass= given as a number: 8 (252, 257), 7 (262).
  unsigned max_io_class_number;
  // CPUSchedulingPolicy= given as a number: 262 accepts only the policies
  // it knows (SCHED_OTHER ... SCHED_EXT) and calls another "Unsupported";
  // empty: any number (252, 257).
  std::vector<unsigned> cpu_sched_policy_numbers;
  // Keys the version still recognises only to say they are gone (262: the
  // cgroup-v1 settings): "Support for option KEY= has been removed ...".
  std::vector<std::string_view> removed_keys;
  // 258+: CapabilityBoundingSet=~ (nothing known after the "~") sets every
  // known capability rather than the unset value (see set_bounding_set).
  bool inverted_empty_bounding_set_is_known_caps;
  // 258+ ignores the "!!" prefix of Exec*= lines, with a notice.
  bool ignores_double_bang;
  // 258+ ends a RestrictAddressFamilies= list at its first unknown family.
  bool address_families_stop_at_unknown;

  // The device the manager allows for encrypted credentials when a device
  // ACL is in force: "/dev/tpmrm0:rw"; "char-tpm:rw" in 257; none in 262.
  std::string_view credential_tpm_device;

  // ---- checks ----
  std::vector<std::string_view> absent_checks;  // json_fields of 252's checks it lacks
  std::vector<CheckRename> renamed_checks;
  std::vector<DescriptionChange> changed_descriptions;
  RowOrder row_order;
  std::string_view special_boot_phase;  // the DefaultDependencies=no description
  // Rule wording: "allow list"/"deny list" (246+) or "whitelist"/"blacklist".
  std::string_view allow_list;
  std::string_view deny_list;
  bool names_offending_syscall;         // "(e.g. NAME is allowed)", 250+
  uint64_t deny_list_included_badness;  // 0; 5 before 246
  bool device_acl_lists_devices;        // "...special devices: char-rtc:r", 250+
  bool has_security_policy;             // --security-policy=, 250+
  // 261+ rejects a policy file whose top level is not an object, at the
  // end of its first token ("Failed to parse 'F' at 1:2: Invalid argument").
  bool policy_must_be_object;
  // 258+ knows that a user manager's service runs as the calling user:
  // User= is good unless another user is named, SupplementaryGroups= is
  // judged, RemoveIPC= is marked as having no effect.
  bool judges_user_scope;

  // ---- live mode ----
  // 256+ says which bus failed: "Failed to connect to system scope bus via
  // local transport: ..." instead of "Failed to connect to bus: ...".
  bool bus_error_names_scope;
};

// The versions hardnut has a profile for, oldest first.
const std::vector<unsigned>& supported_systemd_versions();

// The profile of a supported version; 252 for any other number.
const SystemdVersion& systemd_version(unsigned number);
const SystemdVersion& default_systemd_version();  // 252

// --systemd-version=: "auto" gives 0; nullopt when invalid.
std::optional<unsigned> parse_systemd_version_option(std::string_view text);

// The version of the systemd installed in `root` (its libsystemd-shared-N.so,
// else dpkg's record of the systemd package); nullopt if none is found.
// `evidence` names where it was found.
std::optional<unsigned> detect_systemd_version(const RootFs& root, std::string& evidence);

// The number a manager reports in its Version property ("252.39-1~deb12u2",
// "v257.4"); nullopt if it has none.
std::optional<unsigned> version_from_manager_string(std::string_view version);

// Resolves --systemd-version= (0 = auto) to a profile. For auto, the live
// manager's Version property when given (live mode), else the systemd
// installed in `root`. A version without a profile of its own maps to the
// newest profile not newer than it; every guess and fallback is explained
// on `err` ("hardnut: note: ..."), as is a missing systemd (252 is used).
const SystemdVersion& resolve_systemd_version(unsigned requested, const RootFs* root,
                                              std::optional<std::string_view> manager_version,
                                              std::ostream& err);

class SyscallTable;

// The syscall groups of a version (systemd 252's without one).
const SyscallTable& syscall_table();
const SyscallTable& syscall_table(const SystemdVersion& version);

// The version profile for --systemd-version=`requested` (0: auto, looking
// at the systemd installed in `root`, "" for `/`); live mode passes the
// manager's Version property as `manager_version`. Notes go to `err`.
const SystemdVersion& systemd_version_for(unsigned requested, const std::string& root,
                                          std::ostream& err,
                                          std::optional<std::string_view> manager_version = {});

}  // namespace hardnut
