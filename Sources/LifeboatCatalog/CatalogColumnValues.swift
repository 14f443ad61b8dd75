import GRDB
import LifeboatCore

// The typed values the catalog stores as TEXT columns: read and written by their raw values, so the
// schema and the rows already on disk stay as they are.

extension BackupStatus: DatabaseValueConvertible {}
extension RetentionState: DatabaseValueConvertible {}
extension CopyStatus: DatabaseValueConvertible {}
extension DestinationName: DatabaseValueConvertible {}
