import LifeboatConfig

/// Whether a policy's copies can be lost together: destinations in one failure domain (one site, one
/// provider, one account) fall to one fire, outage or compromise. `failure_domain` names each
/// destination's; this says when a policy has fewer than two, and how many domains a backup is held in.
package enum FailureDomains {
    /// The distinct domains the destinations name (those without one are not counted: they could be anywhere).
    package static func distinct(_ destinations: [DestinationSpec]) -> Set<String> {
        Set(destinations.compactMap { $0.failureDomain.flatMap { $0.isEmpty ? nil : $0 } })
    }

    /// The warning for a policy whose copies all sit in one failure domain as far as its destinations say,
    /// or nil when they name at least two.
    package static func sharedDomainWarning(_ policy: Policy) -> String? {
        let domains = distinct(policy.destinations)
        guard domains.count < 2 else { return nil }
        let unnamed = policy.destinations.filter { ($0.failureDomain ?? "").isEmpty }.map(\.name)
        if let only = domains.first {
            let rest = unnamed.isEmpty ? "" : " (\(unnamed.joined(separator: ", ")) name none)"
            return "all destinations are in one failure domain, \(only)\(rest): one loss can take every copy"
        }
        return "no destination names a failure_domain: nothing shows that one loss cannot take every copy"
    }

    /// The `min_failure_domains` warning: the newest complete backup is held at `held` (destination names,
    /// those it was shipped to) in fewer distinct domains than the policy asks for; nil when enough.
    package static func shortfall(_ policy: Policy, heldAt held: [String]) -> String? {
        guard let wanted = policy.minFailureDomains else { return nil }
        let holding = policy.destinations.filter { held.contains($0.name) }
        let domains = distinct(holding).sorted()
        guard domains.count < wanted else { return nil }
        let list = domains.isEmpty ? "none" : domains.joined(separator: ", ")
        return
            "newest complete backup is held in \(domains.count) failure domain(s) (\(list)), fewer than min_failure_domains \(wanted)"
    }

    /// `check`'s verdict with the failure-domain findings: the shared-domain warning joins the message
    /// (the status stays: it is a property of the policy, said every time); a `min_failure_domains`
    /// shortfall of the newest complete backup (held at `held`, nil when there is none) makes an OK a WARNING.
    package static func applied(to verdict: Compliance.Result, policy: Policy, heldAt held: [String]?)
        -> Compliance.Result
    {
        var v = verdict
        var notes: [String] = []
        if let held, let short = shortfall(policy, heldAt: held) {
            notes.append(short)
            if v.status == .ok { v.status = .warning }
        }
        if let shared = sharedDomainWarning(policy) { notes.append(shared) }
        guard !notes.isEmpty else { return v }
        v.message = ([v.message] + notes).filter { !$0.isEmpty }.joined(separator: "; ")
        return v
    }
}
