import FDFAEngine
@testable import FDFALanguage
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
