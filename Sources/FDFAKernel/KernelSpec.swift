import FDFAEngine
import Foundation

/// The kernelspec that makes Jupyter list fdfa: `kernels/fdfa/kernel.json` (how to start this fdfa
/// as a kernel) and a logo, under one of the data directories Jupyter searches.
public enum KernelSpec {
    public static let name = "fdfa"

    /// Where the spec goes.
    public enum Location {
        /// The user's Jupyter data directory: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter.
        case user
        /// PREFIX/share/jupyter, for a prefix Jupyter searches (its JUPYTER_PATH, a virtual environment, /usr/local).
        case prefix(String)
        /// The active virtual or conda environment's share/jupyter.
        case sysPrefix
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The directory `kernels/fdfa` for `location`.
    public static func directory(_ location: Location, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let dataDirectory: String
        switch location {
        case .user:
            if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty {
                dataDirectory = dir
            } else if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
                dataDirectory = xdg + "/jupyter"
            } else {
                dataDirectory = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/jupyter"
            }
        case .prefix(let prefix):
            dataDirectory = prefix + "/share/jupyter"
        case .sysPrefix:
            guard let prefix = [environment["VIRTUAL_ENV"], environment["CONDA_PREFIX"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
                throw Failure(description: "--sys-prefix needs an active virtual or conda environment (VIRTUAL_ENV or CONDA_PREFIX); use --user or --prefix DIR")
            }
            dataDirectory = prefix + "/share/jupyter"
        }
        return URL(fileURLWithPath: dataDirectory).appendingPathComponent("kernels").appendingPathComponent(name)
    }

    /// The kernel.json that starts `executable` (an absolute path) as a kernel.
    public static func json(executable: String) -> Data {
        let spec: [String: Any] = [
            "argv": [executable, "kernel", "-f", "{connection_file}"],
            "display_name": "fdfa",
            "language": KernelInfo.language,
            "interrupt_mode": "signal",
            "metadata": ["debugger": false],
        ]
        return try! JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])
    }

    /// Writes the spec for `executable` into `location` (replacing an older one); returns its directory.
    @discardableResult
    public static func install(executable: String, _ location: Location) throws -> URL {
        let directory = try self.directory(location)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AtomicFile.write(Array(json(executable: executable)), to: directory.appendingPathComponent("kernel.json").path)
            try AtomicFile.write(logo, to: directory.appendingPathComponent("logo-svg.svg").path)
        } catch let error as FileError {
            throw Failure(description: "cannot write the kernelspec: \(error)")
        } catch {
            throw Failure(description: "cannot write the kernelspec in \(directory.path): \(error.localizedDescription)")
        }
        return directory
    }

    /// Removes the spec from `location`; returns its directory, or nil if there was none.
    public static func uninstall(_ location: Location) throws -> URL? {
        let directory = try self.directory(location)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("kernel.json").path) else { return nil }
        do {
            try FileManager.default.removeItem(at: directory)
        } catch {
            throw Failure(description: "cannot remove \(directory.path): \(error.localizedDescription)")
        }
        return directory
    }

    /// The launcher's logo: "fdfa" on a dark square.
    static let logo = """
        <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
        <rect width="64" height="64" rx="10" fill="#1f3b57"/>
        <path d="M8 46 C 20 20, 44 20, 56 46" fill="none" stroke="#f2a541" stroke-width="3"/>
        <text x="32" y="40" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="20" font-weight="bold" fill="white">fdfa</text>
        </svg>

        """
}
