import Foundation
import Ingress
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Daemon {
    /// What systemd handed over: inherited listeners (socket activation) and the notification socket.
    struct SystemdIntegration {
        var activation: ListenerActivation
        var notifier: ServiceNotifier
    }

    /// Reads `LISTEN_FDS`/`LISTEN_PID`/`LISTEN_FDNAMES` and `NOTIFY_SOCKET`/`WATCHDOG_USEC`, claims the inherited
    /// listeners (close-on-exec) and closes those replayd has no use for.
    func systemdIntegration() throws -> SystemdIntegration {
        let environment = ProcessInfo.processInfo.environment
        let activation: ListenerActivation
        do {
            activation = try ListenerActivation.parse(environment: environment, pid: getpid())
        } catch {
            throw DaemonStartError(message: "socket activation: \(error.message)")
        }
        activation.claim()
        for entry in activation.ignored {
            logger.warning(
                "an inherited socket has a name replayd does not use; closed it",
                metadata: ["name": "\(entry.name)", "descriptor": "\(entry.descriptor)"]
            )
        }
        if activation.descriptor(for: .webhooks) != nil, settings.sources.isEmpty {
            logger.warning("an inherited webhooks socket was passed but no [[sources]] are configured; not serving it")
        }
        if !activation.isEmpty {
            logger.info(
                "socket activation",
                metadata: [
                    "adopted": "\(activation.descriptors.keys.map(\.rawValue).sorted().joined(separator: ","))"
                ]
            )
        }
        return SystemdIntegration(
            activation: activation,
            notifier: ServiceNotifier(environment: environment, pid: getpid())
        )
    }
}
