import Foundation

/// The faults a ``StraitSimulator`` injects: a queue of ``SimulatorFaultRule``s plus a constant added latency.
///
/// Set it at start (the `faults:` parameter, or a file through ``load(path:)``), replace it in process with
/// ``StraitSimulator/setFaults(_:)``, or over HTTP: `POST /_sim/faults` (body: this JSON; replaces the plan),
/// `GET /_sim/faults` (the rules still armed), `DELETE /_sim/faults` (clears it).
///
/// ```json
/// {"latency_ms": 0,
///  "faults": [{"kind": "after_commit", "mode": "reset", "run_id": "run_failed_1"},
///             {"kind": "before_commit", "status": 503, "count": 2}]}
/// ```
/// For each request, the **first** armed rule of the kind that applies at that point (and whose `run_id`, if
/// any, equals the request's run id) fires and its `count` drops by one; a rule is removed when its count
/// reaches zero. Both fields are optional.
public struct SimulatorFaultPlan: Sendable, Hashable, Codable {
    /// Milliseconds added to every non-`/_sim` request, on top of any `latency` rule.
    public var latencyMilliseconds: Int
    /// The rules, in the order they are matched.
    public var faults: [SimulatorFaultRule]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case latencyMilliseconds = "latency_ms"
        case faults
    }

    /// Creates a plan.
    public init(latencyMilliseconds: Int = 0, faults: [SimulatorFaultRule] = []) {
        self.latencyMilliseconds = latencyMilliseconds
        self.faults = faults
    }

    /// No faults and no latency.
    public static let none = SimulatorFaultPlan()

    public init(from decoder: any Decoder) throws {
        try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        latencyMilliseconds = try container.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0
        guard (0...600_000).contains(latencyMilliseconds) else {
            throw DecodingError.dataCorruptedError(
                forKey: .latencyMilliseconds,
                in: container,
                debugDescription: "must be between 0 and 600000"
            )
        }
        faults = try container.decodeIfPresent([SimulatorFaultRule].self, forKey: .faults) ?? []
    }

    /// Reads and decodes a fault plan file.
    ///
    /// - Throws: ``SimulatorError`` with code `unreadable_file`, or `invalid_faults` naming the bad field.
    public static func load(path: String) throws(SimulatorError) -> SimulatorFaultPlan {
        try decode(StrictDecoding.read(path: path))
    }

    /// Decodes a fault plan from JSON bytes.
    ///
    /// - Throws: ``SimulatorError`` with code `invalid_faults` naming the bad field (`faults[1].status`).
    public static func decode(_ data: Data) throws(SimulatorError) -> SimulatorFaultPlan {
        try StrictDecoding.decode(SimulatorFaultPlan.self, from: data, code: .invalidFaults)
    }

    /// Fires the first armed rule whose fault satisfies `applies` and whose run id matches `runID`.
    mutating func take(runID: String?, where applies: (SimulatorFault) -> Bool) -> SimulatorFault? {
        guard
            let index = faults.firstIndex(where: { rule in
                rule.count > 0 && applies(rule.fault) && (rule.runID == nil || rule.runID == runID)
            })
        else { return nil }
        let fault = faults[index].fault
        faults[index].count -= 1
        if faults[index].count <= 0 { faults.remove(at: index) }
        return fault
    }
}
