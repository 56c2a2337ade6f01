#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// chi's `RequestID` middleware, which Strait mounts first (`routes.go:48`): an inbound `X-Request-Id` is used
/// verbatim; otherwise the id is `<hostname>/<10 random chars>-<6-digit counter>`. The random part is chosen
/// once per process (here: per simulator) and the counter counts every request that needed an id.
struct RequestIDGenerator: Sendable {
    private let prefix: String
    private var counter: UInt64 = 0

    /// Creates a generator for `hostname` (the system host name when `nil`).
    init(hostname: String?, using generator: inout some RandomNumberGenerator) {
        let host = hostname ?? Self.systemHostname()
        let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var random = ""
        for _ in 0..<10 {
            random.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))])
        }
        self.prefix = "\(host)/\(random)"
    }

    /// The id for a request that sent `inbound` as its `X-Request-Id` (or none).
    mutating func id(inbound: String?) -> String {
        if let inbound, !inbound.isEmpty { return inbound }
        counter += 1
        let digits = String(counter)
        return "\(prefix)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    private static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
