/// Successive halving in brackets (Hyperband's, η = 3): many choices trained on a small share of the
/// training names, the best third of them on a larger share, and so on up to all of it. The brackets take
/// turns, from the most exploring (9 choices at 1/9) to the least (as many as workers, on all names), so
/// a search that runs long tries every trade-off between many cheap looks and few full ones.
struct Bracket {
    /// Choices in the first rung.
    let first: Int
    /// The share of the training names each rung trains on.
    let fractions: [Double]

    static func plan(_ index: Int, workers: Int) -> Bracket {
        switch index % 3 {
        case 0: Bracket(first: 9, fractions: [1.0 / 9, 1.0 / 3, 1])
        case 1: Bracket(first: 6, fractions: [1.0 / 3, 1])
        default: Bracket(first: max(2, workers), fractions: [1])
        }
    }

    /// How many of `count` finished choices go on to the next rung: a third, but no fewer than the workers
    /// (a rung of one trial would leave the other cores idle) and no more than there are.
    static func survivors(of count: Int, workers: Int) -> Int { min(count, max(workers, count / 3)) }
}
