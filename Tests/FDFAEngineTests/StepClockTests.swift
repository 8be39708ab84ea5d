import Dispatch
import XCTest
@testable import FDFAEngine

/// The step clock: its phases cover the step, name the passes a rule runs, and change no number.
final class StepClockTests: XCTestCase {
    private func trainer(_ rule: Rule) throws -> Trainer {
        let net = try Network.fc(input: [1, 8, 8], hidden: [256, 256], classes: 5, seed: 3)
        return try Trainer(network: net, rule: rule, seed: 4)
    }

    private func batch() -> (Tensor, [Int32]) {
        var rng = Random(seed: 5)
        let images = Tensor(zeros: [16, 1, 8, 8])
        rng.fillNormal(images)
        return (images, (0 ..< 16).map { Int32($0 % 5) })
    }

    func testPhasesCoverTheStepsAndFollowTheRule() throws {
        let (images, labels) = batch()
        for rule in [Rule.fdfa, .bp] {
            let trainer = try trainer(rule), clock = StepClock()
            trainer.clock = clock
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0 ..< 3 { try trainer.step(images: images, labels: labels) }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            XCTAssertEqual(clock.steps, 3)
            let total = clock.seconds.reduce(0, +)
            // The phases are disjoint parts of the steps and leave out only a few statements (the
            // bound is loose so that a preemption between two phases cannot fail it).
            XCTAssertLessThanOrEqual(total, wall, "\(rule)")
            XCTAssertGreaterThan(total, 0.5 * wall, "\(rule)")
            XCTAssertGreaterThan(clock.secondsPerStep(.forward), 0)
            XCTAssertGreaterThan(clock.secondsPerStep(.gradients), 0)
            XCTAssertGreaterThan(clock.secondsPerStep(.update), 0)
            if rule == .fdfa {
                // FDFA's tangent pass is a forward pass's worth of products above the first tap.
                XCTAssertGreaterThan(clock.secondsPerStep(.tangent), 0.1 * clock.secondsPerStep(.forward))
            } else {
                // BP runs no tangent: the phase holds only the clock's own reading.
                XCTAssertLessThan(clock.secondsPerStep(.tangent), 0.1 * clock.secondsPerStep(.forward))
            }
            clock.reset()
            XCTAssertEqual(clock.steps, 0)
            XCTAssertEqual(clock.seconds.reduce(0, +), 0)
        }
    }

    func testAClockChangesNoNumber() throws {
        let (images, labels) = batch()
        let timed = try trainer(.fdfa), plain = try trainer(.fdfa)
        timed.clock = StepClock()
        for _ in 0 ..< 2 {
            try timed.step(images: images, labels: labels)
            try plain.step(images: images, labels: labels)
        }
        for (a, b) in zip(timed.network.parameters, plain.network.parameters) {
            XCTAssertEqual(a.value.array, b.value.array)
        }
    }

    func testARefusedStepIsNotCounted() throws {
        let (images, labels) = batch()
        let trainer = try trainer(.bp), clock = StepClock()
        trainer.clock = clock
        images.data[0] = .nan
        XCTAssertThrowsError(try trainer.step(images: images, labels: labels))
        XCTAssertEqual(clock.steps, 0)
    }
}
