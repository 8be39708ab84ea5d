import FDFAKernel
import Foundation
import FDFATestSupport
import XCTest

final class KernelSpecTests: XCTestCase {
    func testLocationsFollowJupytersDataDirectories() throws {
        XCTAssertEqual(try KernelSpec.directory(.user, environment: ["JUPYTER_DATA_DIR": "/j", "HOME": "/h"]).path, "/j/kernels/fdfa")
        XCTAssertEqual(try KernelSpec.directory(.user, environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).path, "/x/jupyter/kernels/fdfa")
        XCTAssertEqual(try KernelSpec.directory(.user, environment: ["HOME": "/h"]).path, "/h/.local/share/jupyter/kernels/fdfa")
        XCTAssertEqual(try KernelSpec.directory(.prefix("/p"), environment: [:]).path, "/p/share/jupyter/kernels/fdfa")
        XCTAssertEqual(try KernelSpec.directory(.sysPrefix, environment: ["VIRTUAL_ENV": "/v"]).path, "/v/share/jupyter/kernels/fdfa")
        XCTAssertThrowsError(try KernelSpec.directory(.sysPrefix, environment: ["HOME": "/h"])) { error in
            XCTAssertTrue("\(error)".contains("--sys-prefix needs an active virtual or conda environment"), "\(error)")
        }
    }

    func testKernelJSONStartsThisExecutableWithTheConnectionFile() throws {
        let spec = try XCTUnwrap(JSONSerialization.jsonObject(with: KernelSpec.json(executable: "/opt/fdfa/bin/fdfa")) as? [String: Any])
        XCTAssertEqual(spec["argv"] as? [String], ["/opt/fdfa/bin/fdfa", "kernel", "-f", "{connection_file}"])
        XCTAssertEqual(spec["language"] as? String, "fdfa")
        XCTAssertEqual(spec["display_name"] as? String, "fdfa")
        XCTAssertEqual(spec["interrupt_mode"] as? String, "signal")
    }

    /// `fdfa kernel install --prefix` then `uninstall --prefix`, as a user runs them.
    func testInstallAndUninstallCommands() throws {
        let fdfa = URL(fileURLWithPath: try FDFABinary.path())
        let prefix = try temporaryDirectory(self)
        let spec = prefix.appendingPathComponent("share/jupyter/kernels/fdfa")

        XCTAssertEqual(try runProgram(fdfa.path, ["kernel", "install", "--prefix", prefix.path]).status, 0)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: spec.appendingPathComponent("kernel.json"))) as? [String: Any])
        let argv = try XCTUnwrap(json["argv"] as? [String])
        XCTAssertEqual(URL(fileURLWithPath: argv[0]).resolvingSymlinksInPath(), fdfa.resolvingSymlinksInPath())
        XCTAssertTrue(argv[0].hasPrefix("/"), argv[0])
        XCTAssertTrue(FileManager.default.fileExists(atPath: spec.appendingPathComponent("logo-svg.svg").path))

        XCTAssertNotEqual(try runProgram(fdfa.path, ["kernel", "install", "--user", "--prefix", prefix.path]).status, 0, "two locations at once")
        XCTAssertEqual(try runProgram(fdfa.path, ["kernel", "uninstall", "--prefix", prefix.path]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: spec.path))
        XCTAssertNotEqual(try runProgram(fdfa.path, ["kernel", "uninstall", "--prefix", prefix.path]).status, 0, "nothing left to remove")
    }
}
