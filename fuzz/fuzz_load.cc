// Fuzz target: the whole offline load path of `hardnut security`. The
// input becomes a unit file plus drop-ins (and --set lines) in a scratch
// directory, and run_security() loads, verifies and scores it exactly as
// the command line does: search path, aliases, templates and instances,
// specifiers, drop-in directories, sockets and the services they trigger.
//
// Input layout: one selector byte, then parts separated by "\n-----\n":
//   part 0  the fragment
//   part 1  drop-in 50-fuzz.conf (directory chosen by the selector)
//   part 2  --set lines, one per line (when selector bit 5 is set)
//   part 3  for sockets: the service fragment; else drop-in service.d/99-last.conf
//
// Selector bits 0-2: which unit is analysed; 3-4: the drop-in directory;
// 5: --set; 6: user scope; 7: JSON output.
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "cli/security_command.h"

namespace hardnut::fuzz {

struct LoadCase {
  const char* fragment;  // file name written
  const char* argument;  // what is passed on the command line (in units/)
  const char* link;      // an alias symlink made next to the fragment, or ""
  const char* link_to;   // its target
  const char* dropin_dirs[4];
};

static const LoadCase kLoadCases[8] = {
    {"fuzz.service",
     "fuzz.service",
     "",
     "",
     {"fuzz.service.d", "service.d", "fuzz-.service.d", "fuzz.service.d"}},
    {"fuzz@.service",
     "fuzz@inst.service",
     "",
     "",
     {"fuzz@inst.service.d", "fuzz@.service.d", "service.d", "fuzz-@.service.d"}},
    {"fuzz.socket",
     "fuzz.socket",
     "",
     "",
     {"fuzz.socket.d", "socket.d", "fuzz-.socket.d", "fuzz.service.d"}},
    {"fuzz-a-b.service",
     "fuzz-a-b.service",
     "",
     "",
     {"fuzz-a-b.service.d", "fuzz-a-.service.d", "fuzz-.service.d", "service.d"}},
    {"fuzz.service",
     "alias.service",
     "alias.service",
     "fuzz.service",
     {"alias.service.d", "fuzz.service.d", "service.d", "alias-.service.d"}},
    {"fuzz@.service",
     "fuzz@.service",
     "",
     "",
     {"fuzz@i.service.d", "fuzz@.service.d", "service.d", "fuzz@.service.d"}},
    {"fuzz-x@.service",
     "fuzz-x@in-st.service",
     "",
     "",
     {"fuzz-x@in-st.service.d", "fuzz-x@.service.d", "fuzz-@in-st.service.d", "fuzz-@.service.d"}},
    {"fuzz@.service",
     "al@x.service",
     "al@.service",
     "fuzz@.service",
     {"al@x.service.d", "al@.service.d", "fuzz@x.service.d", "fuzz@.service.d"}},
};

int load_one_input(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> parts = split_input(rest, "\n-----\n");
  const LoadCase& c = kLoadCases[selector & 7];

  const std::string units = scratch_dir() + "/units";
  reset_dir(units);
  write_file(units + "/" + c.fragment, parts[0]);
  if (*c.link) {
    if (symlink(c.link_to, (units + "/" + c.link).c_str()) != 0) abort();
  }
  if (parts.size() > 1) {
    std::string dir = units + "/" + c.dropin_dirs[(selector >> 3) & 3];
    mkdir(dir.c_str(), 0755);
    write_file(dir + "/50-fuzz.conf", parts[1]);
  }
  std::vector<std::string> set_lines;
  if (parts.size() > 2 && (selector & 0x20)) {
    for (auto line : split_input(parts[2], "\n"))
      if (!line.empty()) set_lines.emplace_back(line);
  }
  if (parts.size() > 3) {
    if ((selector & 7) == 2) {
      write_file(units + "/fuzz.service", parts[3]);
    } else {
      mkdir((units + "/service.d").c_str(), 0755);
      write_file(units + "/service.d/99-last.conf", parts[3]);
    }
  }

  SecurityOptions o;
  o.offline = true;
  o.units = {units + "/" + c.argument};
  o.scope = (selector & 0x40) ? Scope::kUser : Scope::kSystem;
  o.json = (selector & 0x80) ? JsonMode::kPretty : JsonMode::kOff;
  o.set_lines = std::move(set_lines);
  Environment env;
  // SYSTEMD_UNIT_PATH="" keeps the host's units out: only units/ is searched.
  env.vars = {{"SYSTEMD_UNIT_PATH", ""},
              {"LANG", "C.UTF-8"},
              {"TERM", "xterm"},
              {"HOME", scratch_dir() + "/home"},
              {"XDG_RUNTIME_DIR", scratch_dir() + "/run"}};
  env.cwd = scratch_dir();
  std::string out, err;
  int status = run_security(o, env, out, err);
  HARDNUT_FUZZ_CHECK(status == 0 || status == 1);
  HARDNUT_FUZZ_CHECK(status == 1 || !out.empty());
  return 0;
}

}  // namespace hardnut::fuzz

HARDNUT_FUZZ_ENTRY(load_one_input)
