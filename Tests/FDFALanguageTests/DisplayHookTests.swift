@testable import FDFALanguage
import FDFATestSupport
import Foundation
import XCTest

/// The hooks a host richer than a terminal (the Jupyter kernel) uses: values through `valueOutput`,
/// figures and images through `displayOutput` (with their SVG when `showsFigures`), stderr through
/// `errorOutput`; transcripts read the same in every host.
final class DisplayHookTests: XCTestCase {
    func testValuesAndFiguresGoToTheirHooksWithTheirTerminalText() throws {
        let directory = try temporaryDirectory(self)
        let file = directory.appendingPathComponent("p.svg").path
        var printed = "", values: [Value] = [], displays: [[String: String]] = []
        let session = Session(output: { printed += $0 })
        session.showsFigures = true
        session.valueOutput = { values.append($0) }
        session.displayOutput = { displays.append($0) }

        try session.execute("print(\"hi\")\n1 + 2\nplot([1, 4, 9], title=\"squares\")\nplot([1, 4, 9], title=\"squares\", file=\"\(file)\")")
        XCTAssertEqual(printed, "hi\nwrote \(file)\n", "values and displays do not also go to output")
        guard values.count == 1, case .number(3) = values[0] else { return XCTFail("\(values)") }
        XCTAssertEqual(displays.count, 1)
        let text = try XCTUnwrap(displays.first?["text/plain"])
        XCTAssertEqual(displays.first?["image/svg+xml"], try String(contentsOfFile: file, encoding: .utf8), "the inline SVG is the one file= writes")
        XCTAssertTrue(text.contains("squares") && !text.contains("\u{1B}["), "terminal text, without colours: \(text)")
        XCTAssertEqual(session.transcript.last?.output, "hi\n3\n" + text + "wrote \(file)\n")

        let terminal = Captured()
        try terminal.run("print(\"hi\")\n1 + 2\nplot([1, 4, 9], title=\"squares\")")
        // (At a terminal the drawing has colours, so only its start is compared.)
        XCTAssertTrue(terminal.text.hasPrefix("hi\n3\n") && terminal.text.contains("squares"), "without hooks everything is written as text")
    }

    func testShowDrawsAnImageOnlyForHostsThatShowFigures() throws {
        var displays: [[String: String]] = []
        let session = Session(output: { _ in })
        session.displayOutput = { displays.append($0) }
        let code = "data = load(\"synthetic\", shape=[3, 2, 2], classes=2, train=4, test=4)\nshow(data.train, 1)"
        try session.execute(code)
        XCTAssertEqual(displays.count, 1)
        XCTAssertNil(displays[0]["image/svg+xml"])
        XCTAssertTrue(displays[0]["text/plain"]?.contains("sample 1: label") == true, "\(displays)")

        session.showsFigures = true
        try session.execute(code)
        let svg = try XCTUnwrap(displays.last?["image/svg+xml"])
        XCTAssertEqual(svg.components(separatedBy: "<rect ").count - 1, 4, "one square per pixel: \(svg)")
        XCTAssertTrue(svg.contains("sample 1: label"), svg)
    }

    func testWarnWritesToErrorOutputOnly() throws {
        var printed = "", warned = ""
        let session = Session(output: { printed += $0 })
        session.errorOutput = { warned += $0 }
        try session.execute("warn(\"lr\", 0.5, \"is large\")\nprint(1)")
        XCTAssertEqual(warned, "lr 0.5 is large\n")
        XCTAssertEqual(printed, "1\n")
        XCTAssertEqual(session.transcript.last?.output, "1\n")
    }

    func testHelpForNamesAsHelpShowsThem() throws {
        let session = Session(output: { _ in })
        try session.execute("fn double(x) { return 2 * x }\nn = 3")
        XCTAssertTrue(session.help(for: "zeros")?.hasPrefix("zeros(dims...)") == true, session.help(for: "zeros") ?? "nil")
        XCTAssertTrue(session.help(for: "double")?.hasPrefix("double(x)") == true, session.help(for: "double") ?? "nil")
        XCTAssertEqual(session.help(for: "n"), "a number: 3")
        XCTAssertNil(session.help(for: "no_such_name"))
    }
}
