import ArgumentParser
import FDFAData
import Foundation

/// `fdfa download`: fetches a dataset's original files from its mirrors, verified by MD5.
struct DownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download MNIST, FashionMNIST, CIFAR10 or CIFAR100 into the data directory (verified, atomic).",
        discussion: "Mirrors are tried in order; override them with --mirror (repeatable) or FDFA_MIRRORS (comma separated base URLs).")

    @Argument(help: "The dataset (synthetic is generated, never downloaded).")
    var dataset: DatasetName
    @Option(help: "Root of the datasets (PyTorch's layouts).")
    var dataDir = DatasetLoader.defaultRoot
    @Option(name: .customLong("mirror"), help: "A base URL to try, before the defaults' place (repeatable).")
    var mirrors: [String] = []
    @Option(help: "Seconds to wait for a server before trying the next mirror.")
    var timeout: Double = 30

    func run() throws {
        let downloader = Downloader(root: dataDir, mirrors: mirrors.isEmpty ? nil : mirrors, timeout: timeout) { emit($0) }
        let files = try downloader.download(dataset)
        emit("\(dataset.commandName): \(files.count) file(s) ready under \(dataDir)")
    }
}
