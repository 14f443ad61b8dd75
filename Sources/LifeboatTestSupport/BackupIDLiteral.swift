import LifeboatCore

/// Lets a test write a backup id as a literal ("id1", "b\(step)"), taken as written the way the
/// catalog reads back its own rows; only tests import this, so real ids are always made or parsed.
extension BackupID: ExpressibleByStringInterpolation {
    package init(stringLiteral value: String) {
        self.init(trustedCatalogValue: value)
    }
}
