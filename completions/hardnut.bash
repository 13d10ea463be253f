# bash completion for hardnut(1)                          -*- shell-script -*-
# Installed as share/bash-completion/completions/hardnut, loaded on demand.
# tests/integrations/package_test.py checks that every option of
# `hardnut SUBCOMMAND --help` is listed here.

_hardnut() {
    local cur prev words cword
    _init_completion || return

    local subcommands='security suggest diff harden profile'
    local -A opts=(
        [security]='--help --offline --root --user --system --host --machine --threshold
                    --security-policy --json --no-pager --set --overview --format --jobs
                    --output --baseline --update-baseline --systemd-version'
        [suggest]='--help --root --user --security-policy --set --format --profile
                   --profile-without-startup'
        [diff]='--help --root --user --security-policy --set --format'
        [harden]='--help --root --user --security-policy --set --level --target --steps
                  --write --force --apply --verify --check --soak --max-tries --profile
                  --profile-without-startup'
        [profile]='--help --duration --workload --output --no-restart --merge'
    )

    local i sub=
    for ((i = 1; i < cword; i++)); do
        if [[ " $subcommands " == *" ${words[i]} "* ]]; then
            sub=${words[i]}
            break
        fi
    done
    if [[ -z $sub ]]; then
        COMPREPLY=($(compgen -W "$subcommands --help --version" -- "$cur"))
        return
    fi

    case $prev in
        --offline) COMPREPLY=($(compgen -W 'yes no' -- "$cur")); return ;;
        --json) COMPREPLY=($(compgen -W 'pretty short off' -- "$cur")); return ;;
        --format)
            if [[ $sub == security ]]; then
                COMPREPLY=($(compgen -W 'text json sarif prometheus' -- "$cur"))
            else
                COMPREPLY=($(compgen -W 'text json' -- "$cur"))
            fi
            return ;;
        --systemd-version) COMPREPLY=($(compgen -W 'auto 245 252 257 262' -- "$cur")); return ;;
        --level) COMPREPLY=($(compgen -W 'safe standard aggressive' -- "$cur")); return ;;
        --root) _filedir -d; return ;;
        --security-policy | --output | -o | --baseline) _filedir; return ;;
        --profile) _filedir json; return ;;
        --duration | --workload) return ;;
        --threshold | --jobs | -j | --target | --set | --check | --soak | --max-tries | --host | -H | --machine | -M)
            return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${opts[$sub]}" -- "$cur"))
        return
    fi
    if [[ $sub == profile ]]; then
        # start/stop, then a unit the manager runs (or profiles to --merge).
        COMPREPLY=($(compgen -W 'start stop' -- "$cur"))
        [[ ${#COMPREPLY[@]} -gt 0 ]] && return
        _filedir json
        return
    fi
    # Unit files (and folders of them) to score.
    _filedir '@(service|socket|mount|swap|conf)'
} && complete -F _hardnut hardnut
