import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatConfig
import LifeboatCore
import LifeboatPlan

extension Lifeboat {
    /// `lifeboat plan`: the disaster recovery plan, from this host's policies or, on the recovery host,
    /// from the fleet found at the destinations, printed as Markdown or as one page of HTML.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Print the disaster recovery plan (Markdown or HTML) from the policies or from the fleet.",
            discussion: """
                With a backup host's config the plan covers its policies: objectives, the newest backup, \
                where the copies are, the restore commands and the recipients' fingerprints. With the \
                recovery host's config (role: recovery) it covers every host and policy found at the \
                destinations, with the last drill and its restore time against the RTO. --out writes the \
                file whole or not at all; print the HTML and keep it in a safe.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "markdown (the default) or html.")
        var format: PlanFormatArgument = .markdown

        @Option(name: .long, help: "Write the plan to this file (atomically) instead of standard output.")
        var out: String?

        func run() async throws {
            try await Failure.guarded {
                let plan: RecoveryPlan
                if ConfigRole.of(file: global.configPath) == .recovery {
                    let ctx = try global.recoveryContext(command: "plan")
                    plan = FleetPlan.build(ctx, entries: try await FleetScan(ctx).scan())
                } else {
                    plan = try HostPlan.build(try global.context())
                }
                let text: String
                do {
                    text = try PlanRenderer.render(plan, as: format.value)
                } catch let e as PlanRenderError {
                    throw LifeboatError.failed(e.description)
                }
                if let out {
                    try PlanOutput.write(text, to: out)
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }
}

/// `--format`, as ArgumentParser reads it.
struct PlanFormatArgument: ExpressibleByArgument {
    let value: PlanFormat
    static let markdown = PlanFormatArgument(value: .markdown)

    init(value: PlanFormat) { self.value = value }

    init?(argument: String) {
        guard let f = PlanFormat(rawValue: argument) else { return nil }
        value = f
    }

    var defaultValueDescription: String { value.rawValue }
    static var allValueStrings: [String] { PlanFormat.allCases.map(\.rawValue) }
}

/// Writes the plan file whole or not at all, readable by others (a plan holds no secret).
enum PlanOutput {
    static func write(_ text: String, to path: String) throws {
        let bytes = Array(text.utf8)
        do {
            let file = try AtomicFile(path: path, mode: 0o644)
            defer { file.abandon() }
            try bytes.withUnsafeBytes { try file.write($0) }
            try file.commit()
        } catch let e as AtomicFile.Failure {
            throw LifeboatError.failed("cannot \(e.step.rawValue) \(e.path): \(e.error.reason)")
        }
    }
}
