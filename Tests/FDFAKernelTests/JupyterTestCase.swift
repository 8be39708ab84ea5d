import FDFATestSupport
import Foundation
import XCTest

/// A test that drives the built `fdfa` (beside the test bundle) as a Jupyter kernel from Debian's
/// Jupyter client (/usr/bin/python3; scripts/setup.sh installs it): the kernelspec is installed into
/// a fresh temporary prefix with `fdfa kernel install --prefix`, and Jupyter's paths point there.
class JupyterTestCase: XCTestCase {
    static let python = "/usr/bin/python3"
    /// The Python side of the tests, beside this file.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python")

    /// The temporary prefix holding the kernelspec and Jupyter's data and runtime directories.
    var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory(self)
        let install = try runProgram(try FDFABinary.path(), ["kernel", "install", "--prefix", directory.path])
        XCTAssertEqual(install.status, 0, install.output)
    }

    /// Runs a Python module or script of Python/ with Jupyter's paths in the temporary prefix;
    /// stdout and stderr together.
    func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let module = "import jupyter_client, jupyter_kernel_test, nbclient"
        let check = try runProgram(Self.python, ["-c", module])
        guard check.status == 0 else {
            XCTFail("Debian's Jupyter packages are missing from \(Self.python) (scripts/setup.sh installs them):\n\(check.output)")
            return check
        }
        let jupyter = [
            "JUPYTER_PATH": directory.appendingPathComponent("share/jupyter").path,
            "JUPYTER_DATA_DIR": directory.appendingPathComponent("data").path,
            "JUPYTER_RUNTIME_DIR": directory.appendingPathComponent("runtime").path,
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        ]
        return try runProgram(Self.python, arguments, environment: jupyter, in: Self.scripts)
    }
}
