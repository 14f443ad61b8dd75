/// The checks a reader makes on objectives and payload fields that came from a destination (in a
/// manifest or in `latest.json`): one set of rules for both, so neither accepts what the other refuses.
package enum ObjectivesCheck {
    /// Why a field was refused: one line naming it.
    package struct Refusal: Error, CustomStringConvertible, Sendable, Equatable {
        package let reason: String
        package var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// Durations in range (1 second to 100 years; an RTO may be absent), a known priority, and a
    /// scenario of bounded length.
    package static func check(_ o: Manifest.Objectives) throws(Refusal) {
        let longest = DurationValue.maximum.seconds
        for (name, value) in [("rpo", o.rpo), ("schedule", o.schedule), ("drill", o.drill)] {
            guard (1...longest).contains(value) else {
                throw Refusal("objectives.\(name) is \(value) seconds (1 to \(longest) allowed)")
            }
        }
        if let rto = o.rto, !(1...longest).contains(rto) {
            throw Refusal("objectives.rto is \(rto) seconds (1 to \(longest) allowed)")
        }
        guard Manifest.Objectives.priorities.contains(o.priority) else {
            throw Refusal("objectives.priority \(ManifestReader.quoted(o.priority)) is not high, medium or low")
        }
        if let s = o.scenario, s.utf8.count > Manifest.Objectives.maximumScenarioBytes {
            throw Refusal(
                "objectives.scenario is \(s.utf8.count) bytes, over the \(Manifest.Objectives.maximumScenarioBytes) allowed"
            )
        }
    }

    /// The payload's size and sha256 come together or not at all; the size is not negative and the
    /// digest is 64 lowercase hexadecimal digits.
    package static func checkPayload(size: Int64?, sha256: String?) throws(Refusal) {
        switch (size, sha256) {
        case (nil, nil): return
        case (let size?, let sha256?):
            guard size >= 0 else { throw Refusal("payload_size is negative") }
            guard isSHA256(sha256) else { throw Refusal("payload_sha256 is not 64 lowercase hexadecimal digits") }
        default:
            throw Refusal("payload_size and payload_sha256 must be present together")
        }
    }

    /// 64 lowercase hexadecimal digits, as every sha256 in a manifest is written.
    package static func isSHA256(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
