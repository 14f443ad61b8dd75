import LifeboatCore

/// Streams an OpenPGP message (binary or armored, any slicing) to plaintext with constant memory, for restores.
///
/// Plaintext flows on as it is decrypted, but `output.finish()` is called only once the MDC has checked
/// out; on any error, `finish()` throws and the output is never finished, so callers write to a
/// temporary name and remove it on error.
package final class OpenPGPDecryptor: ByteSink, PacketHandler {
    private enum Input {
        case undecided, binary
        case armored(ArmorStream)
    }
    private enum Current {
        case none
        case collect(tag: Int, body: [UInt8])
        case seipd, skip
    }

    private let keys: [OpenPGPSecretKey]
    private let output: ByteSink
    private var input = Input.undecided
    private var outer: PacketStream?
    private var current = Current.none
    private var pkesks: [[UInt8]] = []
    private var sawSymmetricOnly = false
    private var seipd: SEIPDReader?
    private var verified = false
    private var failure: Error?
    private var finished = false

    package init(keys: [OpenPGPSecretKey], output: ByteSink) {
        self.keys = keys
        self.output = output
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure { throw failure }
        guard !finished else { throw CryptoError(.misuse, "write after the decrypted stream ended") }
        do {
            try route(bytes)
        } catch {
            failure = error
            throw error
        }
    }

    package func finish() throws {
        if let failure { throw failure }
        guard !finished else { throw CryptoError(.misuse, "finish called twice") }
        do {
            switch input {
            case .undecided: throw CryptoError(.badMessage, "the message is empty")
            case .binary: break
            case .armored(let armor): try armor.finish()
            }
            try outerStream().finish()
            guard verified else {
                throw CryptoError(
                    .badMessage, seipd == nil ? "the message holds no encrypted data" : "the message is truncated")
            }
            finished = true
            try output.finish()
        } catch {
            failure = error
            throw error
        }
    }

    private func outerStream() -> PacketStream {
        if let outer { return outer }
        let stream = PacketStream(handler: self, what: "openpgp message")
        outer = stream
        return stream
    }

    private func route(_ bytes: UnsafeRawBufferPointer) throws {
        switch input {
        case .binary:
            try outerStream().feed(bytes)
        case .armored(let armor):
            try armor.feed(bytes)
        case .undecided:
            guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
                return  // only whitespace so far: too early to tell
            }
            if first & 0x80 != 0 {
                input = .binary
            } else if first == 0x2D {
                let stream = outerStream()
                input = .armored(ArmorStream(deliver: { try stream.feed($0) }))
            } else {
                throw CryptoError(.badMessage, "input is not an openpgp message")
            }
            try route(bytes)
        }
    }

    // MARK: outer packets

    func packetBegan(tag: Int) throws {
        guard seipd == nil else { throw CryptoError(.badMessage, "unexpected data after the encrypted data packet") }
        switch tag {
        case PacketTag.pkesk, PacketTag.skesk, PacketTag.marker:
            current = .collect(tag: tag, body: [])
        case PacketTag.seipd:
            current = .seipd
            seipd = try SEIPDReader(sessionKey: try recoverSessionKey(), output: output)
        case PacketTag.symmetricallyEncrypted:
            throw CryptoError(.badMessage, "the message has no integrity protection (no mdc); refusing to decrypt it")
        case PacketTag.literal, PacketTag.compressed, PacketTag.onePassSignature, PacketTag.signature:
            throw CryptoError(.badMessage, "the message is not encrypted")
        case PacketTag.publicKey, PacketTag.secretKey:
            throw CryptoError(.badMessage, "the input is a key, not an encrypted message")
        default:
            throw CryptoError(.badMessage, "unexpected packet (tag \(tag)) in the message")
        }
    }

    func packetBody(_ bytes: UnsafeRawBufferPointer) throws {
        switch current {
        case .collect(let tag, var body):
            guard body.count + bytes.count <= 1 << 16 else {
                throw CryptoError(.badMessage, "session key packet is too long")
            }
            current = .none
            body.append(contentsOf: bytes)
            current = .collect(tag: tag, body: body)
        case .seipd:
            try seipd?.body(bytes)
        case .none, .skip:
            break
        }
    }

    func packetEnded() throws {
        switch current {
        case .collect(let tag, let body):
            if tag == PacketTag.pkesk {
                guard pkesks.count < 4096 else {
                    throw CryptoError(.badMessage, "the message has too many session key packets")
                }
                pkesks.append(body)
            }
            if tag == PacketTag.skesk { sawSymmetricOnly = true }
        case .seipd:
            try seipd?.end()
            verified = true
        case .none, .skip:
            break
        }
        current = .none
    }

    /// Finds a PKESK for one of our keys and opens it.
    private func recoverSessionKey() throws -> (SymmetricAlgorithm, [UInt8]) {
        var recipients: [String] = []
        var tried: [String] = []
        for body in pkesks {
            var r = ByteReader(body, kind: .badMessage, what: "public-key encrypted session key packet")
            let version = try r.u8()
            guard version == 3 else {
                throw CryptoError(.unsupported, "session key packet version \(version) is not supported")
            }
            let keyID = try r.take(8)
            let algorithm = try r.u8()
            let fields = r.rest()
            let wildcard = keyID.allSatisfy { $0 == 0 }
            recipients.append(wildcard ? "anonymous" : Bytes.upperHex(keyID))
            for secret in keys {
                for key in secret.keys where (wildcard || key.key.keyID == keyID) && key.key.algorithm == algorithm {
                    tried.append(key.key.keyIDHex)
                    if let session = try key.decryptSessionKey(fields: fields) { return session }
                }
            }
        }
        if pkesks.isEmpty {
            throw CryptoError(
                sawSymmetricOnly ? .unsupported : .badMessage,
                sawSymmetricOnly
                    ? "the message is encrypted with a passphrase, not to a key"
                    : "the message has no session key packet")
        }
        if tried.isEmpty {
            // Keys are named as keygen and manifests name them (primary fingerprint), with the subkey ids
            // a message's packets carry beside them.
            let ours = keys.map { "\($0.fingerprint) (subkey \($0.decryptionKeyIDs.joined(separator: ", ")))" }
            throw CryptoError(
                .noMatchingKey,
                "the message is encrypted to key ids \(recipients.joined(separator: ", ")); "
                    + "the given keys are \(ours.isEmpty ? "none" : ours.joined(separator: ", "))")
        }
        throw CryptoError(
            .integrity,
            "cannot open the session key with key \(tried.joined(separator: ", ")): the message is corrupted")
    }
}
