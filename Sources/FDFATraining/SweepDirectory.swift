import Foundation

/// A sweep's output folder as found on disk: the manifest and each run's state. What the report and
/// the language's `load_sweep` read, whatever ran the trainings (a local sweep or a Slurm array).
public struct SweepDirectory {
    public struct RunState {
        public let run: SweepManifest.Run
        /// Present when the run finished (its `result.json` exists).
        public let result: SweepResult?
        /// The CSV rows logged so far (all of them when finished).
        public let rows: [SweepLogRow]
        public var finished: Bool { result != nil }
    }

    public let path: String
    public let manifest: SweepManifest
    public let runs: [RunState]

    public var finished: [RunState] { runs.filter(\.finished) }
    public var missing: [RunState] { runs.filter { !$0.finished } }

    public init(path: String) throws {
        self.path = path
        manifest = try SweepManifest.read(directory: path)
        runs = try manifest.runs.map { run in
            let folder = Self.runFolder(run, in: path)
            if let result = try SweepResult.read(runDirectory: folder) {
                let csv = URL(fileURLWithPath: folder).appendingPathComponent(result.csv).path
                return RunState(run: run, result: result, rows: try SweepLogRow.read(csv: csv))
            }
            let rows = Self.csvLogs(in: folder).first.flatMap { try? SweepLogRow.read(csv: $0) } ?? []
            return RunState(run: run, result: nil, rows: rows)
        }
    }

    /// The folder of `run` in the sweep at `path`.
    public static func runFolder(_ run: SweepManifest.Run, in path: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(run.name).path
    }

    /// The folder a run gives `fdfa train` as `--log-dir` (the CSV lands in `{it}/{MODE}/`).
    public static func logDirectory(ofRunFolder folder: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent("log").path
    }

    /// The CSV logs `fdfa train` wrote for the run in `folder` (one, unless something went wrong).
    public static func csvLogs(in folder: String) -> [String] {
        let root = logDirectory(ofRunFolder: folder)
        let modes = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return modes.sorted().flatMap { mode -> [String] in
            let dir = URL(fileURLWithPath: root).appendingPathComponent(mode)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return files.filter { $0.hasSuffix(".csv") && !$0.hasSuffix("-track.csv") }.sorted()
                .map { dir.appendingPathComponent($0).path }
        }
    }
}
