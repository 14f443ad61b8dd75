import Foundation
import LifeboatCore

/// Loads a `sql_databases` backup into a server with the `mariadb` client, as `mariadb < dump.sql`
/// would. Before a statement runs it reads the first line, the databases the backup holds, and
/// refuses a target where any of them already holds tables (the dump re-creates each table, and
/// the client runs statements as they come): nothing is touched then.
package final class MariaDBDatabasesLoader: ByteSink {
    let endpoint: MariaDBEndpoint
    private var head: [UInt8] = []
    private var pipe: LoaderPipe?
    private var folder: CredentialFolder?
    /// The longest first line read: a header naming many databases.
    static let headLimit = 1 << 20

    package init(endpoint: MariaDBEndpoint) { self.endpoint = endpoint }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let pipe { return try pipe.write(bytes) }
        head.append(contentsOf: bytes)
        guard let newline = head.firstIndex(of: UInt8(ascii: "\n")) else {
            if head.count > Self.headLimit { throw Self.notOurs }
            return
        }
        guard let names = MariaDBDatabasesDumper.names(inHeader: String(decoding: head[..<newline], as: UTF8.self))
        else { throw Self.notOurs }
        for name in names {
            var target = endpoint
            target.database = name
            do {
                try MariaDBLoader.requireEmptyTarget(target)
            } catch let e as LifeboatError {
                throw TargetRefused(failure: e)
            }
        }
        let (folder, options) = try endpoint.optionsFile()
        self.folder = folder
        let child = try ProcessChild(
            [ToolLocator.find("mariadb"), "--defaults-extra-file=\(options)", "--batch"], stdin: .pipe, stdout: .null)
        let p = LoaderPipe(child, what: "mariadb", failure: "loading into mariadb failed")
        pipe = p
        let buffered = head
        head = []
        try buffered.withUnsafeBytes { try p.write($0) }
    }

    package func finish() throws {
        guard let pipe else { throw Self.notOurs }
        try pipe.finish()
    }

    package func abandon() { pipe?.abandon() }

    static var notOurs: LifeboatError {
        LifeboatError.failed("the backup's first line does not name its databases: not a sql_databases dump")
    }
}
