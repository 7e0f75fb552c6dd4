// What every vigie-* executable does the same way: the common configuration
// (log level, admin address), structured logging, the metrics registry, the admin
// endpoint, and a clean stop on SIGTERM or SIGINT.
#pragma once

#include <atomic>
#include <memory>
#include <stop_token>
#include <string>

#include "vigie/admin/admin_server.h"
#include "vigie/config/settings.h"
#include "vigie/metrics/metrics.h"

namespace vigie::app {

// A Spec holding the variables every service shares; add the service's own after.
// default_admin_port is the service's well-known admin port.
config::Spec base_spec(const std::string& program, const std::string& summary,
                       unsigned short default_admin_port);

class Runtime {
 public:
  // Blocks SIGTERM/SIGINT in every thread (call it before starting any thread),
  // sets up logging and starts the admin endpoint. Writes the admin URL to
  // VIGIE_ADMIN_URL_FILE when set.
  Runtime(const std::string& program, const config::Settings& settings);
  ~Runtime();

  metrics::Metrics& metrics() { return metrics_; }
  admin::AdminServer& admin() { return *admin_; }
  // Requested when SIGTERM or SIGINT arrives (or request_stop is called).
  std::stop_token stop_token() const { return stop_.get_token(); }
  void request_stop() { stop_.request_stop(); }
  // Blocks until a stop is requested.
  void wait_for_stop() const;
  const std::string& program() const { return program_; }

 private:
  std::string program_;
  metrics::Metrics metrics_;
  std::unique_ptr<admin::AdminServer> admin_;
  std::stop_source stop_;
  std::atomic<bool> closing_{false};
  std::jthread signal_thread_;
};

// Writes content to path atomically (temporary file then rename), so a reader
// never sees half a file. Throws naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace vigie::app
