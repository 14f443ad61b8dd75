import Foundation
import LifeboatCore

/// Turns the `globals.sql` of a `pg_bundle` (pg_dumpall's roles) into the script a restore runs:
/// only the roles the target cluster does not have yet are created, with their attributes, settings,
/// comments and memberships; roles that exist are left exactly as they are.
///
/// The file comes from a backup, so it is read as hostile: only the statement shapes pg_dumpall
/// writes for roles are kept (`SET`, `CREATE ROLE r`, `ALTER ROLE r WITH|SET|RESET ...`,
/// `COMMENT ON ROLE r IS ...`, `GRANT r TO m ...`); psql's backslash commands (`\restrict`, and any
/// other) and every other statement are dropped and named in `skipped`, and a statement holding a
/// backslash or a psql variable (`:name`) outside quotes is dropped too, so psql runs no command of
/// the file's own.
package struct PostgresRolesScript: Equatable {
    /// The statements to run, in the file's order, each ending in `;` on its own line.
    package var script: String
    /// Roles the script creates (as the cluster names them).
    package var created: [String]
    /// Roles the file names that the target already has: left alone.
    package var existing: [String]
    /// The first words of statements that were dropped, for the log.
    package var skipped: [String]

    /// `sql` is the file's text; `existingRoles` the target's `pg_roles.rolname` values.
    package static func make(sql: String, existingRoles: Set<String>) -> PostgresRolesScript {
        var out = PostgresRolesScript(script: "", created: [], existing: [], skipped: [])
        var new: Set<String> = []
        var seenExisting: Set<String> = []
        var kept: [String] = []
        for statement in PostgresStatementSplitter.split(sql) {
            let t = statement.tokens
            func keepFor(_ role: String) {
                if new.contains(role) { kept.append(statement.text) }
            }
            guard !statement.unsafe, let first = t.first?.keyword else {
                out.skipped.append(statement.summary)
                continue
            }
            let skip = { out.skipped.append(statement.summary) }
            switch first {
            case "set" where t.count >= 2:
                kept.append(statement.text)
            case "create" where t.count == 3 && t[1].keyword == "role":
                guard let role = t[2].identifier else {
                    skip()
                    continue
                }
                if new.contains(role) { continue }
                if existingRoles.contains(role) {
                    if seenExisting.insert(role).inserted { out.existing.append(role) }
                    continue
                }
                new.insert(role)
                out.created.append(role)
                kept.append(statement.text)
            case "alter"
            where t.count >= 4 && t[1].keyword == "role"
                && ["with", "set", "reset"].contains(t[3].keyword ?? ""):
                guard let role = t[2].identifier else {
                    skip()
                    continue
                }
                keepFor(role)
            case "comment"
            where t.count >= 5 && t[1].keyword == "on" && t[2].keyword == "role"
                && t[4].keyword == "is":
                guard let role = t[3].identifier else {
                    skip()
                    continue
                }
                keepFor(role)
            case "grant" where t.count >= 4 && t[2].keyword == "to":
                guard t[1].identifier != nil, let member = t[3].identifier else {
                    skip()
                    continue
                }
                keepFor(member)
            default:
                skip()
            }
        }
        out.script = kept.map { $0 + ";\n" }.joined()
        return out
    }
}

/// One statement of a SQL file as psql would send it, with the words it starts with.
struct PostgresStatement {
    /// The statement's text without its `;`.
    var text: String
    /// Its leading words: keywords (lowercased) and identifiers (quoted ones unescaped).
    var tokens: [PostgresToken]
    /// True when psql would act on something of its own in it (a backslash or `:` outside quotes).
    var unsafe: Bool

    /// Its first three words, for messages.
    var summary: String {
        let words = text.split(whereSeparator: \.isWhitespace).prefix(3).joined(separator: " ")
        return TerminalText.printable(String(words.prefix(80)))
    }
}

/// A word of a statement: an unquoted word (keyword or identifier) or a quoted identifier.
struct PostgresToken: Equatable {
    var text: String
    var quoted: Bool

    /// The word lowercased, when it is an unquoted word.
    var keyword: String? { quoted ? nil : text.lowercased() }

    /// The role name it spells: an unquoted word folds to lower case, a quoted one is kept.
    var identifier: String? {
        if quoted { return text.isEmpty ? nil : text }
        let ok = text.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "$"
        }
        return ok && !text.isEmpty ? text.lowercased() : nil
    }
}

/// Splits SQL text into statements the way psql does for the shapes pg_dumpall writes: `;` ends a
/// statement outside quotes and comments; a line starting with a backslash is a psql command, and
/// is dropped (as a statement marked unsafe, so it is reported).
enum PostgresStatementSplitter {
    static func split(_ sql: String) -> [PostgresStatement] {
        var result: [PostgresStatement] = []
        let chars = Array(sql.unicodeScalars)
        var i = 0
        var text = String.UnicodeScalarView()
        var tokens: [PostgresToken] = []
        var word = ""
        var unsafe = false
        var atLineStart = true

        func endWord() {
            if !word.isEmpty { tokens.append(PostgresToken(text: word, quoted: false)) }
            word = ""
        }
        func endStatement() {
            endWord()
            let s = String(text).trimmingCharacters(in: .whitespacesAndNewlines)
            if !s.isEmpty { result.append(PostgresStatement(text: s, tokens: tokens, unsafe: unsafe)) }
            text = String.UnicodeScalarView()
            tokens = []
            unsafe = false
        }

        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            let blankSoFar = String(text).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            if c == "\\" && atLineStart && blankSoFar {
                // A psql meta-command line: reported, never run.
                var line = String.UnicodeScalarView()
                while i < chars.count, chars[i] != "\n" {
                    line.append(chars[i])
                    i += 1
                }
                result.append(PostgresStatement(text: String(line), tokens: [], unsafe: true))
                continue
            }
            atLineStart = c == "\n" || (atLineStart && (c == " " || c == "\t"))
            if c == "-" && next == "-" {
                endWord()
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && next == "*" {
                endWord()
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                text.append(" ")
                continue
            }
            if c == "'" || c == "\"" {
                endWord()
                var inner = String.UnicodeScalarView()
                text.append(c)
                i += 1
                while i < chars.count {
                    let q = chars[i]
                    text.append(q)
                    i += 1
                    if q == c {
                        if i < chars.count, chars[i] == c {
                            inner.append(c)
                            text.append(c)
                            i += 1
                            continue
                        }
                        break
                    }
                    inner.append(q)
                }
                if c == "\"" {
                    tokens.append(PostgresToken(text: String(inner), quoted: true))
                } else {
                    tokens.append(PostgresToken(text: "'", quoted: false))
                }
                continue
            }
            if c == ";" {
                endStatement()
                i += 1
                continue
            }
            if c == "\\" || c == ":" { unsafe = true }
            text.append(c)
            if CharacterSet.whitespacesAndNewlines.contains(c) || c == "," || c == "(" || c == ")" || c == "=" {
                endWord()
            } else {
                word.unicodeScalars.append(c)
            }
            i += 1
        }
        endStatement()
        return result
    }
}
