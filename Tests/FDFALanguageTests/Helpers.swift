@testable import FDFALanguage
import XCTest

/// A session whose output is collected instead of printed.
final class Captured {
    var text = ""
    lazy var session = Session(output: { [unowned self] in self.text += $0 })

    /// Runs `code` and returns what it printed (throws the language error, if any).
    @discardableResult
    func run(_ code: String) throws -> String {
        try session.execute(code)
    }

    /// The rendered error `code` produces, or a failure if it succeeds.
    func error(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try session.execute(code)
            XCTFail("expected an error from: \(code)", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }
}

/// Runs code in a fresh session and returns its output.
func output(_ code: String) throws -> String { try Captured().run(code) }
