import ArgumentParser

/// Range checks of numeric options, with one wording for all of them. The bounds are far beyond
/// any sensible run and well inside what the machine can allocate, so that a typo is an error and
/// not a trap, an allocation failure or a run that never ends.
enum Limits {
    static func check(_ value: Int, in range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }
}
