import Foundation

/// Helpers for decoding hand-written JSON (fixtures, fault plans) strictly: unknown fields are errors, and every
/// `DecodingError` becomes a ``SimulatorError`` naming the field as a path such as `jobs[1].run_ttl_secs`.
enum StrictDecoding {
    /// A coding key for any name, to list the keys an object actually has.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?

        init(stringValue: String) {
            self.stringValue = stringValue
            self.intValue = nil
        }

        init(intValue: Int) {
            self.stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    /// Throws `DecodingError.dataCorrupted` at the first key of the object being decoded that is not in `allowed`.
    static func rejectUnknownKeys(in decoder: any Decoder, allowed: Set<String>) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath + [key], debugDescription: "unknown field")
            )
        }
    }

    /// Decodes `data` as `T`, turning any failure into a ``SimulatorError`` with `code` and the field's path.
    static func decode<T: Decodable>(
        _ type: T.Type,
        from data: Data,
        code: SimulatorError.Code
    ) throws(SimulatorError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw simulatorError(error, code: code)
        } catch let error as SimulatorError {
            throw error
        } catch {
            throw SimulatorError(code: code, message: "not valid JSON: \(error)")
        }
    }

    /// Reads the file at `path`.
    static func read(path: String) throws(SimulatorError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SimulatorError(code: .unreadableFile, message: "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// The JSON path of `codingPath`: `runs[3].status`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func simulatorError(_ error: DecodingError, code: SimulatorError.Code) -> SimulatorError {
        switch error {
        case .keyNotFound(let key, let context):
            return SimulatorError(code: code, field: path(context.codingPath + [key]), message: "is required")
        case .valueNotFound(let type, let context):
            return SimulatorError(code: code, field: path(context.codingPath), message: "must be \(name(type))")
        case .typeMismatch(let type, let context):
            return SimulatorError(code: code, field: path(context.codingPath), message: "must be \(name(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let reason = context.underlyingError.map { "\($0)" } ?? context.debugDescription
                return SimulatorError(code: code, message: "not valid JSON: \(reason)")
            }
            return SimulatorError(code: code, field: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return SimulatorError(code: code, message: "\(error)")
        }
    }

    /// The JSON kind of `type`, with its article: `a string`, `an integer`.
    private static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        default:
            let text = String(describing: type)
            if text.hasPrefix("Array") { return "an array" }
            if text.hasPrefix("Dictionary") { return "an object" }
            return "a JSON value of type \(text)"
        }
    }
}
