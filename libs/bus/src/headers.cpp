#include "vigie/bus/headers.h"

#include <random>

namespace vigie::bus {

std::string new_trace_id() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t v = rng();
    for (int i = 0; i < 16; ++i) id[half * 16 + i] = hex[(v >> (i * 4)) & 0xf];
  }
  return id;
}

}  // namespace vigie::bus
