// vigie-bench-kdf: milliseconds per password hash (hash_password, the work of
// one login) at the default scrypt cost and at half and double it: the CPU time
// of the hashing thread (what a login costs the server) and the wall time (what
// the user waits), minimum and median of VIGIE_BENCH_RUNS runs. Prints
// figures; never passes or fails on time.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "auth/password_hash.h"
#include "vigie/app/logging.h"
#include "vigie/config/settings.h"

namespace {

double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  using vigie::event_manager::auth::KdfParams;
  vigie::config::Spec spec("vigie-bench-kdf",
                           "Milliseconds per password hash (scrypt, the work of one login) at the default\n"
                           "cost and at half and double it: CPU time of the hashing thread and wall time.");
  vigie::app::add_log_level(spec, "warn")
      .integer("VIGIE_BENCH_RUNS", 21, 1, 1000, "hashes timed at each cost");
  auto settings = spec.load(argc, argv);
  vigie::app::init_logging("vigie-bench-kdf", settings);
  const int runs = static_cast<int>(settings.integer("VIGIE_BENCH_RUNS"));
  const KdfParams defaults;
  std::printf("scrypt, %d runs each (ms: min / median)\n", runs);
  for (const int log2_n : {defaults.log2_n - 1, defaults.log2_n, defaults.log2_n + 1}) {
    KdfParams params = defaults;
    params.log2_n = log2_n;
    std::vector<double> cpu;
    std::vector<double> wall;
    for (int i = 0; i < runs; ++i) {
      const double cpu_start = thread_cpu_ms();
      const auto wall_start = std::chrono::steady_clock::now();
      vigie::event_manager::auth::hash_password("correct horse battery staple", params);
      wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count());
      cpu.push_back(thread_cpu_ms() - cpu_start);
    }
    std::sort(cpu.begin(), cpu.end());
    std::sort(wall.begin(), wall.end());
    const unsigned long long mib = (128ull * static_cast<unsigned>(params.block_size) << log2_n) >> 20;
    std::printf("ln=%d r=%d p=%d  %3llu MiB  cpu %6.1f / %6.1f  wall %6.1f / %6.1f%s\n", log2_n, params.block_size,
                params.parallelism, mib, cpu.front(), cpu[cpu.size() / 2], wall.front(), wall[wall.size() / 2],
                log2_n == defaults.log2_n ? "  (default)" : "");
  }
}
