/// Receives the packets of a stream as they are framed: a begin, body slices, an end.
protocol PacketHandler: AnyObject {
    func packetBegan(tag: Int) throws
    func packetBody(_ bytes: UnsafeRawBufferPointer) throws
    func packetEnded() throws
}

/// Frames an OpenPGP packet stream fed in arbitrary slices, without buffering bodies.
///
/// Handles old and new headers, partial body lengths and the old indeterminate length, so both the
/// outer message and the plaintext inside SEIPD (and inside an uncompressed compressed-data packet) use it.
final class PacketStream {
    private enum State {
        case tag
        case oldLength(needed: Int)
        case newLength(first: Bool)
        case body(remaining: Int, partial: Bool)
        case indeterminate
    }

    private unowned let handler: PacketHandler
    private let what: String
    private var state = State.tag
    private var header: [UInt8] = []
    private var tag = 0
    private(set) var packetCount = 0

    init(handler: PacketHandler, what: String) {
        self.handler = handler
        self.what = what
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            switch state {
            case .tag:
                let b = bytes[offset]
                offset += 1
                guard b & 0x80 != 0 else { throw CryptoError(.badMessage, "\(what): invalid packet header") }
                header.removeAll(keepingCapacity: true)
                if b & 0x40 != 0 {
                    tag = Int(b & 0x3F)
                    state = .newLength(first: true)
                } else {
                    tag = Int(b >> 2 & 0x0F)
                    switch b & 3 {
                    case 0: state = .oldLength(needed: 1)
                    case 1: state = .oldLength(needed: 2)
                    case 2: state = .oldLength(needed: 4)
                    default:
                        try begin()
                        state = .indeterminate
                    }
                }
            case .oldLength(let needed):
                header.append(bytes[offset])
                offset += 1
                if header.count == needed {
                    let length = header.reduce(0) { $0 << 8 | Int($1) }
                    try begin()
                    try startBody(length: length, partial: false)
                }
            case .newLength(let first):
                header.append(bytes[offset])
                offset += 1
                let b0 = Int(header[0])
                let needed = b0 < 192 ? 1 : b0 < 224 ? 2 : b0 == 255 ? 5 : 1
                guard header.count == needed else { continue }
                let length: Int
                let partial: Bool
                switch b0 {
                case 0..<192: (length, partial) = (b0, false)
                case 192..<224: (length, partial) = ((b0 - 192) << 8 + Int(header[1]) + 192, false)
                case 255: (length, partial) = (header[1...4].reduce(0) { $0 << 8 | Int($1) }, false)
                default: (length, partial) = (1 << (b0 & 0x1F), true)
                }
                header.removeAll(keepingCapacity: true)
                if first { try begin() }
                try startBody(length: length, partial: partial)
            case .body(let remaining, let partial):
                let n = min(remaining, bytes.count - offset)
                try handler.packetBody(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]))
                offset += n
                if n == remaining {
                    try startBody(length: 0, partial: partial)
                } else {
                    state = .body(remaining: remaining - n, partial: partial)
                }
            case .indeterminate:
                try handler.packetBody(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                offset = bytes.count
            }
        }
    }

    private func begin() throws {
        packetCount += 1
        try handler.packetBegan(tag: tag)
    }

    /// Enters a body of `length` bytes; a finished body ends the packet or reads the next partial length.
    private func startBody(length: Int, partial: Bool) throws {
        if length > 0 {
            state = .body(remaining: length, partial: partial)
        } else if partial {
            state = .newLength(first: false)
        } else {
            state = .tag
            try handler.packetEnded()
        }
    }

    /// Ends the stream; throws when it stops inside a packet.
    func finish() throws {
        switch state {
        case .tag: return
        case .indeterminate:
            state = .tag
            try handler.packetEnded()
        default:
            throw CryptoError(.badMessage, "\(what) is truncated")
        }
    }
}
