import Foundation
import XCTest

/// Package.swift says what the code does: every target lists exactly the modules its sources
/// import, no more (a dependency nothing uses) and no fewer (one reached only through another).
final class PackageGraphTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Modules of the toolchain, which are never listed.
    let toolchain: Set<String> = ["Foundation", "FoundationNetworking", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization", "XCTest"]

    struct Target {
        let name: String
        let kind: String
        let dependencies: Set<String>
        let directory: String
    }

    /// The targets of Package.swift with their dependencies (a product by its name) and directories.
    func targets() throws -> [Target] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let start = try NSRegularExpression(pattern: #"\.(target|testTarget|executableTarget|systemLibrary)\(\s*name:\s*"(\w+)""#)
        let matches = start.matches(in: text, range: NSRange(text.startIndex..., in: text))
        return matches.indices.map { i in
            let segmentEnd = i + 1 < matches.count ? matches[i + 1].range.location : (text as NSString).length
            let segment = (text as NSString).substring(with: NSRange(location: matches[i].range.location, length: segmentEnd - matches[i].range.location))
            let kind = (text as NSString).substring(with: matches[i].range(at: 1))
            let name = (text as NSString).substring(with: matches[i].range(at: 2))
            var dependencies: Set<String> = []
            if let list = segment.range(of: "dependencies: [") {
                let body = segment[list.upperBound...].prefix { $0 != "]" }
                    .replacingOccurrences(of: #"package:\s*"[^"]*""#, with: "", options: .regularExpression)
                dependencies = Set(quoted(body))
            }
            let path = segment.range(of: #"path:\s*"[^"]*""#, options: .regularExpression).map { quoted(String(segment[$0]))[0] }
            return Target(name: name, kind: kind, dependencies: dependencies,
                          directory: path ?? (kind == "testTarget" ? "Tests/" : "Sources/") + name)
        }
    }

    func quoted(_ text: String) -> [String] {
        text.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The modules the Swift files under `directory` import.
    func imports(under directory: String) -> Set<String> {
        let base = root.appendingPathComponent(directory)
        let files = (FileManager.default.enumerator(atPath: base.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
        var modules: Set<String> = []
        for file in files {
            let text = (try? String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                if words.count >= 2, words[0] == "import" { modules.insert(String(words.last!)) }
            }
        }
        return modules.subtracting(toolchain)
    }

    func testEveryTargetListsExactlyWhatItImports() throws {
        let swiftTargets = try targets().filter { $0.kind != "systemLibrary" }
        XCTAssertGreaterThan(swiftTargets.count, 15, "Package.swift was not read")
        XCTAssertTrue(swiftTargets.contains { $0.name == "fdfa" && $0.dependencies.contains("ArgumentParser") }, "products are read by name")
        var checked = 0
        for target in swiftTargets {
            let imported = imports(under: target.directory)
            checked += imported.count
            // A test target may list the fdfa executable to have it built beside the tests it runs.
            let listed = target.kind == "testTarget" ? target.dependencies.subtracting(["fdfa"]) : target.dependencies
            XCTAssertEqual(imported.subtracting(listed).sorted(), [], "\(target.name) imports these without listing them")
            XCTAssertEqual(listed.subtracting(imported).sorted(), [], "\(target.name) lists these and imports none of them")
        }
        XCTAssertGreaterThan(checked, 40, "no imports were found")
    }
}
