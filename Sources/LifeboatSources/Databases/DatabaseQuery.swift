import Foundation
import LifeboatCore

/// Runs one SQL text through a database's own client (psql, mariadb) and returns the rows it prints,
/// one line each, tab-separated: what a drill needs to make, prove and drop a scratch database without
/// linking a client library. Credentials travel as the loaders' do, never on a command line.
package enum DatabaseQuery {
    /// How long a query may take before the client is stopped.
    package static let timeout: Duration = .seconds(600)
    /// How long a client waits for a server that does not answer (a DSN's own `connect_timeout` wins).
    package static let connectTimeoutSeconds = 15

    /// `sql` through psql against the libpq connection string `dsn` (`ON_ERROR_STOP`, unaligned, tuples only).
    package static func postgres(dsn: String, passwordFile: String?, _ sql: String) throws -> [String] {
        let creds = try PostgresCredentials(passwordFile: passwordFile)
        let child = try ProcessChild(
            [
                ToolLocator.find("psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                "--no-password", "--dbname=\(dsn)", "-c", sql,
            ],
            environment: creds.environment.merging(["PGCONNECT_TIMEOUT": "\(connectTimeoutSeconds)"]) { a, _ in a },
            stdout: .pipe, evenWhenStopping: true)
        return try lines(of: child, what: "psql")
    }

    /// `sql` through the mariadb client as `endpoint`'s user, outside any database (`--batch`, no column names).
    package static func mariadb(_ endpoint: MariaDBEndpoint, _ sql: String) throws -> [String] {
        let (folder, options) = try endpoint.optionsFile()
        defer { withExtendedLifetime(folder) {} }
        let child = try ProcessChild(
            [
                ToolLocator.find("mariadb"), "--defaults-extra-file=\(options)", "--batch", "--skip-column-names",
                "--connect-timeout=\(connectTimeoutSeconds)", "-e", sql,
            ],
            stdout: .pipe, evenWhenStopping: true)
        return try lines(of: child, what: "mariadb")
    }

    static func lines(of child: ProcessChild, what: String) throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var out: [String] = []
        while let line = child.readLine(deadline: deadline) { out.append(line) }
        if ContinuousClock.now >= deadline { child.kill() }
        let t = child.wait()
        guard t.succeeded else { throw child.failure("\(what) failed", t) }
        return out
    }
}
