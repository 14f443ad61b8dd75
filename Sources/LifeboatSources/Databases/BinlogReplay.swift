import Foundation
import LifeboatCore

/// Replays archived binary logs into a database: `mariadb-binlog --start-position=P
/// --stop-datetime=T --database=SOURCE --rewrite-db=SOURCE->TARGET FILES... | mariadb TARGET`. Only the
/// policy's own database is replayed, under the target's name; events of the second after `until` and
/// later are not (binary log times are whole seconds, so a commit at `until`'s second is replayed).
/// The replayed transactions keep the GTIDs they had, so the target server logs them under those again.
package struct BinlogReplay {
    package let source: String
    package let target: MariaDBEndpoint
    package let start: BinlogPosition
    package let until: Date
    /// The log files in order; the first is `start.file`.
    package let files: [String]

    package init(source: String, target: MariaDBEndpoint, start: BinlogPosition, until: Date, files: [String]) {
        self.source = source
        self.target = target
        self.start = start
        self.until = until
        self.files = files
    }

    /// `--stop-datetime` for `until`: the next whole second, in UTC (the child runs with TZ=UTC).
    package static func stopDatetime(_ until: Date) -> String {
        let next = Date(timeIntervalSince1970: (until.timeIntervalSince1970).rounded(.down) + 1)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 0)
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: next)
    }

    package func run() throws {
        guard !files.isEmpty else { return }
        let decoder = try ProcessChild(
            [
                // Not strict about GTID order: a log may hold transactions replayed under their old GTIDs
                // (an earlier restore into the same server), which is no reason to refuse the rest.
                ToolLocator.find("mariadb-binlog"), "--no-defaults", "--skip-gtid-strict-mode",
                "--start-position=\(start.position)",
                "--stop-datetime=\(Self.stopDatetime(until))", "--database=\(source)",
                "--rewrite-db=\(source)->\(target.database)", "--",
            ] + files,
            environment: ["TZ": "UTC"], stdout: .pipe)
        let loader = try MariaDBLoader(endpoint: target)
        do {
            _ = try decoder.pumpStdout(into: loader)
        } catch {
            decoder.kill()
            decoder.wait()
            loader.abandon()
            throw error
        }
        let t = decoder.wait()
        guard t.succeeded else {
            loader.abandon()
            throw decoder.failure("mariadb-binlog could not decode the archived logs", t)
        }
        try loader.finish()
    }
}
