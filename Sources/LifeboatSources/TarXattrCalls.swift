#if canImport(Glibc)
import Glibc
#endif

/// The xattr system calls, which Swift's Glibc module does not export (it has no <sys/xattr.h>):
/// looked up at run time in glibc, as `GNU` does for pipe2 and syncfs.
enum TarXattrCalls {
    typealias List = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>?, Int) -> Int
    typealias FList = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int
    typealias Get = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    typealias FGet = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    typealias FSet = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    typealias Set = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32

    private static func symbol<T>(_ name: String, _ type: T.Type) -> T? {
        dlsym(nil, name).map { unsafeBitCast($0, to: type) }
    }

    static let llistxattr = symbol("llistxattr", List.self)
    static let flistxattr = symbol("flistxattr", FList.self)
    static let lgetxattr = symbol("lgetxattr", Get.self)
    static let fgetxattr = symbol("fgetxattr", FGet.self)
    static let fsetxattr = symbol("fsetxattr", FSet.self)
    static let lsetxattr = symbol("lsetxattr", Set.self)
}
