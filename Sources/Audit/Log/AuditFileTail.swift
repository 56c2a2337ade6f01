#if canImport(Glibc)
import Glibc
#endif

/// The end of a line-oriented file, read backwards without reading the rest: its last whole line and the bytes of
/// an unfinished line after it.
struct AuditFileTail {
    /// The last line that ends in a newline, without the newline; `nil` when there is none.
    var lastLine: ArraySlice<UInt8>?
    /// Bytes after the last newline (an unfinished, torn line).
    var tornLength: Int
    /// The file's size.
    var size: Int

    /// Reads the tail of the file at `path`.
    static func read(_ path: String) throws(AuditFiles.IOError) -> AuditFileTail {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .errno("cannot open", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .errno("cannot stat", path) }
        let size = Int(info.st_size)
        var window = 4096
        while true {
            let start = max(0, size - window)
            let bytes = try readRange(fd, from: start, to: size, path: path)
            let end = start + bytes.count
            if let newline = bytes.lastIndex(of: 0x0A) {
                let torn = end - (start + newline + 1)
                let body = bytes[..<newline]
                if let previous = body.lastIndex(of: 0x0A) {
                    return AuditFileTail(lastLine: body[(previous + 1)...], tornLength: torn, size: size)
                }
                if start == 0 { return AuditFileTail(lastLine: body, tornLength: torn, size: size) }
            } else if start == 0 {
                return AuditFileTail(lastLine: nil, tornLength: bytes.count, size: size)
            }
            window *= 4
        }
    }

    private static func readRange(
        _ fd: Int32,
        from start: Int,
        to end: Int,
        path: String
    ) throws(AuditFiles.IOError)
        -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: end - start)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + filled, raw.count - filled, off_t(start + filled))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .errno("cannot read", path)
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}
