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

    /// Passing failures in a row after which following gives up. A 429 is not one: it asks to wait, and
    /// following waits (its `Retry-After`, or a doubling pause) until the follow timeout.
    public static let maxTransientFailures = 3

    /// The longest pause between two reads after failures in a row, when no `Retry-After` says how long.
    public static let maxBackoff: Duration = .seconds(30)

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

    /// Whether `failure` may pass: Strait unreachable or slow (502/504), overloaded (429, 503) or failing (5xx).
    static func isTransient(_ failure: ReplayFailure) -> Bool {
        switch failure.exitStatus {
        case .upstreamUnreachable, .upstreamServerError: return true
        default: return failure.httpStatus == 429
        }
    }

    /// The pause before reading again after the `failuresInARow`-th failure in a row: the answer's
    /// `Retry-After` (delay-seconds) when it gives one, never less than `interval`; otherwise `interval` doubled
    /// for each failure in a row after the first, up to ``maxBackoff``.
    public static func pause(interval: Duration, failuresInARow: Int, retryAfter: String?) -> Duration {
        if let retryAfter, let seconds = Int64(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return max(interval, .seconds(seconds))
        }
        let doublings = min(max(failuresInARow - 1, 0), 16)
        return max(interval, min(interval * (1 << doublings), maxBackoff))
    }

    /// Polls run `runID` until it finishes; `onChange` hears each new status (the first one included).
    public func follow(runID: String, onChange: (RunStatus) -> Void) async -> Outcome {
        let start = clock.now()
        var last: RunStatus?
        var transientFailures = 0
        var rateLimitedInARow = 0
        while true {
            let failure: ReplayFailure?
            var answer: HTTPResponse?
            do {
                let response = try await client.send(method: "GET", path: "/v1/runs/\(ReplayPaths.segment(runID))")
                answer = response
                failure =
                    response.status == 200
                    ? nil : ReplayFailure(status: response.status, body: response.body, headers: response.headers)
            } catch {
                failure = ReplayFailure(transport: error, key: nil)
            }
            if let failure {
                // A read is safe to repeat: a passing failure (Strait slow or briefly unreachable, or a 5xx) is
                // tried again, up to `maxTransientFailures` in a row; a 429 as long as the timeout allows. Each
                // waits what `Retry-After` asks, or a pause that doubles with each failure in a row.
                let inARow: Int
                if failure.httpStatus == 429 {
                    rateLimitedInARow += 1
                    inARow = rateLimitedInARow
                } else {
                    rateLimitedInARow = 0
                    transientFailures += 1
                    inARow = transientFailures
                }
                guard Self.isTransient(failure), transientFailures < Self.maxTransientFailures else {
                    return .failed(failure)
                }
                let pause = Self.pause(
                    interval: interval,
                    failuresInARow: inARow,
                    retryAfter: answer?.headers["Retry-After"]
                )
                guard clock.now() - start + pause <= timeout else { return .failed(failure) }
                await clock.sleep(for: pause)
                if Task.isCancelled { return .failed(failure) }
                continue
            }
            transientFailures = 0
            rateLimitedInARow = 0
            guard let response = answer else { continue }
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
