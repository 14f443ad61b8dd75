import LifeboatConfig

/// The gzip level a WAL file is sealed at. PostgreSQL's archiver hands over one 16 MiB segment at a
/// time while the server goes on writing on the same cores, so every CPU-millisecond of a push is
/// taken from the database: on pgbench's WAL, libdeflate level 1 costs about a quarter of level 6
/// for about 4% more bytes. WAL is therefore sealed at level 1 whatever the policy's
/// `compression.level` (which goes on applying to its base backups and dumps); a policy at level 0
/// (no compression) seals its WAL at 0 too. Any gzip level reads back the same way (`gunzip`).
package enum WALCompression {
    /// The level WAL is sealed at unless the policy turns compression off.
    package static let level = 1

    /// The level for `policy`'s WAL.
    package static func level(for policy: Policy) -> Int {
        policy.compression == .gzip && policy.compressionLevel == 0 ? 0 : level
    }
}
