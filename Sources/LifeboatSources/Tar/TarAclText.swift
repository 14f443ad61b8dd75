/// A POSIX ACL in the short text form that `SCHILY.acl.access` and `SCHILY.acl.default` carry
/// (`user::rw-,user:1234:rw-,group::r--,mask::rw-,other::r--`), made from the kernel's binary
/// `system.posix_acl_*` value. The raw value is what Lifeboat and GNU tar `--xattrs` restore;
/// the text is for bsdtar (and GNU tar `--acls`), which restore ACLs only from it.
enum TarAclText {
    /// The version in the header of the kernel's ACL value (POSIX_ACL_XATTR_VERSION).
    static let version: UInt32 = 2

    /// The text of an ACL value; nil when the value is not a well-formed ACL.
    static func text(_ value: [UInt8]) -> String? {
        guard value.count >= 4, (value.count - 4) % 8 == 0, le32(value, 0) == version else { return nil }
        var entries: [String] = []
        var at = 4
        while at < value.count {
            let tag = le16(value, at)
            let perm = le16(value, at + 2)
            let id = le32(value, at + 4)
            let perms = (perm & 4 != 0 ? "r" : "-") + (perm & 2 != 0 ? "w" : "-") + (perm & 1 != 0 ? "x" : "-")
            switch tag {
            case 0x01: entries.append("user::" + perms)
            case 0x02: entries.append("user:\(id):" + perms)
            case 0x04: entries.append("group::" + perms)
            case 0x08: entries.append("group:\(id):" + perms)
            case 0x10: entries.append("mask::" + perms)
            case 0x20: entries.append("other::" + perms)
            default: return nil
            }
            at += 8
        }
        return entries.joined(separator: ",")
    }

    private static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
