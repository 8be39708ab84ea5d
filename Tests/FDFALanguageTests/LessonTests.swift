@testable import FDFALanguage
import FDFATestSupport
import Foundation
import XCTest

/// Lessons: read from recorded notebooks, walked a step at a time, and every lesson in lessons/
/// replays through the fdfa binary with the outputs it was recorded with.
final class LessonTests: XCTestCase {
    private let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lessons")

    private let notebook = Notebook(cells: [
        Cell(input: "# Lesson 7: Tiny\n#\n# Intro text.", output: ""),
        Cell(input: "# Make a vector.\nx = ones(3)\n# inline comment stays\nx * 2", output: "tensor([2, 2, 2])\n"),
        Cell(input: "sum(x)", output: "3\n"),
    ])

    func testStepsSplitExplanationFromCode() {
        let lesson = Lesson(number: 7, notebook: notebook)
        XCTAssertEqual(lesson.title, "Tiny")
        XCTAssertEqual(lesson.steps.map(\.explanation), ["Lesson 7: Tiny\n\nIntro text.", "Make a vector.", ""])
        XCTAssertEqual(lesson.steps.map(\.code), ["", "x = ones(3)\n# inline comment stays\nx * 2", "sum(x)"])
        XCTAssertEqual(lesson.steps[1].recordedOutput, "tensor([2, 2, 2])\n")
    }

    func testAWalkRunsEditedStepsAndKeepsTheVariables() throws {
        let walk = LessonWalk(Lesson(number: 7, notebook: notebook))
        let session = Session(output: { _ in })
        XCTAssertEqual(walk.header, "Lesson 7, step 1 of 3")
        XCTAssertEqual(try walk.run(walk.current!.code, in: session), "")
        XCTAssertThrowsError(try walk.run("x = onez(3)", in: session))
        XCTAssertEqual(walk.header, "Lesson 7, step 2 of 3", "an error stays at the step")
        XCTAssertEqual(try walk.run("x = ones(4)\nx * 2", in: session), "tensor([2, 2, 2, 2])\n")
        walk.skip()
        XCTAssertTrue(walk.isFinished)
        XCTAssertEqual(try session.execute("sum(x)"), "4\n")
    }

    func testTheLibraryListsTheLessons() throws {
        let all = try LessonLibrary.lessons(in: lessons.path)
        XCTAssertEqual(all.map(\.number), [1, 2, 3, 4, 5])
        XCTAssertTrue(all.allSatisfy { $0.steps.count >= 4 && !$0.title.isEmpty })
        XCTAssertTrue(LessonLibrary.index(all).contains("  3  Direct Feedback Alignment"))
        XCTAssertEqual(LessonLibrary.directory(environment: ["FDFA_LESSONS": lessons.path], executable: nil), lessons.path)
        XCTAssertThrowsError(try LessonLibrary.lesson(9, among: all)) { error in
            XCTAssertTrue("\(error)".contains("there is no lesson 9; lessons: 1, 2, 3, 4, 5"))
        }
    }

    /// A directory or a FIFO where a lesson file should be is named, not a raw Foundation error
    /// ("NSCocoaErrorDomain Code=257") or a wait for a writer.
    func testALessonThatIsNoFileSaysWhy() throws {
        let directory = try temporaryDirectory(self).path
        for (file, expected) in [("1-fifo.md", "is not a regular file"), ("1-dir.md", "is a directory")] {
            let path = directory + "/" + file
            if file.contains("fifo") { XCTAssertEqual(mkfifo(path, 0o600), 0) } else { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }
            XCTAssertThrowsError(try LessonLibrary.lessons(in: directory)) { error in
                XCTAssertEqual("\(error)", "error: lesson 1: cannot read \(path): \(expected)\(file.contains("fifo") ? " (a FIFO, socket or device)" : ", not a file")")
            }
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// Each lesson's .md and .ipynb come from one run of its script (scripts/lessons): the same
    /// cells (the script's chunks), the same text outputs, figures in the .ipynb where it plots,
    /// and each file is what writing its notebook again gives, byte for byte.
    func testMarkdownAndIpynbLessonsComeFromTheirScripts() throws {
        let files = try LessonLibrary.lessonFiles(in: lessons.path)
        XCTAssertEqual(files.count, 5)
        for (_, path) in files {
            let markdownText = try String(contentsOfFile: path, encoding: .utf8)
            let ipynbPath = String(path.dropLast(3)) + ".ipynb"
            let ipynbText = try String(contentsOfFile: ipynbPath, encoding: .utf8)
            let source = lessons.appendingPathComponent("src").appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
                .deletingPathExtension().appendingPathExtension("fdfa")
            let script = Notebook(script: try String(contentsOf: source, encoding: .utf8))
            let markdown = Notebook(markdown: markdownText), ipynb = try Notebook(ipynb: ipynbText, path: ipynbPath)
            XCTAssertEqual(markdown.markdown, markdownText, path)
            XCTAssertEqual(ipynb.ipynb, ipynbText, ipynbPath)
            XCTAssertEqual(markdown.cells.map(\.kind), script.cells.map(\.kind), path)
            XCTAssertEqual(markdown.cells.map(\.input), script.cells.map(\.input), path)
            XCTAssertEqual(ipynb.cells.map(\.input), script.cells.map(\.input), ipynbPath)
            XCTAssertEqual(ipynb.cells.map(\.output), markdown.cells.map(\.output), ipynbPath)
            XCTAssertTrue(markdown.codeCells.allSatisfy(\.executed) && ipynb.codeCells.allSatisfy(\.executed), path)
            let plots = script.codeCells.filter { $0.input.contains("plot(") }.count
            let figures = ipynb.codeCells.flatMap(\.outputs).filter { if case .display(let data) = $0 { data[CellOutput.svg] != nil } else { false } }
            XCTAssertGreaterThanOrEqual(figures.count, plots, ipynbPath)
            let metadata = (try JSONSerialization.jsonObject(with: Data(ipynbText.utf8)) as? [String: Any])?["metadata"] as? [String: Any]
            XCTAssertEqual(metadata?["kernelspec"] as? [String: String], ["name": "fdfa", "display_name": "fdfa", "language": "fdfa"], ipynbPath)
        }
    }

    /// `fdfa replay` on every lesson's .ipynb: the same seed gives the same notebook. The lessons train, so
    /// rounding differences grow: they replay with the release build they were recorded with, and
    /// with the OpenBLAS kernels they were recorded with (`recordingKernels`).
    func testEveryLessonReplays() throws {
        try XCTSkipUnless(isReleaseBuild, "lessons are recorded and replayed with release builds (swift test -c release)")
        let files = try LessonLibrary.lessonFiles(in: lessons.path)
        XCTAssertEqual(files.count, 5)
        let fashionMNIST = FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")
        for (_, path) in files {
            // Lesson 5 trains on the system's Fashion-MNIST (Debian's dataset-fashion-mnist).
            if !fashionMNIST, try String(contentsOfFile: path, encoding: .utf8).contains("load(\"fashion-mnist\")") { continue }
            // The .ipynb holds what the .md does (see above) and the figures besides.
            let ipynb = String(path.dropLast(3)) + ".ipynb"
            let (status, output) = try FDFABinary.run(["replay", ipynb], environment: recordingKernels)
            XCTAssertEqual(status, 0, "\(ipynb):\n\(output)")
            XCTAssertTrue(output.contains(" cells match "), output)
        }
    }
}

/// The lessons were recorded with OpenBLAS's Haswell (AVX2) kernels, which the environment of this
/// project's machines selects with OPENBLAS_CORETYPE. Other kernels (oneDNN's, which fdfa picks on an
/// AVX-512 CPU, or OpenBLAS's own AVX-512 ones where OPENBLAS_CORETYPE is unset) round the same
/// products differently, and training turns that into other accuracies. So the replay runs on
/// OpenBLAS, with Haswell's kernels unless the environment names others.
private let recordingKernels: [String: String] = {
    var environment = ["FDFA_GEMM": "openblas"]
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil { environment["OPENBLAS_CORETYPE"] = "Haswell" }
    #endif
    return environment
}()

#if DEBUG
private let isReleaseBuild = false
#else
private let isReleaseBuild = true
#endif
