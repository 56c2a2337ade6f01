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
            __replayctl_parse_subcommand 1 'from-checkpoint=' 'idempotency-key=' 'force' 'no-wait' 'wait-timeout=' 'from-file=' 'concurrency=' 'follow' 'follow-timeout=' 'follow-interval=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'show'
            __replayctl_parse_subcommand 1 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'pending'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'resolve'
            __replayctl_parse_subcommand 1 'reconcile' 'succeeded=' 'failed=' 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'ping'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'status'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
        case 'version'
            __replayctl_parse_subcommand 0 'socket=' 'o/output=' 'q/quiet' 'v/verbose' 'debug' 'no-color' 'timeout=' 'version' 'h/help'
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
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'show' -d 'Show the replay record of an idempotency key.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'pending' -d 'List your replays whose outcome is not final (pending, in flight, reconciling, indeterminate).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'resolve' -d 'Resolve a replay whose outcome replayd could not decide.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'ping' -d 'Check that replayd answers on its socket.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'status' -d 'Show who you are to replayd, its version, the upstream\'s health, breaker and rate limit, and replays in flight.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'version' -d 'Show replayctl\'s version and replayd\'s.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_positional "replayctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" from-checkpoint' -l 'from-checkpoint' -d 'Replay from this checkpoint sequence (a positive integer).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" idempotency-key' -l 'idempotency-key' -d 'An idempotency key for this replay (1-255 printable ASCII).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" force' -l 'force' -d 'Replay even if a replay of the same run and checkpoint is in flight (no coalescing).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" no-wait' -l 'no-wait' -d 'Do not wait for an outcome replayd does not know yet: print the record, exit 12.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" wait-timeout' -l 'wait-timeout' -d 'Wait at most this long for an outcome, in seconds (default 300).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" from-file' -l 'from-file' -d 'Replay every run listed in this file (- for stdin).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" concurrency' -l 'concurrency' -d 'With --from-file: replays in flight at once, 1-256 (default 8).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" follow' -l 'follow' -d 'After the replay, follow the new run until it finishes; exit 0 if it completed, else 1.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" follow-timeout' -l 'follow-timeout' -d 'With --follow: give up after this many seconds (default 300).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" follow-interval' -l 'follow-interval' -d 'With --follow: seconds between two reads of the run (default 2.0).' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl replay" h help' -s 'h' -l 'help' -d 'Show help information.'
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
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" socket' -l 'socket' -d 'The replayd socket: a path, or unix:///path.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" o output' -s 'o' -l 'output' -d 'Output format: table, json, jsonl or compact.' -rfka 'table json jsonl compact'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" q quiet' -s 'q' -l 'quiet' -d 'Print only ids (new run ids, keys) and errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" v verbose' -s 'v' -l 'verbose' -d 'Print each request to replayd and its answer on stderr.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" debug' -l 'debug' -d 'Like --verbose, and show libcurl\'s own text in errors.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" no-color' -l 'no-color' -d 'No colour in the output (also when NO_COLOR is set).'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" timeout' -l 'timeout' -d 'Give up waiting for replayd after this many seconds.' -rfka ''
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" version' -l 'version' -d 'Show the version.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayctl' -n '__replayctl_should_offer_completions_for_flags_or_options "replayctl help" version' -l 'version' -d 'Show the version.'
