/// Why copying one backup between destinations stopped, in the words an operator acts on: which
/// chunk (when one is to blame), where, and that nothing of the copy counts as complete.
struct CopyFailure: Error, CustomStringConvertible {
    /// The chunk that stopped the copy, when one did.
    let chunk: String?
    let message: String

    var description: String { message }

    /// A chunk at the source that does not match the manifest's size and sha256: the copy stops there.
    static func damagedSource(_ chunk: String, detail: String, to target: String) -> CopyFailure {
        CopyFailure(chunk: chunk, message: "\(detail); copy stopped, nothing marked complete at \(target)")
    }

    /// The source's manifest was missing, unsigned, not signed by a trusted signer, or not this backup.
    static func manifest(_ reason: String) -> CopyFailure {
        CopyFailure(chunk: nil, message: "manifest refused: \(reason)")
    }
}
