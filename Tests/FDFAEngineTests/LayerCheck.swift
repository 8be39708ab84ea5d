import XCTest
@testable import FDFAEngine

/// Numerical checks that every layer must pass, in any mode:
/// - its tangent (JVP) agrees with central finite differences of its forward map, along a random
///   direction in input and parameter space together;
/// - its adjoint (VJP) is the transpose of its tangent: <J v, u> = <v, Jᵀ u> for random v and u,
///   with the parameter parts included on both sides.
enum LayerCheck {
    static func normal(_ shape: [Int], _ rng: inout Random) -> Tensor {
        let t = Tensor(zeros: shape)
        rng.fillNormal(t)
        return t
    }

    static func dot(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.count == b.count)
        var s: Double = 0
        for i in 0 ..< a.count { s += Double(a.data[i]) * Double(b.data[i]) }
        return s
    }

    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var num: Double = 0, den: Double = 0
        for (x, y) in zip(a, b) {
            num += Double(x - y) * Double(x - y)
            den += Double(y) * Double(y)
        }
        return (num / max(den, 1e-30)).squareRoot()
    }

    /// Runs both checks on `layer` with a batch of `batch` samples; `input` may supply the input
    /// (e.g. to keep max-pool ties away), otherwise it is standard normal.
    static func check(
        _ layer: Layer, batch: Int, mode: Mode, seed: UInt64 = 1, input: Tensor? = nil,
        jvpTolerance: Double = 2e-3, adjointTolerance: Double = 1e-4,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        var rng = Random(seed: seed)
        let x = input ?? normal([batch] + layer.inputShape, &rng)
        let v = normal(x.shape, &rng)
        let params = layer.parameters
        let directions: [Tensor?] = params.map { normal($0.value.shape, &rng) }

        // Tangent against central differences: (f(x + εv, θ + εdθ) − f(x − εv, θ − εdθ)) / 2ε.
        _ = layer.forward(x, mode: mode)
        guard let jvp = layer.tangent(v, along: directions)?.copy() else {
            return XCTFail("\(layer.description): tangent returned nil for a non-zero direction", file: file, line: line)
        }
        func shifted(_ sign: Float, _ eps: Float) -> [Float] {
            let xs = x.copy()
            for i in 0 ..< xs.count { xs.data[i] += sign * eps * v.data[i] }
            let saved = params.map { $0.value.copy() }
            for (p, d) in zip(params, directions) { for i in 0 ..< p.value.count { p.value.data[i] += sign * eps * d!.data[i] } }
            let y = layer.forward(xs, mode: mode).array
            for (p, s) in zip(params, saved) { p.value.assign(s) }
            return y
        }
        // A ReLU or max-pool switching inside ±ε spoils a difference quotient; a wrong tangent is wrong
        // at every step size, so the better of a coarse and a fine step is taken.
        let jvpError = [Float(1e-2), 1e-3].map { eps in
            let fd = zip(shifted(1, eps), shifted(-1, eps)).map { ($0 - $1) / (2 * eps) }
            return relativeError(jvp.array, fd)
        }.min()!
        XCTAssertLessThan(jvpError, jvpTolerance, "\(layer.description) (\(mode)): JVP vs finite differences", file: file, line: line)

        // Adjoint identity at the original point.
        let y = layer.forward(x, mode: mode)
        let jv = layer.tangent(v, along: directions)!.copy()
        let u = normal(y.shape, &rng)
        guard let vjp = layer.adjoint(u, needInputGradient: true) else {
            return XCTFail("\(layer.description): adjoint returned nil when the input gradient was asked for", file: file, line: line)
        }
        let lhs = dot(jv, u)
        var rhs = dot(v, vjp)
        for (p, d) in zip(params, directions) { rhs += dot(d!, p.grad) }
        XCTAssertEqual(lhs, rhs, accuracy: adjointTolerance * max(abs(lhs), 1),
                       "\(layer.description) (\(mode)): <J v, u> = <v, Jᵀ u>", file: file, line: line)

        // With no input tangent and no parameter tangent, the output tangent is zero.
        _ = layer.forward(x, mode: mode)
        if let zero = layer.tangent(nil) {
            XCTAssertEqual(zero.array.map(abs).max() ?? 0, 0, "\(layer.description): tangent of zero is not zero", file: file, line: line)
        }
    }
}
