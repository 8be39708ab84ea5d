extension Sequence where Element == Int {
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
