import FDFAEngine
@testable import FDFALanguage
import FDFATestSupport
import FDFATraining
import XCTest

/// Random and mutated programs must each end in a value or a reported `LanguageError`: never a
/// crash, a hang or another kind of failure. Seeded, so a failure reproduces.
final class FuzzTests: XCTestCase {
    /// Generates small random programs from the grammar.
    private struct Generator {
        var random: Random
        let names = ["a", "b", "t", "xs", "r", "f"]
        let builtins = ["len", "str", "type", "abs", "sqrt", "sum", "mean", "max", "min", "zeros", "ones", "randn",
                        "tensor", "shape", "reshape", "transpose", "matmul", "norm", "dot", "cosine", "outer", "range",
                        "print", "fields", "copy", "summary", "relu", "exp", "log", "seed"]
        let operators = ["+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", ">=", "and", "or", ".."]

        mutating func pick<T>(_ items: [T]) -> T { items[random.nextInt(below: items.count)] }
        mutating func chance(_ n: Int) -> Bool { random.nextInt(below: n) == 0 }

        mutating func expression(_ depth: Int) -> String {
            if depth <= 0 || chance(3) {
                switch random.nextInt(below: 6) {
                case 0: return String(random.nextInt(below: 5))
                case 1: return "\"s\(random.nextInt(below: 3))\""
                case 2: return pick(["true", "false", "none", "0.5", "-1"])
                default: return pick(names)
                }
            }
            switch random.nextInt(below: 8) {
            case 0, 1: return "\(expression(depth - 1)) \(pick(operators)) \(expression(depth - 1))"
            case 2: return "[\(expression(depth - 1)), \(expression(depth - 1))]"
            case 3: return "\(expression(depth - 1))[\(expression(depth - 1))\(chance(2) ? ":" : "")]"
            case 4: return "\(expression(depth - 1)).\(pick(["shape", "a", "count", "x"]))"
            case 5: return "{a: \(expression(depth - 1)), b: \(expression(depth - 1))}"
            case 6: return "(\(pick(["-", "not ", ""]))\(expression(depth - 1)))"
            default:
                let arguments = (0 ..< random.nextInt(below: 3)).map { _ in expression(depth - 1) }
                let keyword = chance(4) ? [pick(["axis", "x", "size"]) + "=" + expression(0)] : []
                return "\(pick(builtins + ["f"]))(\((arguments + keyword).joined(separator: ", ")))"
            }
        }

        mutating func statement(_ depth: Int) -> String {
            switch depth <= 0 ? random.nextInt(below: 2) : random.nextInt(below: 8) {
            case 0: return "\(pick(names)) = \(expression(2))"
            case 1: return expression(3)
            case 2: return "if \(expression(2)) { \(block(depth - 1)) } else { \(block(depth - 1)) }"
            case 3: return "for \(pick(names)) in \(pick(["0..3", "xs", "t", "range(4)", expression(1)])) { \(block(depth - 1)) }"
            case 4: return "fn f(a, b=1) { \(block(depth - 1)); return \(expression(2)) }"
            case 5: return "n = 0; while n < 5 { n += 1; \(block(depth - 1)) }"
            case 6: return "\(pick(names))[\(random.nextInt(below: 3))] = \(expression(1))"
            default: return "r.\(pick(["a", "b"])) = \(expression(1))"
            }
        }

        mutating func block(_ depth: Int) -> String {
            (0 ..< 1 + random.nextInt(below: 3)).map { _ in statement(depth) }.joined(separator: "\n")
        }

        /// A character-level edit: deletion, insertion of a syntax character, or a swap.
        mutating func mutate(_ program: String) -> String {
            var chars = Array(program)
            guard !chars.isEmpty else { return program }
            for _ in 0 ..< 1 + random.nextInt(below: 3) {
                let i = random.nextInt(below: chars.count)
                switch random.nextInt(below: 3) {
                case 0 where chars.count > 1: chars.remove(at: i)
                case 1: chars.insert(pick(Array("(){}[],.=+-*/\"\n #:;<@^")), at: i)
                default: if i + 1 < chars.count { chars.swapAt(i, i + 1) }
                }
            }
            return String(chars)
        }
    }

    func testRandomAndMutatedProgramsEndInAValueOrAnError() {
        var generator = Generator(random: Random(seed: 2024))
        let session = Session(output: { _ in })
        let prelude = "a = 1; b = 2; t = ones(2, 2); xs = [1, 2, 3]; r = {a: 1}; fn f(a, b=1) { return a }"
        var outcomes = (values: 0, errors: 0)
        let watchdog = Watchdog(limit: 0.2)
        for i in 0 ..< 10_000 {
            var program = generator.block(2)
            if i % 2 == 1 { program = generator.mutate(program) }
            do {
                try session.execute(prelude)
                watchdog.arm()
                try session.execute(program)
                outcomes.values += 1
            } catch is LanguageError {
                outcomes.errors += 1
            } catch {
                XCTFail("program \(i) failed outside the language: \(error)\n\(program)")
            }
            watchdog.disarm()
        }
        XCTAssertEqual(outcomes.values + outcomes.errors, 10_000)
        XCTAssertGreaterThan(outcomes.values, 500, "the generator should make many valid programs")
        XCTAssertGreaterThan(outcomes.errors, 1000, "and many invalid ones")
    }

    /// Every built-in of the registry, each of its parameters in turn given a hostile value (NaN,
    /// infinities, huge and negative numbers, empty values, and paths that are a directory, a FIFO,
    /// an empty or a garbage file), the others an ordinary one: each call ends in a value or a
    /// language error, and the session goes on. A call running past the watchdog is stopped as
    /// Ctrl-C would stop it.
    func testEveryBuiltinWithHostileArgumentsEndsInAValueOrAnError() throws {
        let directory = try temporaryDirectory(self).path
        /// Lays out the hostile files again: a writing built-in (dump, save) given one replaces it.
        func layOutFiles() {
            for name in ["fifo", "empty", "garbage"] { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
            XCTAssertEqual(mkfifo(directory + "/fifo", 0o600), 0)
            FileManager.default.createFile(atPath: directory + "/empty", contents: Data())
            FileManager.default.createFile(atPath: directory + "/garbage", contents: Data((0 ..< 3000).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }))
        }
        let hostile = ["0/0", "1e400", "-1e400", "-1", "0", "1e300", "1e14", "\"\"", "[]", "[[[]]]", "none", "zeros(0)", "zeros(0, 3)",
                       "0..<0"] + ["", "/fifo", "/empty", "/garbage", "/missing/x"].map { "\"\(directory)\($0)\"" }
        let session = Session(output: { _ in })
        try session.execute("""
            data = load("synthetic", shape=[16], classes=4, train=64, test=32)
            net = fc(data, [8])
            b = batch(data, 8)
            t = ones(2, 3)
            fn g(a) { return a }
            """)
        /// An ordinary value of `type`; a path lands in the test's directory.
        func ordinary(_ parameter: BuiltinParameter) -> String {
            if ["path", "file", "data_dir"].contains(parameter.name) { return "\"\(directory)/out.\(parameter.name == "file" ? "svg" : "npy")\"" }
            switch parameter.type {
            case .host("network"): return "net"
            case .host("batch"): return "b"
            case .host: return "data"
            case .tensor, .tensorLike: return "t"
            case .integer, .dimensions: return "2"
            case .number: return "0.5"
            case .string: return "\"s\""
            case .bool: return "true"
            case .list: return "[8]"
            case .function: return "g"
            case .any: return ["data", "input"].contains(parameter.name) ? "data" : "t"
            }
        }
        let watchdog = Watchdog(limit: 1)
        var calls = 0
        for builtin in Registry.standard.groups.flatMap(\.builtins) where builtin.name != "lesson" {
            for (position, _) in builtin.parameters.enumerated() {
                for value in hostile {
                    let arguments = builtin.parameters.enumerated().compactMap { i, parameter -> String? in
                        let text = i == position ? value : ordinary(parameter)
                        if parameter.defaultValue == nil || parameter.variadic { return text }
                        return i == position ? "\(parameter.name)=\(text)" : nil
                    }
                    let program = "\(builtin.name)(\(arguments.joined(separator: ", ")))"
                    if value.contains(directory) { layOutFiles() }
                    watchdog.arm()
                    do { try session.execute(program) } catch is LanguageError {} catch {
                        XCTFail("\(program) failed outside the language: \(error)")
                    }
                    watchdog.disarm()
                    calls += 1
                    XCTAssertEqual(try session.execute("1 + 1"), "2\n", "the session goes on after \(program)")
                }
            }
        }
        XCTAssertGreaterThan(calls, 2000)
    }
}

/// Programs that ask for impossible sizes, piped into the `fdfa` REPL running under a memory limit
/// (`ulimit -v`): each must end in a value or an error, and the statement after it must still run.
final class HugeSizeFuzzTests: XCTestCase {
    static let sizes = ["0", "-1", "1e9", "1e12", "2^31", "2^62", "1e15", "2^31 - 1"]
    static let allocations = [
        "zeros(N)", "ones(N, N)", "randn(N, 2, N)", "rand(N, N, N)", "tensor(0..<N)", "tensor(range(0, N, 2))",
        "reshape(ones(4), N, -1)", "outer(ones(N), ones(N))", "matmul(ones(N, 1), ones(1, N))", "ones(4) + zeros(N)",
        "fc(data, [N])", "fc(N, [8])", "fc(data, [8, N, 8])", "stack([N], linear(N))", "stack([3, N, N], conv(8, 3), flatten(), linear(2))",
        "stack([1, 8, 8], conv(N, 3), flatten(), linear(2))", "load(\"synthetic\", shape=[N, N], train=64, test=8)",
        "load(\"synthetic\", shape=[4], train=N, test=8)", "batch(data, N)", "range(N)[N - 1]", "len(range(0, N))",
        "load(\"synthetic\", shape=[4], classes=N, train=64, test=8)", "load(\"synthetic\", shape=[4], classes=N, train=N, test=8)",
        "train(net, data, batch=N, steps=1, quiet=true)", "eval(net, data, batch=N)",
        "dataset(ones(4, 4), tensor([0, 1, 2, N]))", "dataset(ones(4, 4), tensor([0, 1, 2, 3]), classes=N)",
    ]
    static let programs = [
        "s = \"ab\"\nfor i in 0..<40 { s = s + s }",
        "l = [1]\nfor i in 0..<40 { l = l + l }",
        "x = []\nfor i in 0..<200000 { x = [x] }\nprint(x == x, len(str(x)))\nx = 0",
        "fn f(a = f()) { return a }\nf()",
        "r = 0..<1e14\nr == r",
        "plot([1e308, -1e308])",
        "plot([1e308, -1e308], file=\"wide.svg\")",
        "plot([inf, nan, -inf])",
        "load(\"synthetic\", shape=[4], classes=100000, train=100000, test=8)",
        "dataset(ones(4, 4), tensor([0, 1, 2, 1e400]))",
    ]

    func testHugeSizesUnderAMemoryLimitNeverEndTheSession() throws {
        let executable = try FDFABinary.path()
        var cases = HugeSizeFuzzTests.programs
        for allocation in HugeSizeFuzzTests.allocations {
            cases += HugeSizeFuzzTests.sizes.map { allocation.replacingOccurrences(of: "N", with: "(\($0))") }
        }
        var script = "data = load(\"synthetic\", shape=[16], classes=4, train=64, test=32)\nnet = fc(data, [8])\nkeep = ones(3)\n"
        for (i, program) in cases.enumerated() { script += "\(program)\nprint(\"ok \(i)\", sum(keep))\n" }
        let input = try temporaryDirectory(self).appendingPathComponent("huge.fdfa")
        try script.write(to: input, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 4000000 && exec \"$0\" < \"$1\"", executable, input.path]
        process.currentDirectoryURL = input.deletingLastPathComponent() // where the figures go
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 300, execute: watchdog)
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()

        XCTAssertEqual(process.terminationReason, .exit, "the REPL died of a signal")
        XCTAssertGreaterThan(cases.count, 150)
        let missing = cases.indices.filter { !text.contains("ok \($0) 3\n") }
        XCTAssertEqual(missing, [], "no marker after: \(missing.prefix(3).map { cases[$0] })")
    }
}

/// Presses "Ctrl-C" (`Interrupt.request()`) on a program that runs longer than `limit` seconds.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var generation = 0
    private let limit: Double

    init(limit: Double) { self.limit = limit }

    func arm() {
        let current = lock.withLock { generation += 1; return generation }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) { [self] in
            if lock.withLock({ generation == current }) { Interrupt.request() }
        }
    }

    func disarm() { lock.withLock { generation += 1 } }
}
