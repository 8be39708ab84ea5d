import ArgumentParser
import FDFATraining
import Foundation
import TOMLKit

/// A TOML sweep file: `fdfa train` flags without their dashes as keys, for grids that outgrow a
/// command line. A list sweeps a flag; a string may be a comma list or a range as on the command line.
///
///     dataset = "FashionMNIST"
///     epochs = 10
///     train-mode = ["BP", "DFA", "FDFA"]
///     lr = [1e-4, 3e-4]
///     seed = "0..4"
///     conv = [false, true]
///
/// TOML tables keep no key order, so swept flags vary in the keys' alphabetical order.
enum SweepFile {
    static func read(_ path: String, into grid: inout SweepGrid) throws {
        let text: String
        do { text = try readText(path) } catch { throw ValidationError("\(error)") }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw ValidationError("\(path): \(error)") }
        for (key, value) in table.sorted(by: { $0.0 < $1.0 }) {
            let boolean = SweepGrid.isBoolean(key)
            let items = value.array.map { Array($0) } ?? [value]
            let values = try items.flatMap { item -> [String] in
                if let s = item.string { return try SweepGrid.expand(s, flag: key) }
                if let b = item.bool { return [String(b)] }
                if let i = item.int { return [String(i)] }
                if let d = item.double { return [String(d)] }
                throw ValidationError("\(path): '\(key)' holds \(item.type), expected strings, numbers or true/false")
            }
            do {
                try grid.add(SweepGrid.Flag(name: key, values: values, boolean: boolean))
            } catch let error as ValidationError {
                throw ValidationError("\(path): \(error.message)")
            }
        }
    }
}
