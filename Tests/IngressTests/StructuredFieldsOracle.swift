import Foundation
import Subprocess
import Testing

/// Python's `http_sfv` (an RFC 9651 parser that shares no code with ours) reading `RateLimit-Policy` and
/// `RateLimit` values: the independent parser of issue 11's acceptance. One Python run reads a whole table.
enum StructuredFieldsOracle {
    /// One list member: its string value and its integer parameters, in order.
    struct Member: Sendable, Equatable {
        var name: String
        var parameters: [String: Int]
        var keys: [String]
    }

    /// Parses each of `values` as an RFC 9651 List; a value `http_sfv` refuses comes back `nil`.
    static func parseLists(_ values: [String]) async throws -> [[Member]?] {
        let script = """
            import json, sys
            import http_sfv
            out = []
            for value in json.loads(sys.argv[1]):
                try:
                    field = http_sfv.List()
                    field.parse(value.encode("ascii"))
                    def number(v):
                        return v if isinstance(v, int) and not isinstance(v, bool) else None
                    params = lambda item: [[k, number(v)] for k, v in item.params.items()]
                    out.append([[item.value, params(item)] for item in field])
                except Exception as error:
                    out.append(None)
            print(json.dumps(out))
            """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
        let result = try await Subprocess.run(
            .path("/usr/bin/python3"),
            arguments: ["-c", script, input],
            input: .none,
            output: .string(limit: 1 << 20),
            error: .string(limit: 64 * 1024)
        )
        #expect(result.terminationStatus.isSuccess, "python3 with http_sfv failed: \(result.standardError)")
        let decoded = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [Any] ?? []
        return decoded.map { entry -> [Member]? in
            guard let members = entry as? [[Any]] else { return nil }
            return members.map { pair in
                let parameters = (pair.count > 1 ? pair[1] as? [[Any]] : nil) ?? []
                var values: [String: Int] = [:]
                var keys: [String] = []
                for parameter in parameters {
                    guard let key = parameter.first as? String else { continue }
                    keys.append(key)
                    // The script sends null for a parameter that is not an integer.
                    if let number = parameter.last as? NSNumber { values[key] = number.intValue }
                }
                return Member(name: pair.first as? String ?? "", parameters: values, keys: keys)
            }
        }
    }
}
