@testable import FDFALanguage
import Foundation
import XCTest

/// The hooks a host richer than a terminal (the Jupyter kernel) uses: values, figures and images
/// through `Session.display`, stderr through `errorOutput`; transcripts read the same either way.
final class DisplayHookTests: XCTestCase {
    func testValuesAndFiguresGoToTheDisplayWithTheirTerminalText() throws {
        let directory = try temporaryDirectory(self)
        let file = directory.appendingPathComponent("p.svg").path
        var printed = "", shown: [Displayed] = []
        let session = Session(output: { printed += $0 })
        session.display = { shown.append($0) }

        try session.execute("print(\"hi\")\n1 + 2\nplot([1, 4, 9], title=\"squares\")\nplot([1, 4, 9], title=\"squares\", file=\"\(file)\")")
        XCTAssertEqual(printed, "hi\nwrote \(file)\n", "shown items do not also go to output")
        XCTAssertEqual(shown.count, 2)
        guard case .value(.number(3)) = shown[0] else { return XCTFail("\(shown[0])") }
        guard case .figure(let text, let svg) = shown[1] else { return XCTFail("\(shown[1])") }
        XCTAssertEqual(svg, try String(contentsOfFile: file, encoding: .utf8), "the inline SVG is the one file= writes")
        XCTAssertTrue(text.contains("squares") && !text.contains("\u{1B}["), "terminal text, without colours: \(text)")
        XCTAssertEqual(session.transcript.last?.output, "hi\n3\n" + text + "wrote \(file)\n")

        let terminal = Captured()
        try terminal.run("print(\"hi\")\n1 + 2\nplot([1, 4, 9], title=\"squares\")")
        // (At a terminal the drawing has colours, so only its start is compared.)
        XCTAssertTrue(terminal.text.hasPrefix("hi\n3\n") && terminal.text.contains("squares"), "without a display everything is written as text")
    }

    func testShowDrawsAnImage() throws {
        var shown: [Displayed] = []
        let session = Session(output: { _ in })
        session.display = { shown.append($0) }
        try session.execute("data = load(\"synthetic\", shape=[3, 2, 2], classes=2, train=4, test=4)\nshow(data.train, 1)")
        guard case .figure(let text, let svg)? = shown.first else { return XCTFail("\(shown)") }
        XCTAssertTrue(text.contains("sample 1: label"), text)
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
