#include "harden/what_if.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "assess/checks.h"
#include "assess/unit.h"
#include "directives/directives.h"
#include "harden/exec_wrappers.h"
#include "harden/hardening_knowledge.h"
#include "unit/unit_name_mangle.h"

namespace hardnut {

namespace {

std::string absolute(const std::string& path, const std::string& cwd) {
  return normalize_path(path.empty() || path[0] != '/' ? cwd + "/" + path : path);
}

}  // namespace

ScratchDir::ScratchDir() {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/hardnut-what-if-XXXXXX";
  if (mkdtemp(pattern.data())) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

double exact_exposure(const Assessment& a) {
  return a.weight_sum ? static_cast<double>(a.badness_sum) * 100.0 / a.weight_sum : 0;
}

std::string exposure_label(uint64_t exposure, const OutputStyle& style) {
  return format_tenths(exposure) + " " + predicate_for(exposure).name + " " +
         happy_glyph(exposure, style);
}

HardeningTarget::~HardeningTarget() = default;

std::unique_ptr<HardeningTarget> HardeningTarget::open(const TargetOptions& options,
                                                       const Environment& env, std::string& err) {
  std::unique_ptr<HardeningTarget> t(new HardeningTarget);
  t->options_ = options;
  t->umask_ = env.umask;
  try {
    t->root_ = std::make_unique<RootFs>(options.root.empty() ? "/" : options.root);
    t->host_ = std::make_unique<RootFs>("/");
  } catch (const std::exception& e) {
    err = "cannot open root directory " + options.root + ": " + e.what();
    return nullptr;
  }
  // The unit is found as `hardnut security` finds it: a file argument's
  // directory comes first on the search path, then the manager's.
  std::string arg = options.unit;
  std::string dir = absolute(dirname_of(arg), env.cwd);
  bool is_path = arg.find('/') != std::string::npos;
  auto present = [&](const std::string& file) {
    return t->host_->kind(path_join(dir, file)) != RootFs::Kind::kMissing ||
           t->host_->read_link(path_join(dir, file));
  };
  bool exists = present(basename_of(arg));
  // A name as typed ("nginx"), not a file here: mangled as systemctl does.
  if (!is_path && !exists && !parse_unit_name(arg))
    if (auto mangled = mangle_unit_name(arg); mangled && !mangled->is_path) {
      arg = mangled->name;
      exists = present(arg);
    }
  std::string base = basename_of(arg);
  auto name = parse_unit_name(base);
  if (!name) {
    err = "Failed to prepare filename " + arg + ": Invalid argument";
    return nullptr;
  }
  if (is_path || exists) t->dirs_.push_back({t->host_.get(), dir});
  std::ostringstream errs;
  t->version_ = &systemd_version_for(options.systemd_version, options.root, errs);
  if (!manager_search_path(options.scope, env, *t->root_, *t->host_, t->dirs_, errs) ||
      !load_policy(options.policy_path, *t->root_, t->policy_, errs, t->version_)) {
    err = errs.str();
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return nullptr;
  }
  t->index_ = std::make_unique<UnitFileIndex>(t->dirs_);
  t->load_name_ = name->is_template ? with_instance(*name, t->version_->template_instance) : base;
  t->dropin_unit_ = name->is_template ? name->full() : base;
  t->unit_type_ = name->type;
  // An alias gets its drop-in under the name of the unit it points to.
  UnitFiles files;
  if (!name->is_template && !name->is_instance() &&
      t->index_->lookup(base, files) == LookupStatus::kFound)
    t->dropin_unit_ = files.id;
  if (options.without_own_dropin) {
    std::string shadow_err;
    auto index = t->shadowed_index(kDropinFileName, "", t->shadow_, shadow_err);
    if (!index) {
      err = shadow_err;
      return nullptr;
    }
    t->index_ = std::move(index);
  }

  ScoreResult first = t->score();
  if (!first.ok) {
    for (const auto& m : first.messages) err += (err.empty() ? "" : "\n") + m;
    return nullptr;
  }
  t->unit_id_ = first.assessment.unit_id;
  return t;
}

bool HardeningTarget::accepts_lines(const std::vector<std::string>& lines) const {
  std::string section = type_section(unit_type_);
  for (const auto& line : lines) {
    size_t eq = line.find('=');
    if (eq == std::string::npos || !accepts_assignment(*version_, syscall_table(*version_), section,
                                                       line.substr(0, eq), line.substr(eq + 1)))
      return false;
  }
  return true;
}

std::string HardeningTarget::dropin_dir() const {
  std::string base = options_.scope == Scope::kUser ? "/etc/systemd/user" : "/etc/systemd/system";
  return base + "/" + dropin_unit_ + ".d";
}

std::string HardeningTarget::dropin_host_path() const {
  std::string root = options_.root.empty() ? "/" : options_.root;
  return normalize_path(root + "/" + dropin_dir() + "/" + kDropinFileName);
}

ScoreResult HardeningTarget::score_in(const UnitFileIndex& index,
                                      const std::vector<std::string>& extra) const {
  ScoreResult r;
  LoadOptions load;
  load.scope = options_.scope;
  load.process_umask = umask_;
  load.syscalls = &syscall_table(*version_);
  load.version = version_;
  load.extra_lines = options_.set_lines;
  load.extra_lines.insert(load.extra_lines.end(), extra.begin(), extra.end());
  UnitLoader loader(index, load);
  const LoadedUnit& unit = loader.load(load_name_, r.messages);
  if (!unit.ok) {
    r.messages.push_back(unit.status_message);
    return r;
  }
  try {
    r.assessment = assess(unit.settings, checks_for(*version_), policy_,
                          RuleContext{syscall_table(*version_), false, version_});
    r.ok = true;
  } catch (const AssessmentError& e) {
    r.messages.push_back("hardnut: the security policy cannot be applied to " +
                         unit.settings.unit_id + ": " + e.message);
  }
  return r;
}

ScoreResult HardeningTarget::score(const std::vector<std::string>& extra) const {
  return score_in(*index_, extra);
}

std::unique_ptr<UnitFileIndex> HardeningTarget::shadowed_index(const std::string& file_name,
                                                               const std::string& content,
                                                               std::unique_ptr<ScratchDir>& scratch,
                                                               std::string& err) const {
  scratch = std::make_unique<ScratchDir>();
  if (scratch->path().empty()) {
    err = std::string("hardnut: cannot create a scratch directory: ") + std::strerror(errno);
    return nullptr;
  }
  std::string dir = scratch->path() + "/" + dropin_unit_ + ".d";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream f(dir + "/" + file_name);
  f << content;
  f.close();
  if (ec || !f) {
    err = "hardnut: cannot write a scratch drop-in in " + dir;
    return nullptr;
  }
  // First on the search path: its file shadows an installed file of the
  // same name, as the new file replaces the old one on disk; drop-ins are
  // still applied in systemd's order (by file name).
  std::vector<SearchDir> dirs = {{host_.get(), scratch->path()}};
  if (shadow_ && shadow_.get() != scratch.get()) dirs.push_back({host_.get(), shadow_->path()});
  dirs.insert(dirs.end(), dirs_.begin(), dirs_.end());
  return std::make_unique<UnitFileIndex>(dirs);
}

ScoreResult HardeningTarget::score_with_dropin(const std::string& file_name,
                                               const std::string& content) const {
  std::unique_ptr<ScratchDir> scratch;
  std::string err;
  auto index = shadowed_index(file_name, content, scratch, err);
  if (!index) {
    ScoreResult r;
    r.messages.push_back(err);
    return r;
  }
  return score_in(*index, {});
}

UnitFacts HardeningTarget::facts(const std::vector<std::string>& extra) const {
  std::vector<std::string> lines = options_.set_lines;
  lines.insert(lines.end(), extra.begin(), extra.end());
  UnitFacts f = collect_unit_facts(*index_, load_name_, lines);
  // What the Exec*= lines really run, read below the unit's root.
  look_through_wrappers(f, *root_, builtin_knowledge().launchers);
  return f;
}

}  // namespace hardnut
