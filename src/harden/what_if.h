// A unit opened for repeated "what if" scoring: found and loaded exactly as
// `hardnut security --offline=yes` does, then scored again and again with
// extra lines appended (as --set does) or with a drop-in file placed where
// `harden --write` would install it. suggest, harden and diff all score
// through here, so every number they print comes from the engine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "assess/policy.h"
#include "base/environment.h"
#include "base/root_fs.h"
#include "harden/unit_facts.h"
#include "report/report.h"
#include "unit/loader.h"
#include "unit/unit_paths.h"

namespace hardnut {

// A temporary directory, removed with everything in it when destroyed.
class ScratchDir {
 public:
  ScratchDir();  // path() is empty if it could not be created
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct TargetOptions {
  std::string unit;  // a unit file (path) or a unit name
  std::string root;  // --root
  Scope scope = Scope::kSystem;
  std::string policy_path;             // --security-policy
  std::vector<std::string> set_lines;  // --set KEY=VALUE, applied to every score
  // Score the unit as if hardnut's own drop-in were not installed: harden
  // replaces that file, so its plan must not build on what it says.
  bool without_own_dropin = false;
  // --systemd-version= (0: auto): whose scoring and accepted values apply.
  unsigned systemd_version = 252;
};

struct ScoreResult {
  bool ok = false;
  Assessment assessment;
  std::vector<std::string> messages;  // load warnings; why the unit was refused
};

// The exposure before rounding up to tenths, to rank changes whose gain
// vanishes in the rounding.
double exact_exposure(const Assessment& a);

// The name of the drop-in harden writes.
constexpr const char* kDropinFileName = "50-hardnut.conf";

class HardeningTarget {
 public:
  // nullptr and `err` when the unit cannot be found, loaded or scored.
  static std::unique_ptr<HardeningTarget> open(const TargetOptions& options, const Environment& env,
                                               std::string& err);
  ~HardeningTarget();

  const TargetOptions& options() const { return options_; }
  // The systemd version the unit is scored like (--systemd-version=).
  const SystemdVersion& version() const { return *version_; }
  // Whether that version takes every KEY=VALUE line in the unit's
  // type section without a complaint (what suggest/harden may propose).
  bool accepts_lines(const std::vector<std::string>& lines) const;
  const std::string& unit_id() const { return unit_id_; }
  const std::string& unit_type() const { return unit_type_; }
  // The unit name whose NAME.d/ directory hardnut's drop-in goes to (the
  // template for a template file argument, so every instance gets it).
  const std::string& dropin_unit_name() const { return dropin_unit_; }
  // /etc/systemd/system/NAME.d, as a path inside the root.
  std::string dropin_dir() const;
  // The same on the host (with --root prepended).
  std::string dropin_host_path() const;

  // The unit with --set, then `extra` lines as a last drop-in.
  ScoreResult score(const std::vector<std::string>& extra = {}) const;
  // The unit with the file dropin_dir()/FILE_NAME replaced by `content`
  // (a real file in a scratch directory that shadows the installed one on
  // the search path, so drop-in ordering is systemd's), then --set.
  ScoreResult score_with_dropin(const std::string& file_name, const std::string& content) const;
  // The unit's facts with --set and `extra` applied after its files.
  UnitFacts facts(const std::vector<std::string>& extra = {}) const;

 private:
  HardeningTarget() = default;
  // A search path with `content` as dropin_dir()/FILE_NAME, shadowing the
  // installed file; the scratch directory lives in `scratch`.
  std::unique_ptr<UnitFileIndex> shadowed_index(const std::string& file_name,
                                                const std::string& content,
                                                std::unique_ptr<ScratchDir>& scratch,
                                                std::string& err) const;
  ScoreResult score_in(const UnitFileIndex& index, const std::vector<std::string>& extra) const;

  TargetOptions options_;
  std::unique_ptr<RootFs> root_, host_;
  std::vector<SearchDir> dirs_;
  std::unique_ptr<UnitFileIndex> index_;
  std::unique_ptr<ScratchDir> shadow_;  // for without_own_dropin
  std::string load_name_;               // the name loaded ("foo@i.service" for a template file)
  std::string unit_id_, unit_type_, dropin_unit_;
  Policy policy_;
  unsigned umask_ = 0022;
  const SystemdVersion* version_ = &default_systemd_version();
};

// "9.6 UNSAFE" plus the smiley of the style.
std::string exposure_label(uint64_t exposure, const OutputStyle& style);

}  // namespace hardnut
