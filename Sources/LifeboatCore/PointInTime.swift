import Foundation

/// The target of `restore --until TIME`: an instant read from RFC 3339 (`2026-11-29T14:05:00Z`,
/// `2026-11-29T14:05:00.250+01:00`) or `YYYY-MM-DD HH:MM:SS[+TZ]`, where a missing zone means UTC.
package struct PointInTime: Sendable, Equatable, CustomStringConvertible {
    package var date: Date

    package init(date: Date) { self.date = date }

    /// Reads `text`; a value that is neither form throws a usage error naming it and the forms.
    package init(parsing text: String) throws {
        guard let date = Self.parse(text) else {
            throw LifeboatError(
                .usage,
                "--until \(text.debugDescription) is not a time: write RFC 3339 (2026-11-29T14:05:00Z) or 'YYYY-MM-DD HH:MM:SS[+HH:MM]' (UTC when no zone)"
            )
        }
        self.date = date
    }

    package var description: String { Timestamp.iso8601(date) }

    /// The one time parser of the recovery targets (`PointInTimeTarget.parseTime`), blanks around it allowed.
    static func parse(_ text: String) -> Date? {
        PointInTimeTarget.parseTime(text.trimmingCharacters(in: .whitespaces))
    }
}
