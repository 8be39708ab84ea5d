import FDFATraining

/// Reading the output of `fdfa sweep` (see `SweepDirectory`): one record per run of the grid.
extension BuiltinGroup {
    static let sweeps = BuiltinGroup("Sweeps", [
        Builtin("load_sweep", [.required("path", .string)],
                summary: "Reads a folder written by `fdfa sweep`: a list of records, one per run of its grid.",
                details: """
                    Each record has the run's `name` and `index`, `finished` (false while it is still running or
                    was never run), its swept settings as fields (dashes become underscores: `train_mode`, `seed`,
                    numbers as numbers), `epochs` (rows logged), `accuracy`, `test_loss` and `train_loss` (lists,
                    one entry per epoch), and `final_accuracy`, `best_accuracy`, `final_loss` (none when nothing
                    is logged).
                      runs = load_sweep("runs/rules")
                      for r in runs { if r.train_mode == "FDFA" and r.finished { plot(r.accuracy) } }
                    """) { args, _ in
            let path = try args.string("path")
            do {
                return .list(try SweepDirectory(path: path).runs.map(record))
            } catch {
                throw LanguageError.runtime("\(error)")
            }
        },
    ])

    private static func record(_ state: SweepDirectory.RunState) -> Value {
        func numbers(_ values: [Double]) -> Value { .list(values.map(Value.number)) }
        var fields: [(name: String, value: Value)] = [("name", .string(state.run.name)), ("index", .number(Double(state.run.index))),
                                                      ("finished", .bool(state.finished))]
        for setting in state.run.settings {
            let name = setting.name.replacingOccurrences(of: "-", with: "_")
            fields.append((name, Double(setting.value).map(Value.number) ?? .string(setting.value)))
        }
        let accuracy = state.rows.map(\.testAccuracy)
        fields += [("epochs", .number(Double(state.rows.count))), ("accuracy", numbers(accuracy)),
                   ("test_loss", numbers(state.rows.map(\.testLoss))), ("train_loss", numbers(state.rows.map(\.trainingLoss))),
                   ("final_accuracy", accuracy.last.map(Value.number) ?? .none),
                   ("best_accuracy", accuracy.max().map(Value.number) ?? .none),
                   ("final_loss", state.rows.last.map { .number($0.testLoss) } ?? .none)]
        return .record(Record(fields))
    }
}
