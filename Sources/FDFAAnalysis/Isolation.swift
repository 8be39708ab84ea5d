import FDFAEngine

/// Runs a measurement so that training cannot tell it happened.
///
/// Measuring calls into the same layers and trainer that training uses, and some of their state
/// survives from one step to the next: the trainer's generator (the next step's perturbations are
/// drawn from it), the taps' perturbations and the parameters' tangents (FG-W keeps a tangent buffer
/// per parameter). `measure` saves all three, gives the trainer a generator of its own seeded with
/// the analysis seed, and puts everything back bit for bit afterwards, even when `body` throws.
///
/// What it does not restore, on purpose: parameter gradients, the trainer's signals, feedback
/// gradients and output tangent, and the layers' caches of the last forward. The next training step
/// rewrites all of them before reading them, so a measurement taken between two steps is invisible.
/// Forward passes inside a measurement must use `.training(updateStatistics: false)` so that
/// BatchNorm's running estimates stay put.
public enum Isolation {
    public static func measure<T>(
        _ network: Network, trainer: Trainer? = nil, seed: UInt64, _ body: () throws -> T
    ) rethrows -> T {
        let perturbations = network.taps.map { SavedTensor($0.perturbation) }
        let parameters = network.parameters
        let tangents = parameters.map { SavedTensor($0.tangent) }
        let generator = trainer?.rng
        trainer?.rng = Random(seed: seed)
        defer {
            for (tap, saved) in zip(network.taps, perturbations) { tap.perturbation = saved.restored() }
            for (parameter, saved) in zip(parameters, tangents) { parameter.tangent = saved.restored() }
            if let generator { trainer?.rng = generator }
        }
        return try body()
    }
}

/// A tensor reference together with a copy of its contents, since a measurement may both rebind the
/// reference and overwrite the buffer it points to (the trainer refills the same workspace).
private struct SavedTensor {
    let tensor: Tensor?
    let contents: Tensor?

    init(_ tensor: Tensor?) {
        self.tensor = tensor
        contents = tensor?.copy()
    }

    func restored() -> Tensor? {
        if let tensor, let contents { tensor.assign(contents) }
        return tensor
    }
}
