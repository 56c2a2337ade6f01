import Foundation
import Testing

@testable import Ingress

/// The byte splice that puts the idempotency key into a stored JobRun's metadata gives the same JSON as decoding
/// and re-encoding it, and refuses whatever it cannot be sure of.
@Suite struct JobRunKeySpliceTests {
    private func object(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test(arguments: [
        (
            #"{"id":"run_2","metadata":{"a":"b"}}"#,
            #"{"id":"run_2","metadata":{"a":"b","_replayd_idempotency_key":"k\"1"}}"#
        ),
        (#"{"id":"run_2","metadata":{}}"#, #"{"id":"run_2","metadata":{"_replayd_idempotency_key":"k\"1"}}"#),
        (#"{"id":"run_2","metadata":null}"#, #"{"id":"run_2","metadata":{"_replayd_idempotency_key":"k\"1"}}"#),
        (#"{"id":"run_2"}"#, #"{"id":"run_2","metadata":{"_replayd_idempotency_key":"k\"1"}}"#),
        ("{}", #"{"metadata":{"_replayd_idempotency_key":"k\"1"}}"#),
        (
            " {\n \"s\": \"a}\\\"{[\", \"n\": [1, {\"metadata\": 2}], \"metadata\" : { \"x\" : [ ] } , \"t\": true }\n",
            #"{"s":"a}\"{[","n":[1,{"metadata":2}],"metadata":{"x":[],"_replayd_idempotency_key":"k\"1"},"t":true}"#
        ),
    ])
    func injectsTheKeyAsDecodingWould(body: String, expected: String) throws {
        let spliced = try #require(JobRunKeySplice.inject(key: "k\"1", into: Array(body.utf8)))
        #expect(try object(spliced) == object(Array(expected.utf8)))
    }

    @Test(arguments: [
        #"{"metadata":{"_replayd_idempotency_key":"other"}}"#,  // already there
        #"{"metadata":{"a":1},"metadata":{}}"#,  // twice
        #"{"metadata":[1]}"#,  // not an object
        #"{"meta\u0064ata":{}}"#,  // a name with escapes
        #"{"metadata":{"\u005freplayd_idempotency_key":1}}"#,
        #"{"id":"run_2",}"#,  // not JSON
        #"{"id":"run_2"} x"#,
        #"{"id":"run_2""#,
        "[1]",
        "",
    ])
    func refusesWhatItCannotBeSureOf(body: String) {
        #expect(JobRunKeySplice.inject(key: "k", into: Array(body.utf8)) == nil)
    }
}
