import ArgumentParser
import Foundation
import Ingress
import ReplayCore

/// `replayd config check FILE`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with config files.",
        subcommands: [CheckCommand.self]
    )

    /// Validates a config file and prints the effective settings, secrets redacted.
    struct CheckCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a config file and print its effective settings, secrets redacted.",
            discussion: """
                Every error is listed with its line and key path. Secrets are loaded (so a missing variable or a
                world-readable key file is reported) but never printed. The socket, state and audit directories and
                the key files are checked the way `serve` checks them, as the user running the check: owned by it or
                root, not writable by others, no symbolic links, creatable. Exit status: 0 valid, 3 invalid.

                Examples:
                  replayd config check /etc/replayd/replayd.toml
                  sudo -u replayd replayd config check /etc/replayd/replayd.toml
                """
        )

        @Argument(help: ArgumentHelp("The config file (TOML).", valueName: "file"))
        var file: String

        func run() async throws {
            do {
                let settings = try ReplaydConfig.load(path: file, environment: ProcessInfo.processInfo.environment)
                // Key material is checked the way `serve` uses it (a malformed whsec_, a bad Ed25519 key), so a
                // pre-start check catches what would stop the daemon.
                var keyProblems: [String] = []
                for source in settings.sources {
                    do {
                        _ = try WebhookSource(config: source, tolerance: settings.webhooks.timestampTolerance)
                    } catch {
                        keyProblems.append("\(file): \(error.description)")
                    }
                }
                // The directories and keys `serve` would refuse, judged as the user running the check (so run it
                // as the daemon's user, as the systemd unit's ExecStartPre does).
                for var problem in settings.fileTrustProblems(
                    trust: .system(),
                    document: ReplaydConfig.document(atPath: file)
                ) {
                    problem.file = file
                    keyProblems.append(problem.description)
                }
                guard keyProblems.isEmpty else {
                    FileHandle.standardError.write(Data((keyProblems.joined(separator: "\n") + "\n").utf8))
                    throw ExitCode(3)
                }
                print("\(file): OK")
                print(settings.summary())
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(3)
            }
        }
    }
}
