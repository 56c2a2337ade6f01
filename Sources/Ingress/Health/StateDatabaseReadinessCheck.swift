#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `state_db`: the replay state database can be written: the file opens for writing and its file system is
/// neither read-only nor out of space. It only opens and closes the file; it writes nothing.
public struct StateDatabaseReadinessCheck: ReadinessCheck {
    public let name = "state_db"
    private let path: String

    /// Creates the check for the database file at `path`.
    public init(path: String) {
        self.path = path
    }

    public func check() async -> ReadinessResult {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            return ReadinessResult(
                name: name,
                ok: false,
                detail: "cannot open \(path) for writing: \(Self.errnoText())"
            )
        }
        defer { close(descriptor) }
        var info = statvfs()
        guard fstatvfs(descriptor, &info) == 0 else {
            return ReadinessResult(name: name, ok: false, detail: "cannot inspect \(path): \(Self.errnoText())")
        }
        if info.f_flag & UInt(ST_RDONLY) != 0 {
            return ReadinessResult(name: name, ok: false, detail: "\(path) is on a read-only file system")
        }
        if info.f_bavail == 0 {
            return ReadinessResult(name: name, ok: false, detail: "the file system holding \(path) is full")
        }
        return ReadinessResult(name: name, ok: true)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
