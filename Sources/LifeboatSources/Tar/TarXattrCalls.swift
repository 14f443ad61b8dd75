import CLifeboatSystem

/// The xattr system calls, which Swift's Glibc module does not export (it has no <sys/xattr.h>):
/// called through the C shim that declares them.
enum TarXattrCalls {
    static func llistxattr(_ path: UnsafePointer<CChar>, _ list: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int {
        lifeboat_llistxattr(path, list, size)
    }

    static func flistxattr(_ fd: Int32, _ list: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int {
        lifeboat_flistxattr(fd, list, size)
    }

    static func lgetxattr(
        _ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ value: UnsafeMutableRawPointer?,
        _ size: Int
    ) -> Int {
        lifeboat_lgetxattr(path, name, value, size)
    }

    static func fgetxattr(
        _ fd: Int32, _ name: UnsafePointer<CChar>, _ value: UnsafeMutableRawPointer?,
        _ size: Int
    ) -> Int {
        lifeboat_fgetxattr(fd, name, value, size)
    }

    static func fsetxattr(
        _ fd: Int32, _ name: UnsafePointer<CChar>, _ value: UnsafeRawPointer?, _ size: Int,
        _ flags: Int32
    ) -> Int32 {
        lifeboat_fsetxattr(fd, name, value, size, flags)
    }

    static func lsetxattr(
        _ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ value: UnsafeRawPointer?,
        _ size: Int, _ flags: Int32
    ) -> Int32 {
        lifeboat_lsetxattr(path, name, value, size, flags)
    }
}
