// A log-linear latency histogram in the spirit of HdrHistogram: values below 128 are exact,
// above that each power of two is split into 64 buckets (relative error < 1.6 %). Fixed memory
// (about 30 KiB), O(1) recording, mergeable. Not thread-safe: one per thread, merged at the end.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace flowd::bench {

class LatencyHistogram {
 public:
  void Record(uint64_t value) {
    ++counts_[IndexOf(value)];
    ++total_;
    max_ = std::max(max_, value);
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
  }

  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }

  // The smallest recorded-bucket upper bound such that at least `q` (0..1) of the values are at
  // or below it; never more than max(). 0 when empty.
  uint64_t Quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_) + 0.5);
    rank = std::clamp<uint64_t>(rank, 1, total_);
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(UpperBound(i), max_);
    }
    return max_;
  }

 private:
  static constexpr unsigned kSubBits = 6;                       // 64 sub-buckets per power of two
  static constexpr uint64_t kLinear = uint64_t{2} << kSubBits;  // 128 exact values
  static constexpr size_t kBuckets = kLinear + (64 - kSubBits - 1) * (uint64_t{1} << kSubBits);

  static size_t IndexOf(uint64_t v) {
    if (v < kLinear) return static_cast<size_t>(v);
    const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(v));
    const unsigned shift = msb - kSubBits;  // ≥ 1
    const uint64_t top = v >> shift;        // in [64, 128)
    return static_cast<size_t>(kLinear + (shift - 1) * (uint64_t{1} << kSubBits) +
                               (top - (uint64_t{1} << kSubBits)));
  }

  static uint64_t UpperBound(size_t index) {
    if (index < kLinear) return index;
    const uint64_t rel = index - kLinear;
    const unsigned shift = static_cast<unsigned>(rel >> kSubBits) + 1;
    const uint64_t top = (rel & ((uint64_t{1} << kSubBits) - 1)) + (uint64_t{1} << kSubBits);
    return ((top + 1) << shift) - 1;
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace flowd::bench
