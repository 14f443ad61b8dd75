/// A policy's `ionice`: the I/O scheduling class and level Lifeboat's threads and its dumpers get, as
/// ionice(1) names them: `idle`, `best-effort:N` or `realtime:N` (N from 0, the most, to 7).
package enum IOPriority: Sendable, Equatable, CustomStringConvertible {
    case idle
    case bestEffort(Int)
    case realtime(Int)

    /// Reads `idle`, `best-effort:N`, `realtime:N` (also `best-effort`, level 4); nil for anything else.
    package init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first else { return nil }
        let level: Int?
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...7).contains(n) else { return nil }
            level = n
        } else {
            level = nil
        }
        switch name {
        case "idle" where level == nil: self = .idle
        case "best-effort": self = .bestEffort(level ?? 4)
        case "realtime": self = .realtime(level ?? 4)
        default: return nil
        }
    }

    package var description: String {
        switch self {
        case .idle: return "idle"
        case .bestEffort(let n): return "best-effort:\(n)"
        case .realtime(let n): return "realtime:\(n)"
        }
    }

    /// The kernel's encoding: class << 13 | level (IOPRIO_PRIO_VALUE).
    package var kernelValue: Int32 {
        switch self {
        case .realtime(let n): return 1 << 13 | Int32(n)
        case .bestEffort(let n): return 2 << 13 | Int32(n)
        case .idle: return 3 << 13
        }
    }
}
