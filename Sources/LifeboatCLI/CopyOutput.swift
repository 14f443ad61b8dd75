import Foundation
import LifeboatAgent
import LifeboatCore

/// How `copy` reports each backup it copied: one line of text, or one JSON object per backup.
package enum CopyOutput {
    /// One backup as `copy --json` prints it, every field present.
    struct Item: Encodable {
        let policy: String
        let id: BackupID
        let from: String
        let to: String
        let status: String
        let chunks: Int
        let chunksSent: Int
        let chunksPresent: Int
        let bytesSent: Int64
        let seconds: Double
        let error: String?

        enum CodingKeys: String, CodingKey {
            case policy, id, from, to, status, chunks, seconds, error
            case chunksSent = "chunks_sent"
            case chunksPresent = "chunks_present"
            case bytesSent = "bytes_sent"
        }

        init(_ o: CopyOutcome) {
            policy = o.policy
            id = o.id
            from = o.from
            to = o.to
            status = o.result.rawValue
            chunks = o.chunks
            chunksSent = o.chunksSent
            chunksPresent = o.chunksPresent
            bytesSent = o.bytesSent
            seconds = (o.seconds * 1000).rounded() / 1000
            error = o.error
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(policy, forKey: .policy)
            try c.encode(id, forKey: .id)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(status, forKey: .status)
            try c.encode(chunks, forKey: .chunks)
            try c.encode(chunksSent, forKey: .chunksSent)
            try c.encode(chunksPresent, forKey: .chunksPresent)
            try c.encode(bytesSent, forKey: .bytesSent)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(error, forKey: .error)  // null when there is none
        }
    }

    /// The JSON array, one object per backup.
    package static func json(_ outcomes: [CopyOutcome]) throws -> String {
        try JSONText.encode(outcomes.map(Item.init))
    }

    /// `POLICY ID FROM -> TO: copied (N of M chunks sent, B bytes, S s)`, or `FAILED: why`.
    package static func line(_ o: CopyOutcome) -> String {
        let what = "\(o.policy) \(o.id) \(o.from) -> \(o.to):"
        switch o.result {
        case .failed: return "\(what) FAILED: \(o.error ?? "unknown error")"
        case .present: return "\(what) already there (\(Counted.text(o.chunks, "chunk")), nothing sent)"
        case .copied:
            return "\(what) copied (\(o.chunksSent) of \(Counted.text(o.chunks, "chunk")) sent, "
                + "\(ByteText.human(o.bytesSent, spaced: true)), \(String(format: "%.1f", o.seconds)) s)"
        }
    }
}
