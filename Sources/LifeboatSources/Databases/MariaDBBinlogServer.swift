import Foundation
import LifeboatCore

/// What binary log archiving asks of a MariaDB server: rotate the log, list the logs it still holds,
/// and read one closed log byte for byte over the client protocol (`mariadb-binlog
/// --read-from-remote-server --raw`), so the archiver works from any host that can log in.
package struct MariaDBBinlogServer {
    /// One binary log the server holds, as `SHOW BINARY LOGS` names it.
    package struct Log: Sendable, Equatable {
        package var name: String
        package var size: Int64
        package init(name: String, size: Int64) {
            self.name = name
            self.size = size
        }
    }

    package let endpoint: MariaDBEndpoint

    package init(endpoint: MariaDBEndpoint) { self.endpoint = endpoint }

    /// `FLUSH BINARY LOGS`: closes the current log and opens the next, so what was written is archivable.
    package func rotate() throws {
        _ = try DatabaseQuery.mariadb(endpoint, "FLUSH BINARY LOGS")
    }

    /// The logs the server holds, oldest first; the last one is the log being written.
    package func logs() throws -> [Log] {
        try Self.parse(showBinaryLogs: try DatabaseQuery.mariadb(endpoint, "SHOW BINARY LOGS"))
    }

    /// Reads the rows of `SHOW BINARY LOGS` (name, size), refusing a name that is not a log file's.
    package static func parse(showBinaryLogs rows: [String]) throws -> [Log] {
        try rows.map { row in
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, BinlogPosition.isLogName(String(fields[0])), let size = Int64(fields[1]),
                size >= 0
            else {
                throw LifeboatError.failed(
                    "mariadb: SHOW BINARY LOGS answered \(row.debugDescription), not a log name and size",
                    hint: "binlog archiving needs log_bin on the server")
            }
            return Log(name: String(fields[0]), size: size)
        }
    }

    /// Copies the closed log `name` into `directory` (as a file of that name) and returns its path.
    package func fetch(_ name: String, into directory: String) throws -> String {
        guard BinlogPosition.isLogName(name) else {
            throw LifeboatError(.usage, "refusing binary log name \(name.debugDescription)")
        }
        let (folder, options) = try endpoint.optionsFile()
        defer { withExtendedLifetime(folder) {} }
        let child = try ProcessChild(
            [
                ToolLocator.find("mariadb-binlog"), "--defaults-extra-file=\(options)",
                "--read-from-remote-server", "--raw", "--result-file=\(directory)/", "--", name,
            ],
            stdout: .null)
        let t = child.wait()
        guard t.succeeded else { throw child.failure("mariadb-binlog could not read \(name)", t) }
        let path = "\(directory)/\(name)"
        guard FileManager.default.fileExists(atPath: path) else {
            throw LifeboatError.failed("mariadb-binlog wrote no file for \(name)")
        }
        return path
    }
}
