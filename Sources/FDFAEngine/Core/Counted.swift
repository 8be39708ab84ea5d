/// `n` and the noun, plural unless `n` is 1: "1 step", "4 steps", "1 class", "3 classes" (the
/// wording of every count in fdfa's messages: the engine's, the language's and the commands').
public func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
}
