import ArgumentParser
import FDFATraining
import Foundation

/// The grid of a sweep: `fdfa train` flags, each with one value or several (a comma list `BP,FDFA`, an
/// inclusive range `0..9`, or both: `0..2,7`), expanded into one run per combination, the first swept
/// flag varying slowest. A boolean flag (`--conv`) is fixed when given bare, or swept with `false,true`.
struct SweepGrid {
    /// A train flag without its dashes and its values; a boolean flag's values are "true"/"false".
    struct Flag: Equatable {
        let name: String
        let values: [String]
        let boolean: Bool
    }

    /// The flags the sweep sets for every run itself.
    static let reserved = ["log-dir", "checkpoint", "resume", "threads"]

    var flags: [Flag] = []

    /// Parses `fdfa train` flags as given to `fdfa sweep`, e.g. `--train-mode BP,FDFA --seed 0..4 --conv`.
    init(arguments: [String]) throws {
        var i = 0
        while i < arguments.count {
            let token = arguments[i]
            guard token.hasPrefix("--"), token.count > 2 else {
                throw ValidationError("'\(token)' is not a flag of fdfa train (flags start with --)")
            }
            var name = String(token.dropFirst(2)), value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            let boolean = Self.isBoolean(name)
            if value == nil, !boolean {
                guard i + 1 < arguments.count else { throw ValidationError("--\(name) needs a value") }
                i += 1
                value = arguments[i]
            } else if value == nil, boolean, i + 1 < arguments.count, Self.isBooleanList(arguments[i + 1]) {
                i += 1
                value = arguments[i]
            }
            try add(name: name, text: value ?? "true", boolean: boolean)
            i += 1
        }
    }

    /// Adds a flag whose values are given as command-line text (a list, a range, or one value).
    mutating func add(name: String, text: String, boolean: Bool) throws {
        let values = try Self.expand(text, flag: name)
        try add(Flag(name: name, values: values, boolean: boolean))
    }

    mutating func add(_ flag: Flag) throws {
        guard !Self.reserved.contains(flag.name) else {
            throw ValidationError("--\(flag.name) is set by the sweep for each run (\(Self.reserved.map { "--" + $0 }.joined(separator: ", ")) are; use --threads of fdfa sweep for the total)")
        }
        guard !flags.contains(where: { $0.name == flag.name }) else { throw ValidationError("--\(flag.name) is given twice") }
        if flag.boolean, let bad = flag.values.first(where: { $0 != "true" && $0 != "false" }) {
            throw ValidationError("--\(flag.name) is a switch: its values are true and false, not '\(bad)'")
        }
        guard !flag.values.isEmpty else { throw ValidationError("--\(flag.name) has no values") }
        guard Set(flag.values).count == flag.values.count else { throw ValidationError("--\(flag.name) lists a value twice") }
        flags.append(flag)
    }

    /// A comma list whose items may be inclusive integer ranges `a..b`.
    static func expand(_ text: String, flag: String) throws -> [String] {
        try CommaList.items(text).flatMap { item -> [String] in
            guard let dots = item.range(of: "..") else { return [item] }
            guard let low = Int(item[..<dots.lowerBound]), let high = Int(item[dots.upperBound...]), low <= high else {
                throw ValidationError("--\(flag): '\(item)' is not a range of whole numbers low..high")
            }
            return (low...high).map(String.init)
        }
    }

    /// Whether `fdfa train --name` is a switch (it parses without a value).
    static func isBoolean(_ name: String) -> Bool {
        (try? TrainCommand.parse(["--\(name)"])) != nil
    }

    private static func isBooleanList(_ text: String) -> Bool {
        !CommaList.items(text).isEmpty && CommaList.items(text).allSatisfy { $0 == "true" || $0 == "false" }
    }

    /// The flags with more than one value, in the order given.
    var swept: [Flag] { flags.filter { $0.values.count > 1 } }

    /// Every combination as a manifest run, each checked by `fdfa train`'s own parser so that a bad
    /// value is reported before anything runs. `threads` is each run's `--threads`.
    func manifest(threads: Int) throws -> SweepManifest {
        var combinations: [[(Flag, String)]] = [[]]
        for flag in flags {
            combinations = combinations.flatMap { prefix in flag.values.map { prefix + [(flag, $0)] } }
        }
        let runs = try combinations.enumerated().map { index, combination -> SweepManifest.Run in
            var arguments: [String] = []
            for (flag, value) in combination {
                if flag.boolean {
                    if value == "true" { arguments.append("--" + flag.name) }
                } else {
                    arguments += ["--" + flag.name, value]
                }
            }
            arguments += ["--threads", String(threads)]
            let train: TrainCommand
            do {
                train = try TrainCommand.parse(arguments)
            } catch {
                throw ValidationError("fdfa train \(arguments.joined(separator: " ")): \(TrainCommand.message(for: error))")
            }
            // A run of no epoch has no accuracy to report.
            guard train.epochs >= 1 else {
                throw ValidationError("fdfa train \(arguments.joined(separator: " ")): a sweep's runs train at least one epoch (--epochs 0 leaves nothing to report)")
            }
            let settings = combination.filter { $0.0.values.count > 1 }.map { SweepManifest.Setting(name: $0.0.name, value: $0.1) }
            return SweepManifest.Run(index: index, name: Self.folderName(settings), settings: settings, arguments: arguments)
        }
        return SweepManifest(parameters: swept.map { SweepManifest.Parameter(name: $0.name, values: $0.values) }, runs: runs)
    }

    /// `train-mode=FDFA_seed=0`, with path separators and spaces replaced; "run" for a grid of one.
    static func folderName(_ settings: [SweepManifest.Setting]) -> String {
        guard !settings.isEmpty else { return "run" }
        return settings.map { "\($0.name)=\($0.value)" }.joined(separator: "_")
            .map { $0 == "/" || $0 == " " ? "-" : $0 }.reduce(into: "") { $0.append($1) }
    }
}
