import LifeboatConfig

/// Names where a policy's backups land at one destination, with its failure domain, for the plan's
/// Backup location column.
enum PlanLocation {
    static func describe(_ d: DestinationSpec, host: String, policy: String) -> String {
        let domain = d.failureDomain.map { ", failure domain \($0)" } ?? ", no failure domain set"
        switch d.location {
        case .local(let root):
            return "\(d.name): local folder \(root)/\(host)/\(policy)/\(domain)"
        case .s3(let s3):
            return "\(d.name): S3 \(s3.endpoint) bucket \(s3.bucket), \(s3.prefix)\(host)/\(policy)/\(domain)"
        case .rclone(let r):
            return "\(d.name): rclone remote \(r.remote), \(host)/\(policy)/\(domain)"
        }
    }
}
