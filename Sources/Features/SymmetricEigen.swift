/// Eigendecomposition of a real symmetric matrix, written here so PCA needs no LAPACK.
///
/// Householder reduction to tridiagonal form followed by the implicit QL algorithm with
/// shifts (the EISPACK `tred2`/`tql2` pair). O(n³) in Double; the matrices PCA feeds it
/// (embedding width × embedding width, a few hundred at most) make that a few milliseconds.
package enum SymmetricEigen {
    /// - Parameters:
    ///   - a: the n×n matrix, row-major. It is symmetrised as (A + Aᵀ)/2 first, so a
    ///     slightly asymmetric covariance (rounding) is harmless.
    /// - Returns: eigenvalues in descending order; `vectors[i]` is the unit eigenvector of
    ///   `values[i]`, signed so that its largest-magnitude entry is positive (deterministic output).
    package static func decompose(_ a: [Double], n: Int) -> (values: [Double], vectors: [[Double]]) {
        precondition(n >= 0 && a.count == n * n, "SymmetricEigen: matrix must hold n×n entries")
        if n == 0 { return ([], []) }
        var v = [Double](repeating: 0, count: n * n)
        for r in 0..<n {
            for c in 0..<n { v[r * n + c] = 0.5 * (a[r * n + c] + a[c * n + r]) }
        }
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        tridiagonalize(&v, &d, &e, n: n)
        diagonalize(&v, &d, &e, n: n)

        let order = (0..<n).sorted { d[$0] > d[$1] || (d[$0] == d[$1] && $0 < $1) }
        var vectors: [[Double]] = []
        vectors.reserveCapacity(n)
        for column in order {
            var vector = (0..<n).map { v[$0 * n + column] }
            let pivot = vector.indices.max { abs(vector[$0]) < abs(vector[$1]) } ?? 0
            if vector[pivot] < 0 { for i in vector.indices { vector[i] = -vector[i] } }
            vectors.append(vector)
        }
        return (order.map { d[$0] }, vectors)
    }

    /// Householder tridiagonalisation (tred2). On return `d` holds the diagonal, `e[1...]` the
    /// sub-diagonal and `v` the accumulated orthogonal transformation.
    private static func tridiagonalize(_ v: inout [Double], _ d: inout [Double], _ e: inout [Double], n: Int) {
        for j in 0..<n { d[j] = v[(n - 1) * n + j] }
        var i = n - 1
        while i > 0 {
            var scale = 0.0
            var h = 0.0
            for k in 0..<i { scale += abs(d[k]) }
            if scale == 0 {
                e[i] = d[i - 1]
                for j in 0..<i {
                    d[j] = v[(i - 1) * n + j]
                    v[i * n + j] = 0
                    v[j * n + i] = 0
                }
            } else {
                for k in 0..<i {
                    d[k] /= scale
                    h += d[k] * d[k]
                }
                var f = d[i - 1]
                var g = h.squareRoot()
                if f > 0 { g = -g }
                e[i] = scale * g
                h -= f * g
                d[i - 1] = f - g
                for j in 0..<i { e[j] = 0 }
                for j in 0..<i {
                    f = d[j]
                    v[j * n + i] = f
                    g = e[j] + v[j * n + j] * f
                    for k in (j + 1)..<i {
                        g += v[k * n + j] * d[k]
                        e[k] += v[k * n + j] * f
                    }
                    e[j] = g
                }
                f = 0
                for j in 0..<i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0..<i { e[j] -= hh * d[j] }
                for j in 0..<i {
                    f = d[j]
                    g = e[j]
                    for k in j..<i { v[k * n + j] -= f * e[k] + g * d[k] }
                    d[j] = v[(i - 1) * n + j]
                    v[i * n + j] = 0
                }
            }
            d[i] = h
            i -= 1
        }
        // Accumulate the transformations.
        for i in 0..<(n - 1) {
            v[(n - 1) * n + i] = v[i * n + i]
            v[i * n + i] = 1
            let h = d[i + 1]
            if h != 0 {
                for k in 0...i { d[k] = v[k * n + i + 1] / h }
                for j in 0...i {
                    var g = 0.0
                    for k in 0...i { g += v[k * n + i + 1] * v[k * n + j] }
                    for k in 0...i { v[k * n + j] -= g * d[k] }
                }
            }
            for k in 0...i { v[k * n + i + 1] = 0 }
        }
        for j in 0..<n {
            d[j] = v[(n - 1) * n + j]
            v[(n - 1) * n + j] = 0
        }
        v[(n - 1) * n + n - 1] = 1
        e[0] = 0
    }

    /// Implicit QL with shifts on the tridiagonal matrix (tql2); eigenvectors become the columns of `v`.
    private static func diagonalize(_ v: inout [Double], _ d: inout [Double], _ e: inout [Double], n: Int) {
        for i in 1..<max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0
        var tst1 = 0.0
        let eps = Double.ulpOfOne
        let maxIterations = 60 * n + 60
        for l in 0..<n {
            tst1 = max(tst1, abs(d[l]) + abs(e[l]))
            var m = l
            while m < n - 1 && abs(e[m]) > eps * tst1 { m += 1 }
            if m > l {
                var iterations = 0
                repeat {
                    iterations += 1
                    var g = d[l]
                    var p = (d[l + 1] - g) / (2 * e[l])
                    var r = (p * p + 1).squareRoot()
                    if p < 0 { r = -r }
                    d[l] = e[l] / (p + r)
                    d[l + 1] = e[l] * (p + r)
                    let dl1 = d[l + 1]
                    var h = g - d[l]
                    if l + 2 < n { for i in (l + 2)..<n { d[i] -= h } }
                    f += h
                    p = d[m]
                    var c = 1.0, c2 = 1.0, c3 = 1.0
                    let el1 = e[l + 1]
                    var s = 0.0, s2 = 0.0
                    var i = m - 1
                    while i >= l {
                        c3 = c2
                        c2 = c
                        s2 = s
                        g = c * e[i]
                        h = c * p
                        r = hypot(p, e[i])
                        e[i + 1] = s * r
                        s = e[i] / r
                        c = p / r
                        p = c * d[i] - s * g
                        d[i + 1] = h + s * (c * g + s * d[i])
                        for k in 0..<n {
                            h = v[k * n + i + 1]
                            v[k * n + i + 1] = s * v[k * n + i] + c * h
                            v[k * n + i] = c * v[k * n + i] - s * h
                        }
                        i -= 1
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1
                    e[l] = s * p
                    d[l] = c * p
                } while abs(e[l]) > eps * tst1 && iterations < maxIterations
            }
            d[l] += f
            e[l] = 0
        }
    }

    private static func hypot(_ x: Double, _ y: Double) -> Double {
        let ax = abs(x), ay = abs(y)
        let big = max(ax, ay), small = min(ax, ay)
        if big == 0 { return 0 }
        let ratio = small / big
        return big * (1 + ratio * ratio).squareRoot()
    }
}
