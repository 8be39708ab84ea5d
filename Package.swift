// swift-tools-version:6.0
import PackageDescription

/// fdfa: a REPL workbench for Forward Direct Feedback Alignment and its relatives.
///
/// The targets follow the architecture, each layer depending only on those below it:
/// engine (tensors, layers, rules) ← data ← analysis ← training (runs over datasets, checkpoints)
/// ← language ← REPL ← `fdfa` command line.
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
    ],
    targets: [
        // System libraries: OpenBLAS (cblas), libedit (line editing), libdeflate (gzip'd data files).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine"),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate"),

        // The few elementwise kernels Swift cannot vectorise on Linux (sqrt, log, sin, cos), in C.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "FDFAEngine", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "FDFAData", dependencies: ["FDFAEngine", "CDeflate"]),
        .target(name: "FDFAAnalysis", dependencies: ["FDFAEngine"]),
        .target(name: "FDFATraining", dependencies: ["FDFAEngine", "FDFAData", "FDFAAnalysis"]),
        .target(name: "FDFALanguage", dependencies: ["FDFAEngine", "FDFAData", "FDFAAnalysis", "FDFATraining"]),
        .target(name: "FDFARepl", dependencies: ["FDFALanguage", "CEditLine"]),
        .executableTarget(
            name: "fdfa",
            dependencies: [
                "FDFAEngine", "FDFAData", "FDFAAnalysis", "FDFATraining", "FDFALanguage", "FDFARepl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "FDFAEngineTests", dependencies: ["FDFAEngine"], exclude: ["Fixtures"]),
        .testTarget(name: "FDFADataTests", dependencies: ["FDFAData"]),
        .testTarget(name: "FDFAAnalysisTests", dependencies: ["FDFAAnalysis"]),
        .testTarget(name: "FDFATrainingTests", dependencies: ["FDFATraining"]),
        .testTarget(name: "FDFALanguageTests", dependencies: ["FDFALanguage", "FDFARepl"]),
        .testTarget(name: "FDFACommandLineTests", dependencies: ["fdfa"]),
    ],
    swiftLanguageModes: [.v5]
)
