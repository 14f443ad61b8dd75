/// A transferable key (RFC 4880 11.1/11.2) split into its parts: primary, user ids, subkeys and their signatures.
struct KeyBlock {
    struct UserID {
        let text: [UInt8]
        var signatures: [SignaturePacket] = []
        var hashPrefix: [UInt8] { [0xB4] + Bytes.u32(UInt32(text.count)) + text }
    }

    struct Subkey {
        let key: KeyPacket
        /// The bytes after the public part of a secret subkey packet; nil for a public subkey.
        let secretPart: [UInt8]?
        var signatures: [SignaturePacket] = []
    }

    let primary: KeyPacket
    let primarySecretPart: [UInt8]?
    var directSignatures: [SignaturePacket] = []
    var userIDs: [UserID] = []
    var subkeys: [Subkey] = []

    var hasSecretMaterial: Bool { primarySecretPart != nil || subkeys.contains { $0.secretPart != nil } }

    static func parse(_ packets: [Packet]) throws -> KeyBlock {
        guard let first = packets.first else { throw CryptoError(.badKey, "holds no key") }
        guard first.tag == PacketTag.publicKey || first.tag == PacketTag.secretKey else {
            throw CryptoError(.badKey, "does not start with a key packet (packet tag \(first.tag))")
        }
        let (primary, primarySecret) = try keyPacket(first)
        var block = KeyBlock(primary: primary, primarySecretPart: primarySecret)
        enum Context { case primary, userID, attribute, subkey }
        var context = Context.primary
        for packet in packets.dropFirst() {
            switch packet.tag {
            case PacketTag.signature:
                // A signature we cannot parse simply does not count; what it should have bound stays unbound.
                guard let sig = try? SignaturePacket.parse(packet.body) else { continue }
                switch context {
                case .primary: block.directSignatures.append(sig)
                case .userID: block.userIDs[block.userIDs.count - 1].signatures.append(sig)
                case .attribute: break
                case .subkey: block.subkeys[block.subkeys.count - 1].signatures.append(sig)
                }
            case PacketTag.userID:
                block.userIDs.append(UserID(text: packet.body))
                context = .userID
            case PacketTag.userAttribute:
                context = .attribute
            case PacketTag.publicSubkey, PacketTag.secretSubkey:
                let (key, secret) = try keyPacket(packet)
                block.subkeys.append(Subkey(key: key, secretPart: secret))
                context = .subkey
            case PacketTag.trust, PacketTag.marker:
                continue
            case PacketTag.publicKey, PacketTag.secretKey:
                throw CryptoError(.badKey, "holds more than one key: give one key per file")
            default:
                throw CryptoError(.badKey, "holds an unexpected packet (tag \(packet.tag)) for a key")
            }
        }
        return block
    }

    private static func keyPacket(_ packet: Packet) throws -> (KeyPacket, [UInt8]?) {
        var reader = ByteReader(packet.body, kind: .badKey, what: "key packet")
        let key = try KeyPacket.parse(&reader)
        let secret = packet.tag == PacketTag.secretKey || packet.tag == PacketTag.secretSubkey
        return (key, secret ? reader.rest() : nil)
    }
}
