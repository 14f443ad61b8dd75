import LifeboatCore

/// The program a database loader streams a dump into (pg_restore, the mariadb client): the stream goes
/// to its stdin, `finish` waits for its verdict and `abandon` stops it after a failure elsewhere.
package final class LoaderPipe {
    let child: ProcessChild
    /// The program as messages name it: "pg_restore", "mariadb".
    let what: String
    /// What `finish` says when the program fails after reading the whole stream.
    let failure: String
    private var finished = false

    package init(_ child: ProcessChild, what: String, failure: String) {
        self.child = child
        self.what = what
        self.failure = failure
    }

    /// Writes into the program's stdin, naming the program when it stops reading.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try FileDescriptorIO.writeAll(child.stdinFD, bytes)
        } catch {
            child.closeStdin()
            let t = child.wait()
            if !t.succeeded { throw child.failure("\(what) failed", t) }
            throw LifeboatError.failed("\(what) stopped reading: \(error.reason)")
        }
    }

    /// Ends the stream and waits for the program; a second call does nothing.
    package func finish() throws {
        guard !finished else { return }
        finished = true
        child.closeStdin()
        let t = child.wait()
        guard t.succeeded else { throw child.failure(failure, t) }
    }

    /// Stops the load after a failure elsewhere.
    package func abandon() {
        child.kill()
        child.closeStdin()
        child.wait()
    }
}
