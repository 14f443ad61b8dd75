import Foundation

/// The environment every program Lifeboat starts gets: only what any tool needs to run (PATH, HOME,
/// LANG, LC_*, TZ, TMPDIR) plus the tool's own variables (PGPASSFILE, LIFEBOAT_SNAPSHOT_NAME...).
/// Lifeboat's own environment may hold destination secrets (AWS_*) and anything its caller set; an
/// operator's command or a database tool has no business seeing them.
package enum ChildEnvironment {
    /// The variables passed on from Lifeboat's environment.
    package static let kept: Set<String> = ["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR"]

    /// `inherited` filtered down to `kept` and `LC_*`, then `own` added.
    package static func make(
        _ own: [String: String],
        inherited: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        var env = inherited.filter { kept.contains($0.key) || $0.key.hasPrefix("LC_") }
        if env["PATH"] == nil { env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
        for (k, v) in own { env[k] = v }
        return env
    }
}
