import ArgumentParser

/// Lets the shared flags come before the subcommand, as operators type them
/// (`lifeboat --config /etc/x.yaml list`): they are moved to just after the subcommand's name (and
/// its sub-subcommand's, as in `config check`), where the argument parser reads them.
enum GlobalOptionsFirst {
    /// The shared options that take a value, and the flags.
    static let withValue: Set<String> = ["--config", "--log-format"]
    static let flags: Set<String> = ["-v", "--verbose", "--no-progress"]

    static func reordered(_ args: [String], root: ParsableCommand.Type) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if withValue.contains(a), i + 1 < args.count {
                leading += [a, args[i + 1]]
                i += 2
            } else if a.hasPrefix("--config=") || a.hasPrefix("--log-format=") || flags.contains(a) {
                leading.append(a)
                i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, i < args.count else { return args }
        var rest = Array(args[i...])
        // Walk the subcommand names so the options land after the innermost one named.
        var command = root
        var at = 0
        while at < rest.count,
            let sub = command.configuration.subcommands.first(where: { name(of: $0) == rest[at] })
        {
            command = sub
            at += 1
        }
        guard at > 0 else { return args }
        rest.insert(contentsOf: leading, at: at)
        return rest
    }

    static func name(of command: ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }
}
