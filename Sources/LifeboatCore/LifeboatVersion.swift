/// Lifeboat's own version, and the formats it writes: what `lifeboat version` prints and what a bug
/// report needs.
package enum LifeboatVersion {
    /// The release, as `MAJOR.MINOR.PATCH`.
    package static let current = "0.2.0"
}
