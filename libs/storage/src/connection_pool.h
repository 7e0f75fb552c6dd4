// At most N open connections, handed out one caller at a time and opened only
// when every open one is busy.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

namespace vigie::storage {

class ConnectionPool {
 public:
  ConnectionPool(std::string url, std::size_t size);

  // A connection for one caller; back to the pool when the lease goes away,
  // unless it was broken or discard() was called.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<pqxx::connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() { return *connection_; }
    void discard() { connection_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  // Waits until a connection is free or may be opened, up to deadline; then
  // opens one if needed (pqxx::broken_connection when the server is away).
  // Returns nullopt when none became free in time.
  std::optional<Lease> acquire(std::chrono::steady_clock::time_point deadline);

 private:
  void give_back(std::unique_ptr<pqxx::connection> connection);

  const std::string url_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;  // idle, leased, or being opened
};

}  // namespace vigie::storage
