#include "report/output_style.h"

#include <langinfo.h>
#include <unistd.h>

#include <clocale>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include "base/values.h"
#include "report/colors.h"

namespace hardnut {

namespace {

// systemd's is_locale_utf8(), for the locale `env` selects (without
// touching the process's own locale): true when the locale cannot be set,
// when its codeset is UTF-8, or when it is C only because nothing was asked.
bool locale_is_utf8(const Environment& env) {
  if (has_env_var(env, "SYSTEMD_UTF8")) {
    if (auto b = parse_boolean(env_var(env, "SYSTEMD_UTF8"))) return *b;
  }
  auto name_for = [&](const char* category) {
    for (const char* v : {"LC_ALL", category, "LANG"})
      if (!env_var(env, v).empty()) return env_var(env, v);
    return std::string("C");
  };
  static const std::pair<int, const char*> kCategories[] = {
      {LC_CTYPE_MASK, "LC_CTYPE"},
      {LC_NUMERIC_MASK, "LC_NUMERIC"},
      {LC_TIME_MASK, "LC_TIME"},
      {LC_COLLATE_MASK, "LC_COLLATE"},
      {LC_MONETARY_MASK, "LC_MONETARY"},
      {LC_MESSAGES_MASK, "LC_MESSAGES"},
      {LC_PAPER_MASK, "LC_PAPER"},
      {LC_NAME_MASK, "LC_NAME"},
      {LC_ADDRESS_MASK, "LC_ADDRESS"},
      {LC_TELEPHONE_MASK, "LC_TELEPHONE"},
      {LC_MEASUREMENT_MASK, "LC_MEASUREMENT"},
      {LC_IDENTIFICATION_MASK, "LC_IDENTIFICATION"}};
  locale_t loc = static_cast<locale_t>(nullptr);
  for (const auto& [mask, category] : kCategories) {
    locale_t next = newlocale(mask, name_for(category).c_str(), loc);
    if (!next) {
      if (loc) freelocale(loc);
      return true;  // setlocale() would fail: systemd assumes UTF-8
    }
    loc = next;
  }
  bool utf8 = strcmp(nl_langinfo_l(CODESET, loc), "UTF-8") == 0;
  freelocale(loc);
  if (utf8) return true;
  std::string ctype = name_for("LC_CTYPE");
  return (ctype == "C" || ctype == "POSIX") && !has_env_var(env, "LC_ALL") &&
         !has_env_var(env, "LC_CTYPE") && !has_env_var(env, "LANG");
}

}  // namespace

OutputStyle output_style(const Environment& env) {
  OutputStyle style;
  style.utf8 = locale_is_utf8(env);
  std::optional<bool> emoji;
  if (has_env_var(env, "SYSTEMD_EMOJI")) emoji = parse_boolean(env_var(env, "SYSTEMD_EMOJI"));
  if (emoji) {
    style.emoji = *emoji;
  } else {
    std::string term = env_var(env, "TERM");
    style.emoji = has_env_var(env, "TERM") && term != "dumb" && term != "linux" && style.utf8;
  }
  ColorMode colors = color_mode(env.vars, env.stdout_is_tty, env.stderr_is_tty);
  style.colors = colors != ColorMode::kOff;
  style.colors16 = colors == ColorMode::k16;
  // Hyperlinks come with colours unless SYSTEMD_URLIFY says no.
  auto urlify = parse_boolean(env_var(env, "SYSTEMD_URLIFY"));
  style.links = style.colors && urlify.value_or(true);
  char host[256] = {};
  if (style.links && gethostname(host, sizeof host - 1) == 0) style.host = host;
  if (auto b = parse_boolean(env_var(env, "SYSTEMD_ANALYZE_DEBUG"))) style.debug = *b;
  // Like systemd, fit tables to a terminal only, and not when paging:
  // $COLUMNS if it is a positive number, else the terminal's width, else 80.
  if (env.stdout_is_tty && !env.pager_active) {
    auto columns = parse_unsigned(env_var(env, "COLUMNS"));
    style.width = columns && *columns > 0 && *columns <= INT32_MAX ? *columns
                  : env.tty_columns > 0                            ? env.tty_columns
                                                                   : 80;
  }
  return style;
}

}  // namespace hardnut
