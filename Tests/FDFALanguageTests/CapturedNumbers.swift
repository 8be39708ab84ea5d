@testable import FDFALanguage
import XCTest

extension Captured {
    /// The number an expression prints, for comparisons with a tolerance.
    func number(_ expression: String, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        try XCTUnwrap(Double(try run("print(\(expression))").trimmingCharacters(in: .newlines)), expression, file: file, line: line)
    }
}
