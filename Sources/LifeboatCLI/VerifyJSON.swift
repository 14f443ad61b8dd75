import LifeboatAgent

/// One destination of one backup as `verify --json` prints it: `policy`, `id`, `destination`, `ok`,
/// `chunks_checked`, `bytes_checked`, `problems`. A policy with no shipped backup yet (verify without
/// a policy name) is one object with `id` and `destination` null, `ok` true and the reason in `problems`.
package struct VerifyJSON: Encodable {
    let policy: String
    let id: String?
    let destination: String?
    let ok: Bool
    let chunksChecked: Int
    let bytesChecked: Int64
    let problems: [String]

    enum CodingKeys: String, CodingKey {
        case policy, id, destination, ok, problems
        case chunksChecked = "chunks_checked"
        case bytesChecked = "bytes_checked"
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policy, forKey: .policy)
        try c.encode(id, forKey: .id)
        try c.encode(destination, forKey: .destination)
        try c.encode(ok, forKey: .ok)
        try c.encode(chunksChecked, forKey: .chunksChecked)
        try c.encode(bytesChecked, forKey: .bytesChecked)
        try c.encode(problems, forKey: .problems)
    }

    /// Every destination of every report, in order.
    package static func items(_ reports: [VerifyUseCase.Report]) -> [VerifyJSON] {
        reports.flatMap { r in
            r.destinations.map { d in
                VerifyJSON(
                    policy: r.policy, id: r.id.rawValue, destination: d.destination, ok: d.ok,
                    chunksChecked: d.chunksChecked, bytesChecked: d.bytesChecked, problems: d.problems)
            }
        }
    }

    /// A policy passed over because nothing of it is shipped yet.
    package static func notYet(policy: String, message: String) -> VerifyJSON {
        VerifyJSON(
            policy: policy, id: nil, destination: nil, ok: true, chunksChecked: 0, bytesChecked: 0,
            problems: [message])
    }
}
