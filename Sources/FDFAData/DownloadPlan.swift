/// What `Downloader` fetches for each data set: the published files with their published MD5s
/// (as torchvision lists them), the mirrors that serve them, and where they go under the root.
struct DownloadPlan {
    struct RemoteFile {
        let name: String
        let md5: String
    }

    let files: [RemoteFile]
    /// Base URLs tried in order; a file's URL is base + "/" + name.
    let mirrors: [String]
    /// Directory under the root that receives the downloaded files.
    let directory: String
    /// For archives (CIFAR): the layout whose files are extracted from them.
    let extracts: DatasetLayout?

    static func of(_ name: DatasetName) -> DownloadPlan? {
        switch name {
        case .mnist:
            return DownloadPlan(files: [
                .init(name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                .init(name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432"),
                .init(name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3"),
                .init(name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c"),
            ], mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist", "http://yann.lecun.com/exdb/mnist"],
            directory: "MNIST/raw", extracts: nil)
        case .fashionMNIST:
            return DownloadPlan(files: [
                .init(name: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                .init(name: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe"),
                .init(name: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79"),
                .init(name: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310"),
            ], mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",
                         "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion"],
            directory: "FashionMNIST/raw", extracts: nil)
        case .cifar10:
            return DownloadPlan(files: [.init(name: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530")],
                                mirrors: ["https://www.cs.toronto.edu/~kriz"], directory: ".", extracts: DatasetLayout.of(.cifar10))
        case .cifar100:
            return DownloadPlan(files: [.init(name: "cifar-100-binary.tar.gz", md5: "03b5dce01913d631647c71ecec9e9cb8")],
                                mirrors: ["https://www.cs.toronto.edu/~kriz"], directory: ".", extracts: DatasetLayout.of(.cifar100))
        case .synthetic:
            return nil
        }
    }
}
