import Foundation

/// How far ahead of a reader's clock a time from elsewhere (a backup id, a signature, a catalog row)
/// may lie before it counts as dated in the future: one rule for every reader, so a host whose clock
/// runs a little fast is not refused, and a backup dated tomorrow never counts.
package enum ClockSkew {
    package static let allowed: TimeInterval = 600
}
