/// A failure the command line words itself, reported as one clear message on stderr with a
/// non-zero exit status. Errors that describe themselves (a data, checkpoint or rule error) are
/// thrown as they are: argument-parser prints their description the same way.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
