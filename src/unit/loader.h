// Finds the files that make up a unit, the way systemd's unit loader does:
// the fragment along the search path (templates, aliases, masks) and the
// drop-ins that apply to it, in the order they are applied.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/root_fs.h"
#include "unit/unit_name.h"
#include "unit/unit_paths.h"

namespace hardnut {

struct UnitSource {
  const RootFs* fs;
  std::string path;          // path inside `fs`
  std::string display_path;  // path as systemd prints it in warnings
};

struct UnitFiles {
  std::string id;  // the name the unit is known by (an alias resolves to its target)
  UnitName name;
  std::set<std::string> names;  // id plus every alias that led to it
  std::optional<UnitSource> fragment;
  std::vector<UnitSource> dropins;  // in application order
  // Entries of NAME.wants/, .requires/, .upholds/ that systemd warns about
  // (it expects symlinks named like their target): the dependency kind
  // ("Wants") and the rest of the warning ("PATH is not a symlink, ignoring.").
  std::vector<std::pair<std::string, std::string>> dependency_link_problems;
};

enum class LookupStatus { kFound, kNotFound, kMasked };

// The search path and the index of the unit files on it.
class UnitFileIndex {
 public:
  // Entries of search directories the caller has read already (a folder
  // scan to find its units, the command line to see what its paths name),
  // by file system and path: the index takes them instead of reading again.
  using Listings = std::map<std::pair<const RootFs*, std::string>, std::vector<RootFs::Entry>>;
  explicit UnitFileIndex(std::vector<SearchDir> dirs, Listings listed = {});

  // Finds the files for a unit name (which may be an alias or an instance).
  LookupStatus lookup(const std::string& name, UnitFiles& out) const;

  const std::vector<SearchDir>& dirs() const { return dirs_; }

  // What the overview covers: every unit name on the search path that can
  // be loaded as a unit of `type` (templates excluded, aliases under their
  // real name, masked units included so they can be reported), plus the
  // instances that *.wants/ and *.requires/ links enable. Sorted.
  std::vector<std::string> unit_names(const std::string& type) const;

 private:
  struct Entry {
    enum Kind { kFile, kAlias, kMasked } kind;
    SearchDir dir;
    std::string path;    // kFile: the file (a linked file's target), in dir.fs
    std::string target;  // kAlias: the unit name it points to
  };
  void index_dir(size_t index, std::vector<RootFs::Entry> listing);
  // Files in the "<name><suffix>" directories of the unit's names, first
  // of each file name along the search path, sorted by file name.
  std::vector<UnitSource> find_dropins(const std::vector<std::string>& names,
                                       const std::string& suffix, bool conf_only) const;

  // The unit another search-path unit's link names, if that one is masked.
  std::optional<std::pair<std::string, std::string>> one_hop_alias(
      const SearchDir& dir, const std::string& name, const UnitName& parsed,
      const std::optional<std::string>& link) const;
  std::vector<SearchDir> dirs_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::vector<std::string>> aliases_of_;  // target -> alias names
  // Per search directory: its subdirectories (drop-in and .wants dirs).
  std::vector<std::set<std::string>> subdirs_;
  // The extensions (".d", ".wants", ...) of all of them.
  std::set<std::string> subdir_suffixes_;
  // All of them, sorted: whether any can be a drop-in folder of a unit.
  std::vector<std::string> sorted_subdirs_;
};

}  // namespace hardnut
