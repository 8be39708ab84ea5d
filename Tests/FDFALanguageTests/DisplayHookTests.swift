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

    /// `info(net)` and `align(...)` are tables: beside their text (unchanged), hosts that show HTML
    /// get the same rows as an HTML table, cell by cell.
    func testInfoAndAlignAreAlsoHTMLTablesOfTheSameRows() throws {
        var displays: [[String: String]] = [], values: [Value] = []
        let session = Session(output: { _ in })
        session.displayOutput = { displays.append($0) }
        session.valueOutput = { values.append($0) }
        let setup = """
            data = load("synthetic", shape=[8], classes=3, train=32, test=8)
            net = stack([8], linear(16), relu, tap(), linear(3))
            configure net, rule="DFA"
            b = batch(data, 16)
            """
        try session.execute(setup + "\ninfo(net)\nalign(net, b)\nnet.layers")
        let terminal = Captured()
        try terminal.run(setup)
        XCTAssertEqual(displays.count, 1)
        XCTAssertEqual(displays[0]["text/plain"].map { $0 + "\n" }, try terminal.run("info(net)"), "the text is what info prints")
        let html = try XCTUnwrap(displays[0]["text/html"])
        XCTAssertTrue(html.contains("<caption style=\"text-align:left\">network stack: 8 → 3 classes, 4 layers"), html)
        XCTAssertEqual(html.components(separatedBy: "<tr>").count - 1, 5, "a header and one row per layer: \(html)")
        XCTAssertTrue(html.contains("<tr><td style=\"text-align:left\">1</td><td style=\"text-align:left\">Linear(8 → 16)</td>"
                                    + "<td style=\"text-align:left\">16</td><td style=\"text-align:left\">144</td></tr>"), html)

        guard values.count == 2, case .host(let report) = values[0] else { return XCTFail("\(values)") }
        // net.layers prints as the same table, and is the same HTML table (without the caption).
        let layers = try XCTUnwrap(Display.html(values[1]))
        XCTAssertEqual(Array(layers.components(separatedBy: "<tr>").dropFirst()), Array(html.components(separatedBy: "<tr>").dropFirst()))
        let alignment = try XCTUnwrap(Display.html(values[0]))
        XCTAssertEqual(Display.repr(values[0]), report.description)
        // Each comparison of the text ("tap 1   δ: cos 0.5, norm ratio 1.2   B vs J: …") is a row.
        for line in report.description.split(separator: "\n").dropFirst() {
            let entry = line.trimmingCharacters(in: .whitespaces).components(separatedBy: "   ")
            for comparison in entry.dropFirst() {
                let parts = comparison.components(separatedBy: ": ")
                let numbers = parts[1] == "—" ? ["—", "—"] : parts[1].replacingOccurrences(of: "cos ", with: "")
                    .components(separatedBy: ", norm ratio ")
                let row = ([entry[0], parts[0]] + numbers)
                    .enumerated().map { "<\($0.offset == 0 ? "th" : "td") style=\"text-align:left\">\($0.element)</\($0.offset == 0 ? "th" : "td")>" }
                    .joined()
                XCTAssertTrue(alignment.contains("<tr>" + row + "</tr>"), "\(row) in \(alignment)")
            }
        }
        XCTAssertEqual(alignment.components(separatedBy: "<tr>").count - 1, 1 + 2 + 2, "header, tap 1's δ and B vs J, two layers' grad")

        // A fresh FDFA network's zero feedback: the table says "zero (no direction)" as the text
        // does, not a cosine of 0, and its caption carries the text's note.
        values = []
        try session.execute("configure net, rule=\"FDFA\"\nalign(net, b)")
        let fresh = try XCTUnwrap(values.first.flatMap(Display.html))
        XCTAssertTrue(fresh.contains("<td style=\"text-align:left\">zero (no direction)</td><td style=\"text-align:left\">0</td>"), fresh)
        XCTAssertTrue(fresh.contains("FDFA starts its feedback matrices at zero"), fresh)
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
