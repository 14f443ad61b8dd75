/// The exit codes that never change, as listed in `--help`.
enum ExitCodes {
    static let helpText = """
        EXIT STATUS
          0   success (check: OK)
          1   a backup, restore or verify failed or is degraded (check: WARNING)
          2   check: CRITICAL
          3   check: UNKNOWN
          64  usage error
          65  bad input file (config, policy, key)
        """
}
