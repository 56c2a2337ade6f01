import ArgumentParser
import Audit
import Foundation
import ReplayCore

/// `--dir` and `--config`, which `audit verify` and `audit tail` share.
struct AuditLocationOptions: ParsableArguments {
    /// Why the audit paths could not be worked out.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @Option(
        name: .customLong("dir"),
        help: ArgumentHelp(
            "The audit directory (segments and checkpoints.jsonl); repeat for several instances' logs.",
            valueName: "dir"
        )
    )
    var dirs: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A replayd config file to take the audit paths from; flags win over it.",
            discussion: "Only validated for now: the [audit] section that will supply the paths is not there yet.",
            valueName: "file"
        )
    )
    var config: String?

    /// The paths from `--config` (when given), with `flags` over them.
    ///
    /// - Throws: a message when the config cannot be read or is invalid.
    func paths(overriddenBy flags: AuditPaths) throws(Failure) -> AuditPaths {
        var fromConfig = AuditPaths()
        if let config {
            let bytes: [UInt8]
            do {
                bytes = try AuditFiles.read(config)
            } catch {
                throw Failure(description: "cannot read the config: \(error.description)")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Failure(description: "config \(config) is not UTF-8 text")
            }
            do {
                // Secrets are not loaded (environment: nil): verifying the log must not need the Strait API key.
                fromConfig = AuditPaths(config: try ReplaydConfig.decode(toml: text, file: config, environment: nil))
            } catch {
                throw Failure(description: "invalid config:\n\(error)")
            }
        }
        var flagged = flags
        flagged.dir = dirs.first ?? flags.dir
        return fromConfig.overridden(by: flagged)
    }
}
