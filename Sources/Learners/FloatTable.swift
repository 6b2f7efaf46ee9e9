import CSupport

/// A fixed-size, zero-initialised float matrix that several training threads may update at once
/// (Hogwild: lock-free races on single floats are the accepted price of using both cores).
package final class FloatTable: @unchecked Sendable {
    package let rows: Int
    package let columns: Int
    package let storage: UnsafeMutableBufferPointer<Float>

    package init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        let bytes = max(1, rows * columns) * MemoryLayout<Float>.stride
        guard let raw = dc_alloc_table(bytes) else { fatalError("cannot allocate a \(bytes)-byte table") }
        storage = UnsafeMutableBufferPointer(start: raw.bindMemory(to: Float.self, capacity: rows * columns), count: rows * columns)
    }

    package convenience init(copying other: FloatTable, rows: Int) {
        self.init(rows: rows, columns: other.columns)
        let n = min(rows, other.rows) * columns
        for i in 0..<n { storage[i] = other.storage[i] }
    }

    /// The same rows with zero columns appended; rows all zero stay untouched (their pages unbacked).
    package convenience init(widening other: FloatTable, columns: Int) {
        precondition(columns >= other.columns, "FloatTable: widening to fewer columns")
        self.init(rows: other.rows, columns: columns)
        for r in 0..<other.rows {
            let from = other.row(r)
            guard (0..<other.columns).contains(where: { from[$0] != 0 }) else { continue }
            memcpyFloats(row(r), from, other.columns)
        }
    }

    deinit { dc_free_table(storage.baseAddress, storage.count * MemoryLayout<Float>.stride) }

    @inline(__always)
    package func row(_ r: Int) -> UnsafeMutablePointer<Float> { storage.baseAddress! + r * columns }

    /// Rows that are not all zero, as (index, values): untouched hash buckets cost nothing on disk.
    /// Layout: u32 count, then count × (u32 row, columns × f32), little-endian.
    package func sparseBytes() -> [UInt8] {
        var out: [UInt8] = []
        writeSparse { out.append(contentsOf: $0) }
        return out
    }

    /// The sparse form handed out in pieces, so a large table is never copied whole.
    package func writeSparse(_ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        @inline(__always) func isNonZero(_ r: Int) -> Bool {
            let p = row(r)
            for c in 0..<columns where p[c] != 0 { return true }
            return false
        }
        var count: UInt32 = 0
        for r in 0..<rows where isNonZero(r) { count += 1 }
        try withUnsafeBytes(of: count.littleEndian) { try emit($0) }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20)
        for r in 0..<rows where isNonZero(r) {
            withUnsafeBytes(of: UInt32(r).littleEndian) { chunk.append(contentsOf: $0) }
            chunk.append(contentsOf: UnsafeRawBufferPointer(start: row(r), count: columns * 4))
            if chunk.count >= 1 << 20 {
                try chunk.withUnsafeBytes { try emit($0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try chunk.withUnsafeBytes { try emit($0) }
    }

    package static func fromSparse(_ bytes: [UInt8], rows: Int, columns: Int) throws -> FloatTable {
        let table = FloatTable(rows: rows, columns: columns)
        try bytes.withUnsafeBytes { raw in
            guard raw.count >= 4 else { throw ModelDataError("sparse table shorter than its count") }
            let count = Int(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let rowBytes = 4 + columns * 4
            guard raw.count == 4 + count * rowBytes else { throw ModelDataError("sparse table has \(raw.count) bytes, expected \(4 + count * rowBytes)") }
            for i in 0..<count {
                let offset = 4 + i * rowBytes
                let r = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                guard r < rows else { throw ModelDataError("row \(r) outside a table of \(rows)") }
                memcpyFloats(table.row(r), raw.baseAddress! + offset + 4, columns)
            }
        }
        return table
    }

    package func denseBytes() -> [UInt8] {
        Array(UnsafeRawBufferPointer(storage))
    }

    package static func fromDense(_ bytes: [UInt8], rows: Int, columns: Int) throws -> FloatTable {
        guard bytes.count == rows * columns * 4 else { throw ModelDataError("dense table has \(bytes.count) bytes, expected \(rows * columns * 4)") }
        let table = FloatTable(rows: rows, columns: columns)
        bytes.withUnsafeBytes { memcpyFloats(table.storage.baseAddress!, $0.baseAddress!, rows * columns) }
        return table
    }
}

@inline(__always)
func memcpyFloats(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafeRawPointer, _ count: Int) {
    UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
}

/// A model section whose bytes do not make sense; the model store turns it into a clear load error.
package struct ModelDataError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
