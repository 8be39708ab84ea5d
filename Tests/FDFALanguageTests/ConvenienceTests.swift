@testable import FDFALanguage
import FDFATestSupport
import XCTest

/// The language's conveniences (issue 19): help topics, records by name, del, sort, zip, enumerate,
/// keys, format, round, vars / who, readable output and messages that point at the fix.
final class ConvenienceTests: XCTestCase {
    func testHelpTopics() throws {
        XCTAssertTrue(try output("help syntax").contains("Blocks:"))
        XCTAssertTrue(try output("help for").hasPrefix("for x in xs { … }"))
        XCTAssertTrue(try output("help time").hasPrefix("time { … }"))
        XCTAssertTrue(try output("?plot").hasPrefix("plot(series..."))
        XCTAssertTrue(try output("plot?").hasPrefix("plot(series..."))
        XCTAssertTrue(try output("fn f(a) { return a }\n?f").hasPrefix("f(a)  (defined at"))
        XCTAssertTrue(try output("help zeros").hasPrefix("zeros(dims...)"))
        // The statements help syntax lists, and the REPL's exit, have help of their own.
        XCTAssertTrue(try output("help del").hasPrefix("del x   del r.f"))
        XCTAssertTrue(try output("help exit").contains("ends the session"))
        XCTAssertEqual(try output("x = \"hi\"\nhelp x"), "a string: \"hi\"\n")
        XCTAssertTrue(Captured().error("help nonexistent").contains("help: no help for 'nonexistent' (help lists"))
        XCTAssertTrue(Captured().error("?dell").contains("no help for 'dell' (did you mean 'del'?)"))
    }

    /// `help syntax` and the README's summary of the language are one text (`Help.syntax`).
    func testTheREADMEShowsTheSyntaxSummaryOfHelp() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try XCTUnwrap(text.range(of: "## The language and the REPL"), "README has no section on the language")
        let block = try XCTUnwrap(text.range(of: "```\n", range: section.upperBound ..< text.endIndex))
        let end = try XCTUnwrap(text.range(of: "\n```", range: block.upperBound ..< text.endIndex))
        XCTAssertEqual(String(text[block.upperBound ..< end.lowerBound]), Help.syntax,
                       "README.md's syntax block differs from Help.syntax (Sources/FDFALanguage/Builtins/Help.swift): copy it there")
        XCTAssertEqual(try output("help syntax"), Help.syntax + "\n")
    }

    func testRecordsIndexedByName() throws {
        let c = Captured()
        XCTAssertEqual(try c.run("curves = {}\nfor rule in [\"BP\", \"FDFA\"] { curves[rule] = [len(rule)] }\ncurves"), "{BP: [2], FDFA: [4]}\n")
        XCTAssertEqual(try c.run("curves[\"BP\"][0] += 5\nprint(curves[\"BP\"])\nfor k in curves { print(k) }"), "[7]\nBP\nFDFA\n")
        XCTAssertTrue(c.error("curves[\"DFA\"]").contains("the record has no field \"DFA\""))
        XCTAssertTrue(c.error("[1, 2][\"a\"]").contains("an index must be a number"))
    }

    func testDel() throws {
        let c = Captured()
        XCTAssertEqual(try c.run("x = 1\nr = {a: 1, b: 2, c: 3}\nxs = [1, 2, 3]\ndel x\ndel r.a\ndel r[\"b\"]\ndel xs[-1]\nprint(r, xs)"), "{c: 3} [1, 2]\n")
        XCTAssertTrue(c.error("x").contains("unknown variable 'x'"))
        // A missing field is reported as reading it is, at its dot; an unknown variable at its name.
        XCTAssertTrue(c.error("r.z").hasPrefix("<repl>:1:2: error: record has no field 'z' (fields: c)"))
        XCTAssertEqual(c.error("del r.z"), """
            <repl>:1:6: error: record has no field 'z' (fields: c)
             1 | del r.z
               |      ^
            """)
        XCTAssertTrue(c.error("del r[\"z\"]").hasPrefix("<repl>:1:6: error: the record has no field \"z\" (fields: c)"))
        XCTAssertTrue(c.error("del q.a").hasPrefix("<repl>:1:5: error: unknown variable 'q'"))
        XCTAssertTrue(c.error("r.c.d = 1").hasPrefix("<repl>:1:4: error: cannot set fields of a number"))
    }

    func testListAndTextBuiltins() throws {
        XCTAssertEqual(try output("sort([3, 1, 2])"), "[1, 2, 3]\n")
        XCTAssertEqual(try output("sort([\"b\", \"c\", \"a\"], reverse=true)"), "[\"c\", \"b\", \"a\"]\n")
        XCTAssertEqual(try output("zip([1, 2, 3], [\"a\", \"b\"])"), "[[1, \"a\"], [2, \"b\"]]\n")
        XCTAssertEqual(try output("enumerate([\"x\", \"y\"])"), "[[0, \"x\"], [1, \"y\"]]\n")
        XCTAssertEqual(try output("keys({lr: 1, epochs: 2})"), "[\"lr\", \"epochs\"]\n")
        XCTAssertEqual(try output("format(\"loss {:.3f} step {} {:d} {:.1e} {{}}\", 0.123456, \"s\", 7, 12345)"),
                       "\"loss 0.123 step s 7 1.2e+04 {}\"\n")
        XCTAssertTrue(Captured().error("format(\"{} {}\", 1)").contains("more {} than the 1 values"))
        XCTAssertEqual(try output("print(round(3.14159, 2), round(2.5), round(tensor([1.26, -0.04]), 1))"), "3.14 3 tensor([1.3, -0])\n")
        XCTAssertEqual(try output("b = 2\na = ones(3)\nprint(vars())\nwho"),
                       "{a: tensor([1, 1, 1]), b: 2}\na  tensor      shape [3]\nb  number      2\n")
    }

    func testReadableOutput() throws {
        let c = Captured()
        try c.run("net = stack([4], linear(8), relu, linear(2))")
        let params = try c.run("net.params").split(separator: "\n")
        XCTAssertEqual(params.count, 4)
        XCTAssertTrue(params[0].hasPrefix("[tensor[8, 4] ["))
        XCTAssertTrue(params[1].hasPrefix(" tensor[8] ["))
        XCTAssertEqual(try c.run("net.layers"), """
                #  layer                      output       parameters
                1  Linear(4 → 8)              8            40
                2  ReLU                       8
                3  Linear(8 → 2)              2            18

            """)
        XCTAssertEqual(try c.run("[net.layer(1), 2]"), "[layer 1: Linear(4 → 8), output 8,\n 2]\n")
        XCTAssertEqual(try c.run("{loss: 0.123456789, accuracy: 91.25, count: 8, tiny: 1e-9}"), "{loss: 0.123457, accuracy: 91.25, count: 8, tiny: 1e-09}\n")
        XCTAssertEqual(try c.run("[{a: 1}, {a: 2}]"), "[{a: 1},\n {a: 2}]\n")
    }

    func testMessagesPointAtTheFix() throws {
        let c = Captured()
        try c.run("net = stack([4], linear(8), relu, linear(2))")
        XCTAssertTrue(c.error("stack([4], linear(8), relu(), linear(2))").contains("write relu bare"))
        XCTAssertTrue(c.error("net.layer(1).W = zeros(8, 4)").contains("set_param(net.layer(2), \"W\", value)"))
        XCTAssertTrue(c.error("l = net.layer(1)\nl.W = 1").contains("use set_param"))
        XCTAssertTrue(c.error("dump(net.params, \"/tmp/never.npy\")").contains("this list holds tensors"))
    }

    func testHintsForANetworksFieldsNameWhatWorks() throws {
        let c = Captured()
        try c.run("net = stack([4], linear(8), relu, linear(2))")
        let rule = c.error("net.rule = \"DFA\"")
        XCTAssertTrue(rule.contains("configure net, rule=") && !rule.contains("set_param("), rule)
        XCTAssertTrue(c.error("net.config.lr = 1").contains("configure net, rule=\"DFA\", lr=1e-3"))
        try c.run("configure net, rule=\"FA\", lr=1e-3")
        XCTAssertEqual(try c.run("print(net.rule, net.config.lr)"), "FA 0.001\n")
        XCTAssertTrue(c.error("net.params[0][0, 0] = 7").contains("set_params(net, values) with a list like net.params"))
        try c.run("p = net.params\np[0][0, 0] = 7\nset_params(net, p)")
        XCTAssertEqual(try c.run("net.params[0][0, 0]"), "7\n")
        XCTAssertTrue(c.error("l = net.layer(1)\nl.b = 1").contains("set_param(layer, \"b\", value)"))
        XCTAssertFalse(c.error("net.steps = 3").contains("set_param"))
    }

    func testPlotOptionsAndUndrawnValues() throws {
        let text = try output("plot([1, 0/0, -1, 4, 1/0], log=true, x=[1, 2, 3, 4, 5], ylabel=\"loss\", width=10, height=3)")
        XCTAssertTrue(text.hasPrefix("note: series 1: 2 NaN or infinite and 1 zero or negative (log scale) values not drawn\nloss\n"), text)
        XCTAssertTrue(text.contains("\n   1        4\n"), text) // x of the drawable points
        XCTAssertTrue(Captured().error("plot([1, 2], x=[1])").contains("'x' has 1 values and series 1 has 2"))
        XCTAssertTrue(Captured().error("plot([1, 2], ylim=[0, 1], log=true)").contains("low > 0"))
        let svg = try temporaryDirectory(self).appendingPathComponent("p.svg").path
        _ = try output("plot([1, 2], x=[5, 6], xlabel=\"epoch\", file=\"\(svg)\")")
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains(">epoch</text>"))
        // Drawing 30 million points took minutes that Ctrl-C could not stop: refused at once.
        XCTAssertTrue(Captured().error("plot({loss: zeros(1048577)})").contains("'loss' has 1048577 values; a plot draws at most 1048576 per series"))
    }
}
