import ArgumentParser
import Curl
import Foundation
import Ingress
import Logging
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Strait

/// `replayd serve --config FILE`: run the daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: listen on the Unix socket and replay runs on Strait.",
        discussion: """
            Stops gracefully on SIGTERM or SIGINT: it stops accepting, finishes requests in progress, lets replays
            in flight reach a durable point for up to [replays] shutdown_grace (the rest resume at the next start),
            and removes its socket (a socket inherited from systemd is left to systemd). SIGHUP (systemctl reload, or
            replayctl reload) re-reads and validates the config file and swaps it in: principals, sources and their
            keys, and the upstream API key apply to the next request, requests in flight finish under the old
            config, an invalid file changes nothing, and settings read only at start are reported as needing a
            restart; every reload is logged and audited with both digests. Under systemd it reports READY=1, RELOADING=1,
            STOPPING=1 and the watchdog on $NOTIFY_SOCKET. Exit status: 0 after a clean stop, 1 on a runtime
            failure, 3 for a config error.

            Examples:
              replayd serve --config /etc/replayd/replayd.toml
              replayd serve --config ./replayd.toml --log-level debug
              curl --unix-socket /run/replayd/replayd.sock http://localhost/v1/health
            """
    )

    @Option(name: .long, help: ArgumentHelp("The config file (TOML).", valueName: "file"))
    var config: String

    @Option(name: .long, help: "Override [log] level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings: ReplaydConfig
        do {
            settings = try ReplaydConfig.load(path: config, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("replayd: invalid config:\n\(error)\n".utf8))
            throw ExitCode(3)
        }
        var level = settings.log.level
        if let logLevel {
            guard let parsed = Logger.Level(rawValue: logLevel) else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            level = parsed
        }
        let output = LogOutput()
        let chosenLevel = level
        let format: LineLogHandler.Format =
            settings.log.format.resolved(stderrIsTerminal: isatty(STDERR_FILENO) == 1) == .json ? .json : .text
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: chosenLevel, format: format, output: output)
        }
        let logger = Logger(label: "replayd")

        do {
            try await Daemon(settings: settings, logger: logger, configPath: config).run()
        } catch let error as DaemonStartError {
            logger.critical("replayd could not start", metadata: ["reason": "\(error.message)"])
            FileHandle.standardError.write(Data("replayd: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as SocketServerError {
            logger.critical("replayd stopped", metadata: ["reason": "\(error.message)"])
            FileHandle.standardError.write(Data("replayd: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// A failure while wiring the daemon together.
struct DaemonStartError: Error {
    var message: String
}
