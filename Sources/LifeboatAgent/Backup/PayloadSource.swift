import LifeboatConfig
import LifeboatCore
import LifeboatSources
import Logging

/// What a backup hands to the pipeline: something that writes the plaintext into a sink and finishes it.
struct PayloadSource {
    /// The manifest's `payload` value: what the gunzipped literal data is.
    let payload: String
    /// Writes the whole payload into `sink`, finishing it; returns warnings worth reporting.
    let produce: (ByteSink) throws -> [String]

    static func make(for policy: Policy, logger: Logger) throws -> PayloadSource {
        switch policy.kind {
        case .files:
            let archiver = FileTreeArchiver(paths: policy.source.paths, excludes: policy.source.exclude, logger: logger)
            return PayloadSource(payload: "tar") { sink in
                try archiver.write(to: sink).warnings
            }
        case .sqlite, .postgres, .mariadb, .command:
            throw LifeboatError.failed(
                "policy \(policy.name): kind \(policy.kind.rawValue) is not supported by this build yet",
                hint: "only kind files can be backed up for now")
        }
    }
}
