import Foundation

/// The outcome of running an external program in a test.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs real external programs (gpg, gunzip, tar, python3) from tests, feeding stdin from memory or a file.
public enum Command {
    @discardableResult
    public static func run(
        _ argv: [String], stdin: [UInt8]? = nil, stdinFile: String? = nil,
        environment: [String: String] = [:], currentDirectory: String? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let dir = currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: dir) }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        var inPipe: Pipe?
        if let file = stdinFile {
            process.standardInput = FileHandle(forReadingAtPath: file)
        } else if stdin != nil {
            inPipe = Pipe()
            process.standardInput = inPipe
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        group.enter()
        DispatchQueue.global().async { out = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let pipe = inPipe, let data = stdin {
            pipe.fileHandleForWriting.write(Data(data))
            try? pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        group.wait()
        return CommandResult(status: process.terminationStatus, stdout: [UInt8](out),
                             stderr: String(decoding: err, as: UTF8.self))
    }

    /// Whether a program is on PATH.
    public static func exists(_ name: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(name)"]).status) == 0
    }
}
