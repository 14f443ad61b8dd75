import Foundation
import LifeboatCore
import Logging

/// A swift-log handler for `--log-format json`: one JSON object per line on standard error, with
/// `time` (ISO 8601 UTC, milliseconds), `level`, `message`, `label` and `metadata` (an object, nested
/// as the metadata is), so journald, Vector, Fluent Bit and the like parse it without a pattern.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (String) -> Void

    package init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.line(
            time: Date(), level: event.level, message: "\(event.message)", label: label, metadata: merged)
        write(line + "\n")
    }

    /// The one line for a record: keys sorted, so lines compare and grep the same every time.
    package static func line(
        time: Date, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata
    ) -> String {
        let record = Record(
            time: timestamp(time), level: level.rawValue, message: message, label: label,
            metadata: metadata.mapValues(Value.init))
        return (try? JSONText.encodeLine(record))
            ?? #"{"level":"error","message":"a log line could not be encoded as JSON"}"#
    }

    /// `2026-11-29T17:04:05.123Z`.
    static func timestamp(_ date: Date) -> String {
        let ms = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        let base = Timestamp.iso8601(date)
        return String(base.dropLast()) + String(format: ".%03dZ", ms)
    }

    /// Writes the line with one write(2), so lines from several threads never interleave.
    package static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    struct Record: Encodable {
        let time: String
        let level: String
        let message: String
        let label: String
        let metadata: [String: Value]
    }

    /// A metadata value as JSON: a string, an array or an object.
    enum Value: Encodable {
        case string(String)
        case array([Value])
        case object([String: Value])

        init(_ v: Logger.Metadata.Value) {
            switch v {
            case .string(let s): self = .string(s)
            case .stringConvertible(let c): self = .string(c.description)
            case .array(let a): self = .array(a.map(Value.init))
            case .dictionary(let d): self = .object(d.mapValues(Value.init))
            }
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .array(let a): try c.encode(a)
            case .object(let o): try c.encode(o)
            }
        }
    }
}
