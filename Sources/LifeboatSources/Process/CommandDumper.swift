import Foundation
import LifeboatCore

/// The `command` source: runs an operator's program whose stdout is the dump and streams it into
/// the pipeline. A non-zero exit or a signal is a failure carrying the program's last stderr lines,
/// and the sink is then never finished, so nothing downstream can seal a partial dump.
package struct CommandDumper {
    package let argv: [String]
    package let environment: [String: String]
    /// Names the source in messages ("command", "pg_dump", "mariadb-dump").
    package let what: String

    package init(argv: [String], environment: [String: String] = [:], what: String = "command") {
        self.argv = argv
        self.environment = environment
        self.what = what
    }

    /// Streams the program's stdout into `sink` and finishes it when the program succeeded.
    @discardableResult
    package func write(to sink: ByteSink) throws -> Int64 {
        let child = try ProcessChild(argv, environment: environment)
        let bytes: Int64
        do {
            bytes = try child.pumpStdout(into: sink)
        } catch {
            child.kill()
            child.wait()
            throw error
        }
        let t = child.wait()
        guard t.succeeded else { throw child.failure("\(what) failed", t) }
        try sink.finish()
        return bytes
    }
}
