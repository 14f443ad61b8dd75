import LifeboatConfig

/// Reads one setting out of the typed specs for assertions, nil when the spec is of another kind.
extension SourceSpec {
    var paths: [String]? { if case .files(let s) = self { s.paths } else { nil } }
    var exclude: [String]? { if case .files(let s) = self { s.exclude } else { nil } }
    var dsn: String? { if case .postgres(let s) = self { s.dsn } else { nil } }
}

/// Reads one setting out of a destination's location for assertions, nil for another type.
extension DestinationSpec {
    var path: String? { if case .local(let path) = location { path } else { nil } }
    var s3: S3DestinationSpec? { if case .s3(let s3) = location { s3 } else { nil } }
    var idleTimeout: Double? { s3?.idleTimeout }
}
