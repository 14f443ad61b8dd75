import Foundation
import LifeboatCore

/// The one line a terminal shows while a long command works: what it does, bytes in and out, the
/// rate, chunks per destination and, when the total is known, the time left. A pure function of a
/// meter's snapshot and the clock, cut to the terminal's width so it never wraps.
package enum ProgressLine {
    package static func render(_ s: ProgressMeter.Snapshot, now: Date, width: Int) -> String {
        let elapsed = max(0.001, now.timeIntervalSince(s.started))
        var parts: [String] = []
        if let expected = s.expectedIn, expected > 0 {
            parts.append("in \(ByteText.human(s.bytesIn))/\(ByteText.human(expected))")
        } else {
            parts.append("in \(ByteText.human(s.bytesIn))")
        }
        if s.bytesOut > 0 { parts.append("out \(ByteText.human(s.bytesOut))") }
        let rate = Double(s.bytesIn) / elapsed
        parts.append("\(ByteText.human(Int64(rate)))/s")
        if !s.chunks.isEmpty {
            let total = s.chunksTotal.map { "/\($0)" } ?? ""
            parts.append("chunks " + s.chunks.map { "\($0.destination) \($0.done)\(total)" }.joined(separator: ", "))
        }
        if let expected = s.expectedIn, expected > 0, rate > 0, s.bytesIn > 0 {
            let left = Double(max(0, expected - s.bytesIn)) / rate
            parts.append("ETA \(clock(left))")
        }
        let line = "\(s.task): " + parts.joined(separator: ", ")
        let room = max(10, width - 1)
        return line.count <= room ? line : String(line.prefix(room - 1)) + "…"
    }

    /// `0:07`, `12:30`, `1:02:03`.
    package static func clock(_ seconds: Double) -> String {
        let t = Int(seconds.rounded(.up))
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
