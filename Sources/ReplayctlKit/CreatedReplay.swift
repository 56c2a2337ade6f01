import Curl
import Foundation
import Strait

/// A replay that ended with a run.
public struct CreatedReplay: Sendable {
    /// The idempotency key, when known.
    public var key: String?
    /// The run's JSON, as replayd returned it (Strait's JobRun).
    public var body: JSONValue?
    /// The run, when the body decodes as one.
    public var run: JobRun?
    /// The new run's id: the run's, or the record's `new_run_id`.
    public var newRunID: String?
    /// The key was already done: this is its stored answer (`Idempotent-Replayed: true`).
    public var replayed: Bool
    /// The replay joined another in-flight replay of the same run (`Replayd-Coalesced: true`).
    public var coalesced: Bool

    /// Creates a result.
    public init(
        key: String?,
        body: JSONValue?,
        run: JobRun?,
        newRunID: String?,
        replayed: Bool,
        coalesced: Bool
    ) {
        self.key = key
        self.body = body
        self.run = run
        self.newRunID = newRunID ?? run?.id
        self.replayed = replayed
        self.coalesced = coalesced
    }

    /// A 2xx answer to the replay request.
    public init(response: HTTPResponse, key: String?) {
        let data = Data(response.body)
        let run = try? StraitJSON.decoder.decode(JobRun.self, from: data)
        self.init(
            key: key,
            body: try? StraitJSON.decoder.decode(JSONValue.self, from: data),
            run: run,
            newRunID: run?.id,
            replayed: response.headers["Idempotent-Replayed"]?.lowercased() == "true",
            coalesced: response.headers["Replayd-Coalesced"]?.lowercased() == "true"
        )
    }
}
