import LifeboatCore

/// The target of a load said no before anything was written to it (a database that holds tables):
/// the same answer for every older backup, so a restore reports it and does not walk back.
package struct TargetRefused: Error {
    package let failure: LifeboatError
}
