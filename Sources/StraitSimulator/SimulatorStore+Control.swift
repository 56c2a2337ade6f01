import Foundation
import NIOHTTP1
import Strait

extension SimulatorStore {
    private struct ResetAnswer: Encodable, Sendable {
        var reset = true
    }

    /// `GET /_sim/clock`: the simulator's two clocks, so a client can tell where it is in the limiters' aligned
    /// windows (a window of length `W` starts whenever `monotonic_ms` is a multiple of `W`).
    private struct ClockAnswer: Encodable, Sendable {
        var monotonicMs: Int64
        var unixMs: Int64

        enum CodingKeys: String, CodingKey {
            case monotonicMs = "monotonic_ms"
            case unixMs = "unix_ms"
        }
    }

    /// The `/_sim` routes: no auth, no counting, no faults.
    mutating func control(_ route: SimulatorRoute, request: SimulatorRequest, now: Now) -> SimulatorResponse {
        switch route {
        case .simFaults:
            switch request.method {
            case "POST":
                do {
                    faults = try SimulatorFaultPlan.decode(Data(request.body))
                } catch {
                    return .envelope(status: 400, message: error.description, requestID: nil)
                }
                return .json(status: 200, faults)
            case "DELETE":
                faults = .none
                return .json(status: 200, faults)
            default:
                return .json(status: 200, faults)
            }
        case .simReplays:
            return .json(status: 200, replayCounts)
        case .simRequests:
            return .json(status: 200, requestCounts)
        case .simReset:
            reset()
            return .json(status: 200, ResetAnswer())
        case .simClock:
            let answer = ClockAnswer(
                monotonicMs: now.monotonic.totalNanoseconds / 1_000_000,
                unixMs: now.unix.totalNanoseconds / 1_000_000
            )
            return .json(status: 200, answer)
        case .simRunStatus(let runID):
            return moveRun(runID, body: request.body, now: now)
        case .replay, .getRun, .listRuns, .checkpoints:
            return .plainText(status: 404, "404 page not found")
        }
    }

    private struct RunStatusBody: Decodable {
        var status: String
    }

    /// The moves `POST /_sim/runs/{id}/status` allows: a new run is `queued`; it starts `executing`, then ends
    /// `completed` or `failed` (a queued run may also end at once).
    static let runMoves: [RunStatus: Set<RunStatus>] = [
        .queued: [.executing, .completed, .failed],
        .executing: [.completed, .failed],
    ]

    /// Moves run `runID` to the body's status, setting `started_at` and `finished_at` as Strait does.
    private mutating func moveRun(_ runID: String, body: [UInt8], now: Now) -> SimulatorResponse {
        guard let target = (try? JSONDecoder().decode(RunStatusBody.self, from: Data(body)))?.status else {
            return .envelope(status: 400, message: "body must be {\"status\": \"...\"}", requestID: nil)
        }
        guard var run = dataset.runs[runID] else {
            return .envelope(status: 404, message: "run not found", requestID: nil)
        }
        let status = RunStatus(rawValue: target)
        guard Self.runMoves[run.status]?.contains(status) == true else {
            return .envelope(
                status: 409,
                message: "cannot move a \(run.status) run to \(status) (queued → executing → completed|failed)",
                requestID: nil
            )
        }
        let (seconds, _) = now.unix.components
        let stamp = StraitTimestamp(secondsSinceEpoch: seconds, nanoseconds: 0)
        if status == .executing || run.startedAt == nil { run.startedAt = stamp }
        if status.isTerminal {
            run.finishedAt = stamp
            if status == .failed { run.error = "failed by the simulator's control route" }
        }
        run.status = status
        dataset.insert(run)
        return .json(status: 200, run)
    }

    /// A `/_sim` path that matched no control route (wrong path or wrong method).
    static func controlMiss(_ match: SimulatorRoute.Match) -> SimulatorResponse {
        guard case .methodNotAllowed(let allowed) = match else {
            return .plainText(status: 404, "404 page not found")
        }
        var headers = HTTPHeaders()
        for method in allowed { headers.add(name: "Allow", value: method) }
        return SimulatorResponse(status: 405, headers: headers)
    }
}
