import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// The one place that turns a policy's destination settings into a `Destination`.
enum DestinationFactory {
    static func make(_ spec: DestinationSpec) throws -> Destination {
        switch spec.type {
        case .local:
            guard let path = spec.path else { throw LifeboatError(.badInput, "destination \(spec.name): path is required") }
            return LocalDestination(name: spec.name, root: path)
        case .s3:
            throw LifeboatError.failed(
                "destination \(spec.name): s3 destinations are not available in this build",
                hint: "use a local destination for now")
        }
    }
}
