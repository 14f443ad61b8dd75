import Foundation
import LifeboatCore
import LifeboatDigest

/// The retention every object is written with on a bucket that has Object Lock, and the headers that
/// carry it: S3 refuses a locked write without an integrity header, so each carries its sha256 too.
package struct S3ObjectLock: Sendable, Equatable {
    /// S3's names for the two modes.
    package enum Mode: String, Sendable {
        case governance = "GOVERNANCE"
        case compliance = "COMPLIANCE"
    }

    package var mode: Mode
    package var days: Int

    package init(mode: Mode, days: Int) {
        self.mode = mode
        self.days = days
    }

    /// The period as seconds.
    package var period: TimeInterval { TimeInterval(days) * 86_400 }

    /// When an object written at `now` may be deleted again (whole seconds, as S3 keeps them).
    package func retainUntil(from now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 + period).rounded(.up))
    }

    /// Mode and retain-until date for a PUT or CreateMultipartUpload.
    func headers(now: Date) -> [(String, String)] {
        [
            ("x-amz-object-lock-mode", mode.rawValue),
            ("x-amz-object-lock-retain-until-date", Timestamp.iso8601(retainUntil(from: now))),
        ]
    }

    /// The flexible-checksum headers that satisfy S3's rule that a locked write carry Content-MD5 or
    /// a checksum: the sha256 we already compute for the signature, base64 rather than hex.
    static func checksumHeaders(sha256Hex: String) -> [(String, String)] {
        guard let raw = bytes(hex: sha256Hex) else { return [] }
        return [
            ("x-amz-sdk-checksum-algorithm", "SHA256"),
            ("x-amz-checksum-sha256", Data(raw).base64EncodedString()),
        ]
    }

    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// An S3 date (`2026-12-30T00:00:00Z`, `2026-12-30T00:00:00.000Z`); nil for anything else.
    package static func parseDate(_ text: String) -> Date? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if let dot = t.firstIndex(of: "."), t.hasSuffix("Z") {
            let fraction = t[t.index(after: dot)..<t.index(before: t.endIndex)]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            t = String(t[..<dot]) + "Z"
        }
        guard t.count == 20 else { return nil }
        return Timestamp.parseISO8601(t)
    }
}

/// What a bucket says of one object's lock (HEAD's `x-amz-object-lock-*` headers).
package struct S3Retention: Sendable, Equatable {
    package var mode: String
    package var until: Date

    package init(mode: String, until: Date) {
        self.mode = mode
        self.until = until
    }
}
