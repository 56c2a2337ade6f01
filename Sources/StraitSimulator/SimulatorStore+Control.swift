import Foundation
import NIOHTTP1

extension SimulatorStore {
    private struct ResetAnswer: Encodable, Sendable {
        var reset = true
    }

    /// The `/_sim` routes: no auth, no counting, no faults.
    mutating func control(_ route: SimulatorRoute, request: SimulatorRequest) -> SimulatorResponse {
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
        case .replay, .getRun, .listRuns, .checkpoints:
            return .plainText(status: 404, "404 page not found")
        }
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
