import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AsyncParsableCommand {
    /// The shared `main` of replayd and replayctl: ignores SIGPIPE (libcurl runs with `NOSIGNAL`, so a write to a
    /// closed socket must not kill the process), parses, runs, and exits with the Strait CLI's code 3 for usage
    /// errors instead of ArgumentParser's 64. `--help` and `--version` exit 0 as usual.
    ///
    /// - Parameter usageExitCode: the code for usage errors on this command line, when it is not
    ///   ``usageExitCode`` (`replayd audit` uses 2; parse errors happen before the subcommand runs, so the caller
    ///   decides from the arguments).
    public static func runMappingUsageErrors(usageExitCode override: Int32? = nil) async {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Self.exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? (override ?? usageExitCode) : code.rawValue)
        }
    }

    /// The exit code for a usage error (the Strait CLI's "config/usage" code).
    public static var usageExitCode: Int32 { 3 }
}
