import Foundation
import LifeboatCore

/// Reads the keys of `type: rclone` and checks, before anything runs, what would otherwise fail half way
/// through a first backup: the rclone binary is on PATH, the config file exists, is private (0600: it
/// holds the remote's credentials) and defines the remote named in `remote: "name:path"`.
enum RcloneSpecParser {
    static func parse(_ f: Fields, resolve: (String) -> String) throws -> RcloneDestinationSpec {
        let r = try f.required("remote")
        let remote = try r.nonEmptyString("remote")
        let remoteName = try Self.remoteName(remote, at: r)
        let c = try f.required("config")
        let config = resolve(try c.nonEmptyString("config"))
        var st = stat()
        guard stat(config, &st) == 0 else {
            throw c.error("rclone config \(config) cannot be read: \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else { throw c.error("rclone config \(config) is not a file") }
        guard st.st_mode & 0o077 == 0 else {
            throw c.error(
                "rclone config \(config) is open to group or others (mode \(String(st.st_mode & 0o777, radix: 8)); chmod 600 it)"
            )
        }
        guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
            throw c.error("rclone config \(config) cannot be read as text")
        }
        guard Self.sections(text).contains(remoteName) else {
            throw r.error("rclone remote '\(remoteName)' is not defined in \(config)")
        }
        guard let binary = Self.findOnPath("rclone") else {
            throw try f.required("type").error("the rclone binary is not on PATH (install rclone)")
        }
        var d = RcloneDestinationSpec(remote: remote, config: config, binary: binary)
        if let x = f.optional("timeout") { d.idleTimeout = try DestinationParser.seconds(x, "timeout", 0.001...86_400) }
        if let x = f.optional("connect_timeout") {
            d.connectTimeout = try DestinationParser.seconds(x, "connect_timeout", 0.001...3600)
        }
        return d
    }

    /// The `name` of `name:path`: a remote of the config file, not an inline `:backend,opt=...:` one
    /// (whose options, credentials included, would sit in the policy) nor a local path.
    static func remoteName(_ remote: String, at v: YAMLValue) throws -> String {
        guard let colon = remote.firstIndex(of: ":"), colon != remote.startIndex else {
            throw v.error("remote '\(remote)' must be name:path with name a remote of the rclone config")
        }
        let name = String(remote[..<colon])
        guard !name.hasPrefix("-"),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-. ".contains($0)) })
        else {
            throw v.error("remote '\(remote)': '\(name)' is not an rclone remote name")
        }
        guard !remote.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw v.error("remote '\(TerminalText.printable(remote))' holds a control character")
        }
        return name
    }

    /// The section names of an rclone config (an INI file): `[name]` lines.
    static func sections(_ text: String) -> Set<String> {
        var out = Set<String>()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("["), line.hasSuffix("]"), line.count > 2 {
                out.insert(String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces))
            }
        }
        return out
    }

    /// The first executable `program` in the folders of PATH.
    static func findOnPath(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(program)"
            var st = stat()
            if stat(candidate, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}
