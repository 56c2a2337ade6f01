import ReplayCore
import Testing

/// Fingerprints and upstream idempotency keys are stored and compared across restarts and upgrades, so their
/// derivations are pinned to vectors computed independently (Python's hashlib over the documented length-prefixed
/// fields).
@Suite struct IdempotencyDerivationTests {
    @Test func fingerprintsMatchIndependentVectors() {
        #expect(
            IdempotencyKey.fingerprint(action: "replay", runID: "run_failed_1", fromCheckpoint: nil)
                == "9d84bf604bee99f105a00443517644c18ba1d98e0b36824fd31a517e00f62e2d"
        )
        #expect(
            IdempotencyKey.fingerprint(action: "replay_from_checkpoint", runID: "run é", fromCheckpoint: 3)
                == "750b3cb77fc3c66262087c651ea46ec972c668335f17ffd5ec0df83c2bc165de"
        )
    }

    @Test func upstreamKeysMatchAnIndependentVector() {
        #expect(
            UpstreamIdempotencyKey.derive(principal: "alice", key: "k-1", fingerprint: "fp", requestID: "rq_1")
                == "replayd-0ee69ca6adb60dc25387fb7a9b179e452d435f92940fb362cc02f3d41c8169ed"
        )
    }
}
