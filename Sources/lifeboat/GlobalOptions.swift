import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import Logging
import Synchronization

/// Flags every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The agent config (default: $LIFEBOAT_CONFIG, then /etc/lifeboat/lifeboat.yaml).")
    var config: String?

    @Flag(name: .shortAndLong, help: "Log progress to standard error.")
    var verbose = false

    @Option(
        name: .customLong("log-format"),
        help: "Log lines as text, or as json (one object per line: time, level, message, label, metadata).")
    var logFormat: LogFormat = .text

    @Flag(
        name: .customLong("no-progress"),
        help:
            "No progress line on standard error (drawn only when it is a terminal, for backup, run, restore, verify, copy, drill)."
    )
    var noProgress = false

    /// Draws the progress line of `meter` while a long command works, when wanted and on a terminal.
    func progress(_ meter: ProgressMeter) -> ProgressDisplay? {
        ProgressDisplay.start(meter, enabled: !noProgress)
    }

    var configPath: String { config ?? AgentConfig.defaultPath() }

    /// Loads the configuration and opens the catalog; every fault becomes one line and its exit code.
    /// `validate` runs before the catalog is opened, so bad input leaves nothing written.
    func context(validate: (Configuration) throws -> Void = { _ in }) throws -> AgentContext {
        let configuration = try configurationOnly()
        try validate(configuration)
        let catalog = try Catalog(path: configuration.agent.catalog)
        return AgentContext(configuration: configuration, catalog: catalog, logger: Logger(label: "lifeboat"))
    }

    /// Loads the configuration alone, for a command that runs once per file and needs no catalog
    /// (`wal-push`): opening it would only cost time.
    func configurationOnly() throws -> Configuration {
        LoggingSetup.bootstrap(verbose: verbose, format: logFormat)
        return try Configuration.load(file: configPath)
    }
}

extension GlobalOptions {
    /// Loads the recovery host's config (`role: recovery`) and opens its drill catalog. A backup
    /// host's config is refused with one line that says which kind of host runs this command.
    func recoveryContext(command: String) throws -> RecoveryContext {
        LoggingSetup.bootstrap(verbose: verbose, format: logFormat)
        let path = configPath
        guard ConfigRole.of(file: path) == .recovery else {
            if !FileManager.default.fileExists(atPath: path) { _ = try RecoveryConfig.load(file: path) }
            throw LifeboatError(
                .usage,
                "\(path): `lifeboat \(command)` runs on the recovery host, whose config says `role: recovery`; this is a backup host's config",
                hint: "see README, \"Recovery host\"")
        }
        let config = try RecoveryConfig.load(file: path)
        let catalog = try RecoveryCatalog(path: config.catalog)
        return try RecoveryContext(config: config, catalog: catalog, logger: Logger(label: "lifeboat"))
    }
}

/// How log lines are written: text for people, or one JSON object per line for log shippers.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Sends log lines to standard error, once per process.
enum LoggingSetup {
    private static let done = Atomic(false)

    static func bootstrap(verbose: Bool, format: LogFormat = .text) {
        guard !done.exchange(true, ordering: .relaxed) else { return }
        let level: Logger.Level =
            verbose
            ? .info
            : Logger.Level(rawValue: ProcessInfo.processInfo.environment["LIFEBOAT_LOG_LEVEL"] ?? "") ?? .warning
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = level
                return TailingLogHandler(h, beforeShowing: ProgressDisplay.clearCurrent)
            case .json:
                var h = JSONLogHandler(label: label)
                h.logLevel = level
                return TailingLogHandler(h, beforeShowing: ProgressDisplay.clearCurrent)
            }
        }
    }
}

/// Turns any error into one line on standard error and the documented exit code; in `--json` mode
/// also into one JSON object with `error` on standard output, so a script parsing the output gets JSON.
enum Failure {
    static func exit(_ error: Error, json: Bool = false) -> ExitCode {
        if let e = error as? ExitCode { return e }
        if error is CleanExit { return .success }
        let text = (error as? LifeboatError)?.description ?? String(describing: error)
        FileHandle.standardError.write(Data("lifeboat: \(text)\n".utf8))
        if json { print(JSONFailure(error).text()) }
        return ExitCode(ExitCodeTable.code(for: error))
    }

    /// Runs a command body, mapping what it throws to one line and an exit code.
    static func guarded(json: Bool = false, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            throw exit(error, json: json)
        }
    }
}
