import Foundation
import XCTest

/// The code cites docs/reference.md by section (`docs/reference.md#learning-rules`): every cited
/// anchor must be a heading there, so a renamed section cannot leave citations pointing nowhere.
final class ReferenceCitationTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// GitHub's anchor of a Markdown heading: lower case, punctuation other than '-' dropped, spaces as '-'.
    private func anchor(_ heading: String) -> String {
        String(heading.lowercased().compactMap { $0 == " " ? "-" : ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : nil })
    }

    func testEveryCitedSectionOfTheReferenceExists() throws {
        let reference = try String(contentsOf: root.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        let anchors = Set(reference.split(separator: "\n").filter { $0.hasPrefix("#") }
            .map { anchor($0.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)) })
        var files = [root.appendingPathComponent("README.md")]
        for folder in ["Sources", "Tests", "scripts"] {
            let walker = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if ["swift", "py", "c", "h", "md", ""].contains(url.pathExtension) { files.append(url) }
            }
        }
        var cited = 0
        let citation = try NSRegularExpression(pattern: #"docs/reference\.md#([A-Za-z0-9_-]+)"#)
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            XCTAssertFalse(text.contains("SPEC" + " §"), "\(file.path) cites the old SPEC; cite docs/reference.md")
            for match in citation.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = String(text[Range(match.range(at: 1), in: text)!])
                XCTAssertTrue(anchors.contains(name), "\(file.path) cites docs/reference.md#\(name), which is not a section")
                cited += 1
            }
        }
        XCTAssertGreaterThan(cited, 10, "the code should cite the reference by section")
    }
}
