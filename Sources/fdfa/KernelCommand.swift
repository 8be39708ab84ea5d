import ArgumentParser
import FDFAKernel
import Foundation

/// `fdfa kernel -f CONNECTION_FILE`: the Jupyter kernel; `fdfa kernel install` and `uninstall`
/// make Jupyter list it (or forget it).
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run as a Jupyter kernel, or install its kernelspec so Jupyter lists fdfa.",
        subcommands: [Start.self, Install.self, Uninstall.self],
        defaultSubcommand: Start.self
    )

    /// Jupyter starts this (from kernel.json) with the connection file it wrote.
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Serve Jupyter on the connection file's sockets.")

        @Option(name: [.customShort("f"), .customLong("connection-file")], help: "The connection file Jupyter wrote.")
        var connectionFile: String

        @OptionGroup var options: SessionOptions

        func run() throws {
            try Kernel(connection: try ConnectionFile(contentsOf: connectionFile), session: options.makeSession()).run()
        }
    }

    /// Where the kernelspec goes: one of --user (the default), --prefix DIR, --sys-prefix.
    struct LocationOptions: ParsableArguments {
        @Flag(help: "The user's Jupyter data directory ($JUPYTER_DATA_DIR, else ~/.local/share/jupyter); the default.")
        var user = false

        @Option(help: "Under DIR/share/jupyter (DIR in Jupyter's search path, e.g. a JUPYTER_PATH entry's parent).")
        var prefix: String?

        @Flag(help: "Under the active virtual or conda environment.")
        var sysPrefix = false

        func validate() throws {
            guard [user, prefix != nil, sysPrefix].filter({ $0 }).count <= 1 else {
                throw ValidationError("give at most one of --user, --prefix DIR and --sys-prefix")
            }
        }

        var location: KernelSpec.Location {
            if let prefix { return .prefix((prefix as NSString).expandingTildeInPath) }
            return sysPrefix ? .sysPrefix : .user
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the kernelspec (kernel.json naming this fdfa, and a logo).")

        @OptionGroup var where_: LocationOptions

        func run() throws {
            let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            let directory = try KernelSpec.install(executable: executable, where_.location)
            print("installed the fdfa kernel in \(directory.path)")
        }
    }

    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the kernelspec that install wrote.")

        @OptionGroup var where_: LocationOptions

        func run() throws {
            guard let directory = try KernelSpec.uninstall(where_.location) else {
                throw ValidationError("no fdfa kernelspec in \(try KernelSpec.directory(where_.location).path)")
            }
            print("removed \(directory.path)")
        }
    }
}
