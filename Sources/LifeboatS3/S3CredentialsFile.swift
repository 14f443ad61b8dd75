import Foundation
import LifeboatCore

/// Reads S3 keys from the contract's env-style file (`AWS_ACCESS_KEY_ID=...`, `AWS_SECRET_ACCESS_KEY=...`,
/// optional `AWS_SESSION_TOKEN=...`) or, without a file, from the standard AWS environment variables.
/// A file that group or others can read is refused (exit 65), and no value is ever put in a message.
package enum S3CredentialsFile {
    package static func load(_ path: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> S3Credentials
    {
        guard let path else {
            guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
                let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
            else {
                throw LifeboatError(
                    .badInput,
                    "no s3 credentials: name a credentials file in the destination or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                )
            }
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw LifeboatError.badInput(path, "cannot read s3 credentials: \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & 0o044 == 0 else {
            throw LifeboatError(
                .badInput, "\(path): s3 credentials must not be readable by group or others",
                hint: "chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LifeboatError.badInput(path, "cannot read s3 credentials")
        }
        var values: [String: String] = [:]
        for (n, raw) in text.components(separatedBy: "\n").enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "=") else {
                throw LifeboatError.badInput(path, line: n + 1, "expected NAME=value")
            }
            let key = String(line[..<eq]).trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
                value = String(value.dropFirst().dropLast())
            }
            guard
                ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION"]
                    .contains(key)
            else {
                throw LifeboatError.badInput(path, line: n + 1, "unknown key \(key)")
            }
            values[key] = value
        }
        guard let id = values["AWS_ACCESS_KEY_ID"], !id.isEmpty else {
            throw LifeboatError.badInput(path, "AWS_ACCESS_KEY_ID is missing")
        }
        guard let secret = values["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw LifeboatError.badInput(path, "AWS_SECRET_ACCESS_KEY is missing")
        }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: values["AWS_SESSION_TOKEN"])
    }
}
