import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatSources
import Logging

/// Runs a policy's hooks around its backup: each argv in order, without a shell, with the policy, the
/// backup id, its status and its error line in the environment (and nothing secret: children get the
/// scrubbed environment every child gets), each within the policy's hook timeout, its output logged.
struct HookRunner {
    let policy: Policy
    let logger: Logger
    let runner: CommandRunner

    init(policy: Policy, logger: Logger, runner: CommandRunner = SystemCommandRunner()) {
        self.policy = policy
        self.logger = logger
        self.runner = runner
    }

    /// The `before` hooks; the first that fails (or times out) stops the rest and is returned as the
    /// reason the backup is not taken.
    func before() -> String? {
        for argv in policy.hooks.before {
            if let problem = run(argv, stage: "before", environment: environment(id: nil, status: "starting")) {
                return problem
            }
        }
        return nil
    }

    /// The `after` hooks (a complete or degraded backup) or the `on_failure` ones; every one runs, and
    /// one that fails is logged: the backup's own outcome stands.
    func afterward(id: BackupID?, status: BackupStatus, error: String?) {
        let failed = status == .failed
        let stage = failed ? "on_failure" : "after"
        for argv in failed ? policy.hooks.onFailure : policy.hooks.after {
            if let problem = run(argv, stage: stage, environment: environment(id: id, status: status.rawValue, error)) {
                logger.warning("\(policy.name): \(problem)")
            }
        }
    }

    func environment(id: BackupID?, status: String, _ error: String? = nil) -> [String: String] {
        var env = ["LIFEBOAT_POLICY": policy.name, "LIFEBOAT_STATUS": status]
        if let id { env["LIFEBOAT_BACKUP_ID"] = id.rawValue }
        if let error { env["LIFEBOAT_ERROR"] = error }
        return env
    }

    /// Runs one hook; nil when it succeeded, else one line saying which hook failed and how.
    func run(_ argv: [String], stage: String, environment: [String: String]) -> String? {
        let what = "\(stage) hook \(argv.joined(separator: " "))"
        let deadline = ContinuousClock.now + .seconds(policy.hooks.timeout.seconds)
        let outcome: CommandOutcome
        do {
            outcome = try runner.run(argv, environment: environment, deadline: deadline)
        } catch {
            return "\(what): \(error)"
        }
        for line in outcome.stdout.split(separator: "\n").prefix(50) {
            logger.info("\(policy.name): \(stage) hook: \(line)")
        }
        guard let t = outcome.termination else {
            return "\(what) did not finish within \(policy.hooks.timeout) and was killed"
        }
        guard t.succeeded else {
            return "\(what) \(t)" + (outcome.stderr.isEmpty ? "" : ": \(outcome.stderr)")
        }
        return nil
    }
}
