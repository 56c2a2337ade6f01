#if canImport(Glibc)
import Glibc
#endif

/// An audit file open for appending (`O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW`): the segment being written, or the
/// checkpoint file. Owned by the writer thread; not shared.
final class AuditSegmentFile {
    /// The path it was opened at.
    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit {
        close()
    }

    /// Creates a new file at `path` with exactly `mode` (whatever the umask) and syncs its directory, so the name
    /// survives a crash. Fails if the file exists.
    static func create(_ path: String, mode: mode_t) throws(AuditFiles.IOError) -> AuditSegmentFile {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .errno("cannot create", path) }
        let file = AuditSegmentFile(path: path, fd: fd)
        guard fchmod(fd, mode) == 0 else { throw .errno("cannot chmod", path) }
        try AuditFiles.syncDirectory(ofFile: path)
        return file
    }

    /// Opens an existing file for appending.
    static func openExisting(_ path: String) throws(AuditFiles.IOError) -> AuditSegmentFile {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .errno("cannot open", path) }
        return AuditSegmentFile(path: path, fd: fd)
    }

    /// Opens `path` for appending, creating it with `mode` (and syncing the directory) when it does not exist.
    static func openOrCreate(_ path: String, mode: mode_t) throws(AuditFiles.IOError) -> AuditSegmentFile {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        if fd >= 0 { return AuditSegmentFile(path: path, fd: fd) }
        guard errno == ENOENT else { throw .errno("cannot open", path) }
        return try create(path, mode: mode)
    }

    /// Appends every byte of `bytes` (one `write` unless the kernel takes less).
    func append(_ bytes: [UInt8]) throws(AuditFiles.IOError) {
        try AuditFiles.writeAll(fd, bytes, path: path)
    }

    /// `fdatasync`: the data and the size are durable.
    func syncData() throws(AuditFiles.IOError) {
        guard fdatasync(fd) == 0 else { throw .errno("cannot sync", path) }
    }

    /// `fsync`: data and all metadata are durable.
    func sync() throws(AuditFiles.IOError) {
        guard fsync(fd) == 0 else { throw .errno("cannot sync", path) }
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: Int64) throws(AuditFiles.IOError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .errno("cannot truncate", path) }
    }

    /// Allocates `length` bytes of disk from `offset` without changing the file's size (`fallocate` with
    /// `FALLOC_FL_KEEP_SIZE`), so later appends there cannot fail for lack of space. Returns 0, or the `errno`
    /// (`EOPNOTSUPP` where the file system or C library has no `fallocate`).
    func reserve(offset: Int64, length: Int64) -> Int32 {
        guard let fallocate = Self.fallocate else { return EOPNOTSUPP }
        while true {
            if fallocate(fd, Self.keepSize, off_t(offset), off_t(length)) == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }

    /// `FALLOC_FL_KEEP_SIZE` from `<linux/falloc.h>`, which Swift's Glibc module does not import.
    private static let keepSize: Int32 = 0x01

    /// glibc's `fallocate`, found at run time: Swift's Glibc module does not import GNU extensions.
    private static let fallocate: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fallocate") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
    }()

    /// The file's size now.
    func size() throws(AuditFiles.IOError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .errno("cannot stat", path) }
        return Int64(info.st_size)
    }

    /// Closes the descriptor. Idempotent.
    func close() {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
    }
}
