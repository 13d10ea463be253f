// Writes that lose nothing: every file hardnut writes (drop-ins, reports)
// goes through write_file_atomically(), so that a reader, a crash or a kill
// at any point sees either the old content or the new one, never a mix.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace hardnut {

// Replaces `path` with `content`: writes a temporary file in the same
// directory (O_CREAT|O_EXCL, a unique hidden name that no unit or drop-in
// pattern matches), fsyncs it, renames it over `path` and fsyncs the
// directory. The file gets exactly `mode` (umask not applied). A symlink at
// `path` is replaced, not followed.
//
// Returns 0, or an errno value with `error` set to a message such as
// "Failed to write /etc/x.conf: No space left on device"; the temporary
// file is then removed and `path` is untouched.
//
// A writer killed before its rename leaves its temporary file behind; the
// next write to the same path removes those of writers that no longer run
// (remove_stale_temp_files), so they never pile up.
int write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                          std::string& error);

// Removes the temporary files that writers of `path` left behind and whose
// process is gone. Returns how many were removed.
int remove_stale_temp_files(const std::string& path);

// Whether `name` (a file name, no directory) is one of our temporary files
// for the file named `base`.
bool is_temp_file_for(std::string_view name, std::string_view base);

}  // namespace hardnut
