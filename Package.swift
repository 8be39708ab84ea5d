// swift-tools-version:6.0
import PackageDescription

/// fdfa: a REPL workbench for Forward Direct Feedback Alignment and its relatives.
///
/// The targets follow the architecture, each layer depending only on those below it:
/// engine (tensors, layers, rules) ← data ← analysis ← training (runs over datasets, checkpoints)
/// ← language ← REPL ← Jupyter kernel ← `fdfa` command line; the benchmark (`fdfa bench`) sits on
/// the engine alone.
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

        // The few elementwise kernels Swift cannot vectorise on Linux (sqrt, log, sin, cos), the
        // thread pool and the FMA peak loop, in C.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        // Convolutions on oneDNN's primitives, in the plain layouts the engine keeps its tensors in.
        .target(name: "CConvolution", dependencies: ["CDNNL"]),
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
        .target(name: "FDFAKernel", dependencies: ["FDFALanguage", "FDFATraining", "FDFARepl", "CZeroMQ", "CCrypto"]),
        .executableTarget(
            name: "fdfa",
            dependencies: [
                "FDFAEngine", "FDFABench", "FDFAData", "FDFAAnalysis", "FDFATraining", "FDFALanguage", "FDFARepl", "FDFAKernel", "CProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        .testTarget(name: "FDFAEngineTests", dependencies: ["FDFAEngine"], exclude: ["Fixtures"]),
        .testTarget(name: "FDFABenchTests", dependencies: ["FDFABench"]),
        .testTarget(name: "FDFADataTests", dependencies: ["FDFAData"]),
        .testTarget(name: "FDFAAnalysisTests", dependencies: ["FDFAAnalysis"]),
        .testTarget(name: "FDFATrainingTests", dependencies: ["FDFATraining"], exclude: ["Fixtures"]),
        .testTarget(name: "FDFALanguageTests", dependencies: ["FDFALanguage", "FDFARepl"], exclude: ["Fixtures"]),
        .testTarget(name: "FDFACommandLineTests", dependencies: ["fdfa"]),
        .testTarget(name: "FDFAKernelTests", dependencies: ["FDFAKernel", "fdfa"], exclude: ["Python"]),
    ],
    swiftLanguageModes: [.v5]
)
