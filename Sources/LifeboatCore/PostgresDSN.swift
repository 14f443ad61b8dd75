import Foundation

/// A libpq connection string as a policy's `dsn` or `restore --into` gives it, read only to keep
/// passwords out of it: whatever is in a DSN reaches pg_dump's or pg_restore's command line, where
/// `ps` shows it to every user of the host. Passwords go in a `password_file`.
package enum PostgresDSN {
    /// Whether `dsn` carries a password: a `password` keyword (`password=x`, `password = 'x'`), or in
    /// URI form a `user:password@` or a `password=` query parameter.
    package static func hasPassword(_ dsn: String) -> Bool {
        let trimmed = dsn.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            let rest = trimmed.drop { $0 != "/" }.dropFirst(2)
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
            guard let q = rest.firstIndex(of: "?") else { return false }
            return rest[rest.index(after: q)...].split(separator: "&")
                .contains { $0.split(separator: "=", maxSplits: 1).first?.lowercased() == "password" }
        }
        return keywords(dsn).contains { $0.key == "password" }
    }

    /// Splits out a `password_file=PATH` word (Lifeboat's, not libpq's) for `restore --into`; returns
    /// the DSN without it and the path.
    package static func takingPasswordFile(_ dsn: String) -> (dsn: String, passwordFile: String?) {
        let pairs = keywords(dsn)
        guard let file = pairs.last(where: { $0.key == "password_file" })?.value else { return (dsn, nil) }
        let rest = pairs.filter { $0.key != "password_file" }.map { "\($0.key)='\(escape($0.value))'" }
        return (rest.joined(separator: " "), file)
    }

    /// The `key = value` pairs of a keyword/value connection string (values may be single-quoted,
    /// with `\'` and `\\` escapes), keys lowercased.
    static func keywords(_ dsn: String) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        var chars = Substring(dsn)
        func skipSpace() { while let c = chars.first, c.isWhitespace { chars.removeFirst() } }
        while true {
            skipSpace()
            guard !chars.isEmpty else { return out }
            let key = chars.prefix { $0 != "=" && !$0.isWhitespace }
            chars.removeFirst(key.count)
            skipSpace()
            guard chars.first == "=" else { return out }
            chars.removeFirst()
            skipSpace()
            var value = ""
            if chars.first == "'" {
                chars.removeFirst()
                while let c = chars.popFirst(), c != "'" {
                    if c == "\\", let next = chars.popFirst() { value.append(next) } else { value.append(c) }
                }
            } else {
                while let c = chars.first, !c.isWhitespace {
                    chars.removeFirst()
                    if c == "\\", let next = chars.popFirst() { value.append(next) } else { value.append(c) }
                }
            }
            out.append((key.lowercased(), value))
        }
    }

    static func escape(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }
}
