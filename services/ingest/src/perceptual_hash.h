// A 64-bit perceptual hash of a picture, for telling a new snapshot from the same
// scene sent again (re-encoded, re-scaled, slightly brighter): close pictures get
// hashes a few bits apart, the same street with people moved typically 10 or more,
// unrelated pictures about half their 64 bits.
#pragma once

#include <cstdint>

namespace vigie::ingest {

// From the picture's 8-bit luma plane; throws std::invalid_argument for an empty
// plane or a stride shorter than the width.
uint64_t perceptual_hash(const uint8_t* luma, int width, int height, int stride);

// The number of bits in which two hashes differ (0 to 64).
int hamming(uint64_t a, uint64_t b);

}  // namespace vigie::ingest
