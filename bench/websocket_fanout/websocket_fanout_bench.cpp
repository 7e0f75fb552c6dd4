// vigie-bench-websocket-fanout: how long an alert takes to reach every
// WebSocket client. Starts the event manager's HTTP server and WebSocketHub on
// loopback, connects the clients (Beast, asynchronous, on a few threads; each
// subscribes to every alert type over the whole city), publishes alerts of
// about 600 bytes at a fixed rate, each carrying its publish time, and measures
// at the clients the delay from publish() to the whole message read:
//   reference: one client, the same rate, for a third of the time;
//   fan-out:   every client.
// Prints the latency percentiles, messages lost (expected minus received),
// clients dropped for slowness, and the CPU time of the server's I/O threads
// per message delivered (its cost whatever the clients cost; they share the
// machine here). Prints figures; never passes or fails.
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "vigie/app/logging.h"
#include "vigie/config/settings.h"
#include "web/http_server.h"
#include "web/websocket_hub.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using vigie::event_manager::web::GeoPoint;
using vigie::event_manager::web::Message;

constexpr const char* kToken = "bench-token";
constexpr const char* kSubscribe =
    R"({"subscribe": {"types": ["police", "ambulance", "fire_brigade"], "bbox": [2.22, 48.81, 2.47, 48.91]}})";

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// What the clients of one thread saw; only that thread writes it.
struct ThreadStats {
  std::vector<std::int64_t> latencies_ns;
  std::atomic<std::uint64_t> received{0};  // read by the publisher to know when all arrived
  std::uint64_t out_of_order = 0;
  std::uint64_t errors = 0;
};

class BenchClient : public std::enable_shared_from_this<BenchClient> {
 public:
  BenchClient(asio::io_context& io, ThreadStats& stats, std::atomic<int>& subscribed)
      : ws_(io), stats_(stats), subscribed_(subscribed) {}

  void start(const tcp::endpoint& server) {
    beast::get_lowest_layer(ws_).expires_after(60s);
    beast::get_lowest_layer(ws_).async_connect(server,
                                               beast::bind_front_handler(&BenchClient::on_connect, shared_from_this()));
  }

  std::uint64_t received() const { return received_; }
  void stop() { stopping_ = true; }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail();
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(beast::http::field::sec_websocket_protocol, std::string("bearer, ") + kToken);
    }));
    ws_.async_handshake("localhost", "/api/ws",
                        beast::bind_front_handler(&BenchClient::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail();
    beast::get_lowest_layer(ws_).expires_never();
    ws_.text(true);
    ws_.async_write(asio::buffer(std::string_view(kSubscribe)),
                    [self = shared_from_this()](beast::error_code wec, std::size_t) {
                      if (wec) return self->fail();
                      self->read();
                    });
  }

  void read() { ws_.async_read(buffer_, beast::bind_front_handler(&BenchClient::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return fail();
    std::int64_t arrived = now_ns();
    auto data = buffer_.cdata();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    std::int64_t seq = field(text, "\"seq\":");
    std::int64_t sent = field(text, "\"sent_ns\":");
    if (seq < 0 || sent < 0) {
      if (text.find("\"subscribed\"") != std::string_view::npos) ++subscribed_;
    } else {
      stats_.latencies_ns.push_back(arrived - sent);
      stats_.received.fetch_add(1, std::memory_order_relaxed);
      if (seq != last_seq_ + 1 && last_seq_ >= 0) ++stats_.out_of_order;
      last_seq_ = seq;
      ++received_;
    }
    buffer_.consume(buffer_.size());
    read();
  }

  static std::int64_t field(std::string_view text, std::string_view name) {
    auto at = text.find(name);
    if (at == std::string_view::npos) return -1;
    std::int64_t value = -1;
    const char* begin = text.data() + at + name.size();
    std::from_chars(begin, text.data() + text.size(), value);
    return value;
  }

  void fail() {
    if (!stopping_) ++stats_.errors;
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  ThreadStats& stats_;
  std::atomic<int>& subscribed_;
  std::uint64_t received_ = 0;
  std::int64_t last_seq_ = -1;
  bool stopping_ = false;
};

// An alert as the event manager pushes it, about 600 bytes, stamped with its
// sequence number and publish time.
std::string alert_json(std::int64_t seq, std::int64_t sent) {
  nlohmann::ordered_json alert = {
      {"kind", "alert"},
      {"seq", seq},
      {"sent_ns", sent},
      {"alert",
       {{"id", "5f0c2a4e-8d1b-4c9e-9a57-3e2f61b0c7d4"},
        {"camera_id", "cam-0042"},
        {"camera_name", "Pont Neuf, quai du Louvre (north bank)"},
        {"type", "fire_brigade"},
        {"analysis", "fire"},
        {"state", "pending"},
        {"latitude", 48.8571},
        {"longitude", 2.3412},
        {"perimeter_m", 150},
        {"actions", {"Send two fire engines", "Close the quay to traffic", "Warn the river police"}},
        {"label", "fire"},
        {"score", 0.91},
        {"positives", 4},
        {"first_seen", "2025-06-14T21:07:12.418Z"},
        {"last_seen", "2025-06-14T21:07:15.902Z"},
        {"evidence_url",
         "/api/alerts/5f0c2a4e-8d1b-4c9e-9a57-3e2f61b0c7d4/evidence?expires=1749935535&signature="
         "Yp3kq0w7bR2nT8vX1cZ5mL9aS4dF6gH0jK2lQ7eW3rU"}}}};
  return alert.dump();
}

struct PhaseResult {
  int clients = 0;
  std::int64_t messages = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t errors = 0;
  double dropped_slow = 0;
  std::vector<std::int64_t> latencies_ns;
  double server_cpu_s = 0;
  double wall_s = 0;
  std::size_t message_bytes = 0;
};

// CPU seconds used so far by this process's threads of that name.
double threads_cpu_seconds(const std::string& name) {
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm != name) continue;
    std::string stat;
    std::getline(std::ifstream(task.path() / "stat"), stat);
    // After "(comm) ": state is field 3; utime and stime are fields 14 and 15.
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string skipped;
    for (int field = 3; field <= 13; ++field) fields >> skipped;
    unsigned long long user = 0, system = 0;
    fields >> user >> system;
    total += static_cast<double>(user + system) / kTicks;
  }
  return total;
}

double dropped_slow_total(prometheus::Registry& registry) {
  for (const auto& family : registry.Collect()) {
    if (family.name == "vigie_event_manager_websocket_slow_clients_dropped_total" && !family.metric.empty()) {
      return family.metric.front().counter.value;
    }
  }
  return 0;
}

template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!pred()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

PhaseResult run_phase(vigie::event_manager::web::WebSocketHub& hub, prometheus::Registry& registry, unsigned short port,
                      int clients, int client_threads, int rate, double seconds) {
  PhaseResult result;
  result.clients = clients;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<ThreadStats> stats(static_cast<std::size_t>(client_threads));
  std::vector<std::shared_ptr<BenchClient>> all;
  std::atomic<int> subscribed{0};
  for (int t = 0; t < client_threads; ++t) contexts.push_back(std::make_unique<asio::io_context>());
  tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < clients; ++i) {
    auto t = static_cast<std::size_t>(i % client_threads);
    all.push_back(std::make_shared<BenchClient>(*contexts[t], stats[t], subscribed));
    all.back()->start(server);
  }
  std::vector<std::thread> threads;
  for (auto& io : contexts) {
    threads.emplace_back([&io] {
      pthread_setname_np(pthread_self(), "bench-client");
      io->run();
    });
  }
  if (!wait_for([&] { return subscribed.load() == clients; }, 120s)) {
    throw std::runtime_error("only " + std::to_string(subscribed.load()) + " of " + std::to_string(clients) +
                             " clients connected and subscribed");
  }
  double dropped_before = dropped_slow_total(registry);

  result.messages = static_cast<std::int64_t>(rate * seconds);
  double server_before = threads_cpu_seconds("vigie-http-io");
  auto start = Clock::now();
  for (std::int64_t seq = 0; seq < result.messages; ++seq) {
    std::this_thread::sleep_until(start + std::chrono::nanoseconds(seq * 1'000'000'000LL / rate));
    std::string json = alert_json(seq, now_ns());
    result.message_bytes = json.size();
    hub.publish(Message{std::move(json), "fire_brigade", GeoPoint{48.8571, 2.3412}});
  }
  auto expected = static_cast<std::uint64_t>(result.messages) * static_cast<std::uint64_t>(clients);
  auto delivered = [&] {
    std::uint64_t total = 0;
    for (auto& stat : stats) total += stat.received.load(std::memory_order_relaxed);
    return total;
  };
  wait_for([&] { return delivered() >= expected; }, 5s);
  std::this_thread::sleep_for(200ms);
  result.server_cpu_s = threads_cpu_seconds("vigie-http-io") - server_before;
  result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& io : contexts) io->stop();
  for (auto& thread : threads) thread.join();

  for (auto& client : all) result.delivered += client->received();
  result.lost = expected - result.delivered;
  for (auto& stat : stats) {
    result.latencies_ns.insert(result.latencies_ns.end(), stat.latencies_ns.begin(), stat.latencies_ns.end());
    result.out_of_order += stat.out_of_order;
    result.errors += stat.errors;
  }
  result.dropped_slow = dropped_slow_total(registry) - dropped_before;
  for (auto& client : all) client->stop();
  all.clear();
  contexts.clear();  // closes every client's socket
  wait_for([&] { return hub.clients() == 0; }, 30s);
  return result;
}

double percentile_ms(std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(index, sorted.size() - 1)]) / 1e6;
}

void print_row(const char* name, PhaseResult& r) {
  std::sort(r.latencies_ns.begin(), r.latencies_ns.end());
  std::printf("%-22s %7d %8lld %10llu %6llu %7.0f %8.2f %8.2f %9.2f %8.2f %11.2f %8.2f\n", name, r.clients,
              static_cast<long long>(r.messages), static_cast<unsigned long long>(r.delivered),
              static_cast<unsigned long long>(r.lost), r.dropped_slow, percentile_ms(r.latencies_ns, 0.5),
              percentile_ms(r.latencies_ns, 0.99), percentile_ms(r.latencies_ns, 0.999),
              r.latencies_ns.empty() ? 0.0 : static_cast<double>(r.latencies_ns.back()) / 1e6,
              r.delivered ? r.server_cpu_s / static_cast<double>(r.delivered) * 1e6 : 0.0,
              r.wall_s > 0 ? r.server_cpu_s / r.wall_s : 0.0);
  if (r.out_of_order || r.errors) {
    std::printf("%-22s out of order: %llu, client errors: %llu\n", "", static_cast<unsigned long long>(r.out_of_order),
                static_cast<unsigned long long>(r.errors));
  }
}

// 1,000 clients are 2,000 descriptors in this one process (both ends).
void raise_file_limit(int clients) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  rlim_t needed = static_cast<rlim_t>(clients) * 2 + 256;
  if (limit.rlim_cur < needed) {
    limit.rlim_cur = std::min(limit.rlim_max, std::max(needed, limit.rlim_cur));
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < needed) {
    throw std::runtime_error("the open-files limit is " + std::to_string(limit.rlim_cur) + ", " +
                             std::to_string(needed) + " needed (raise ulimit -Hn)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  vigie::config::Spec spec("vigie-bench-websocket-fanout",
                           "Benchmark of the event manager's WebSocket fan-out: the HTTP server and hub on loopback,\n"
                           "many Beast clients in the same process, alerts of about 600 bytes published at a fixed\n"
                           "rate; prints the delivery latency (publish to message read by the client) and the\n"
                           "messages lost, first with one client, then with all of them.");
  vigie::app::add_log_level(spec, "warn")
      .integer("VIGIE_BENCH_CLIENTS", 1000, 1, 20000, "WebSocket clients connected at once")
      .integer("VIGIE_BENCH_RATE", 80, 1, 10000, "alerts published per second")
      .integer("VIGIE_BENCH_SECONDS", 10, 1, 600, "how long the fan-out phase publishes")
      .integer("VIGIE_BENCH_IO_THREADS", 2, 1, 64, "the server's I/O threads")
      .integer("VIGIE_BENCH_CLIENT_THREADS", 2, 1, 64, "threads the clients run on");
  auto settings = spec.load(argc, argv);
  vigie::app::init_logging("vigie-bench-websocket-fanout", settings);
  try {
    const int clients = static_cast<int>(settings.integer("VIGIE_BENCH_CLIENTS"));
    const int rate = static_cast<int>(settings.integer("VIGIE_BENCH_RATE"));
    const int seconds = static_cast<int>(settings.integer("VIGIE_BENCH_SECONDS"));
    const int client_threads = static_cast<int>(settings.integer("VIGIE_BENCH_CLIENT_THREADS"));
    raise_file_limit(clients);

    prometheus::Registry registry;
    vigie::event_manager::web::WebSocketHub hub(registry);
    vigie::event_manager::web::ServerOptions options;
    options.io_threads = static_cast<unsigned>(settings.integer("VIGIE_BENCH_IO_THREADS"));
    vigie::event_manager::web::HttpServer server(options, registry);
    server.set_authenticator(
        [](std::string_view token,
           const vigie::event_manager::web::Request&) -> std::optional<vigie::event_manager::web::Caller> {
          if (token != kToken) return std::nullopt;
          return vigie::event_manager::web::Caller{"bench", 0, std::nullopt};
        });
    server.websocket("/api/ws", hub);
    server.start();

    auto reference = run_phase(hub, registry, server.port(), 1, 1, rate, std::max(1.0, seconds / 3.0));
    auto fanout = run_phase(hub, registry, server.port(), clients, client_threads, rate, seconds);

    std::printf(
        "vigie-bench-websocket-fanout: %d alerts/s of %zu bytes, server %lld I/O thread(s), clients on %d "
        "thread(s), %u CPU(s)\n\n",
        rate, fanout.message_bytes, static_cast<long long>(options.io_threads), client_threads,
        std::thread::hardware_concurrency());
    std::printf("%-22s %7s %8s %10s %6s %7s %8s %8s %9s %8s %11s %8s\n", "phase", "clients", "messages", "delivered",
                "lost", "dropped", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "server us/msg", "server cores");
    print_row("reference (1 client)", reference);
    print_row("fan-out", fanout);
    std::printf(
        "\nlatency: publish() to the whole message read by a client. server: CPU time of the server's I/O "
        "threads per message delivered, and in cores over the phase (the clients' own CPU is not counted; "
        "on loopback the server's threads also pay for much of the receiving side's TCP work).\n");
    server.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie-bench-websocket-fanout: %s\n", e.what());
    return 1;
  }
}
