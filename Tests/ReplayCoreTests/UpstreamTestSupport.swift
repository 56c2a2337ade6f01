import Curl
import ReplayCore
import Strait
import Synchronization

/// A `JitterSource` that always returns the same fraction.
struct ConstantJitter: JitterSource {
    let fraction: Double
    func nextFraction() -> Double { fraction }
}

/// A count shared by concurrent tasks.
final class PassCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }
}

/// What came back from one upstream attempt, as it would arrive on the wire.
enum UpstreamWire: Sendable {
    case response(status: Int, headers: HTTPHeaders, body: String)
    case transport(CurlError)

    /// Strait's JSON error envelope (spec §2.1).
    static func envelope(
        _ status: Int,
        code: String,
        message: String,
        details: [String]? = nil,
        headers: HTTPHeaders = [:]
    ) -> UpstreamWire {
        let detailsJSON = details.map { ",\"details\":[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" } ?? ""
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        return .response(
            status: status,
            headers: headers,
            body: #"{"error":{"code":"\#(code)","message":"\#(message)"\#(detailsJSON)},"request_id":"api/x-000001"}"#
                + "\n"
        )
    }

    /// A transport failure after `bytesSent` request bytes.
    static func failure(_ code: CurlError.Code, curl: Int32, bytesSent: Int) -> UpstreamWire {
        .transport(
            CurlError(code: code, curlCode: curl, message: "\(code)", facts: TransferFacts(requestBytesSent: bytesSent))
        )
    }

    /// Runs the wire answer through the real `StraitClient.replay`, so decoding is the production one.
    func replayResult() async -> Result<StraitResult<ReplayedRun>, StraitClientError> {
        let wire = self
        let client = StraitClient(
            baseURL: "http://127.0.0.1:9",
            apiKey: StraitAPIKey("strait_" + String(repeating: "ab", count: 32)),
            http: ClosureHTTPClient { _ throws(CurlError) in
                switch wire {
                case .response(let status, let headers, let body):
                    return HTTPResponse(
                        status: status,
                        headers: headers,
                        body: Array(body.utf8),
                        facts: TransferFacts(requestBytesSent: 200)
                    )
                case .transport(let error):
                    throw error
                }
            },
            nowUnixSeconds: { 1_777_636_800 }
        )
        do {
            let runID = try RunID("run_failed_1")
            return .success(try await client.replay(runID: runID, requestID: "rq-1"))
        } catch let error as StraitClientError {
            return .failure(error)
        } catch {
            return .failure(.invalidInput(StraitInputError(code: .invalidRunID, field: "run_id", message: "\(error)")))
        }
    }
}
