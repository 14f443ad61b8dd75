import Synchronization

/// The scratch databases one drill created: one for a single-database dump, one per database for a
/// `sql_databases` dump (made as its first line is read). Dropped together on every path, and by a
/// stop signal, whichever comes first.
final class ScratchDatabaseSet: Sendable {
    private let members = Mutex<[ScratchDatabase]>([])

    func add(_ db: ScratchDatabase) { members.withLock { $0.append(db) } }

    var all: [ScratchDatabase] { members.withLock { $0 } }

    /// Drops every member (each at most once); returns why any could not be dropped, nil when all went.
    @discardableResult
    func dropAll() -> String? {
        let problems = all.compactMap { $0.drop() }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
