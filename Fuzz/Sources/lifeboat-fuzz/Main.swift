import Foundation
import LifeboatCore

/// One libFuzzer binary for every parser of hostile input; `LIFEBOAT_FUZZ_TARGET` names the one to run
/// (see `FuzzTargets.all`). Built only by scripts/fuzz.sh, with `-sanitize=fuzzer`.
///
/// Each target feeds the bytes to a parser and requires that it either accepts them or refuses them with
/// its own error type: a crash, a trap, a hang or a foreign error is a finding. Where a property is cheap
/// it is checked too, and a violation traps so that libFuzzer saves the input.

let verbose = ProcessInfo.processInfo.environment["LIFEBOAT_FUZZ_VERBOSE"] != nil

nonisolated(unsafe) private var selected: ((UnsafeRawBufferPointer) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
package func fuzzInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    if let folder = environment["LIFEBOAT_FUZZ_MAKE_SEEDS"] {
        do {
            try SeedMaker.write(into: folder)
            exit(0)
        } catch {
            printError("lifeboat-fuzz: cannot make seeds: \(error)\n")
            exit(1)
        }
    }
    let name = environment["LIFEBOAT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        let names = FuzzTargets.names.joined(separator: " ")
        printError("lifeboat-fuzz: set LIFEBOAT_FUZZ_TARGET to one of: \(names)\n")
        exit(2)
    }
    selected = target
    return 0
}

/// SwiftPM links a debug executable with `main` renamed to `<module>_main`; hand the process to libFuzzer's
/// driver from there (without the rename, libFuzzer's own `main` runs and this goes unused).
@_cdecl("lifeboat_fuzz_main")
package func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOne)
}

/// libFuzzer's entry point, `LLVMFuzzerRunDriver`, under a Swift name.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@_cdecl("LLVMFuzzerTestOneInput")
package func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected?(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// Stops the run with the reason when a property fails; libFuzzer keeps the input as a crash.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        printError("lifeboat-fuzz: property failed: \(message())\n")
        abort()
    }
}

/// An error a parser may throw on bad input is fine; any other is reported as a finding.
/// With `LIFEBOAT_FUZZ_VERBOSE` set, each refusal is printed (to see which seeds a parser accepts).
func tolerate<E: Error>(_ expected: E.Type, _ what: String, _ body: () throws -> Void) {
    do {
        try body()
        if verbose { printError("\(what): accepted\n") }
    } catch let error as E {
        if verbose { printError("\(what): refused: \(error)\n") }
    } catch {
        require(false, "\(what): unexpected error \(type(of: error)): \(error)")
    }
}

/// Feeds `bytes` to a sink in slices whose sizes follow from the input, so every cut point gets tried.
func feed(_ bytes: UnsafeRawBufferPointer, to sink: ByteSink) throws {
    let slice = 1 + (bytes.count * 131 + 7) % 997
    var offset = 0
    while offset < bytes.count {
        let n = min(slice, bytes.count - offset)
        try sink.write(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]))
        offset += n
    }
    try sink.finish()
}

/// Writes a line to standard error with one write(2): libc's `stderr` is shared mutable state to Swift 6.
func printError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
