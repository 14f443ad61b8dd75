import LifeboatCore

/// A policy's hooks: commands run around its backup (stop a service before, notify a chat after).
/// Each hook is an argv list run without a shell, unless the operator names one (`[sh, -c, "..."]`).
package struct HooksSpec: Sendable, Equatable {
    /// Run in order before anything is taken; the first that fails fails the backup.
    package var before: [[String]] = []
    /// Run in order once the backup is complete or degraded.
    package var after: [[String]] = []
    /// Run in order when the backup failed (a `before` hook's failure included).
    package var onFailure: [[String]] = []
    /// How long one hook may run before its process group is killed and it counts as failed.
    package var timeout = DurationValue(seconds: 300)

    package init() {}

    package var isEmpty: Bool { before.isEmpty && after.isEmpty && onFailure.isEmpty }
}

extension HooksSpec {
    /// `hooks: { before: [[argv...], ...], after: [...], on_failure: [...], timeout: 5m }`.
    static func parse(_ v: YAMLValue) throws -> HooksSpec {
        let f = try v.fields("hooks")
        var h = HooksSpec()
        h.before = try f.optional("before").map { try argvList($0, "hooks.before") } ?? []
        h.after = try f.optional("after").map { try argvList($0, "hooks.after") } ?? []
        h.onFailure = try f.optional("on_failure").map { try argvList($0, "hooks.on_failure") } ?? []
        if let t = f.optional("timeout") {
            h.timeout = try t.duration("hooks.timeout", most: DurationValue(seconds: 86400))
        }
        try f.finish()
        return h
    }

    /// A list of argv lists; a hook written as one string is refused with what to write instead.
    static func argvList(_ v: YAMLValue, _ name: String) throws -> [[String]] {
        try v.list(name).map { item in
            guard case .sequence = item.node else {
                let text = (try? item.string(name)) ?? "?"
                throw item.error(
                    "\(name): each hook is an argv list, like [systemctl, stop, app]; for a shell line write [sh, -c, \"\(text)\"]"
                )
            }
            let argv = try item.stringList(name)
            guard let first = argv.first, !first.isEmpty else { throw item.error("\(name): a hook needs a program") }
            return argv
        }
    }
}
