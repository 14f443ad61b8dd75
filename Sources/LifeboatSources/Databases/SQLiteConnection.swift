import Foundation
import GRDBSQLite
import LifeboatCore

/// A minimal handle on the system libsqlite3: what the sqlite source, its lock and its loader need
/// (open, execute, one value, online backup, serialize), with errors that name the database.
package final class SQLiteConnection {
    let db: OpaquePointer
    package let path: String

    package init(path: String, readOnly: Bool = false, busyTimeoutMs: Int32 = 10_000) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let handle { sqlite3_close_v2(handle) }
            throw LifeboatError.failed("sqlite: cannot open \(path): \(message)")
        }
        db = handle
        sqlite3_busy_timeout(db, busyTimeoutMs)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(db) }

    var errorMessage: String { String(cString: sqlite3_errmsg(db)) }

    /// Runs one or more statements that return no rows.
    package func execute(_ sql: String) throws {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw LifeboatError.failed("sqlite: \(path): \(sql): \(errorMessage)") }
    }

    /// The first column of every row of a query, as text.
    package func column(_ sql: String) throws -> [String] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw LifeboatError.failed("sqlite: \(path): \(sql): \(errorMessage)")
        }
        defer { sqlite3_finalize(stmt) }
        var out: [String] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return out }
            guard rc == SQLITE_ROW else { throw LifeboatError.failed("sqlite: \(path): \(sql): \(errorMessage)") }
            out.append(sqlite3_column_text(stmt, 0).map { String(cString: $0) } ?? "")
        }
    }

    /// The first column of the first row, as text.
    package func scalar(_ sql: String) throws -> String? { try column(sql).first }

    /// `PRAGMA integrity_check`: nil when the database is sound, else what it found.
    package func integrityProblems() throws -> String? {
        let rows = try column("PRAGMA integrity_check")
        return rows == ["ok"] ? nil : rows.prefix(5).joined(separator: "; ")
    }
}
