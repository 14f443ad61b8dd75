import Foundation
import LifeboatCLI
import LifeboatCore
import Synchronization

/// Draws a meter's progress line on standard error, redrawn four times a second with a carriage
/// return and cleared at the end, only when standard error is a terminal: journald, cron mail and a
/// redirected file never see it. `--no-progress` turns it off.
final class ProgressDisplay: Sendable {
    private let meter: ProgressMeter
    private let stopped = Atomic(false)
    private let drawn = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    /// The display drawing now, so a log line can clear the progress line before it is written.
    private static let current = Mutex<ProgressDisplay?>(nil)

    /// Clears the progress line, when one is drawn (a log line is about to be written).
    static let clearCurrent: @Sendable () -> Void = { current.withLock { $0 }?.clear() }

    /// Starts drawing when stderr is a terminal and progress is wanted; nil otherwise.
    static func start(_ meter: ProgressMeter, enabled: Bool) -> ProgressDisplay? {
        guard enabled, isatty(STDERR_FILENO) == 1 else { return nil }
        let display = ProgressDisplay(meter: meter)
        current.withLock { $0 = display }
        let thread = Thread { display.loop() }
        thread.name = "lifeboat-progress"
        thread.start()
        return display
    }

    private init(meter: ProgressMeter) { self.meter = meter }

    private func loop() {
        while !stopped.load(ordering: .relaxed) {
            usleep(250_000)
            if stopped.load(ordering: .relaxed) { break }
            let snapshot = meter.snapshot
            guard !snapshot.task.isEmpty else { continue }
            let line = ProgressLine.render(snapshot, now: Date(), width: Self.columns())
            drawn.withLock { drawn in
                Self.write("\r" + line + "\u{1B}[K")
                drawn = true
            }
        }
        done.signal()
    }

    /// Clears the line (so a line printed next starts clean); the next redraw brings it back.
    func clear() {
        drawn.withLock { drawn in
            if drawn { Self.write("\r\u{1B}[K") }
            drawn = false
        }
    }

    /// Stops drawing and clears the line.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        done.wait()
        clear()
        Self.current.withLock { if $0 === self { $0 = nil } }
    }

    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { b in _ = Foundation.write(STDERR_FILENO, b.baseAddress, b.count) }
    }

    /// The terminal's width (80 when it will not say).
    static func columns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
