import LifeboatAgent

/// `restore --json`: one object, `policy`, `id`, `into` (the path written, or the database's
/// description for `--into`), `bytes` (plaintext restored), `chunks` (per destination read from:
/// `{name: count}`) and `skipped` (entries the extractor left out, each with why).
package struct RestoreJSON: Encodable {
    let policy: String
    let id: String
    let into: String
    let bytes: Int64
    let chunks: [String: Int]
    let skipped: [String]

    package init(policy: String, result: RestoreUseCase.Result, into: String) {
        self.policy = policy
        id = result.id.rawValue
        self.into = into
        bytes = result.bytes
        chunks = result.chunksByDestination
        skipped = result.skipped
    }
}
