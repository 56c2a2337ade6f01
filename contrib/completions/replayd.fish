function __replayd_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __replayd_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __replayd_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __replayd_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __replayd_parse_tokens -S
    set -l unparsed_tokens (__replayd_tokens -pc)
    switch $unparsed_tokens[1]
    case 'replayd'
        __replayd_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'serve'
            __replayd_parse_subcommand 0 'config=' 'log-level=' 'version' 'h/help'
        case 'simulate'
            __replayd_parse_subcommand 0 'listen=' 'fixtures=' 'faults=' 'ip-rate-limit=' 'key-rate-limit=' 'no-auth-lockout' 'honor-replay-idempotency-key' 'log-level=' 'version' 'h/help'
        case 'config'
            __replayd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __replayd_parse_subcommand 1 'version' 'h/help'
            end
        case 'audit'
            __replayd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'verify'
                __replayd_parse_subcommand 0 'dir=+' 'config=' 'key=+' 'checkpoints=+' 'checkpoint-key=+' 'o/output=' 'version' 'h/help'
            case 'tail'
                __replayd_parse_subcommand 0 'dir=+' 'config=' 'f/follow' 'principal=' 'run=' 'since=' 'o/output=' 'n/lines=' 'version' 'h/help'
            case 'hash-value'
                __replayd_parse_subcommand 1 'key=' 'version' 'h/help'
            end
        case 'token'
            __replayd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __replayd_parse_subcommand 0 'config=' 'principal=' 'expires=' 'note=' 'o/output=' 'version' 'h/help'
            case 'list'
                __replayd_parse_subcommand 0 'config=' 'o/output=' 'version' 'h/help'
            case 'revoke'
                __replayd_parse_subcommand 1 'config=' 'o/output=' 'version' 'h/help'
            end
        case 'explain'
            __replayd_parse_subcommand 0 'request=' 'config=' 'now=' 'version' 'h/help'
        case 'doctor'
            __replayd_parse_subcommand 0 'config=' 'o/output=' 'version' 'h/help'
        case 'state'
            __replayd_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'migrate'
                __replayd_parse_subcommand 0 'config=' 'version' 'h/help'
            case 'status'
                __replayd_parse_subcommand 0 'config=' 'version' 'h/help'
            end
        case 'help'
            __replayd_parse_subcommand -r 1 'version'
        end
    end
end

function __replayd_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __replayd_parse_subcommand -S -a positional_count
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

function __replayd_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __replayd_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__replayd_tokens -p)
    if test -z "$(__replayd_tokens -t)"
        set -l index (count (__replayd_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'replayd' -f
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'serve' -d 'Run the daemon: listen on the Unix socket and replay runs on Strait.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'simulate' -d 'Run the bundled Strait simulator (the replay, run and checkpoint routes, with fault injection).'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'config' -d 'Work with config files.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'audit' -d 'Verify, read and search the tamper-evident audit log.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'token' -d 'Create, list and revoke team tokens for the team door.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'explain' -d 'Explain what replayd would do with a captured webhook request, without a daemon.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'doctor' -d 'Check the config, file trust, upstream, socket, disk and clock, and say how to fix each problem.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'state' -d 'Work with the replay state database.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd serve" config' -l 'config' -d 'The config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd serve" log-level' -l 'log-level' -d 'Override [log] level: trace, debug, info, notice, warning, error, critical.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd serve" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" listen' -l 'listen' -d 'Address to listen on.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" fixtures' -l 'fixtures' -d 'A fixtures JSON file (default: the built-in demo data).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" faults' -l 'faults' -d 'A fault plan JSON file to start with.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" ip-rate-limit' -l 'ip-rate-limit' -d 'Requests per minute per client IP, like Strait\'s default (0 turns it off).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" key-rate-limit' -l 'key-rate-limit' -d 'Default requests per minute per API key (0 turns it off).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" no-auth-lockout' -l 'no-auth-lockout' -d 'Turn off the per-IP lockout after repeated failed authentications.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" honor-replay-idempotency-key' -l 'honor-replay-idempotency-key' -d 'Honour Idempotency-Key on the replay route, as Strait does on its other POST routes (a repeat returns the first 2xx with Idempotency-Replayed: true). Off by default, as on the real replay route today.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd simulate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd config" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd config" -eq 1' -fa 'check' -d 'Validate a config file and print its effective settings, secrets redacted.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd config check" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd config check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd audit" -eq 1' -fa 'verify' -d 'Check that the audit log is intact: nothing changed, removed, reordered, spliced or replayed.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd audit" -eq 1' -fa 'tail' -d 'Print audit records, filtered; with -f, keep printing new ones as they are written.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd audit" -eq 1' -fa 'hash-value' -d 'Print the keyed hash of a value, to find the records about it.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify"' -l 'dir' -d 'The audit directory (segments and checkpoints.jsonl); repeat for several instances\' logs.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify" config' -l 'config' -d 'A replayd config file to take the audit paths from; flags win over it.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify"' -l 'key' -d 'An audit key file; repeat for every key the log was written under.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify"' -l 'checkpoints' -d 'The checkpoints file (JSON lines); with several --dir, one per --dir.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify"' -l 'checkpoint-key' -d 'The checkpoint public key (PEM, 64 hex digits, or 32 raw bytes); with several --dir, one for all or one per --dir.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify" o output' -s 'o' -l 'output' -d 'Output format: text (default) or json.' -rfka 'text json'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail"' -l 'dir' -d 'The audit directory (segments and checkpoints.jsonl); repeat for several instances\' logs.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" config' -l 'config' -d 'A replayd config file to take the audit paths from; flags win over it.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" f follow' -s 'f' -l 'follow' -d 'Keep printing new records until interrupted.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" principal' -l 'principal' -d 'Only records whose actor.principal is this.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" run' -l 'run' -d 'Only records whose run_id or new_run_id is this.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" since' -l 'since' -d 'Only records at or after this time.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" o output' -s 'o' -l 'output' -d 'Output format: table or json (default: table on a terminal, else json).' -rfka 'table json'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" lines n' -s 'n' -l 'lines' -d 'Print only the last N matching records before following.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit tail" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit hash-value" key' -l 'key' -d 'The audit key file.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit hash-value" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd audit hash-value" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd token" -eq 1' -fa 'create' -d 'Create a token for a principal and print it once.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd token" -eq 1' -fa 'list' -d 'List tokens (never the tokens themselves), newest first.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd token" -eq 1' -fa 'revoke' -d 'Revoke a token by id; it stops working on the next request.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" config' -l 'config' -d 'The replayd config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" principal' -l 'principal' -d 'The [[principals]] name the token acts as.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" expires' -l 'expires' -d 'How long the token works: 30d, 12h, 90m, or never.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" note' -l 'note' -d 'Who or what the token is for (at most 200 bytes).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" o output' -s 'o' -l 'output' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token list" config' -l 'config' -d 'The replayd config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token list" o output' -s 'o' -l 'output' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token list" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token revoke" config' -l 'config' -d 'The replayd config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token revoke" o output' -s 'o' -l 'output' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token revoke" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd token revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd explain" request' -l 'request' -d 'The captured request (raw HTTP; - for stdin).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd explain" config' -l 'config' -d 'The config file.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd explain" now' -l 'now' -d 'Judge the timestamp at this time (unix seconds; default now).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd explain" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd doctor" config' -l 'config' -d 'The config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd doctor" o output' -l 'output' -s 'o' -d 'Output: text or json.' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd doctor" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd state" -eq 1' -fa 'migrate' -d 'Bring the PostgreSQL state database to this replayd\'s schema.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_positional "replayd state" -eq 1' -fa 'status' -d 'Tell whether the PostgreSQL state database is migrated.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state migrate" config' -l 'config' -d 'The config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state migrate" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state migrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state status" config' -l 'config' -d 'The config file (TOML).' -rfka ''
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state status" version' -l 'version' -d 'Show the version.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd state status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'replayd' -n '__replayd_should_offer_completions_for_flags_or_options "replayd help" version' -l 'version' -d 'Show the version.'
