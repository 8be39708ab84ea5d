import FDFAEngine
@testable import FDFALanguage
import FDFATestSupport
import XCTest

/// A stand-in for the datasets and networks that later built-ins will wrap.
private final class Toy: HostObject {
    let size: Int
    init(size: Int) { self.size = size }
    var typeName: String { "toy" }
    var fieldNames: [String] { ["size"] }
    func field(_ name: String) -> Value? { name == "size" ? .number(Double(size)) : nil }
    var description: String { "toy of size \(size)" }
}

private extension BuiltinGroup {
    static let toys = BuiltinGroup("Toys", [
        Builtin("toy", [.optional("size", .integer, default: .number(3))], summary: "A toy host object.") { args, _ in
            .host(Toy(size: try args.integer("size")))
        },
        Builtin("grow", [.required("t", .host("toy")), .optional("by", .integer, default: .number(1))], summary: "A bigger toy.") { args, _ in
            guard case .host(let object) = args["t"], let toy = object as? Toy else { return .none }
            return .host(Toy(size: toy.size + (try args.integer("by"))))
        },
    ])
}

final class BuiltinTests: XCTestCase {
    func testHelpIsGeneratedFromTheRegistry() throws {
        let index = try output("help")
        for builtin in Registry.standard.groups.flatMap(\.builtins) {
            XCTAssertTrue(index.contains(builtin.signature), "help lacks \(builtin.name)")
            XCTAssertTrue(index.contains(builtin.summary), "help lacks \(builtin.name)'s summary")
        }
        XCTAssertEqual(try output("help(\"sum\")"), """
            sum(x, axis=none)
              Sum of all elements, or along one axis of a tensor (sum(t, 0) sums the rows).
            Parameters:
              x: tensor-like, required
              axis: integer, default none

            """)
        XCTAssertTrue(Captured().error("help \"sumn\"").contains("no help for 'sumn' (did you mean 'sum'?)"))
    }

    func testAGroupInItsOwnRegistryWithHostObjects() throws {
        let registry = Registry(Registry.standard.groups + [.toys])
        var text = ""
        let session = Session(registry: registry, output: { text += $0 })
        try session.execute("t = grow(toy(), by=2)\nprint(t, t.size, type(t), fields(t))")
        XCTAssertEqual(text, "toy of size 5 5 toy [\"size\"]\n")
        XCTAssertThrowsError(try session.execute("grow(1)")) { error in
            XCTAssertTrue("\(error)".contains("grow: 't' must be a toy, got a number"), "\(error)")
        }
        XCTAssertThrowsError(try session.execute("t.weight")) { error in
            XCTAssertTrue("\(error)".contains("toy has no field 'weight' (fields: size)"), "\(error)")
        }
        XCTAssertTrue(Help.index(registry).contains("Toys:\n  toy(size=3)"))
    }

    func testMath() throws {
        XCTAssertEqual(try output("abs(-2); sqrt(tensor([4, 9])); max(3, 7, 5); min([4, 2, 8]); mean(1..4); sum(tensor([[1, 2], [3, 4]]), -1)"),
                       "2\ntensor([2, 3])\n7\n2\n2.5\ntensor([3, 7])\n")
        XCTAssertEqual(try output("log(exp(1)); floor(-1.5); relu(tensor([-1, 2]))"), "1\n-2\ntensor([0, 2])\n")
    }

    func testTensorBuiltins() throws {
        let code = """
            a = tensor([[1, 2], [3, 4]])
            matmul(a, tensor([1, 1]))
            transpose(a)
            reshape(a, 4)
            reshape(1..6, -1, 2).shape
            dot(a, a); norm(tensor([3, 4])); cosine(tensor([1, 0]), tensor([0, 2]))
            outer(tensor([1, 2]), tensor([1, 0, 1]))
            zeros(2).shape; ones([1, 2])
            """
        XCTAssertEqual(try output(code), """
            tensor([3, 7])
            tensor([[1, 3],
                    [2, 4]])
            tensor([1, 2, 3, 4])
            [3, 2]
            30
            5
            0
            tensor([[1, 0, 1],
                    [2, 0, 2]])
            [2]
            tensor([[1, 1]])

            """)
        XCTAssertTrue(Captured().error("reshape(reshape(tensor(0..<6), 2, -1), 4, -1)")
                        .contains("reshape: cannot make 6 values into [4, -1]: 6 is not a multiple of 4"))
        XCTAssertTrue(Captured().error("reshape(1..6, -1, -1)").contains("reshape: only one dimension may be -1, got [-1, -1]"))
    }

    func testSeedMakesRandomDrawsRepeatable() throws {
        let first = try output("seed(7); randn(3); rand(2)")
        XCTAssertEqual(try output("seed(7); randn(3); rand(2)"), first)
        XCTAssertNotEqual(try output("seed(8); randn(3); rand(2)"), first)
        XCTAssertTrue(try output("seed 1; summary(randn(10000))").hasPrefix("tensor[10000] 10000 values  mean "))
    }

    func testNpyRoundTripAndHeaderBytes() throws {
        let directory = try temporaryDirectory(self)
        let path = directory.appendingPathComponent("t.npy").path
        let session = Captured()
        try session.run("t = tensor([[1.5, -2], [3, 4], [5, 6]])\ndump(t, \"\(path)\")\nu = load_npy(\"\(path)\")")
        XCTAssertEqual(try session.run("u; u.shape"), "tensor([[1.5, -2],\n        [3, 4],\n        [5, 6]])\n[3, 2]\n")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes[0 ..< 8]), [0x93, 78, 85, 77, 80, 89, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: bytes[10 ..< 10 + headerLength], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"))
        XCTAssertTrue(header.hasSuffix(" \n"))
        XCTAssertEqual(bytes.count, 10 + headerLength + 6 * 4)
        XCTAssertEqual(Array(bytes[(10 + headerLength)...].prefix(4)), [0, 0, 0xC0, 0x3F]) // 1.5 as little-endian float32
        try session.run("dump(tensor([7]), \"\(path)\")")
        XCTAssertTrue(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).contains("'shape': (1,)"))
    }

    func testCorruptNpyFilesGiveClearErrors() throws {
        let directory = try temporaryDirectory(self)
        let path = directory.appendingPathComponent("bad.npy").path
        let session = Captured()
        try session.run("dump(ones(4), \"\(path)\")")
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let cases: [(Data, String)] = [
            (Data("hello".utf8), "it does not start with \\x93NUMPY"),
            (good.prefix(good.count - 3), "shape [4] needs 16 bytes of data, the file has 13"),
            (good.prefix(40), "the header is cut short"),
            (replacing("<f4", with: "<c8", in: good), "dtype '<c8' is not a number type"),
            (replacing("False", with: "True ", in: good), "Fortran order is not supported"),
        ]
        for (data, expected) in cases {
            try data.write(to: URL(fileURLWithPath: path))
            let message = session.error("load_npy(\"\(path)\")")
            XCTAssertTrue(message.contains("load_npy: \(path) is not a readable .npy file: \(expected)"), message)
        }
        XCTAssertTrue(session.error("load_npy(\"/nonexistent.npy\")").contains("cannot read /nonexistent.npy: no such file or directory"))
    }

    /// What is not a file to read (a directory, a FIFO, an empty file) is refused in words, never
    /// a trap (a directory killed the process) or a wait for a writer that never comes (a FIFO).
    func testPathsThatAreNoFileSayWhy() throws {
        let directory = try temporaryDirectory(self).path
        let fifo = directory + "/fifo.npy", empty = directory + "/empty.npz"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        FileManager.default.createFile(atPath: empty, contents: Data())
        let session = Captured()
        for (path, expected) in [(directory, "cannot read \(directory): is a directory"),
                                 (fifo, "cannot read \(fifo): is not a regular file"),
                                 (empty, "\(empty): empty file")] {
            let message = session.error("load_npy(\"\(path)\")")
            XCTAssertTrue(message.contains(expected), "\(path): \(message)")
        }
        // Nor is a FIFO (or a device: as root, dump(t, "/dev/null") replaced /dev/null) renamed over.
        for write in ["dump(ones(2), \"\(fifo)\")", "plot([1, 2], file=\"\(fifo)\")"] {
            XCTAssertTrue(session.error(write).contains("cannot write \(fifo): it is a device, FIFO or socket, not a regular file; refusing to replace it"), write)
            var info = stat()
            XCTAssertTrue(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "\(write) replaced the FIFO")
        }
        XCTAssertEqual(try session.run("1 + 1"), "2\n", "the session goes on")
    }

    private func replacing(_ old: String, with new: String, in data: Data) -> Data {
        var data = data
        data.replaceSubrange(data.range(of: Data(old.utf8))!, with: Data(new.utf8))
        return data
    }

    func testTimeBlockPrintsATimingLine() throws {
        let text = try output("time { x = 1 }\nx")
        XCTAssertTrue(text.hasPrefix(Timing.prefix), text)
        XCTAssertTrue(text.hasSuffix("\n1\n"))
    }
}
