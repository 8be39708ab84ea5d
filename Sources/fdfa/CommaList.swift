import ArgumentParser
import Foundation

/// Options that take a comma-separated list (`--rule BP,FDFA`, `--widths 32,64`).
enum CommaList {
    /// The trimmed, non-empty items of `text`.
    static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Each item parsed by `parse`; a failure names the option, the item and what was `expected`.
    static func parse<T>(_ text: String, option: String, expected: String, _ parse: (String) -> T?) throws -> [T] {
        try items(text).map { item in
            guard let value = parse(item) else { throw ValidationError("\(option): '\(item)' is not \(expected)") }
            return value
        }
    }

    /// Whole numbers in `range` (at least one).
    static func integers(_ text: String, in range: ClosedRange<Int>, option: String) throws -> [Int] {
        let values = try parse(text, option: option, expected: "a whole number between \(range.lowerBound) and \(range.upperBound)") {
            Int($0).flatMap { range.contains($0) ? $0 : nil }
        }
        guard !values.isEmpty else { throw ValidationError("\(option) names nothing") }
        return values
    }
}
