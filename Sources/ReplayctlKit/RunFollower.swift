import Curl
import Foundation
import Strait

/// Follows a new run until it finishes (`replayctl replay --follow`, the Strait CLI's `--wait`): polls
/// `GET /v1/runs/{id}` through replayd every `interval`, reports each status change, and stops at a terminal
/// status or after `timeout`.
public struct RunFollower: Sendable {
    /// How following ended.
    public enum Outcome: Sendable, Hashable {
        /// The run reached a terminal status; `body` is the run as Strait returned it.
        case finished(status: RunStatus, body: JSONValue?)
        /// `timeout` passed first; `status` is the last one seen.
        case timedOut(status: RunStatus?)
        /// Reading the run failed.
        case failed(ReplayFailure)

        /// The Strait CLI's exit code: 0 for `completed`, 1 for any other end (other terminal status, timeout),
        /// or the failure's own.
        public var exitStatus: ExitStatus {
            switch self {
            case .finished(let status, _): return status == .completed ? .ok : .general
            case .timedOut: return .general
            case .failed(let failure): return failure.exitStatus
            }
        }
    }

    private let client: DaemonClient
    private let clock: any WaitClock
    private let interval: Duration
    private let timeout: Duration

    /// Creates a follower.
    public init(client: DaemonClient, clock: any WaitClock = SystemWaitClock(), interval: Duration, timeout: Duration) {
        self.client = client
        self.clock = clock
        self.interval = interval
        self.timeout = timeout
    }

    /// Polls run `runID` until it finishes; `onChange` hears each new status (the first one included).
    public func follow(runID: String, onChange: (RunStatus) -> Void) async -> Outcome {
        let start = clock.now()
        var last: RunStatus?
        while true {
            let response: HTTPResponse
            do {
                response = try await client.send(method: "GET", path: "/v1/runs/\(ReplayPaths.segment(runID))")
            } catch {
                return .failed(ReplayFailure(transport: error, key: nil))
            }
            guard response.status == 200 else {
                return .failed(ReplayFailure(status: response.status, body: response.body, headers: response.headers))
            }
            let body = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))
            guard case .object(let object)? = body, let text = object["status"]?.stringValue else {
                return .failed(
                    ReplayFailure(message: "replayd answered a run that cannot be read", exitStatus: .general)
                )
            }
            let status = RunStatus(rawValue: text)
            if status != last {
                onChange(status)
                last = status
            }
            if status.isTerminal { return .finished(status: status, body: body) }
            guard clock.now() - start + interval <= timeout else { return .timedOut(status: last) }
            await clock.sleep(for: interval)
            if Task.isCancelled { return .timedOut(status: last) }
        }
    }
}
