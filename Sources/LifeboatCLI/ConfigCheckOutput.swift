import LifeboatAgent
import LifeboatConfig
import LifeboatCore

/// How `config check` reports: one line per problem (file:line: what, and what to do), then a verdict;
/// or the same as one JSON object.
package enum ConfigCheckOutput {
    /// The JSON object: `config`, `role`, `ok`, `checked`, `problems` (`file`, `line`, `message`, `hint`)
    /// and `write_paths` (the folders a backup host writes, which the systemd installer reads).
    struct JSONReport: Encodable {
        struct Problem: Encodable {
            let file: String?
            let line: Int?
            let message: String
            let hint: String?
        }
        let config: String
        let role: String
        let ok: Bool
        let checked: [String]
        let problems: [Problem]
        let writePaths: [String]

        enum CodingKeys: String, CodingKey {
            case config, role, ok, checked, problems
            case writePaths = "write_paths"
        }
    }

    package static func text(_ r: ConfigCheckUseCase.Report, file: String) -> String {
        var lines = r.problems.map { p in p.message + (p.hint.map { " (\($0))" } ?? "") }
        let what =
            r.role == .recovery
            ? Counted.text(r.checked.count, "destination") : Counted.text(r.checked.count, "policy", "policies")
        if r.problems.isEmpty {
            lines.append(
                "\(file): OK (\(r.role.rawValue) config, \(what): \(r.checked.joined(separator: ", ")))"
            )
        } else {
            lines.append("\(file): \(Counted.text(r.problems.count, "problem"))")
        }
        return lines.joined(separator: "\n")
    }

    package static func json(_ r: ConfigCheckUseCase.Report, file: String) throws -> String {
        try JSONText.encode(
            JSONReport(
                config: file, role: r.role.rawValue, ok: r.problems.isEmpty, checked: r.checked,
                problems: r.problems.map { .init(file: $0.file, line: $0.line, message: $0.message, hint: $0.hint) },
                writePaths: r.writePaths))
    }
}
