// Installing hardnut's drop-in: atomically (through write_file_atomically,
// so a crash leaves the old file or the new one), never over a file
// hardnut did not write unless forced, and with the previous file kept as
// a backup so that `harden --apply` (or an admin) can put it back.
#pragma once

#include <string>
#include <string_view>

namespace hardnut {

// The line that marks a drop-in as hardnut's own. A file without it was
// written by someone else and is not replaced without --force.
constexpr std::string_view kDropinMarker = "# hardnut-managed: yes";

bool is_hardnut_dropin(std::string_view content);

// The backup of a replaced drop-in: "<path>.bak". systemd and hardnut read
// only "*.conf" in drop-in directories, so the backup is never applied.
std::string dropin_backup_path(const std::string& path);

struct DropinInstall {
  std::string path;
  bool had_previous = false;     // a file was there before
  std::string previous_content;  // its content
  unsigned previous_mode = 0644;
  std::string backup_path;  // where the previous file was copied; empty if none
  bool unchanged = false;   // the file already had exactly this content
};

// Writes `content` to `path` (creating the directory, mode 0755). Refuses
// (false, `error` says why, nothing written) when the path holds something
// other than a regular file, or a file without the marker and !force.
bool install_dropin(const std::string& path, const std::string& content, bool force,
                    DropinInstall& result, std::string& error);

// Undoes install_dropin(): puts the previous content back (atomically) or
// removes the file when there was none.
bool restore_dropin(const DropinInstall& install, std::string& error);

}  // namespace hardnut
