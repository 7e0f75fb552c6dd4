// pHash rather than dHash, from measurements on every frame of vtest.avi (a street
// seen by a fixed camera). Both hold still when a picture is re-encoded at another
// quality, noised or brightened: dHash moved at most 3 bits, pHash at most 4 (and 2
// in 99.9% of cases). But such a picture is mostly static background, and dHash's
// bits, the signs of gradients between neighbouring cells of a 9x8 grid, are nearly
// all decided by it: pictures 1 s apart (people walked a few metres) were under 4
// bits apart 32% of the time, 5 s apart still 8%. pHash's bits, the signs of 64
// low-frequency DCT coefficients against their median, follow where things are in
// the picture: 1% and never. Like the pHash library it leaves out the DCT's first
// row and column (overall brightness, and lighting that varies across the picture
// in one direction), so a brighter picture keeps its hash.
#include "perceptual_hash.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace vigie::ingest {
namespace {

constexpr int kSide = 32;  // the picture is averaged down to kSide x kSide
constexpr int kKept = 8;   // DCT frequencies 1..kKept in each direction: 64 bits

using CosineTable = std::array<std::array<double, kSide>, kKept>;

// cos(pi * (2x + 1) * k / (2 * kSide)) for k = 1..kKept, the DCT-II basis. The
// transform's scale factors are left out: equal for every kept coefficient, they
// cannot change which side of the median a coefficient falls.
const CosineTable& cosines() {
  static const CosineTable table = [] {
    CosineTable t{};
    for (int k = 0; k < kKept; ++k) {
      for (int x = 0; x < kSide; ++x) {
        t[k][x] = std::cos(std::numbers::pi * (2 * x + 1) * (k + 1) / (2.0 * kSide));
      }
    }
    return t;
  }();
  return table;
}

// Cell i of kSide covers [first(i), end(i)); a picture narrower than kSide repeats
// pixels rather than leaving cells empty.
int cell_first(int i, int size) { return i * size / kSide; }
int cell_end(int i, int size) { return std::max(cell_first(i, size) + 1, (i + 1) * size / kSide); }

using Small = std::array<std::array<double, kSide>, kSide>;

Small area_average(const uint8_t* luma, int width, int height, int stride) {
  Small small{};
  for (int cy = 0; cy < kSide; ++cy) {
    const int y0 = cell_first(cy, height);
    const int y1 = cell_end(cy, height);
    for (int cx = 0; cx < kSide; ++cx) {
      const int x0 = cell_first(cx, width);
      const int x1 = cell_end(cx, width);
      uint64_t sum = 0;
      for (int y = y0; y < y1; ++y) {
        const uint8_t* row = luma + static_cast<ptrdiff_t>(y) * stride;
        for (int x = x0; x < x1; ++x) sum += row[x];
      }
      small[cy][cx] = static_cast<double>(sum) / ((y1 - y0) * (x1 - x0));
    }
  }
  return small;
}

}  // namespace

uint64_t perceptual_hash(const uint8_t* luma, int width, int height, int stride) {
  if (luma == nullptr || width <= 0 || height <= 0 || stride < width) {
    throw std::invalid_argument("perceptual_hash: empty luma plane or stride below width (" +
                                std::to_string(width) + "x" + std::to_string(height) + ", stride " +
                                std::to_string(stride) + ")");
  }
  const Small small = area_average(luma, width, height, stride);
  const CosineTable& cos = cosines();

  // The 2-D DCT is separable: rows first, keeping only the wanted frequencies.
  std::array<std::array<double, kKept>, kSide> rows{};
  for (int y = 0; y < kSide; ++y) {
    for (int u = 0; u < kKept; ++u) {
      double sum = 0;
      for (int x = 0; x < kSide; ++x) sum += small[y][x] * cos[u][x];
      rows[y][u] = sum;
    }
  }
  std::array<double, kKept * kKept> coefficients{};
  for (int v = 0; v < kKept; ++v) {
    for (int u = 0; u < kKept; ++u) {
      double sum = 0;
      for (int y = 0; y < kSide; ++y) sum += rows[y][u] * cos[v][y];
      coefficients[v * kKept + u] = sum;
    }
  }

  std::array<double, kKept* kKept> sorted = coefficients;
  const auto middle = sorted.begin() + sorted.size() / 2;
  std::nth_element(sorted.begin(), middle, sorted.end());
  const double median = (*std::max_element(sorted.begin(), middle) + *middle) / 2;

  uint64_t hash = 0;
  for (size_t i = 0; i < coefficients.size(); ++i) {
    if (coefficients[i] > median) hash |= uint64_t{1} << i;
  }
  return hash;
}

int hamming(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace vigie::ingest
