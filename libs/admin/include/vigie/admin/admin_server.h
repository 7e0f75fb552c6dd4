// The admin HTTP endpoint every service serves: /healthz (the process answers),
// /readyz (every readiness check passes: broker connected, database reachable ...)
// and /metrics (Prometheus text), plus routes a service adds for itself.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace vigie::metrics {
class Metrics;
}

namespace vigie::admin {

struct Request {
  std::string method;  // GET, POST ...
  std::string path;    // without the query string
  std::string query;   // after '?', undecoded
  std::string body;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class AdminServer {
 public:
  using Handler = std::function<Response(const Request&)>;
  using Check = std::function<bool()>;

  // address is host:port; port 0 binds a free port (see port()).
  AdminServer(std::string address, metrics::Metrics& metrics);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // /readyz answers 200 only while every check returns true.
  void add_readiness_check(std::string name, Check check);
  void route(std::string method, std::string path, Handler handler);

  // Binds and serves on a thread of its own; throws naming the address on failure.
  void start();
  void stop();
  unsigned short port() const { return port_; }
  std::string url() const;

 private:
  class Impl;
  Response dispatch(const Request& request);

  std::string address_;
  metrics::Metrics& metrics_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, Check>> checks_;
  std::map<std::pair<std::string, std::string>, Handler> routes_;
  std::unique_ptr<Impl> impl_;
  std::atomic<unsigned short> port_{0};
};

}  // namespace vigie::admin
