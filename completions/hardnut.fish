# fish completion for hardnut(1); installed as share/fish/vendor_completions.d/hardnut.fish.

set -l subcommands security suggest diff harden profile
complete -c hardnut -f
complete -c hardnut -n "not __fish_seen_subcommand_from $subcommands" -l version -d 'Print the version and exit'
complete -c hardnut -n "not __fish_seen_subcommand_from $subcommands" -a security -d 'Score the exposure of units, like systemd-analyze security'
complete -c hardnut -n "not __fish_seen_subcommand_from $subcommands" -a suggest -d "List the changes that lower a unit's exposure"
complete -c hardnut -n "not __fish_seen_subcommand_from $subcommands" -a diff -d 'Compare two versions of a unit, check by check'
complete -c hardnut -n "not __fish_seen_subcommand_from $subcommands" -a harden -d "Write a drop-in that lowers a unit's exposure"
complete -c hardnut -n "not __fish_seen_subcommand_from $subcommands" -a profile -d 'Observe what a unit does and write its profile'
complete -c hardnut -s h -l help -d 'Print help and exit'

# Options every unit-scoring subcommand has.
for sub in security suggest diff harden
    complete -c hardnut -n "__fish_seen_subcommand_from $sub" -F
    complete -c hardnut -n "__fish_seen_subcommand_from $sub" -l root -r -a '(__fish_complete_directories)' -d 'Look up units below this directory'
    complete -c hardnut -n "__fish_seen_subcommand_from $sub" -l user -d "Use the user manager's unit search path"
    complete -c hardnut -n "__fish_seen_subcommand_from $sub" -l security-policy -r -F -d 'JSON file overriding check weights'
    complete -c hardnut -n "__fish_seen_subcommand_from $sub" -l set -r -d 'Score as if KEY=VALUE were appended in a drop-in'
end

set -l sec "__fish_seen_subcommand_from security"
complete -c hardnut -n $sec -l offline -x -a 'yes no' -d 'Analyse unit files instead of the running manager'
complete -c hardnut -n $sec -l system -d "Use the system manager's unit search path"
complete -c hardnut -n $sec -s H -l host -x -d 'Live mode: the manager of a remote host'
complete -c hardnut -n $sec -s M -l machine -x -d 'Live mode: the manager of a local container'
complete -c hardnut -n $sec -l threshold -x -d "Fail if a unit's exposure (0..100) is above this"
complete -c hardnut -n $sec -l json -x -a 'pretty short off' -d 'The per-check table as JSON'
complete -c hardnut -n $sec -l no-pager -d 'Do not pipe output into a pager'
complete -c hardnut -n $sec -l overview -d 'Print only the overview table'
complete -c hardnut -n $sec -l format -x -a 'text json sarif prometheus' -d 'Output format'
complete -c hardnut -n $sec -s j -l jobs -x -d 'Threads that score units'
complete -c hardnut -n $sec -s o -l output -r -F -d 'Write the report to FILE atomically'
complete -c hardnut -n $sec -l baseline -r -F -d 'Fail only on units worse than the baseline FILE'
complete -c hardnut -n $sec -l update-baseline -d "Rewrite the baseline with this run's exposures"
complete -c hardnut -n $sec -l systemd-version -x -a 'auto 245 252 257 262' -d 'Score like this systemd version'

complete -c hardnut -n "__fish_seen_subcommand_from suggest diff" -l format -x -a 'text json' -d 'Output format'

set -l hard "__fish_seen_subcommand_from harden"
complete -c hardnut -n $hard -l level -x -a 'safe standard aggressive' -d 'How far to go'
complete -c hardnut -n $hard -l target -x -d 'Stop once the exposure is at or below this'
complete -c hardnut -n $hard -l steps -d 'Print the walk one change at a time'
complete -c hardnut -n $hard -l write -d 'Install the drop-in'
complete -c hardnut -n $hard -l force -d 'Replace a drop-in hardnut did not write'
complete -c hardnut -n $hard -l apply -d 'Write, reload, restart and verify the running service'
complete -c hardnut -n $hard -l verify -d 'Verify the service with the installed drop-in; change nothing'
complete -c hardnut -n $hard -l check -x -d 'With --apply/--verify: a command that must succeed (repeatable)'
complete -c hardnut -n $hard -l soak -x -d 'With --apply/--verify: seconds the service must stay up'
complete -c hardnut -n $hard -l max-tries -x -d 'With --apply: restarts bisection may use'
complete -c hardnut -n "__fish_seen_subcommand_from suggest harden" -l profile -r -F -d 'Also the changes an observed profile justifies'
complete -c hardnut -n "__fish_seen_subcommand_from suggest harden" -l profile-without-startup -d 'Allow-lists from a profile without the start-up'

set -l prof "__fish_seen_subcommand_from profile"
complete -c hardnut -n $prof -a 'start stop' -d 'Observe in the background until profile stop'
complete -c hardnut -n $prof -l duration -x -d 'Seconds to observe'
complete -c hardnut -n $prof -l workload -x -d 'A shell command that exercises the unit'
complete -c hardnut -n $prof -s o -l output -r -F -d 'Write the profile to FILE atomically'
complete -c hardnut -n $prof -l no-restart -d 'Observe the running processes only'
complete -c hardnut -n $prof -l merge -d 'Merge the profiles given as arguments'
