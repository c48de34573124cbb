// Rng: a small, platform-independent seeded generator (xoshiro128** seeded by splitmix64).
// Same seed = same stream natively and in wasm; used for init, shuffling, splits and gate noise.
#pragma once
#include <cmath>
#include <cstdint>

namespace moe {

class Rng {
 public:
  explicit Rng(uint64_t seed = 42) { reseed(seed); }

  void reseed(uint64_t seed) {
    for (uint32_t& word : s_) {
      // reference: Steele, Lea & Flood 2014 (splitmix64), used to expand one seed into a state
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = static_cast<uint32_t>((z ^ (z >> 31)) >> 32);
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
    has_spare_ = false;
  }

  // reference: Blackman & Vigna 2018, xoshiro128**
  uint32_t next_u32() {
    const uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }

  // Uniform in [0, 1) with 24 random bits (exact in float).
  float uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < 2^-32 * n, fine here).
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((static_cast<uint64_t>(next_u32()) * n) >> 32); }

  // Standard normal (Box-Muller, polar-free form). Pairs are cached.
  float normal() {
    if (has_spare_) { has_spare_ = false; return spare_; }
    float u1 = uniform();
    if (u1 < 1e-12f) u1 = 1e-12f;
    const float u2 = uniform();
    const float r = std::sqrt(-2.0f * std::log(u1));
    const float theta = 6.283185307179586f * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

  // Fisher-Yates shuffle of an index array.
  template <class T>
  void shuffle(T* data, std::size_t n) {
    for (std::size_t i = n; i > 1; i--) {
      const std::size_t j = below(static_cast<uint32_t>(i));
      T tmp = data[i - 1];
      data[i - 1] = data[j];
      data[j] = tmp;
    }
  }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t s_[4];
  bool has_spare_ = false;
  float spare_ = 0.0f;
};

}  // namespace moe
