import Foundation
import ReplayctlKit
import Strait
import Testing

@Suite struct RecordTableTests {
    @Test func decodesARecordTolerantly() throws {
        let record = try #require(
            Fixtures.decodeRecord(
                Fixtures.record(
                    state: "succeeded",
                    response: Fixtures.succeededResponse,
                    coalescedFrom: #"{"principal":"alice","key":"first"}"#,
                    attempts: Fixtures.twoAttempts
                )
            )
        )
        #expect(record.isFinal)
        #expect(record.fromCheckpoint == 2)
        #expect(record.coalescedFrom == "first")
        #expect(record.attempts.count == 2)
        #expect(record.attempts[0].status == nil)
        #expect(record.response?.status == 201)
        #expect(record.response?.run?.id == "run_new_1")
        #expect(
            Fixtures.decodeRecord(#"{"key":"k","state":"pending","attempts":"oops","force":"yes"}"#)?.force == false
        )
        #expect(Fixtures.decodeRecord(#"{"state":"pending"}"#) == nil)
    }

    @Test func rendersOneRecordInDetail() throws {
        let record = try #require(
            Fixtures.decodeRecord(
                Fixtures.record(
                    state: "indeterminate",
                    error: #"{"code":"upstream_outcome_unknown","message":"no answer from Strait"}"#,
                    attempts: Fixtures.twoAttempts
                )
            )
        )
        let lines = RecordTable.detail(record).split(separator: "\n").map(String.init)
        #expect(lines[0] == "key          k1")
        #expect(lines[1] == "state        indeterminate")
        #expect(lines[2] == "run          run_failed_1 from checkpoint 2")
        #expect(lines[3] == "new run      -")
        #expect(lines[4] == "created      2026-05-01T12:00:00Z")
        #expect(lines[5] == "updated      2026-05-01T12:00:05Z")
        #expect(lines[6] == "next action  -")
        #expect(lines[7] == "error        upstream_outcome_unknown: no answer from Strait")
        #expect(lines[8] == "attempts     2")
        #expect(
            lines[9] == "  #1 rq_a-1 sent_no_response at 2026-05-01T12:00:00Z, done 2026-05-01T12:00:30Z (timed_out)"
        )
        #expect(lines[10] == "  #2 rq_a-2 answered 201 at 2026-05-01T12:01:00Z")
        #expect(lines[11].contains("replayctl resolve k1 --succeeded RUN_ID | --failed REASON | --reconcile"))
    }

    @Test func showsCoalescingForceAndResolution() throws {
        let json = """
            {"key":"k2","state":"succeeded","run_id":"r","force":true,"new_run_id":"r9","coalesced_from":"k1",\
            "resolution":"marked by alice"}
            """
        let text = RecordTable.detail(try #require(Fixtures.decodeRecord(json)))
        #expect(text.contains("run          r (forced)"))
        #expect(text.contains("new run      r9"))
        #expect(text.contains("coalesced    with replay k1"))
        #expect(text.contains("resolution   marked by alice"))
        #expect(!text.contains("replayctl"))
    }

    @Test func listsPendingRecordsInAlignedColumns() throws {
        let first = try #require(
            Fixtures.decodeRecord(Fixtures.record(key: "a", state: "pending", nextActionAt: "1777636860000"))
        )
        let second = try #require(
            Fixtures.decodeRecord(
                Fixtures.record(
                    key: "bulk-0123-17",
                    state: "reconciling",
                    error: #"{"code":"upstream_outcome_unknown","message":null}"#,
                    attempts: Fixtures.twoAttempts
                )
            )
        )
        let lines = RecordTable.list([first, second]).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "KEY           STATE        RUN           ATTEMPTS  NEXT ACTION           ERROR")
        #expect(lines[1] == "a             pending      run_failed_1  0         2026-05-01T12:01:00Z  -")
        #expect(
            lines[2]
                == "bulk-0123-17  reconciling  run_failed_1  2         -                     upstream_outcome_unknown"
        )
    }

    @Test func formatsTimesAndTruncates() {
        #expect(DisplayText.time(.number(1_777_636_800_000)) == "2026-05-01T12:00:00Z")
        #expect(DisplayText.time(.number(1_777_636_800)) == "2026-05-01T12:00:00Z")
        #expect(DisplayText.time(.string("soon")) == "soon")
        #expect(DisplayText.time(nil) == "-")
        #expect(DisplayText.time(.null) == "-")
        #expect(DisplayText.truncated("abcdef", to: 4) == "abc…")
        #expect(DisplayText.truncated("abc", to: 4) == "abc")
    }

    @Test func summarisesARunWithWhatReplaydSaid() throws {
        let run = try JSONDecoder().decode(JobRun.self, from: Data(Fixtures.runJSON.utf8))
        var created = CreatedReplay(key: "k1", body: nil, run: run, newRunID: nil, replayed: false, coalesced: false)
        #expect(
            ReplaySummary.text(originalID: "run_failed_1", created: created)
                == """
                Replayed run run_failed_1 as run run_new_1
                  status   queued
                  job      job_ttl
                  project  proj_demo
                  key      k1
                """
        )
        created.replayed = true
        #expect(ReplaySummary.text(originalID: "x", created: created).hasSuffix("  key      k1 (already replayed)"))
        created.replayed = false
        created.coalesced = true
        #expect(
            ReplaySummary.text(originalID: "x", created: created)
                .hasSuffix("  key      k1 (coalesced with another replay)")
        )
    }
}
