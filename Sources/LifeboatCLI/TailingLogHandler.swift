import Foundation
import LifeboatCore
import Logging

/// Wraps the log handler the operator chose and also keeps every line of level info and above in
/// `LogTail.shared`, whatever level is shown, so a failure's heartbeat can carry the last lines.
package struct TailingLogHandler: LogHandler {
    var inner: LogHandler
    let tail: LogTail
    /// The level the operator sees (`-v`: info; otherwise warning).
    var shown: Logger.Level

    /// Runs before a line is shown: the progress display clears its line, so the log line starts clean.
    let beforeShowing: @Sendable () -> Void

    package init(_ inner: LogHandler, tail: LogTail = .shared, beforeShowing: @escaping @Sendable () -> Void = {}) {
        self.inner = inner
        self.tail = tail
        self.beforeShowing = beforeShowing
        shown = inner.logLevel
    }

    package var logLevel: Logger.Level {
        get { min(shown, .info) }
        set {
            inner.logLevel = newValue
            shown = newValue
        }
    }

    package var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    package func log(event: LogEvent) {
        tail.append("\(Timestamp.iso8601(Date())) \(event.level) \(event.message)")
        if event.level >= shown {
            beforeShowing()
            inner.log(event: event)
        }
    }
}
