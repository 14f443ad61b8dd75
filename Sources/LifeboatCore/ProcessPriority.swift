import CLifeboatSystem
import Foundation
import Synchronization

/// Lowers (or raises) the CPU and I/O priority of every thread of this process for the length of one
/// policy's backup, then puts back what was there. On Linux both are per thread: each thread in
/// /proc/self/task is set, threads made later inherit from the thread that makes them, and the
/// dumpers and hooks started meanwhile inherit from the thread that starts them.
package struct ProcessPriority: Sendable {
    package let nice: Int32?
    package let io: IOPriority?

    package init(nice: Int32?, io: IOPriority?) {
        self.nice = nice
        self.io = io
    }

    static let ioprioWhoProcess: Int32 = 1

    /// What the threads had before: restored by `restore`.
    package struct Saved: Sendable {
        let nice: Int32
        let io: Int32
    }

    /// Applies the settings to every thread; returns what to put back, and the problems met (a lower
    /// nice than before needs CAP_SYS_NICE, realtime I/O needs CAP_SYS_ADMIN).
    package func apply() -> (saved: Saved, problems: [String]) {
        errno = 0
        let saved = Saved(
            nice: Int32(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)),
            io: lifeboat_ioprio_get(Self.ioprioWhoProcess, 0))
        return (saved, set(nice: nice, io: io?.kernelValue))
    }

    /// Sets every thread again: libdispatch starts some worker threads at its own priority, so the
    /// settings are set again on every thread while the backup runs (see `keep`).
    @discardableResult
    package func reassert() -> [String] { set(nice: nice, io: io?.kernelValue) }

    /// Sets every thread again every `interval` seconds until `stop` is called on what it returns.
    package func keep(every interval: Double = 0.2) -> Keeper {
        let keeper = Keeper()
        let thread = Thread {
            while !keeper.stopped.load(ordering: .relaxed) {
                usleep(UInt32(interval * 1_000_000))
                if keeper.stopped.load(ordering: .relaxed) { break }
                _ = self.reassert()
            }
            keeper.done.signal()
        }
        thread.name = "lifeboat-priority"
        thread.start()
        return keeper
    }

    /// The loop `keep` runs; `stop` ends it and waits for it.
    package final class Keeper: Sendable {
        let stopped = Atomic(false)
        let done = DispatchSemaphore(value: 0)

        package func stop() {
            guard !stopped.exchange(true, ordering: .relaxed) else { return }
            done.wait()
        }
    }

    /// Puts back what `apply` found.
    @discardableResult
    package func restore(_ saved: Saved) -> [String] {
        set(nice: nice == nil ? nil : saved.nice, io: io == nil || saved.io < 0 ? nil : saved.io)
    }

    private func set(nice: Int32?, io: Int32?) -> [String] {
        var problems: [String] = []
        for tid in Self.threads() {
            if let nice, setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), nice) != 0 {
                problems.append("nice \(nice): \(String(cString: strerror(errno)))")
            }
            if let io, lifeboat_ioprio_set(Self.ioprioWhoProcess, tid, io) != 0 {
                problems.append("ionice: \(String(cString: strerror(errno)))")
            }
        }
        return Array(Set(problems)).sorted()
    }

    /// The ids of this process's threads.
    static func threads() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let ids = names.compactMap { Int32($0) }
        return ids.isEmpty ? [0] : ids
    }
}
