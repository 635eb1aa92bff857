//! Portable transcendental functions: the only place the engine and the score compute `ln`,
//! `exp`, `log10`, `sin` and `cos`.
//!
//! Why: std's `f64::ln`, `exp` and friends call the platform's C maths library — glibc on
//! Linux, Apple's libm on macOS, musl in static builds — and those differ in the last bit for
//! some inputs: each is accurate to about an ulp, none is correctly rounded everywhere, and
//! each rounds the hard cases its own way (`libm`'s `ln` and `exp` differ from glibc's for
//! about 7 and 10 random inputs in 100). A facilitated drill runs in lockstep: every seat
//! re-simulates the host's `(scenario, seed, commands)` and must reach the same state bit for
//! bit, on Linux and macOS, x86-64 and ARM. So these call the `libm` crate, a pure-Rust port of
//! musl's routines: the same IEEE-754 additions and multiplications in the same order on every
//! target (Rust never fuses or reorders float operations on its own), hence the same bits
//! everywhere. Its `arch` feature only swaps in hardware `sqrt`, `fma` and `rint`, which
//! IEEE-754 defines exactly, so they agree too.
//!
//! `sqrt` may stay std's `f64::sqrt`: IEEE-754 requires it correctly rounded and every target
//! does it in hardware, so it is already portable. Arithmetic, `floor`, `round`, `abs` and
//! `min`/`max` are exact or correctly rounded likewise, and Rust's float parsing and formatting
//! are its own code. `mul_add` is not used (a fused instruction on some targets, a library call
//! on others). `tests/architecture.rs` checks that no `sim` or `score` code outside this file
//! calls std's platform maths.

/// Natural logarithm.
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// eˣ.
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Base-10 logarithm.
pub fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// Sine (radians).
pub fn sin(x: f64) -> f64 {
    libm::sin(x)
}

/// Cosine (radians).
pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the answer is simple, the portable routines give the correctly rounded bits.
    #[test]
    fn it_gives_the_correctly_rounded_bits_of_the_easy_cases() {
        assert_eq!(ln(2.0).to_bits(), 0x3FE6_2E42_FEFA_39EF, "ln 2");
        assert_eq!(ln(1.0).to_bits(), 0.0f64.to_bits(), "ln 1 is +0");
        assert_eq!(ln(std::f64::consts::E).to_bits(), 1.0f64.to_bits());
        assert_eq!(exp(0.0).to_bits(), 1.0f64.to_bits());
        assert_eq!(exp(std::f64::consts::LN_2).to_bits(), 2.0f64.to_bits());
        assert_eq!(log10(1000.0).to_bits(), 3.0f64.to_bits());
        assert_eq!(log10(2.0).to_bits(), std::f64::consts::LOG10_2.to_bits());
        assert_eq!(sin(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(cos(0.0).to_bits(), 1.0f64.to_bits());
        assert_eq!(cos(std::f64::consts::PI).to_bits(), (-1.0f64).to_bits());
    }

    /// Inputs where the platform libraries disagree in the last bit: these are `libm`'s
    /// answers, the same on every machine. Each differs from glibc 2.36's (on x86-64), so the
    /// test also fails if a function here quietly went back to std. Neither library is always
    /// the correctly rounded one (in brackets: the correctly rounded bits, by mpmath at 300
    /// bits); what lockstep needs is that every seat gets the same.
    #[test]
    fn it_gives_the_same_bits_as_libm_on_every_platform() {
        // exp(1): glibc gives std::f64::consts::E (…769, correctly rounded), libm one ulp above.
        assert_eq!(exp(1.0).to_bits(), 0x4005_BF0A_8B14_576A);
        assert_eq!(exp(1.7).to_bits(), 0x4015_E552_770D_F8A6, "[…8A7]");
        assert_eq!(ln(1.4).to_bits(), 0x3FD5_88C2_D913_348E, "[…48F]");
        // Here libm is the correctly rounded one and glibc gives …AD6.
        assert_eq!(log10(1.1).to_bits(), 0x3FA5_316C_0A18_ADD7);
        assert_eq!(sin(2.5).to_bits(), 0x3FE3_26AF_0DCF_CAB0, "[…AB1]");
        // sin(π/6) is just under ½ (0x3FDF_FFFF_FFFF_FFFF, as glibc says); libm rounds to ½.
        assert_eq!(sin(std::f64::consts::FRAC_PI_6).to_bits(), 0.5f64.to_bits());
        assert_eq!(cos(2.3).to_bits(), 0xBFE5_5222_1730_2FE0, "[…FE1]");
    }

    #[test]
    fn it_handles_the_edges_like_ieee() {
        assert_eq!(ln(0.0).to_bits(), f64::NEG_INFINITY.to_bits());
        assert!(ln(-1.0).is_nan());
        assert_eq!(exp(-1000.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(exp(1000.0).to_bits(), f64::INFINITY.to_bits());
        assert_eq!(log10(f64::INFINITY).to_bits(), f64::INFINITY.to_bits());
    }
}
