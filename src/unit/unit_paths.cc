#include "unit/unit_paths.h"

#include <ostream>
#include <sstream>

namespace hardnut {

namespace {

std::string get(const std::map<std::string, std::string>& env, const std::string& key) {
  auto it = env.find(key);
  return it == env.end() ? std::string() : it->second;
}

std::vector<std::string> split_colon(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ':'))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

std::vector<std::string> standard_unit_path(Scope scope,
                                            const std::map<std::string, std::string>& env,
                                            std::string& error) {
  std::vector<std::string> dirs;
  if (scope == Scope::kSystem) {
    dirs = {"/etc/systemd/system.control", "/run/systemd/system.control",
            "/run/systemd/transient",      "/run/systemd/generator.early",
            "/etc/systemd/system",         "/etc/systemd/system.attached",
            "/run/systemd/system",         "/run/systemd/system.attached",
            "/run/systemd/generator",      "/usr/local/lib/systemd/system",
            "/lib/systemd/system",         "/usr/lib/systemd/system",
            "/run/systemd/generator.late"};
    return dirs;
  }
  std::string runtime = get(env, "XDG_RUNTIME_DIR");
  if (runtime.empty()) {
    error = "No such device or address";
    return {};
  }
  std::string home = get(env, "HOME");
  std::string config_home = get(env, "XDG_CONFIG_HOME");
  if (config_home.empty()) config_home = home + "/.config";
  std::string data_home = get(env, "XDG_DATA_HOME");
  if (data_home.empty()) data_home = home + "/.local/share";
  std::vector<std::string> config_dirs = split_colon(get(env, "XDG_CONFIG_DIRS"));
  if (config_dirs.empty()) config_dirs = {"/etc/xdg"};
  std::vector<std::string> data_dirs = split_colon(get(env, "XDG_DATA_DIRS"));
  if (data_dirs.empty()) data_dirs = {"/usr/local/share", "/usr/share"};

  dirs.push_back(config_home + "/systemd/user.control");
  dirs.push_back(runtime + "/systemd/user.control");
  dirs.push_back(runtime + "/systemd/transient");
  dirs.push_back(runtime + "/systemd/generator.early");
  dirs.push_back(config_home + "/systemd/user");
  for (auto& d : config_dirs) dirs.push_back(d + "/systemd/user");
  dirs.push_back("/etc/systemd/user");
  dirs.push_back(runtime + "/systemd/user");
  dirs.push_back("/run/systemd/user");
  dirs.push_back(runtime + "/systemd/generator");
  dirs.push_back(data_home + "/systemd/user");
  for (auto& d : data_dirs) dirs.push_back(d + "/systemd/user");
  dirs.push_back("/usr/local/lib/systemd/user");
  dirs.push_back("/usr/lib/systemd/user");
  dirs.push_back(runtime + "/systemd/generator.late");
  return dirs;
}

// The unit search path of the manager: SYSTEMD_UNIT_PATH, then the
// standard directories of the scope (under --root).
bool manager_search_path(Scope scope, const Environment& env, const RootFs& root,
                         const RootFs& host, std::vector<SearchDir>& dirs, std::ostream& err) {
  std::string path_error;
  std::vector<std::string> standard = standard_unit_path(scope, env.vars, path_error);
  if (!path_error.empty()) {
    err << "Failed to lookup RuntimeDirectory path: " << path_error << "\n"
        << "Failed to initialize manager: " << path_error << "\n";
    return false;
  }
  auto add = [&](const RootFs* fs, const std::string& d) {
    for (const auto& s : dirs)
      if (s.path == d) return;
    dirs.push_back({fs, d});
  };
  bool append_standard = true;
  if (has_env_var(env, "SYSTEMD_UNIT_PATH")) {
    std::string sup = env_var(env, "SYSTEMD_UNIT_PATH");
    append_standard = !sup.empty() && sup.back() == ':';
    size_t i = 0;
    while (i < sup.size()) {
      size_t j = sup.find(':', i);
      if (j == std::string::npos) j = sup.size();
      if (j > i) add(&host, sup.substr(i, j - i));
      i = j + 1;
    }
  }
  if (append_standard)
    for (const auto& d : standard) dirs.push_back({&root, d});
  return true;
}

}  // namespace hardnut
