import FDFAEngine

/// What `train` returns: the loss of every step it took and the test result of every epoch it
/// finished. `train` has printed it already, so the REPL does not echo it again (see `Reported`);
/// `h = train(...)` keeps it for plotting: plot(h.losses).
final class HistoryValue: HostObject, Reported {
    struct Epoch {
        let number: Int
        let meanLoss: Double
        let testLoss: Double
        let testAccuracy: Double
    }

    let losses: [Double]
    let epochs: [Epoch]

    init(losses: [Double], epochs: [Epoch]) {
        self.losses = losses
        self.epochs = epochs
    }

    var typeName: String { "history" }
    var fieldNames: [String] { ["losses", "epochs", "mean_loss", "test_loss", "test_accuracy"] }

    func field(_ name: String) -> Value? {
        func perEpoch(_ value: (Epoch) -> Double) -> Value { .list(epochs.map { .number(value($0)) }) }
        switch name {
        case "losses": return .list(losses.map(Value.number))
        case "epochs": return perEpoch { Double($0.number) }
        case "mean_loss": return perEpoch(\.meanLoss)
        case "test_loss": return perEpoch(\.testLoss)
        case "test_accuracy": return perEpoch(\.testAccuracy)
        default: return nil
        }
    }

    var description: String {
        let last = epochs.last.map { "; after epoch \($0.number): test loss \(Display.shortNumber($0.testLoss)), accuracy \(Display.shortNumber($0.testAccuracy)) %" } ?? ""
        return "history of \(counted(losses.count, "step")), \(counted(epochs.count, "finished epoch"))\(last)"
    }
}
