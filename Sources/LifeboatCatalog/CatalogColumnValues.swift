import GRDB
import LifeboatCore

// The typed values the catalog stores as TEXT columns: read and written by their raw values, so the
// schema and the rows already on disk stay as they are.

extension BackupStatus: DatabaseValueConvertible {}
extension RetentionState: DatabaseValueConvertible {}
extension CopyStatus: DatabaseValueConvertible {}
extension DestinationName: DatabaseValueConvertible {}

/// Backup ids are stored as their text. Rows are read back unchecked (`BackupID(trustedCatalogValue:)`):
/// the catalog wrote them, and one odd row must not make the whole catalog unreadable.
extension BackupID: DatabaseValueConvertible {
    package var databaseValue: DatabaseValue { rawValue.databaseValue }

    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> BackupID? {
        String.fromDatabaseValue(dbValue).map(BackupID.init(trustedCatalogValue:))
    }
}
