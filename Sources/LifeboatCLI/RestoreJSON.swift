import LifeboatAgent

/// `restore --json`: one object, `policy`, `id`, `into` (the path written, or the database's
/// description for `--into`), `bytes` (plaintext restored), `chunks` (per destination read from:
/// `{name: count}`) and `skipped` (entries the extractor left out, each with why); with `--until`,
/// also `until` (RFC 3339) and `binlogs` (the binary logs replayed over the dump, in order).
package struct RestoreJSON: Encodable {
    let policy: String
    let id: String
    let into: String
    let bytes: Int64
    let chunks: [String: Int]
    let skipped: [String]
    let until: String?
    let binlogs: [String]?

    package init(
        policy: String, result: RestoreUseCase.Result, into: String, until: String? = nil, binlogs: [String]? = nil
    ) {
        self.until = until
        self.binlogs = binlogs
        self.policy = policy
        id = result.id.rawValue
        self.into = into
        bytes = result.bytes
        chunks = result.chunksByDestination
        skipped = result.skipped
    }
}
