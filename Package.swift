// swift-tools-version:6.0
import PackageDescription

/// fdfa: a REPL workbench for Forward Direct Feedback Alignment and its relatives.
///
/// The targets follow the architecture, each depending only on layers below it:
/// engine (tensors, layers, rules, the Ctrl-C flag) ← data, analysis ← training (runs over datasets,
/// checkpoints) ← language ← REPL ← Jupyter kernel ← `fdfa` command line; the benchmark (`fdfa
/// bench`) sits on the engine alone.
/// Every target lists exactly the modules it imports (FDFAPackageTests checks); a test target that
/// runs the built `fdfa` binary also lists "fdfa", so that it is built beside the tests.
///
/// Release builds use SwiftPM's `-O`, which keeps every `precondition` and bounds check: a bad index
/// is an error, not memory corruption. Checks that would cost time sit outside the hot loops.
let package = Package(
    name: "fdfa",
    products: [
        .executable(name: "fdfa", targets: ["fdfa"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: OpenBLAS (cblas), oneDNN (sgemm with AVX-512 kernels), libedit (line
        // editing), libdeflate (gzip'd data files), ZeroMQ and OpenSSL's libcrypto (the Jupyter
        // kernel's sockets and message signatures).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine"),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate"),
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),

        // The hot loops Swift does not vectorise on Linux, in C with one job each (Adam's update, the
        // finiteness check, Philox draws, im2col, max-pooling, BatchNorm's plane sums), the thread
        // pool and the FMA peak loop.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        // Convolutions on oneDNN's primitives, in the plain layouts the engine keeps its tensors in
        // (dnnl.h is a system header; the engine's CDNNL links the library).
        .target(name: "CConvolution"),
        // Starting `fdfa sweep`'s child trainings so that they die with the sweep.
        .target(name: "CProcess"),
        .target(name: "FDFAEngine", dependencies: ["CBLAS", "CDNNL", "CConvolution", "CKernels"]),
        // `fdfa bench`: training steps against their library and physical floors.
        .target(name: "FDFABench", dependencies: ["FDFAEngine", "CKernels"]),
        .target(name: "FDFAData", dependencies: ["FDFAEngine", "CDeflate"]),
        .target(name: "FDFAAnalysis", dependencies: ["FDFAEngine"]),
        .target(name: "FDFATraining", dependencies: ["FDFAEngine", "FDFAData", "FDFAAnalysis"]),
        .target(name: "FDFALanguage", dependencies: ["FDFAEngine", "FDFAData", "FDFAAnalysis", "FDFATraining", "CDeflate"]),
        .target(name: "FDFARepl", dependencies: ["FDFAEngine", "FDFALanguage", "CEditLine"]),
        .target(name: "FDFAKernel", dependencies: ["FDFAEngine", "FDFAData", "FDFATraining", "FDFALanguage", "FDFARepl", "CZeroMQ", "CCrypto"]),
        .executableTarget(
            name: "fdfa",
            dependencies: [
                "FDFAEngine", "FDFABench", "FDFAData", "FDFAAnalysis", "FDFATraining", "FDFALanguage", "FDFARepl", "FDFAKernel", "CProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // What the test targets share: the built binary, scratch directories.
        .target(name: "FDFATestSupport", path: "Tests/FDFATestSupport"),
        .testTarget(name: "FDFAEngineTests", dependencies: ["FDFAEngine", "CKernels"], exclude: ["Fixtures"]),
        .testTarget(name: "FDFABenchTests", dependencies: ["FDFAEngine", "FDFABench", "CKernels"]),
        .testTarget(name: "FDFADataTests", dependencies: ["FDFAEngine", "FDFAData", "CDeflate"]),
        .testTarget(name: "FDFAAnalysisTests", dependencies: ["FDFAEngine", "FDFAAnalysis", "FDFATestSupport"]),
        .testTarget(name: "FDFATrainingTests", dependencies: ["FDFAEngine", "FDFAData", "FDFATraining", "FDFATestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "FDFALanguageTests", dependencies: ["FDFAEngine", "FDFATraining", "FDFALanguage", "FDFATestSupport", "fdfa"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FDFAReplTests", dependencies: ["FDFALanguage", "FDFARepl", "FDFATestSupport", "fdfa"]),
        .testTarget(name: "FDFACommandLineTests", dependencies: ["FDFATestSupport", "fdfa"]),
        .testTarget(name: "FDFAKernelTests", dependencies: ["FDFAKernel", "FDFATestSupport", "fdfa"], exclude: ["Python"]),
        // That this graph lists what each target imports.
        .testTarget(name: "FDFAPackageTests"),
    ],
    swiftLanguageModes: [.v5]
)
