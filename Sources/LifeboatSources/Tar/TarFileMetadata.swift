#if canImport(Glibc)
    import Glibc
#endif

/// Gives an extracted regular file its archive metadata once its content is written, in the order
/// that keeps each step: owner first (fchown clears set-id bits and capabilities), then mode, then
/// extended attributes, then times (any earlier step would move them). Shared by the reader's thread
/// (large files) and the writer pool (small ones), so both paths restore exactly the same things.
enum TarFileMetadata {
    /// Finishes `writer`'s file and applies `entry`'s metadata to it; returns one warning per extended
    /// attribute the file system refused. Does not close the descriptor.
    static func finish(_ writer: inout TarSparseWriter, entry: TarEntry, name: String, asRoot: Bool) throws
        -> [String]
    {
        let fd = writer.fd
        if !writer.finish() {
            throw ArchiveError.system("cannot write", path: name, errno: errno)
        }
        if asRoot && fchown(fd, entry.uid, entry.gid) != 0 {
            throw ArchiveError.system("cannot set the owner of", path: name, errno: errno)
        }
        if fchmod(fd, mode_t(entry.mode & 0o7777)) != 0 {
            throw ArchiveError.system("cannot set the mode of", path: name, errno: errno)
        }
        let warnings = asRoot && !entry.xattrs.isEmpty ? TarXattrWriter.apply(entry.xattrs, fd: fd, name: name) : []
        var times = SafeTarExtractor.times(entry)
        if futimens(fd, &times) != 0 {
            throw ArchiveError.system("cannot set the mtime of", path: name, errno: errno)
        }
        return warnings
    }
}
