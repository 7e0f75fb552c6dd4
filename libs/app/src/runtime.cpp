#include "vigie/app/runtime.h"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <signal.h>
#include <stdexcept>
#include <thread>

#include "vigie/app/logging.h"
#include "vigie/log/log.h"

namespace vigie::app {

config::Spec base_spec(const std::string& program, const std::string& summary,
                       unsigned short default_admin_port) {
  config::Spec spec(program, summary);
  add_log_level(spec, "info")
      .address("VIGIE_ADMIN_ADDR", "127.0.0.1:" + std::to_string(default_admin_port),
               "where /healthz, /readyz and /metrics are served")
      .text("VIGIE_ADMIN_URL_FILE", "",
            "if set, the admin URL is written to this file once listening (for scripts)");
  return spec;
}

Runtime::Runtime(const std::string& program, const config::Settings& settings) : program_(program) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer closing a socket must be an error code, not a dead process.
  signal(SIGPIPE, SIG_IGN);

  init_logging(program, settings);

  signal_thread_ = std::jthread([this, set] {
    int sig = 0;
    sigwait(&set, &sig);
    if (closing_) return;
    log::info("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    stop_.request_stop();
  });

  admin_ = std::make_unique<admin::AdminServer>(settings.text("VIGIE_ADMIN_ADDR"), metrics_);
  admin_->start();
  if (const auto& file = settings.text("VIGIE_ADMIN_URL_FILE"); !file.empty())
    write_file_atomically(file, admin_->url() + "\n");
}

Runtime::~Runtime() {
  admin_->stop();
  closing_ = true;
  // Wakes the signal thread if no signal came, so it can be joined; if one came,
  // the thread has already returned and this signal stays blocked and pending.
  if (signal_thread_.joinable()) pthread_kill(signal_thread_.native_handle(), SIGTERM);
}

void Runtime::wait_for_stop() const {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  auto token = stop_.get_token();
  cv.wait(lock, token, [] { return false; });
}

void write_file_atomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
}

}  // namespace vigie::app
