import Foundation
import Strait

/// The socket API's paths, with every caller-given value percent-encoded as one segment.
public enum ReplayPaths {
    /// Percent-encodes a run id or key as one path segment. Dots are escaped too, so `.` and `..` cannot be
    /// collapsed by URL normalisation on the way: replayd must see them, to refuse them.
    public static func segment(_ value: String) -> String {
        PercentEncoding.pathSegment(value).replacingOccurrences(of: ".", with: "%2E")
    }

    /// `POST` here to replay `runID`.
    public static func replay(runID: String, fromCheckpoint: String?, force: Bool) -> String {
        var query: [String] = []
        if let fromCheckpoint { query.append("from_checkpoint=" + PercentEncoding.queryValue(fromCheckpoint)) }
        if force { query.append("force=true") }
        let path = "/v1/runs/\(segment(runID))/replay"
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// Percent-encodes a query value.
    public static func queryValue(_ value: String) -> String { PercentEncoding.queryValue(value) }

    /// `GET` here for the record of `key`.
    public static func record(key: String) -> String { "/v1/replays/\(segment(key))" }

    /// `POST` here to resolve the record of `key`.
    public static func resolve(key: String) -> String { record(key: key) + "/resolve" }

    /// `GET` here for the caller's records that are not final.
    public static let pending = "/v1/replays?pending=true"

    /// `GET` here for the caller's records (everyone's with `read_all`) created since `since` (RFC 3339 or a
    /// duration ago such as `1d`), finished and pending.
    public static func history(since: String, limit: Int? = nil) -> String {
        var path = "/v1/replays?since=" + PercentEncoding.queryValue(since)
        if let limit { path += "&limit=\(limit)" }
        return path
    }

    /// `GET` here for the last `lines` audit records that match (needs `audit_read`).
    public static func auditTail(lines: Int?, since: String?, principal: String?, run: String?) -> String {
        var query: [String] = []
        if let lines { query.append("n=\(lines)") }
        if let since { query.append("since=" + PercentEncoding.queryValue(since)) }
        if let principal { query.append("principal=" + PercentEncoding.queryValue(principal)) }
        if let run { query.append("run=" + PercentEncoding.queryValue(run)) }
        return "/v1/audit" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// Where to poll for `key`: the answer's `Location` when it names a replay record, else the path built from
    /// the key.
    public static func pollPath(location: String?, key: String) -> String {
        if let location, location.hasPrefix("/v1/replays/"), !location.contains("?"), !location.contains("#") {
            return location
        }
        return record(key: key)
    }
}
