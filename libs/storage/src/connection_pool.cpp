#include "connection_pool.h"

#include <poll.h>

#include <stdexcept>

namespace vigie::storage {
namespace {

// An idle connection has nothing to read: a readable socket means the server
// closed it (restart, shutdown, idle timeout). Such a connection is dropped
// rather than handed out, since libpqxx 6 leaks the error result of the first
// statement sent on it.
bool closed_by_server(const pqxx::connection& connection) {
  pollfd socket{connection.sock(), POLLIN, 0};
  return socket.fd < 0 || poll(&socket, 1, 0) != 0;
}

}  // namespace

ConnectionPool::ConnectionPool(std::string url, std::size_t size) : url_(std::move(url)), size_(size) {
  if (size_ == 0) throw std::invalid_argument("database pool size must be at least 1");
}

ConnectionPool::Lease::~Lease() {
  if (!pool_) return;  // moved from
  if (connection_ && !connection_->is_open()) connection_.reset();
  pool_->give_back(std::move(connection_));
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection) idle_.push_back(std::move(connection));
    else --open_;
  }
  freed_.notify_one();
}

std::optional<ConnectionPool::Lease> ConnectionPool::acquire(std::chrono::steady_clock::time_point deadline) {
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_until(lock, deadline, [this] { return !idle_.empty() || open_ < size_; }))
      return std::nullopt;
    while (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      if (!closed_by_server(*connection)) return Lease(*this, std::move(connection));
      --open_;
    }
    ++open_;
  }
  // Opened outside the lock: connecting to a server that is away can take long.
  try {
    return Lease(*this, std::make_unique<pqxx::connection>(url_));
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

}  // namespace vigie::storage
