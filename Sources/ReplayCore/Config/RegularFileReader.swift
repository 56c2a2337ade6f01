#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small regular files (the config file, secret files) safely: opens without blocking or following into a
/// terminal, checks type, permissions and size on the opened descriptor (so the file checked is the file read),
/// and only then reads.
enum RegularFileReader {
    /// Why a file was refused: a phrase to put after the file's name ("is not a regular file"). Never contains
    /// file contents.
    struct Failure: Error {
        var reason: String
    }

    /// The contents of the regular file at `path`.
    ///
    /// - Parameters:
    ///   - maxBytes: larger files are refused.
    ///   - checkPermissions: given the permission bits (`mode & 0o7777`), returns a reason to refuse the file,
    ///     or `nil`. Runs before any byte is read.
    static func contents(
        atPath path: String,
        maxBytes: Int,
        checkPermissions: (UInt32) -> String? = { _ in nil }
    ) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw Failure(reason: "cannot be opened (\(errorText(errno)))")
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw Failure(reason: "cannot be examined (\(errorText(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Failure(reason: "is not a regular file")
        }
        if let problem = checkPermissions(UInt32(status.st_mode) & 0o7777) {
            throw Failure(reason: problem)
        }
        guard Int(status.st_size) <= maxBytes else {
            throw Failure(reason: "is larger than \(maxBytes) bytes")
        }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: "cannot be read (\(errorText(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            guard bytes.count <= maxBytes else {
                throw Failure(reason: "is larger than \(maxBytes) bytes")
            }
        }
        return bytes
    }

    /// Permission bits as four octal digits, `0644`-style.
    static func octal(_ permissions: UInt32) -> String {
        let digits = String(permissions, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
