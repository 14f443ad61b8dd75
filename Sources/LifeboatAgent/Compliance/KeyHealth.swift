import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto

/// Whether a policy's keys still work and for how long: a recipient or the host's signing key that
/// expires within `warningWindow` is a warning, a policy left with no usable recipient (or a signing
/// key that has expired, whose signatures readers refuse) is critical.
package struct KeyHealth: Sendable, Equatable {
    package static let warningWindow: TimeInterval = 30 * 86400

    package var warnings: [String] = []
    package var critical: [String] = []

    package init(warnings: [String] = [], critical: [String] = []) {
        self.warnings = warnings
        self.critical = critical
    }

    /// Folds the key findings into an RPO verdict: the worse state wins, the messages are appended.
    package func applied(to result: Compliance.Result) -> Compliance.Result {
        var r = result
        let notes = critical + warnings
        guard !notes.isEmpty else { return r }
        let state: Compliance.Status = critical.isEmpty ? .warning : .critical
        if state > r.status { r.status = state }
        r.message = ([r.message] + notes).filter { !$0.isEmpty }.joined(separator: "; ")
        return r
    }
}

/// Reads the keys `check` looks at, each file once however many policies name it.
final class KeyHealthProbe {
    let now: Date
    private var recipients: [String: Result<OpenPGPPublicKey, Error>] = [:]
    private var signing: KeyHealth?

    init(now: Date) { self.now = now }

    func health(of policy: Policy, signingKey: String) -> KeyHealth {
        var health = signingHealth(signingKey)
        var usable = 0
        var unusable: [String] = []
        for path in policy.recipients {
            let loaded = recipients[path] ?? Result { try OpenPGPPublicKey.load(contentsOf: path, now: now) }
            recipients[path] = loaded
            switch loaded {
            case .success(let key):
                usable += 1
                if let ends = key.expires, ends.timeIntervalSince(now) < KeyHealth.warningWindow {
                    health.warnings.append(
                        "recipient key \(key.fingerprint) (\(path)) expires on \(Timestamp.iso8601(ends))")
                }
            case .failure(let error):
                unusable.append(KeyLoading.named(String(describing: error), path))
            }
        }
        if usable == 0 {
            health.critical.append("no usable recipient: " + unusable.joined(separator: "; "))
        } else {
            health.warnings += unusable.map { "recipient not usable: \($0)" }
        }
        return health
    }

    func signingHealth(_ path: String) -> KeyHealth {
        if let signing { return signing }
        var health = KeyHealth()
        do {
            if let key = try HostSigningKey.load(path: path), let ends = key.expires {
                if ends <= now {
                    health.critical.append(
                        "signing key \(key.fingerprint) expired on \(Timestamp.iso8601(ends)): readers refuse what it signs now"
                    )
                } else if ends.timeIntervalSince(now) < KeyHealth.warningWindow {
                    health.warnings.append("signing key \(key.fingerprint) expires on \(Timestamp.iso8601(ends))")
                }
            }
        } catch {
            health.critical.append("signing key: \(error)")
        }
        signing = health
        return health
    }
}
