import Foundation

/// Reads a bulk replay file, or stdin for `-`, whole: the key of each line depends on the entire content.
enum BulkSource {
    /// Files larger than this are refused, so a wrong path (a device, a log) fails fast instead of filling memory.
    static let maximumBytes = 64 << 20

    /// The file's bytes.
    static func read(_ path: String) throws(BulkSourceError) -> [UInt8] {
        let handle: FileHandle
        let name = path == "-" ? "stdin" : path
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw BulkSourceError(message: "cannot read --from-file \(path): no such file")
            }
            guard !isDirectory.boolValue else {
                throw BulkSourceError(message: "cannot read --from-file \(path): it is a directory")
            }
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw BulkSourceError(message: "cannot read --from-file \(path): permission denied or unreadable")
            }
            handle = opened
        }
        var bytes: [UInt8] = []
        do {
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                bytes += chunk
                guard bytes.count <= maximumBytes else {
                    throw BulkSourceError(message: "--from-file \(name) is larger than \(maximumBytes >> 20) MiB")
                }
            }
        } catch let error as BulkSourceError {
            throw error
        } catch {
            throw BulkSourceError(message: "cannot read --from-file \(name): \(error.localizedDescription)")
        }
        if path != "-" { try? handle.close() }
        return bytes
    }
}

/// A bulk file could not be read.
struct BulkSourceError: Error {
    let message: String
}
