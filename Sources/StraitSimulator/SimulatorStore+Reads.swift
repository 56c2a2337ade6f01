import NIOHTTP1
import Strait

extension SimulatorStore {
    /// A `{"data": [...]}` list body.
    private struct DataList<Element: Encodable & Sendable>: Encodable, Sendable {
        var data: [Element]
    }

    /// The default and largest `limit` of `GET /v1/runs` (simulator choices; Strait's are not in the spec).
    static let defaultListLimit = 50
    static let maximumListLimit = 100

    /// `GET /v1/runs/{runID}` (scope `runs:read`): the stored run, including runs created by replays.
    func getRun(runID: String, caller: Caller) -> SimulatorResponse {
        if let forbidden = requireScope("runs:read", caller) { return forbidden }
        guard let run = dataset.run(id: runID, projectID: caller.key.projectID) else {
            return .envelope(
                status: 404,
                message: "run not found",
                requestID: caller.requestID,
                headers: caller.headers
            )
        }
        return .json(status: 200, run, headers: caller.headers)
    }

    /// `GET /v1/runs/{runID}/checkpoints` (scope `runs:read`): `{"data":[Checkpoint...]}`, lowest sequence first.
    func listCheckpoints(runID: String, caller: Caller) -> SimulatorResponse {
        if let forbidden = requireScope("runs:read", caller) { return forbidden }
        guard dataset.run(id: runID, projectID: caller.key.projectID) != nil else {
            return .envelope(
                status: 404,
                message: "run not found",
                requestID: caller.requestID,
                headers: caller.headers
            )
        }
        return .json(status: 200, DataList(data: dataset.checkpoints(runID: runID)), headers: caller.headers)
    }

    /// `GET /v1/runs?project_id=&status=&metadata_key=&metadata_value=&limit=` (scope `runs:read`): the caller's
    /// project's runs, newest first. `metadata_value` matches the text of `metadata[metadata_key]` (Postgres `->>`).
    mutating func listRuns(request: SimulatorRequest, caller: Caller) -> SimulatorResponse {
        func refuse(_ status: Int, _ message: String) -> SimulatorResponse {
            .envelope(status: status, message: message, requestID: caller.requestID, headers: caller.headers)
        }
        if let forbidden = requireScope("runs:read", caller) { return forbidden }

        let metadataKey = request.queryValue("metadata_key") ?? ""
        let metadataValue = request.queryValue("metadata_value") ?? ""
        if !metadataValue.isEmpty, metadataKey.isEmpty {
            return refuse(400, "metadata_key is required when metadata_value is provided")
        }
        var limit = Self.defaultListLimit
        if let text = request.queryValue("limit"), !text.isEmpty {
            guard let value = Int(text), value >= 1 else { return refuse(400, "limit must be a positive integer") }
            limit = min(value, Self.maximumListLimit)
        }

        if case .listFailure(let status) = faults.take(runID: nil, where: Self.isListFailure) {
            return refuse(status, "internal server error")
        }

        let projectID = request.queryValue("project_id") ?? ""
        let status = request.queryValue("status") ?? ""
        var runs: [JobRun] = []
        if projectID.isEmpty || projectID == caller.key.projectID {
            runs = dataset.runs(projectID: caller.key.projectID).filter { run in
                guard status.isEmpty || run.status.rawValue == status else { return false }
                guard !metadataKey.isEmpty else { return true }
                guard let value = run.metadata?[metadataKey] else { return false }
                return metadataValue.isEmpty || Self.text(of: value) == metadataValue
            }
        }
        return .json(status: 200, DataList(data: Array(runs.prefix(limit))), headers: caller.headers)
    }

    /// Postgres `->>`: a string's contents, or the JSON text of any other value.
    private static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .null: return nil
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number.rounded() == number && abs(number) < 9_007_199_254_740_992
                ? String(Int64(number)) : String(number)
        case .array, .object: return nil
        }
    }

    private static func isListFailure(_ fault: SimulatorFault) -> Bool {
        if case .listFailure = fault { return true }
        return false
    }
}
