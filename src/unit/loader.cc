#include "unit/loader.h"

#include <algorithm>

namespace hardnut {

namespace {

// Names systemd's directory listings pass over: hidden files and the
// leftovers of editors and package managers.
bool is_hidden_or_backup(const std::string& name) {
  static const char* const kBackupSuffixes[] = {
      "~",         ".rpmnew",    ".rpmsave",  ".rpmorig",     ".dpkg-old",    ".dpkg-new",
      ".dpkg-tmp", ".dpkg-dist", ".dpkg-bak", ".dpkg-backup", ".dpkg-remove", ".ucf-new",
      ".ucf-old",  ".ucf-dist",  ".swp",      ".bak",         ".old",         ".new"};
  if (name.empty() || name[0] == '.') return true;
  for (const char* suffix : kBackupSuffixes) {
    std::string_view sv(suffix);
    if (name.size() >= sv.size() && name.compare(name.size() - sv.size(), sv.size(), sv) == 0)
      return true;
  }
  return false;
}

// A symlink to /dev/null or an empty file hides the entries of the same
// name further down the search path, and is itself ignored.
bool is_masking_entry(const RootFs& fs, const std::string& path) {
  auto link = fs.read_link(path);
  if (link && *link == "/dev/null") return true;
  auto resolved = fs.resolve(path);
  if (resolved && *resolved == "/dev/null") return true;
  std::string content;
  return fs.kind(path) == RootFs::Kind::kRegular && fs.read_file(path, content, 0) == 0;
}

// What systemd says about an entry of a .wants/-style directory, if anything:
// it must be a symlink with a unit name, pointing at a unit of the same name
// (or, for an instance, at its template).
std::optional<std::string> dependency_link_problem(const UnitSource& entry) {
  auto link = entry.fs->read_link(entry.path);
  if (!link) return entry.display_path + " is not a symlink, ignoring.";
  const std::string name = basename_of(entry.path);
  auto parsed = parse_unit_name(name);
  if (!parsed) return entry.display_path + " is not a valid unit name, ignoring.";
  const std::string target = basename_of(*link);
  if (target == name || (parsed->is_instance() && target == parsed->template_name()))
    return std::nullopt;
  return entry.display_path + " target " + *link + " has different name";
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string host_path(const RootFs& fs, const std::string& path) {
  if (fs.root() == "/") return path;
  std::string root = fs.root();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + path;
}

// Directory names whose drop-ins apply to a unit name, most specific first:
// "a-b@i.service.d", "a-b@.service.d", "a-.service.d" (the type-wide
// "service.d" comes after those of all names).
std::vector<std::string> dropin_dir_names(const UnitName& name, const std::string& suffix) {
  std::vector<std::string> dirs;
  dirs.push_back(name.full() + suffix);
  if (name.is_instance()) dirs.push_back(name.template_name() + suffix);
  std::string prefix = name.prefix;
  // Drop the last dash-separated component each time: "a-b-c" -> "a-b-" -> "a-".
  while (true) {
    size_t end = prefix.size();
    if (end > 0 && prefix[end - 1] == '-') --end;
    size_t dash = prefix.rfind('-', end == 0 ? 0 : end - 1);
    if (dash == std::string::npos || end == 0) break;
    prefix = prefix.substr(0, dash + 1);
    if (name.is_instance() || name.is_template) {
      if (name.is_instance())
        dirs.push_back(prefix + "@" + name.instance + "." + name.type + suffix);
      dirs.push_back(prefix + "@." + name.type + suffix);
    }
    dirs.push_back(prefix + "." + name.type + suffix);
  }
  return dirs;
}

}  // namespace

UnitFileIndex::UnitFileIndex(std::vector<SearchDir> dirs, Listings listed)
    : dirs_(std::move(dirs)) {
  subdirs_.resize(dirs_.size());
  for (size_t i = 0; i < dirs_.size(); ++i) {
    auto it = listed.find({dirs_[i].fs, dirs_[i].path});
    if (it == listed.end()) {
      index_dir(i, dirs_[i].fs->list_entries(dirs_[i].path));
    } else {
      index_dir(i, std::move(it->second));
      listed.erase(it);  // a directory twice on the path is read again
    }
  }
  for (const auto& names : subdirs_)
    sorted_subdirs_.insert(sorted_subdirs_.end(), names.begin(), names.end());
  std::sort(sorted_subdirs_.begin(), sorted_subdirs_.end());
  for (const auto& [name, e] : entries_)
    if (e.kind == Entry::kAlias) aliases_of_[e.target].push_back(name);
}

void UnitFileIndex::index_dir(size_t index, std::vector<RootFs::Entry> listing) {
  const SearchDir& dir = dirs_[index];
  for (const auto& item : listing) {
    const std::string& n = item.name;
    std::string path = path_join(dir.path, n);
    bool is_dir = item.kind == RootFs::Kind::kDirectory ||
                  (item.is_symlink && dir.fs->kind(path) == RootFs::Kind::kDirectory);
    if (is_dir) {
      subdirs_[index].insert(n);
      if (size_t dot = n.rfind('.'); dot != std::string::npos)
        subdir_suffixes_.insert(n.substr(dot));
      continue;
    }
    if (entries_.count(n)) continue;
    auto parsed = parse_unit_name(n);
    if (!parsed) continue;
    if (!item.is_symlink) {
      if (item.kind == RootFs::Kind::kRegular) entries_[n] = Entry{Entry::kFile, dir, path, {}};
      continue;
    }
    // A link to /dev/null masks the unit, whether or not the root has one;
    // so does one to any device (systemd reads a device node as empty).
    auto link = dir.fs->read_link(path);
    auto resolved = dir.fs->resolve(path);
    // systemd follows one link at a time: a link to another unit in the
    // search path is an alias even when that unit is itself masked.
    if (auto alias = one_hop_alias(dir, n, *parsed, link)) {
      entries_[n] = Entry{Entry::kAlias, dir, alias->first, alias->second};
      continue;
    }
    if ((link && *link == "/dev/null") || (resolved && *resolved == "/dev/null") ||
        (resolved && dir.fs->is_device(path))) {
      entries_[n] = Entry{Entry::kMasked, dir, "/dev/null", {}};
      continue;
    }
    if (!resolved) continue;  // dangling or looping symlink
    std::string target_name = basename_of(*resolved);
    if (target_name == n) {
      if (dir.fs->kind(*resolved) == RootFs::Kind::kRegular)
        entries_[n] = Entry{Entry::kFile, dir, *resolved, {}};
      continue;
    }
    auto target = parse_unit_name(target_name);
    if (!target || target->type != parsed->type) continue;
    entries_[n] = Entry{Entry::kAlias, dir, *resolved, target_name};
  }
}

std::optional<std::pair<std::string, std::string>> UnitFileIndex::one_hop_alias(
    const SearchDir& dir, const std::string& name, const UnitName& parsed,
    const std::optional<std::string>& link) const {
  if (!link || link->empty()) return std::nullopt;
  std::string target = normalize_path((*link)[0] == '/' ? *link : dir.path + "/" + *link);
  std::string target_name = basename_of(target);
  auto target_unit = parse_unit_name(target_name);
  if (target_name == name || !target_unit || target_unit->type != parsed.type) return std::nullopt;
  std::string target_dir = dirname_of(target);
  for (const auto& d : dirs_)
    if (d.fs == dir.fs && normalize_path(d.path) == target_dir) {
      // Only an alias of a masked unit needs this; the others resolve fully.
      auto resolved = dir.fs->resolve(target);
      if (resolved && *resolved != "/dev/null" && !dir.fs->is_device(target)) return std::nullopt;
      return std::make_pair(target, target_name);
    }
  return std::nullopt;
}

std::vector<std::string> UnitFileIndex::unit_names(const std::string& type) const {
  std::set<std::string> names;
  for (const auto& [name, e] : entries_) {
    auto parsed = parse_unit_name(name);
    if (!parsed || parsed->type != type || parsed->is_template || e.kind == Entry::kAlias) continue;
    names.insert(name);
  }
  // Read here, not when indexing: only the overview needs them, and a
  // system has dozens of these folders.
  for (size_t i = 0; i < dirs_.size(); ++i)
    for (const auto& subdir : subdirs_[i]) {
      if (!ends_with(subdir, ".wants") && !ends_with(subdir, ".requires")) continue;
      for (const auto& link : dirs_[i].fs->list_entries(path_join(dirs_[i].path, subdir))) {
        auto unit = parse_unit_name(link.name);
        if (link.is_symlink && unit && unit->is_instance() && unit->type == type)
          names.insert(link.name);
      }
    }
  return {names.begin(), names.end()};
}

LookupStatus UnitFileIndex::lookup(const std::string& requested, UnitFiles& out) const {
  auto parsed = parse_unit_name(requested);
  if (!parsed) return LookupStatus::kNotFound;
  std::set<std::string> chain;
  std::string name = requested;
  UnitName current = *parsed;
  const Entry* entry = nullptr;
  for (int depth = 0; depth < 64; ++depth) {
    chain.insert(name);
    auto it = entries_.find(name);
    if (it == entries_.end() && current.is_instance()) {
      auto t = entries_.find(current.template_name());
      if (t != entries_.end()) {
        if (t->second.kind == Entry::kAlias) {
          auto target = parse_unit_name(t->second.target);
          if (!target || !target->is_template) return LookupStatus::kNotFound;
          name = with_instance(*target, current.instance);
          current = *parse_unit_name(name);
          continue;
        }
        it = t;
      }
    }
    if (it == entries_.end()) return LookupStatus::kNotFound;
    if (it->second.kind == Entry::kMasked) {
      // systemd still reads a masked unit's drop-ins (and warns about them).
      out = UnitFiles{};
      out.id = name;
      out.name = current;
      out.dropins = find_dropins({name}, ".d", true);
      return LookupStatus::kMasked;
    }
    if (it->second.kind == Entry::kAlias) {
      auto target = parse_unit_name(it->second.target);
      if (!target) return LookupStatus::kNotFound;
      name = current.is_instance() && target->is_template ? with_instance(*target, current.instance)
                                                          : it->second.target;
      current = *parse_unit_name(name);
      continue;
    }
    entry = &it->second;
    break;
  }
  if (!entry) return LookupStatus::kNotFound;

  out = UnitFiles{};
  out.id = name;
  out.name = current;
  out.names = chain;
  // Aliases that point at this unit contribute their drop-ins too.
  if (auto it = aliases_of_.find(name); it != aliases_of_.end())
    out.names.insert(it->second.begin(), it->second.end());
  if (current.is_instance()) {
    if (auto it = aliases_of_.find(current.template_name()); it != aliases_of_.end()) {
      for (const auto& alias : it->second) {
        auto a = parse_unit_name(alias);
        if (a && a->is_template) out.names.insert(with_instance(*a, current.instance));
      }
    }
  }
  out.fragment = UnitSource{entry->dir.fs, entry->path, host_path(*entry->dir.fs, entry->path)};
  // The unit's own name first: its directories win over its aliases'.
  std::vector<std::string> ordered = {name};
  for (const auto& n : out.names)
    if (n != name) ordered.push_back(n);
  out.dropins = find_dropins(ordered, ".d", true);
  for (const char* kind : {"Wants", "Requires", "Upholds"}) {
    std::string suffix = "." + std::string(kind);
    for (auto& c : suffix) c = static_cast<char>(tolower(c));
    for (const auto& f : find_dropins(ordered, suffix, false))
      if (auto problem = dependency_link_problem(f))
        out.dependency_link_problems.emplace_back(kind, *problem);
  }
  return LookupStatus::kFound;
}

std::vector<UnitSource> UnitFileIndex::find_dropins(const std::vector<std::string>& names,
                                                    const std::string& suffix,
                                                    bool conf_only) const {
  // Most search directories have no "*.wants" or "*.upholds" folder, and a
  // folder of unit files often has no subfolder at all: then there is
  // nothing to look for, and no need to spell out every candidate name.
  if (!subdir_suffixes_.count(suffix)) return {};
  // Every folder name dropin_dir_names() makes starts with the unit name's
  // first dash-separated component ("a-" of "a-b-c.service", dash
  // included), or is the type-wide "service.d": when no folder starts like
  // that, there is nothing to spell out either (folders of generated or
  // vendor units have a few drop-in folders among thousands of units).
  auto has_subdir_starting = [&](std::string_view start) {
    auto it = std::lower_bound(sorted_subdirs_.begin(), sorted_subdirs_.end(), start,
                               [](const std::string& x, std::string_view y) { return x < y; });
    return it != sorted_subdirs_.end() && std::string_view(*it).substr(0, start.size()) == start;
  };
  bool possible = false;
  for (const auto& n : names) {
    auto parsed = parse_unit_name(n);
    if (!parsed) continue;
    size_t dash = parsed->prefix.find('-');
    std::string_view first(parsed->prefix);
    if (dash != std::string::npos) first = first.substr(0, dash + 1);
    if (has_subdir_starting(first) ||
        std::binary_search(sorted_subdirs_.begin(), sorted_subdirs_.end(), parsed->type + suffix)) {
      possible = true;
      break;
    }
  }
  if (!possible) return {};
  // The first file of a given name along the search path hides the others.
  std::map<std::string, std::optional<UnitSource>> by_name;
  std::vector<std::string> dir_names;
  std::string type;
  for (const auto& n : names) {
    auto parsed = parse_unit_name(n);
    if (!parsed) continue;
    type = parsed->type;
    for (auto& d : dropin_dir_names(*parsed, suffix))
      if (std::find(dir_names.begin(), dir_names.end(), d) == dir_names.end())
        dir_names.push_back(d);
  }
  if (!type.empty()) dir_names.push_back(type + suffix);
  for (const auto& dir_name : dir_names) {
    for (size_t i = 0; i < dirs_.size(); ++i) {
      const SearchDir& sd = dirs_[i];
      if (!subdirs_[i].count(dir_name)) continue;
      std::string dir = path_join(sd.path, dir_name);
      for (const auto& file : sd.fs->list(dir)) {
        if ((conf_only && !ends_with(file, ".conf")) || by_name.count(file) ||
            is_hidden_or_backup(file))
          continue;
        std::string path = path_join(dir, file);
        if (is_masking_entry(*sd.fs, path)) {
          by_name[file] = std::nullopt;
          continue;
        }
        if (!conf_only) {
          by_name[file] = UnitSource{sd.fs, path, host_path(*sd.fs, path)};
          continue;
        }
        if (sd.fs->kind(path) != RootFs::Kind::kRegular) continue;
        by_name[file] = UnitSource{sd.fs, path, host_path(*sd.fs, path)};
      }
    }
  }
  std::vector<UnitSource> result;
  for (auto& [file, source] : by_name)
    if (source) result.push_back(*source);
  return result;
}

}  // namespace hardnut
