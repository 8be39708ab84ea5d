@testable import FDFALanguage
import FDFATestSupport
import Foundation
import XCTest

/// load_npy of every numeric dtype and byte order, .npz archives both ways, on files numpy wrote
/// (`scripts/make-npy-fixtures.py`).
final class NpyTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    func testEveryDtypeAndByteOrderOfAnNpzFromNumpy() throws {
        let arrays = try Npz.read(fixture("dtypes.npz"))
        XCTAssertEqual(arrays.count, 21)
        for (name, t) in arrays {
            let kind = name.split(separator: "_").last!
            let want: [Float] = kind.hasPrefix("f") ? [0.5, -2, 1024, -0.125]
                : kind.hasPrefix("i") ? [1, -2, 3, -127]
                : kind.hasPrefix("u") ? [1, 2, 250, 0] : [1, 0, 1, 1]
            XCTAssertEqual(t.array, want, name)
            XCTAssertEqual(t.shape, [4], name)
        }
    }

    func testListsGoToNpzAndBack() throws {
        let session = Captured()
        XCTAssertEqual(try session.run("xs = load_npy(\"\(fixture("list.npz"))\")\nprint(xs[0], xs[1], xs[0].shape)"),
                       "tensor([[0, 1, 2],\n        [3, 4, 5]]) tensor([7, -8, 9, 10]) [2, 3]\n")
        let path = try temporaryDirectory(self).appendingPathComponent("l.npz").path
        try session.run("dump([ones(2, 2), tensor([3, 4, 5])], \"\(path)\")")
        XCTAssertEqual(try session.run("ys = load_npy(\"\(path)\")\nprint(ys)"), "[tensor[2, 2] [1, 1, 1, 1],\n tensor[3] [3, 4, 5]]\n")
        let named = try session.run("r = load_npy(\"\(fixture("dtypes.npz"))\")\nprint(r.gt_i8)")
        XCTAssertEqual(named, "tensor([1, -2, 3, -127])\n")
        XCTAssertTrue(session.error("dump([ones(2), 3], \"\(path)\")").contains("item 1 of the list is not a tensor"))
    }

    func testValuesBeyondFloat32AreAnErrorNamingTheElement() throws {
        let message = Captured().error("load_npy(\"\(fixture("huge.npy"))\")")
        XCTAssertTrue(message.contains("element 1 is 1e+300, beyond float32's range"), message)
    }

    func testCorruptNpzIsAClearError() throws {
        let good = try Data(contentsOf: URL(fileURLWithPath: fixture("list.npz")))
        let path = try temporaryDirectory(self).appendingPathComponent("bad.npz").path
        var rng = SystemRandomNumberGenerator()
        for i in 0 ..< 300 {
            var bytes = [UInt8](good)
            if i == 0 { bytes = Array(bytes.prefix(bytes.count - 30)) } else {
                bytes[Int.random(in: 2 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            if let error = try? Captured().run("load_npy(\"\(path)\")") { _ = error }
        }
        try Data(good.prefix(good.count - 30)).write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(Captured().error("load_npy(\"\(path)\")").contains("is not a readable .npz file"))
    }
}
