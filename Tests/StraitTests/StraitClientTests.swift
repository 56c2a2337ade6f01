import Curl
import Synchronization
import Testing

@testable import Strait

@Suite struct StraitClientTests {
    private static let key = StraitAPIKey("strait_" + String(repeating: "ab", count: 32))

    private final class Recorder: Sendable {
        let requests = Mutex<[HTTPRequest]>([])
        func record(_ request: HTTPRequest) { requests.withLock { $0.append(request) } }
        var all: [HTTPRequest] { requests.withLock { $0 } }
    }

    private func client(
        status: Int = 201,
        body: String = #"{"id":"new-1","status":"queued","created_at":"2026-05-01T12:00:00Z"}"#,
        recorder: Recorder
    ) -> StraitClient {
        StraitClient(
            baseURL: "http://127.0.0.1:9/",
            apiKey: Self.key,
            http: ClosureHTTPClient { request in
                recorder.record(request)
                return HTTPResponse(status: status, body: Array(body.utf8))
            }
        )
    }

    @Test func replaySendsTheCLIsHeadersAndNoBody() async throws {
        let recorder = Recorder()
        let result = try await client(recorder: recorder).replay(
            runID: RunID("run 1"),
            fromCheckpoint: CheckpointSequence(3),
            requestID: "rq-1"
        )
        #expect(result.value.id == "new-1")
        let request = try #require(recorder.all.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9/v1/runs/run%201/replay?from_checkpoint=3")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.headers["Authorization"] == "Bearer strait_" + String(repeating: "ab", count: 32))
        #expect(request.headers["X-Request-Id"] == "rq-1")
        #expect(request.headers["Content-Type"] == nil)
        #expect(request.body == nil)
    }

    /// Replays keep their connection, and a kept connection that dies never turns into a second copy.
    @Test func replayRidesAKeptConnectionWithoutResend() async throws {
        let recorder = Recorder()
        let client = client(recorder: recorder)
        _ = try await client.replay(runID: RunID("run_failed_1"), requestID: "rq-1")
        _ = try? await client.getRun(RunID("run_failed_1"))
        let requests = recorder.all
        #expect(requests.map(\.connectionReuse) == [.reuseWithoutResend, .automatic])
    }

    @Test func apiErrorsCarryTheEnvelope() async throws {
        let recorder = Recorder()
        let client = client(
            status: 400,
            body: #"{"error":{"code":"bad_request","message":"run is not replayable"}}"#,
            recorder: recorder
        )
        await #expect {
            _ = try await client.replay(runID: RunID("run_completed_1"), requestID: "rq")
        } throws: { error in
            guard case .api(let apiError) = error as? StraitClientError else { return false }
            return apiError.status == 400 && apiError.message == "run is not replayable"
        }
    }

    @Test func undecodableSuccessIsReportedAsSuch() async throws {
        let recorder = Recorder()
        let client = client(status: 201, body: "<html>", recorder: recorder)
        await #expect {
            _ = try await client.replay(runID: RunID("r"), requestID: "rq")
        } throws: { error in
            guard case .undecodableResponse(let response, _) = error as? StraitClientError else { return false }
            return response.status == 201
        }
    }

    @Test func listRunsEncodesTheMetadataFilter() async throws {
        let recorder = Recorder()
        let client = client(
            status: 200,
            body: #"{"data":[{"id":"a","status":"queued","created_at":"2026-05-01T12:00:00Z"}]}"#,
            recorder: recorder
        )
        let result = try await client.listRuns(.createdBy(requestID: "host/abc-000001", projectID: "proj 1"))
        #expect(result.value.map(\.id) == ["a"])
        let request = try #require(recorder.all.first)
        #expect(
            request.url
                == "http://127.0.0.1:9/v1/runs?project_id=proj%201&metadata_key=_sentry_request_id&metadata_value=host%2Fabc-000001"
        )
    }

    @Test func listAcceptsABareArray() async throws {
        let recorder = Recorder()
        let client = client(
            status: 200,
            body: #"[{"id":"c1","run_id":"r","sequence":2}]"#,
            recorder: recorder
        )
        let result = try await client.listCheckpoints(RunID("r"))
        #expect(result.value.map(\.sequence) == [2])
    }

    @Test func transportErrorsNeverMentionTheKey() async throws {
        let client = StraitClient(
            baseURL: "http://127.0.0.1:9",
            apiKey: Self.key,
            http: ClosureHTTPClient { _ throws(CurlError) in
                throw CurlError(code: .couldNotConnect, curlCode: 7, message: "Failed to connect")
            }
        )
        await #expect {
            _ = try await client.getRun(RunID("r"))
        } throws: { error in
            let text = String(describing: error)
            return text.contains("could not reach Strait") && !text.contains("strait_abab")
        }
        #expect(String(describing: Self.key) == "<redacted>")
        #expect(Self.key.prefix == "strait_ababa")
        #expect(Self.key.hasStraitFormat)
    }
}
