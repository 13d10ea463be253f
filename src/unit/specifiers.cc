#include "unit/specifiers.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

#include "base/root_fs.h"

namespace hardnut {

namespace {

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string host_name(bool short_name) {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  std::string h = buf;
  if (short_name) h = h.substr(0, h.find('.'));
  return h;
}

std::string without_suffix(const UnitName& n) {
  std::string full = n.full();
  return full.substr(0, full.rfind('.'));
}

}  // namespace

std::optional<std::string> expand_specifiers(const std::string& text, const SpecifierContext& ctx) {
  std::string out;
  const UnitName& n = ctx.name;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (++i >= text.size()) return std::nullopt;
    switch (text[i]) {
      case '%':
        out += '%';
        break;
      case 'n':
        out += n.full();
        break;
      case 'N':
        out += without_suffix(n);
        break;
      case 'p':
        out += n.prefix;
        break;
      case 'P':
        out += unescape_unit_name_part(n.prefix);
        break;
      case 'i':
        out += n.instance;
        break;
      case 'I':
        out += unescape_unit_name_part(n.instance);
        break;
      case 'j': {
        auto dash = n.prefix.rfind('-');
        out += dash == std::string::npos ? n.prefix : n.prefix.substr(dash + 1);
        break;
      }
      case 'J': {
        auto dash = n.prefix.rfind('-');
        out += unescape_unit_name_part(dash == std::string::npos ? n.prefix
                                                                 : n.prefix.substr(dash + 1));
        break;
      }
      case 'f':
        out += unit_name_path_unescape(n.is_instance() ? n.instance : n.prefix);
        break;
      case 'y':
        out += ctx.fragment_path;
        break;
      case 'Y':
        out += dirname_of(ctx.fragment_path);
        break;
      case 'u':
        out += "root";
        break;
      case 'U':
        out += "0";
        break;
      case 'g':
        out += "root";
        break;
      case 'G':
        out += "0";
        break;
      case 'h':
        out += "/root";
        break;
      case 's':
        out += "/bin/sh";
        break;
      case 't':
        out += "/run";
        break;
      case 'S':
        out += "/var/lib";
        break;
      case 'C':
        out += "/var/cache";
        break;
      case 'L':
        out += "/var/log";
        break;
      case 'E':
        out += "/etc";
        break;
      case 'T':
        out += "/tmp";
        break;
      case 'V':
        out += "/var/tmp";
        break;
      case 'H':
        out += host_name(false);
        break;
      case 'l':
        out += host_name(true);
        break;
      case 'm':
        out += first_line("/etc/machine-id");
        break;
      case 'b': {
        std::string id = first_line("/proc/sys/kernel/random/boot_id");
        for (char c : id)
          if (c != '-') out += c;
        break;
      }
      case 'v': {
        utsname u{};
        uname(&u);
        out += u.release;
        break;
      }
      case 'a':
        out += "x86-64";
        break;
      case 'o':
        out += "debian";
        break;
      case 'd':
        out += "";
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

}  // namespace hardnut
