/// A non-negative integer of any size, built digit by digit, for YAML integers beyond 64 bits (Python ints are
/// unbounded: `0xFFFFFFFFFFFFFFFFFF` is a valid `int`). Stored little-endian in base 10⁹.
struct DecimalAccumulator {
    private var limbs: [UInt64] = [0]
    private static let base: UInt64 = 1_000_000_000

    /// Whether the value is zero.
    var isZero: Bool { limbs.allSatisfy { $0 == 0 } }

    /// `self = self * factor`.
    mutating func multiply(by factor: UInt64) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = limbs[index] * factor + carry
            limbs[index] = product % Self.base
            carry = product / Self.base
        }
        while carry > 0 {
            limbs.append(carry % Self.base)
            carry /= Self.base
        }
    }

    /// `self = self + addend` for a small addend.
    mutating func add(_ addend: UInt64) {
        var carry = addend
        var index = 0
        while carry > 0 {
            if index == limbs.count {
                limbs.append(0)
            }
            let sum = limbs[index] + carry
            limbs[index] = sum % Self.base
            carry = sum / Self.base
            index += 1
        }
    }

    /// `self = self + other`.
    mutating func add(_ other: DecimalAccumulator) {
        var carry: UInt64 = 0
        for index in 0..<max(limbs.count, other.limbs.count) {
            if index == limbs.count {
                limbs.append(0)
            }
            let sum = limbs[index] + (index < other.limbs.count ? other.limbs[index] : 0) + carry
            limbs[index] = sum % Self.base
            carry = sum / Self.base
        }
        if carry > 0 {
            limbs.append(carry)
        }
    }

    /// Appends ASCII digits in `radix` (Python `int(text, radix)` without sign or separators). False if `digits`
    /// is empty or holds a character that is not a digit of that radix.
    mutating func add(digits: Substring, radix: UInt64) -> Bool {
        guard !digits.isEmpty else {
            return false
        }
        for scalar in digits.unicodeScalars {
            guard scalar.isASCII, let digit = UInt64(String(scalar), radix: Int(radix)) else {
                return false
            }
            multiply(by: radix)
            add(digit)
        }
        return true
    }

    /// The value in decimal, without leading zeros.
    var decimalText: String {
        var text = String(limbs.last ?? 0)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }
}
