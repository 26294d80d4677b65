/// A seeded random source (SplitMix64) with the value pools the differential test draws from: text with quotes,
/// backslashes, control characters, non-printables, combining marks, astral and not-yet-assigned characters.
struct DifferentialRandom {
    private var state: UInt64

    /// A generator; the same seed gives the same sequence on every platform.
    init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    /// One element of `items`.
    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

    /// A random double from a mix of "interesting" values and random bit patterns.
    mutating func double() -> Double {
        switch int(0...9) {
        case 0: return pick([3.1, 3.10, 3.12, 0.5, 0.1 + 0.2, 1e-05, 1e16, 1e22, 123456789.0, 5e-324])
        case 1: return pick([-0.0, 0.0, 1.0, -1.5, 1e300 * 10, -(1e300 * 10), .nan, 100.0, 1e15, 9007199254740992])
        case 2: return Double(int(-100_000...100_000)) / Double(pick([1, 10, 100, 1000, 3, 7]))
        default:
            var value: Double
            repeat {
                value = Double(bitPattern: next())
            } while !value.isFinite
            return value
        }
    }

    /// A random `Unicode.Scalar` from weighted pools.
    mutating func scalar() -> Unicode.Scalar {
        let value: UInt32
        switch int(0...99) {
        case 0..<35:
            value = UInt32(
                pick(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".unicodeScalars)).value)
        case 35..<50:
            value = UInt32(pick(Array(" '\"\\{}[]()!#$%&*+,/:;<=>?@^`|~".unicodeScalars)).value)
        case 50..<58:
            value = pick([UInt32(int(0...0x1F)), 0x7F, UInt32(int(0x80...0x9F)), 0x0A, 0x0D, 0x09, 0x00])
        case 58..<70:
            value = pick([
                0x03A3, 0x03C2, 0x0130, 0x1E9E, 0x00DF, 0x00C9, 0x0391, 0x0410, 0x01C5, 0x2126, 0x212A,
                UInt32(int(0xC0...0x24F)), UInt32(int(0x370...0x3FF)), UInt32(int(0x400...0x4FF)),
                UInt32(int(0x10A0...0x10FF)), UInt32(int(0x1F00...0x1FFF)), UInt32(int(0x2C00...0x2C5F)),
            ])
        case 70..<82:
            value = pick([
                0xA0, 0xAD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x202E, 0x2060, 0xFEFF, 0xFFFD,
                0xFFFE, 0xFFFF, 0x0300, 0x0301, 0x036F, 0x3000, 0x1680, 0x2000, 0x2066,
                UInt32(int(0xE000...0xE0FF)), UInt32(int(0x4E00...0x9FFF)), UInt32(int(0xAC00...0xD7A3)),
                UInt32(int(0x0600...0x06FF)), UInt32(int(0x0900...0x097F)), UInt32(int(0xFDD0...0xFDEF)),
            ])
        case 82..<95:
            value = pick([
                UInt32(int(0x1F600...0x1F64F)), UInt32(int(0x10000...0x1007F)), UInt32(int(0x1D400...0x1D4FF)),
                0xE0001, UInt32(int(0xE0020...0xE007F)), UInt32(int(0xF0000...0xF00FF)), 0x10FFFF,
                UInt32(int(0x20000...0x2A6DF)), UInt32(int(0x30000...0x3134F)), UInt32(int(0x31350...0x323AF)),
                UInt32(int(0x1E900...0x1E95F)), UInt32(int(0x16E40...0x16E9F)), UInt32(int(0x11F00...0x11F5F)),
            ])
        default:
            var candidate: UInt32
            repeat {
                candidate = UInt32(next() % 0x110000)
            } while (0xD800...0xDFFF).contains(candidate)
            value = candidate
        }
        return Unicode.Scalar(value)!
    }

    /// Random text of `length` scalars from all pools.
    mutating func text(_ length: ClosedRange<Int>) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<int(length) {
            scalars.append(scalar())
        }
        return String(scalars)
    }

    /// A file or directory name: no `/`, no NUL, not `.` or `..`; `ascii` keeps it to letters, digits and `-_.`.
    mutating func fileName(ascii: Bool = false) -> String {
        let simple = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".unicodeScalars)
        let odd = Array(" 'é中ü😀~=+,;@ΣİÅ#".unicodeScalars)
        while true {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<int(1...10) {
                scalars.append(ascii || !chance(0.2) ? pick(simple) : pick(odd))
            }
            let name = String(scalars)
            if name != "." && name != ".." {
                return name
            }
        }
    }

    /// Random bytes, sometimes text-like with CRLFs, a BOM and edge whitespace.
    mutating func bytes(maximum: Int = 600) -> [UInt8] {
        switch int(0...4) {
        case 0:
            return (0..<int(0...maximum)).map { _ in UInt8(truncatingIfNeeded: next()) }
        case 1:
            return []
        default:
            var text = ""
            if chance(0.2) { text += "\u{FEFF}" }
            if chance(0.4) { text += pick(["\n", "  ", "\t", "\r\n", "\u{0B}\u{0C}", "\u{A0}"]) }
            for _ in 0..<int(1...6) {
                text += pick(["pandas==2.2.2", "numpy", "torch>=2", "# comment", "-e .", "flytekit"])
                text += pick(["\n", "\r\n", "\n\n", " \n"])
            }
            if chance(0.4) { text += pick(["\n\n", " \t ", "\r\n", "\u{0C}", "\u{A0}"]) }
            return Array(text.utf8)
        }
    }
}
