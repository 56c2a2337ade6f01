function __replayctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __replayctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __replayctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __replayctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __replayctl_parse_tokens -S
    set -l unparsed_tokens (__replayctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'replayctl'
        __replayctl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'replay'
            __replayctl_parse_subcommand 1 'from-checkpoint=' 'idempotency-key=' 'force' 'dry-run' 'no-wait' 'wait-timeout=' 'from-file=' 'concurrency=' 'follow' 'follow-timeout=' 'follow-interval=' 'server=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'explain'
            __replayctl_parse_subcommand 1 'from-checkpoint=' 'idempotency-key=' 'force' 'as=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'show'
            __replayctl_parse_subcommand 1 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'pending'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'history'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'since=' 'limit=' 'version' 'h/help'
        case 'resolve'
            __replayctl_parse_subcommand 1 'reconcile' 'succeeded=' 'failed=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'audit'
            __replayctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'tail'
                __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'n/lines=' 'since=' 'principal=' 'run=' 'version' 'h/help'
            end
        case 'ping'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'status'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'pause'
            __replayctl_parse_subcommand 0 'source=' 'all' 'reason=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'resume'
            __replayctl_parse_subcommand 0 'source=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'reload'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'version'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'token'
            __replayctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __replayctl_parse_subcommand 0 'principal=' 'expires=' 'note=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
            case 'list'
                __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
            case 'revoke'
                __replayctl_parse_subcommand 1 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
            end
        case 'help'
            __replayctl_parse_subcommand -r 1 'version'
        end
    end
end

function __replayctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __replayctl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __replayctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __replayctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__replayctl_tokens -p)
    if test -z "$(__replayctl_tokens -t)"
        set -l index (count (__replayctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'replayctl' -f
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'replay' -d 'Replay a Strait run through replayd, or every run listed in a file.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'explain' -d 'Explain what replaying a run would do, without sending anything.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'show' -d 'Show the replay record of an idempotency key.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'pending' -d 'List your replays whose outcome is not final (pending, in flight, reconciling, indeterminate).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'history' -d 'List your replays since a time, finished and pending (everyone\'s with the read_all grant).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'resolve' -d 'Resolve a replay whose outcome replayd could not decide.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'audit' -d 'Read replayd\'s audit log over the socket (needs the audit_read grant).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'ping' -d 'Check that replayd answers on its socket.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'status' -d 'Show who you are to replayd, its version, the upstream\'s health, breaker and rate limit, replays in flight, and pauses.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'pause' -d 'Stop sending replays to Strait; new replays are accepted and held until resume.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'resume' -d 'End a pause: held replays are sent, in the order they came, paced to Strait\'s limit.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'reload' -d 'Re-read replayd\'s config file, validate it, and swap it in without a restart.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'version' -d 'Show replayctl\'s version and replayd\'s.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'token' -d 'Create, list and revoke team tokens (needs the token_admin grant).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" from-checkpoint' -l 'from-checkpoint' -d 'Replay from this checkpoint sequence (a positive integer).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" idempotency-key' -l 'idempotency-key' -d 'An idempotency key for this replay (1-255 printable ASCII).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" force' -l 'force' -d 'Replay even if a replay of the same run and checkpoint is in flight (no coalescing).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" dry-run' -l 'dry-run' -d 'Send nothing: print what the replay would do (as replayctl explain), from replayd\'s real stages.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" no-wait' -l 'no-wait' -d 'Do not wait for an outcome replayd does not know yet: print the record, exit 12.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" wait-timeout' -l 'wait-timeout' -d 'Wait at most this long for an outcome, in seconds (default 300).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" from-file' -l 'from-file' -d 'Replay every run listed in this file (- for stdin).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" concurrency' -l 'concurrency' -d 'With --from-file: replays in flight at once, 1-256 (default 8).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" follow' -l 'follow' -d 'After the replay, follow the new run until it finishes; exit 0 if it completed, else 1.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" follow-timeout' -l 'follow-timeout' -d 'With --follow: give up after this many seconds (default 300).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" follow-interval' -l 'follow-interval' -d 'With --follow: seconds between two reads of the run (default 2.0).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" server' -l 'server' -d 'Replay through a team door (http(s)://host:port) instead of the socket.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" from-checkpoint' -l 'from-checkpoint' -d 'Replay from this checkpoint sequence (a positive integer).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" idempotency-key' -l 'idempotency-key' -d 'The idempotency key the replay would use (1-255 printable ASCII).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" force' -l 'force' -d 'Explain a forced replay (no coalescing).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" as' -l 'as' -d 'Explain as this principal (needs explain_as).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pending" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" since' -l 'since' -d 'Only replays created at or after this time.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" limit' -l 'limit' -d 'List at most this many replays (1-10000).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" reconcile' -l 'reconcile' -d 'Ask replayd to look for the run again (the default).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" succeeded' -l 'succeeded' -d 'Record that Strait created this run.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" failed' -l 'failed' -d 'Record that no run was created, and why.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resolve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl audit" -eq 1' -fa 'tail' -d 'Print the last audit records that match, oldest first.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" lines n' -s 'n' -l 'lines' -d 'Print the last N records (default 100).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" since' -l 'since' -d 'Only records at or after this time.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" principal' -l 'principal' -d 'Only records whose actor.principal is this.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" run' -l 'run' -d 'Only records whose run_id or new_run_id is this.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl audit tail" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl ping" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" source' -l 'source' -d 'Pause only this source (a [[sources]] name, or socket).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" all' -l 'all' -d 'Pause every replay (the default).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" reason' -l 'reason' -d 'Why, for the audit log and status.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" source' -l 'source' -d 'End only this source\'s pause.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl reload" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl token" -eq 1' -fa 'create' -d 'Create a token for a principal; it is printed once.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl token" -eq 1' -fa 'list' -d 'List tokens (never the tokens themselves), newest first.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl token" -eq 1' -fa 'revoke' -d 'Revoke a token by id (tok_…); it stops working on the next request.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" principal' -l 'principal' -d 'The [[principals]] name the token acts as.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" expires' -l 'expires' -d 'How long it works: 30d, 12h, 90m, or never.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" note' -l 'note' -d 'Who or what the token is for.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl token revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl help" version' -l 'version' -d 'Show the version.'
