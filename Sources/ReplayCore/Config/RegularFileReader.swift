#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small regular files (the config file, secret files) safely: opens without following a symbolic link in the
/// last component (`O_NOFOLLOW`), without blocking or becoming a terminal, checks type, owner, permissions and size
/// on the opened descriptor (so the file checked is the file read), and only then reads.
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
    ///   - checkStatus: given the opened file's status (a regular file), returns a reason to refuse it, or
    ///     `nil`. Runs before any byte is read.
    static func contents(
        atPath path: String,
        maxBytes: Int,
        checkStatus: (FileStatus) -> String? = { _ in nil }
    ) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP {
                throw Failure(
                    reason: "is a symbolic link; replayd does not follow symbolic links "
                        + "(fix: use the real path, readlink -f \(path))"
                )
            }
            throw Failure(reason: "cannot be opened (\(errorText(code)))")
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw Failure(reason: "cannot be examined (\(errorText(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Failure(reason: "is not a regular file")
        }
        if let problem = checkStatus(FileStatus(status)) {
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

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
