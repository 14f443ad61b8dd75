import ArgumentParser
import LifeboatAgent
import LifeboatCLI
import LifeboatCore
import Logging

extension Lifeboat {
    /// `lifeboat wal-push [--policy NAME] PATH`: PostgreSQL's `archive_command` (`%p`).
    struct WalPush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wal-push",
            abstract: "Archive one WAL file (PostgreSQL's archive_command, %p).",
            discussion: """
                Seals the file (gzip, encrypted to the policy's recipients, signed by this host's key) into \
                the spool, fsynced: from then on it is safe, and the command answers 0 whatever the \
                destinations say. It then ships every file waiting in the policy's WAL spool, oldest first, \
                one attempt per destination; what does not ship waits for the next wal-push or run. \
                --policy may be left out when exactly one policy archives WAL (source.method: physical).

                EXIT STATUS
                  0   the file is durably in the spool (and shipped, unless a warning says otherwise)
                  1   it could not be sealed, or the spool holds spool_max and shipping freed nothing:
                      PostgreSQL keeps it and calls again
                  64  the name is not a WAL, history or backup file name, or the policy does not archive WAL
                  65  the config or a key is malformed
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "The policy whose WAL this is (only needed when several archive WAL).") var policy: String?
        @Argument(help: "The file to archive (%p).") var path: String

        func run() async throws {
            try await Failure.guarded {
                let file = try WALPushUseCase.fileName(of: path)
                // One process per segment: the config alone, no catalog (nothing here uses it).
                let configuration = try global.configurationOnly()
                let logger = Logger(label: "lifeboat")
                let selected = try WALPolicySelection.select(policy, from: configuration.policies)
                let shipper = WALShipper(agent: configuration.agent, policy: selected, logger: logger)
                try await WALSpoolLimit.makeRoom(for: file, agent: configuration.agent, shipper: shipper)
                try WALPushUseCase(agent: configuration.agent, policy: selected, logger: logger).seal(path: path)
                let report = await shipper.ship()
                for problem in report.problems {
                    logger.warning("\(selected.name): WAL waits in the spool: \(problem)")
                }
            }
        }
    }
}
