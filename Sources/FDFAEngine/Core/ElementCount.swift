extension Sequence where Element == Int {
    /// The product of the numbers: a shape's element count (1 for the empty shape, a scalar's).
    /// One multiplication per dimension. Traps on overflow like `*`, so it is for shapes the program
    /// built from checked ones; a shape read from a file or typed by a user goes through
    /// `checkedProduct` first.
    public var elementCount: Int { reduce(1, *) }

    /// The product of the numbers (a shape's element count), or nil when it overflows `Int`: what
    /// a file's header declares is multiplied with this, so a crafted shape is an error, not a trap.
    public var checkedProduct: Int? {
        var product = 1
        for d in self {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            product = p
        }
        return product
    }
}
