#if canImport(Glibc)
import Glibc
#endif

/// File-system helpers the audit log and its verifier share: names, secret files and durable directory changes.
public enum AuditFiles {
    /// An I/O failure, with the path and `errno` text.
    public struct IOError: Error, Sendable, CustomStringConvertible {
        public var description: String

        init(_ description: String) {
            self.description = description
        }

        static func errno(_ what: String, _ path: String) -> IOError {
            let code = Glibc.errno
            if code == ELOOP {
                return IOError("\(what) \(path): it is a symbolic link, and replayd does not follow symbolic links")
            }
            return IOError("\(what) \(path): \(String(cString: strerror(code)))")
        }
    }

    /// The checkpoint file in an audit directory.
    public static let checkpointsFileName = "checkpoints.jsonl"

    /// The segment whose first record is `firstSeq`: `audit-` and the seq in 20 digits, then `.jsonl`, so that
    /// names sort in log order.
    public static func segmentName(firstSeq: Int64) -> String {
        let digits = String(firstSeq)
        return "audit-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".jsonl"
    }

    /// The first seq encoded in a segment name, or `nil` when `name` is not a segment.
    public static func firstSeq(ofSegment name: String) -> Int64? {
        guard name.hasPrefix("audit-"), name.hasSuffix(".jsonl"), name.utf8.count == 32 else { return nil }
        let digits = name.dropFirst(6).dropLast(6)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }

    /// The segment files in `directory`, in log order.
    public static func segments(in directory: String) throws(IOError) -> [String] {
        guard let dir = opendir(directory) else { throw .errno("cannot open audit directory", directory) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                guard let base = raw.baseAddress else { return "" }
                return String(cString: base.assumingMemoryBound(to: CChar.self))
            }
            if firstSeq(ofSegment: name) != nil { names.append(name) }
        }
        return names.sorted()
    }

    /// The whole file at `path`, read straight into one buffer sized from `fstat` (a file that grows while it is
    /// read is read to its end).
    public static func read(_ path: String) throws(IOError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .errno("cannot open", path) }
        defer { close(fd) }
        return try read(fd, path: path)
    }

    /// The rest of the open file `fd` (named `path` in errors).
    private static func read(_ fd: Int32, path: String) throws(IOError) -> [UInt8] {
        var info = stat()
        let size = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 0
        var failure: Int32 = 0
        var atEnd = false
        // One byte more than the size, so that seeing the end of an unchanged file takes no second buffer.
        var out = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            (count, failure, atEnd) = fill(fd, UnsafeMutableRawBufferPointer(buffer))
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while failure == 0, !atEnd {
            let result = chunk.withUnsafeMutableBytes { fill(fd, $0) }
            out.append(contentsOf: chunk[0..<result.count])
            (failure, atEnd) = (result.failure, result.atEnd)
        }
        guard failure == 0 else {
            errno = failure
            throw .errno("cannot read", path)
        }
        return out
    }

    /// Reads from `fd` until `buffer` is full, the end of the file, or an error (`errno`, retried on `EINTR`).
    private static func fill(
        _ fd: Int32,
        _ buffer: UnsafeMutableRawBufferPointer
    ) -> (count: Int, failure: Int32, atEnd: Bool) {
        var filled = 0
        while filled < buffer.count {
            let count = Glibc.read(fd, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            if count < 0 {
                if errno == EINTR { continue }
                return (filled, errno, false)
            }
            if count == 0 { return (filled, 0, true) }
            filled += count
        }
        return (filled, 0, false)
    }

    /// Reads a secret: the file must be a regular file, not a symbolic link, that neither group nor others can
    /// write, and others cannot read. The checks run on the opened descriptor, so the file checked is the file
    /// read. (Its owner is checked before, by the daemon's file trust policy.)
    public static func readSecretFile(_ path: String) throws(IOError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw .errno("cannot read", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .errno("cannot inspect", path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw IOError("is not a regular file") }
        guard info.st_mode & (S_IROTH | S_IWOTH | S_IWGRP) == 0 else {
            throw IOError("is readable or writable by others; chmod 600 it")
        }
        return try read(fd, path: path)
    }

    /// Writes `bytes` to a new file at `path` with `mode`, durably (file and directory synced). Fails if the file
    /// exists.
    public static func createDurably(_ path: String, bytes: [UInt8], mode: mode_t) throws(IOError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .errno("cannot create", path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        guard fsync(fd) == 0 else { throw .errno("cannot sync", path) }
        try syncDirectory(ofFile: path)
    }

    /// Writes every byte of `bytes` to `fd`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(IOError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .errno("cannot write", path)
            }
            offset += written
        }
    }

    /// fsyncs the directory that holds `path`, so a create, rename or unlink in it is durable.
    public static func syncDirectory(ofFile path: String) throws(IOError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .errno("cannot open directory", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .errno("cannot sync directory", directory) }
    }
}
