/// How a payload is compressed before it is encrypted: gzip (members of about 1 MiB, the default, read by
/// `gunzip` everywhere) or zstd (announced frames of about 1 MiB, read by `zstd -d`). The manifest's
/// `compression` names it, so a reader knows which stock tool restores the backup.
package enum CompressionAlgorithm: String, Sendable, CaseIterable, Codable {
    case gzip, zstd

    /// The levels each accepts, as its own command-line tool counts them.
    package var levels: ClosedRange<Int> { self == .gzip ? 0...12 : 1...19 }

    /// The level used when a policy names none.
    package var defaultLevel: Int { self == .gzip ? 6 : 3 }

    /// The stock command that inflates the payload from standard input.
    package var stockDecompress: String { self == .gzip ? "gunzip" : "zstd -d" }
}
