import XCTest
import CKernels
@testable import FDFAEngine

final class ConvolutionTests: XCTestCase {
    private func conv(_ input: [Int], outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                      seed: UInt64 = 2) -> Conv2d {
        var rng = Random(seed: seed)
        let g = try! WindowGeometry(image: input, kernel: kernel, stride: stride, padding: padding)
        return Conv2d(geometry: g, outputs: outputs, rng: &rng)
    }

    /// The definition, written directly: y[b, o, r, q] = b[o] + Σ W[o, c, i, j] x[b, c, r·s − p + i, q·s − p + j].
    private func directConvolution(_ layer: Conv2d, _ x: Tensor) -> [Float] {
        let g = layer.geometry, w = layer.weight.value, out = [x.batch] + layer.outputShape
        var y = [Float](repeating: 0, count: out.reduce(1, *))
        for b in 0 ..< x.batch { for o in 0 ..< layer.outputs { for r in 0 ..< g.outputHeight { for q in 0 ..< g.outputWidth {
            var sum = Double(layer.bias.value[flat: o])
            for c in 0 ..< g.channels { for i in 0 ..< g.kernel { for j in 0 ..< g.kernel {
                let ih = r * g.stride - g.padding + i, iw = q * g.stride - g.padding + j
                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                sum += Double(w[flat: ((o * g.channels + c) * g.kernel + i) * g.kernel + j])
                    * Double(x[flat: ((b * g.channels + c) * g.height + ih) * g.width + iw])
            } } }
            y[((b * layer.outputs + o) * g.outputHeight + r) * g.outputWidth + q] = Float(sum)
        } } } }
        return y
    }

    func testConvolutionChecks() {
        for mode in [Mode.training, .evaluation] {
            LayerCheck.check(conv([2, 6, 5], outputs: 3, kernel: 3), batch: 3, mode: mode)
            LayerCheck.check(conv([3, 7, 7], outputs: 4, kernel: 3, stride: 2, padding: 1), batch: 2, mode: mode)
            LayerCheck.check(conv([1, 5, 5], outputs: 2, kernel: 5), batch: 2, mode: mode)
        }
    }

    /// A batch of 19 is cut into 16 blocks of one or two samples: the layer still passes its checks,
    /// dW and db equal their definitions (Σ over samples and pixels, in double precision), and the
    /// numbers are the same bit for bit with one thread and with two.
    func testBlocksOfSamplesGiveTheDefinitionOnAnyThreadCount() {
        let layer = conv([2, 6, 5], outputs: 3, kernel: 3, stride: 2, padding: 1)
        LayerCheck.check(layer, batch: 19, mode: .training)
        var rng = Random(seed: 8)
        let x = LayerCheck.normal([19, 2, 6, 5], &rng), dy = LayerCheck.normal([19] + layer.outputShape, &rng)
        let saved = Threads.count
        defer { Threads.count = saved }
        var runs: [(y: [Float], dx: [Float], dW: [Float], db: [Float])] = []
        for threads in [1, 2] {
            Threads.count = threads
            let y = layer.forward(x, mode: .training).array
            let dx = layer.adjoint(dy, needInputGradient: true)!.array
            runs.append((y, dx, layer.weight.grad.array, layer.bias.grad.array))
        }
        XCTAssertEqual(runs[0].y, runs[1].y)
        XCTAssertEqual(runs[0].dx, runs[1].dx)
        XCTAssertEqual(runs[0].dW, runs[1].dW)
        XCTAssertEqual(runs[0].db, runs[1].db)

        let g = layer.geometry
        var dW = [Double](repeating: 0, count: layer.weight.value.count), db = [Double](repeating: 0, count: 3)
        for b in 0 ..< 19 { for o in 0 ..< 3 { for r in 0 ..< g.outputHeight { for q in 0 ..< g.outputWidth {
            let d = Double(dy[flat: ((b * 3 + o) * g.outputHeight + r) * g.outputWidth + q])
            db[o] += d
            for c in 0 ..< g.channels { for i in 0 ..< g.kernel { for j in 0 ..< g.kernel {
                let ih = r * g.stride - g.padding + i, iw = q * g.stride - g.padding + j
                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                dW[((o * g.channels + c) * g.kernel + i) * g.kernel + j] += d * Double(x[flat: ((b * g.channels + c) * g.height + ih) * g.width + iw])
            } } }
        } } } }
        XCTAssertLessThan(LayerCheck.relativeError(runs[1].dW, dW.map { Float($0) }), 1e-6)
        XCTAssertLessThan(LayerCheck.relativeError(runs[1].db, db.map { Float($0) }), 1e-6)
        XCTAssertLessThan(LayerCheck.relativeError(runs[1].y, directConvolution(layer, x)), 1e-6)
    }

    func testConvolutionMatchesTheDefinition() {
        var rng = Random(seed: 4)
        for (input, k, s, p) in [([3, 9, 8], 3, 1, 0), ([2, 11, 11], 5, 2, 2), ([4, 7, 6], 3, 3, 1), ([2, 1, 4], 5, 1, 2), ([1, 3, 3], 5, 2, 2)] {
            let layer = conv(input, outputs: 5, kernel: k, stride: s, padding: p)
            let x = LayerCheck.normal([2] + input, &rng)
            let y = layer.forward(x, mode: .training).array
            XCTAssertLessThan(LayerCheck.relativeError(y, directConvolution(layer, x)), 1e-6, "\(layer.description)")
        }
    }

    /// The oneDNN path (primitives) against the im2col reference, on the same layer and operands:
    /// forward, every combination of tangent terms, and the adjoint, for strides, paddings, channel
    /// counts that are and are not multiples of oneDNN's 16-channel blocks, and batches cut into
    /// uneven blocks (on the primitives, 19 into calls of two and three samples, 150 into blocks of
    /// 18 and 19 taken in calls of six and seven); 3×3 layers of stride 1 run Winograd's algorithm
    /// where oneDNN has it.
    func testPrimitivesMatchTheIm2colReference() {
        let saved = BLAS.library
        defer { BLAS.library = saved }
        var rng = Random(seed: 12)
        var compared = 0
        var winograd = 0
        for (input, outputs, k, s, p) in [([1, 12, 12], 15, 5, 1, 0), ([15, 10, 10], 40, 5, 1, 0), ([3, 23, 23], 16, 11, 4, 2),
                                          ([17, 9, 8], 5, 3, 1, 1), ([2, 6, 5], 3, 3, 2, 1), ([32, 13, 13], 48, 3, 1, 1)] {
            for batch in [19, 150] {
                let layer = conv(input, outputs: outputs, kernel: k, stride: s, padding: p)
                let x = LayerCheck.normal([batch] + input, &rng), dx = LayerCheck.normal([batch] + input, &rng)
                let dW = LayerCheck.normal(layer.weight.value.shape, &rng), db = LayerCheck.normal([outputs], &rng)
                let dy = LayerCheck.normal([batch] + layer.outputShape, &rng)
                var results: [BLAS.GemmLibrary: [[Float]]] = [:]
                for library in [BLAS.GemmLibrary.openblas, .onednn] {
                    BLAS.library = library
                    var values: [[Float]] = []
                    values.append(layer.forward(x, mode: .training).array)
                    for directions in [[dW, db], [nil, db], [dW, nil]] as [[Tensor?]] {
                        values.append(layer.tangent(dx, along: directions)!.array)
                        values.append(layer.tangent(nil, along: directions)!.array)
                    }
                    values.append(layer.tangent(dx, along: [nil, nil])!.array)
                    values.append(layer.adjoint(dy, needInputGradient: true)!.array)
                    values.append(layer.weight.grad.array)
                    values.append(layer.bias.grad.array)
                    XCTAssertEqual(layer.runsOnPrimitives, library == .onednn, "\(layer)")
                    if layer.runsWinograd { winograd += 1 }
                    results[library] = values
                }
                for (i, (reference, fast)) in zip(results[.openblas]!, results[.onednn]!).enumerated() {
                    XCTAssertEqual(reference.count, fast.count)
                    XCTAssertLessThan(LayerCheck.relativeError(fast, reference), 1e-5, "\(layer.description), batch \(batch), result \(i)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 2 * 6 * 11)
        // Winograd's algorithm where oneDNN has it: 3×3 layers of stride 1, on a CPU with AVX-512.
        if fdfa_cpu_vector_bits() >= 512 { XCTAssertEqual(winograd, 2 * 2, "both 3×3 layers of stride 1, at both batches") }
    }

    /// The layer checks (finite differences, adjoint identity) on oneDNN's primitives (Winograd's
    /// algorithm for the first layer, where oneDNN has it) and on the reference, whichever
    /// FDFA_GEMM chose for the rest of the suite.
    func testConvolutionChecksOnBothPaths() {
        let saved = BLAS.library
        defer { BLAS.library = saved }
        for library in BLAS.GemmLibrary.allCases {
            BLAS.library = library
            LayerCheck.check(conv([2, 6, 5], outputs: 3, kernel: 3), batch: 3, mode: .training)
            LayerCheck.check(conv([3, 7, 7], outputs: 17, kernel: 3, stride: 2, padding: 1), batch: 5, mode: .training)
        }
    }

    func testConvolutionWorkedByHand() {
        let layer = conv([1, 3, 3], outputs: 1, kernel: 2)
        layer.weight.value.assign(Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4]))
        layer.bias.value.assign(Tensor(shape: [1], values: [0.5]))
        let x = Tensor(shape: [1, 1, 3, 3], values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(layer.forward(x, mode: .training).array, [37.5, 47.5, 67.5, 77.5])
        let dx = layer.adjoint(Tensor(shape: [1, 1, 2, 2], repeating: 1), needInputGradient: true)!
        XCTAssertEqual(layer.weight.grad.array, [12, 16, 24, 28])
        XCTAssertEqual(layer.bias.grad.array, [4])
        XCTAssertEqual(dx.array, [1, 3, 2, 4, 10, 6, 3, 7, 4])

        // Stride 2, padding 1: the windows hang over the zero border.
        let padded = conv([1, 3, 3], outputs: 1, kernel: 2, stride: 2, padding: 1)
        padded.weight.value.assign(Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4]))
        padded.bias.value.assign(Tensor(shape: [1], values: [0]))
        XCTAssertEqual(padded.outputShape, [1, 2, 2])
        XCTAssertEqual(padded.forward(x, mode: .training).array, [4, 18, 36, 77])
    }

    func testConvolutionInitialisationBound() {
        let layer = conv([15, 12, 12], outputs: 40, kernel: 5)
        let bound = 1 / Float(15 * 25).squareRoot()
        let w = layer.weight.value.array.map(abs)
        XCTAssertEqual(layer.weight.value.shape, [40, 15, 5, 5])
        XCTAssertLessThanOrEqual(w.max()!, bound)
        XCTAssertGreaterThan(w.max()!, 0.95 * bound)
        XCTAssertLessThanOrEqual(layer.bias.value.array.map(abs).max()!, bound)
    }

    func testMaxPoolChecks() {
        var rng = Random(seed: 6)
        for (input, k, s) in [([2, 6, 6], 2, 2), ([2, 7, 7], 3, 2), ([1, 5, 4], 2, 1)] {
            let layer = try! MaxPool2d(input: input, kernel: k, stride: s)
            // Distinct values 0.5 apart: a step of 1e-2 along the check's direction cannot move an argmax.
            let count = 2 * input.reduce(1, *)
            let x = Tensor(shape: [2] + input, values: rng.permutation(count).map { Float($0) * 0.5 - Float(count) / 4 })
            for mode in [Mode.training, .evaluation] { LayerCheck.check(layer, batch: 2, mode: mode, input: x) }
        }
    }

    func testMaxPoolWorkedByHand() throws {
        let layer = try MaxPool2d(input: [1, 4, 4], kernel: 2, stride: 2)
        let x = Tensor(shape: [1, 1, 4, 4], values: [1, 5, 2, 0,
                                                     3, 4, 8, 1,
                                                     0, 2, 7, 6,
                                                     9, 1, 3, 5])
        XCTAssertEqual(layer.forward(x, mode: .training).array, [5, 8, 9, 7])
        let dx = Tensor(shape: [1, 1, 4, 4], values: (0 ..< 16).map(Float.init))
        XCTAssertEqual(layer.tangent(dx)!.array, [1, 6, 12, 10])
        let grad = layer.adjoint(Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4]), needInputGradient: true)!
        XCTAssertEqual(grad.array, [0, 1, 0, 0,
                                    0, 0, 2, 0,
                                    0, 0, 4, 0,
                                    3, 0, 0, 0])
        // Ties go to the first maximum in row-major order, as PyTorch's.
        let tie = try MaxPool2d(input: [1, 2, 2], kernel: 2, stride: 2)
        _ = tie.forward(Tensor(shape: [1, 1, 2, 2], values: [1, 3, 3, 3]), mode: .training)
        XCTAssertEqual(tie.tangent(Tensor(shape: [1, 1, 2, 2], values: [10, 20, 30, 40]))!.array, [20])
        // Floor output sizes, as PyTorch's: 5×5 by 2/2 is 2×2, 27×27 by 3/2 is 13×13.
        XCTAssertEqual(try MaxPool2d(input: [3, 5, 5], kernel: 2, stride: 2).outputShape, [3, 2, 2])
        XCTAssertEqual(try MaxPool2d(input: [64, 27, 27], kernel: 3, stride: 2).outputShape, [64, 13, 13])
    }

    /// The vectorised kernel against the definition, window by window: values drawn from a few
    /// levels (many ties) with some NaNs, for every stride and kernel the presets use and others
    /// (2×2 by 2 with rows of 8 or more outputs, as the shallow CNN's, runs eight outputs at a time).
    func testMaxPoolMatchesTheDefinitionWithTiesAndNaNs() throws {
        var rng = Random(seed: 9)
        for (input, k, s) in [([3, 8, 8], 2, 2), ([2, 9, 11], 3, 2), ([2, 7, 6], 2, 1), ([1, 9, 9], 3, 3),
                              ([2, 20, 20], 2, 2), ([1, 5, 17], 2, 2), ([1, 4, 32], 2, 2)] {
            let layer = try MaxPool2d(input: input, kernel: k, stride: s)
            let x = Tensor(zeros: [2] + input)
            for i in 0 ..< x.count {
                let level = rng.nextInt(below: 5)
                x.data[i] = level == 4 && rng.nextInt(below: 4) == 0 ? .nan : Float(level)
            }
            let y = layer.forward(x, mode: .evaluation)
            let marker = Tensor(zeros: x.shape)
            for i in 0 ..< marker.count { marker.data[i] = Float(i) }
            let picked = layer.tangent(marker)!   // the flat index each window chose
            let (c, h, w) = (input[0], input[1], input[2])
            let (oh, ow) = ((h - k) / s + 1, (w - k) / s + 1)
            for plane in 0 ..< 2 * c {
                for r in 0 ..< oh {
                    for q in 0 ..< ow {
                        var best = plane * h * w + r * s * w + q * s
                        for i in 0 ..< k {
                            for j in 0 ..< k {
                                let at = plane * h * w + (r * s + i) * w + q * s + j
                                if x.data[at] > x.data[best] || x.data[at].isNaN { best = at }
                            }
                        }
                        let o = plane * oh * ow + r * ow + q
                        XCTAssertEqual(Int(picked.data[o]), best, "\(input) k\(k) s\(s) output \(o)")
                        XCTAssertTrue(y.data[o] == x.data[best] || (y.data[o].isNaN && x.data[best].isNaN))
                    }
                }
            }
        }
    }

    func testOverlappingMaxPoolAdjointSumsSharedArgmax() throws {
        // k3 s1 on a 1×3×4 plane with its maximum in the middle: both windows pick it.
        let layer = try MaxPool2d(input: [1, 3, 4], kernel: 3, stride: 1)
        let x = Tensor(shape: [1, 1, 3, 4], values: [0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0])
        XCTAssertEqual(layer.forward(x, mode: .training).array, [9, 9])
        let dx = layer.adjoint(Tensor(shape: [1, 1, 1, 2], values: [2, 5]), needInputGradient: true)!
        XCTAssertEqual(dx.array, [0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0])
    }

    func testAdaptiveAveragePoolChecks() throws {
        for (input, h, w) in [([2, 5, 5], 2, 2), ([3, 7, 6], 3, 4), ([1, 2, 3], 3, 5), ([2, 6, 6], 6, 6)] {
            let layer = try AdaptiveAvgPool2d(input: input, height: h, width: w)
            for mode in [Mode.training, .evaluation] { LayerCheck.check(layer, batch: 2, mode: mode) }
        }
    }

    func testAdaptiveAveragePoolWorkedByHand() throws {
        // 5×5 → 2×2: bins rows/columns 0..<3 and 2..<5 (they overlap on index 2).
        let layer = try AdaptiveAvgPool2d(input: [1, 5, 5], height: 2, width: 2)
        let x = Tensor(shape: [1, 1, 5, 5], values: (0 ..< 25).map(Float.init))
        XCTAssertEqual(layer.forward(x, mode: .training).array, [6, 8, 16, 18])
        let dx = layer.adjoint(Tensor(shape: [1, 1, 2, 2], repeating: 9), needInputGradient: true)!.array
        let expected: [Float] = [1, 1, 2, 1, 1,
                                 1, 1, 2, 1, 1,
                                 2, 2, 4, 2, 2,
                                 1, 1, 2, 1, 1,
                                 1, 1, 2, 1, 1]
        for (a, b) in zip(dx, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // 6×6 → 6×6 (AlexNet's case) is the identity.
        let identity = try AdaptiveAvgPool2d(input: [2, 6, 6], height: 6, width: 6)
        let y = Tensor(shape: [1, 2, 6, 6], values: (0 ..< 72).map { Float($0) * 0.25 })
        XCTAssertEqual(identity.forward(y, mode: .training).array, y.array)
    }
}
