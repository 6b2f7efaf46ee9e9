import CZstd

package struct ZstdError: Error, CustomStringConvertible {
    package let description: String
    init(_ code: Int) { description = "zstd: " + String(cString: ZSTD_getErrorName(code)) }
    init(message: String) { description = "zstd: " + message }
}

/// One-shot zstd for model sections; streaming decoding is `ZstdDecoder`.
package enum Zstd {
    /// zstd frames start with these bytes; used to recognise compressed input without trusting its name.
    package static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    package static func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                ZSTD_compress(dst.baseAddress, bound, src.baseAddress, input.count, level)
            }
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(written) }
        out.removeLast(out.count - written)
        return out
    }

    /// `expectedSize` comes from the caller's own header, so a corrupt frame cannot ask for unbounded memory;
    /// and as a damaged header may lie too, a size the compressed bytes could hardly hold (over 64 times
    /// their size, far past any model table) is first checked by decoding without keeping the output, so
    /// memory follows what the frame really holds.
    package static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int) throws -> [UInt8] {
        if expectedSize > input.count * 64 + (1 << 20) {
            var decoded = 0
            try input.withUnsafeBytes { raw in
                try ZstdDecoder().decode(raw) { piece in
                    decoded += piece.count
                    if decoded > expectedSize { throw ZstdError(message: "section holds more than the \(expectedSize) bytes its header says") }
                }
            }
            guard decoded == expectedSize else { throw ZstdError(message: "section is \(decoded) bytes, header says \(expectedSize)") }
        }
        var out = [UInt8](repeating: 0, count: expectedSize)
        let written = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                ZSTD_decompress(dst.baseAddress, expectedSize, src.baseAddress, input.count)
            }
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(written) }
        guard written == expectedSize else { throw ZstdError(message: "section is \(written) bytes, header says \(expectedSize)") }
        return out
    }
}

/// Streaming decompression: feed compressed chunks, get decompressed bytes; flat memory on endless input.
package final class ZstdDecoder {
    private let stream: OpaquePointer
    private var output: [UInt8]
    /// True once the last frame ended exactly at the input's end.
    package private(set) var atFrameBoundary = true

    package init() {
        stream = ZSTD_createDStream()
        ZSTD_initDStream(stream)
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDStream(stream) }

    /// Decodes `input` completely, calling `sink` with each decoded piece.
    package func decode(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let capacity = output.count
        repeat {
            let consumedBefore = inBuffer.pos
            let (result, produced) = output.withUnsafeMutableBytes { dst -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: capacity, pos: 0)
                let r = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                return (r, outBuffer.pos)
            }
            if ZSTD_isError(result) != 0 { throw ZstdError(result) }
            // A call that neither read nor wrote (the output filled exactly at a frame's end) answers with
            // the next frame's size hint: it says nothing about where the last frame ended.
            if inBuffer.pos > consumedBefore || produced > 0 { atFrameBoundary = result == 0 }
            if produced > 0 {
                try output.withUnsafeBufferPointer { try sink(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
            }
            if inBuffer.pos == inBuffer.size && produced < capacity { break }
        } while true
    }
}

/// Streaming compression into memory: feed raw pieces, take one zstd frame at the end. Lets a large
/// section be compressed as it is produced, without a raw copy of all of it.
package final class ZstdEncoder {
    private let stream: OpaquePointer
    private var buffer: [UInt8]
    /// Compressed output as a list of pieces: one growing array would double (and copy) its way up.
    package private(set) var pieces: [[UInt8]] = []
    package private(set) var compressedCount = 0
    package private(set) var rawCount = 0

    package init(level: Int32 = 3) {
        stream = ZSTD_createCStream()
        ZSTD_CCtx_setParameter(stream, ZSTD_c_compressionLevel, level)
        buffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    }

    deinit { ZSTD_freeCStream(stream) }

    package func add(_ input: UnsafeRawBufferPointer) throws {
        rawCount += input.count
        try run(input, ZSTD_e_continue)
    }

    /// Ends the frame; the compressed bytes are `pieces`, `compressedCount` in all.
    package func finish() throws {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), ZSTD_e_end)
    }

    private func run(_ input: UnsafeRawBufferPointer, _ directive: ZSTD_EndDirective) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let capacity = buffer.count
        while true {
            let (remaining, produced) = buffer.withUnsafeMutableBytes { dst -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: capacity, pos: 0)
                let r = ZSTD_compressStream2(stream, &outBuffer, &inBuffer, directive)
                return (r, outBuffer.pos)
            }
            if ZSTD_isError(remaining) != 0 { throw ZstdError(remaining) }
            if produced > 0 {
                pieces.append(Array(buffer[0..<produced]))
                compressedCount += produced
            }
            let done = directive == ZSTD_e_end ? remaining == 0 : inBuffer.pos == inBuffer.size
            if done { return }
        }
    }
}
