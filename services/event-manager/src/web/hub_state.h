// The inside of a WebSocketHub, shared with its clients' sessions so that
// either may outlive the other.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "web/subscription.h"
#include "web/websocket_hub.h"

namespace vigie::event_manager::web {

// One connected client, as the hub drives it.
class HubClient {
 public:
  virtual ~HubClient() = default;
  // Queues text; never blocks. false when the queue was full: the client is
  // then closing for being too slow and takes nothing more.
  virtual bool offer(const std::shared_ptr<const std::string>& text) = 0;
  // Starts the closing handshake with this code and reason.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

namespace detail {

class HubState {
 public:
  HubState(prometheus::Registry& registry, HubOptions options);

  const HubOptions& options() const { return options_; }

  // owner: the server the client came through, so it can forget its clients
  // when it stops. who: for logs (user and address, never a token).
  std::uint64_t add(std::shared_ptr<HubClient> client, const void* owner, std::string who);
  void remove(std::uint64_t id);
  void subscribe(std::uint64_t id, Subscription subscription);
  std::size_t publish(const Message& message);
  void close_all(std::uint16_t code, const std::string& reason);
  void forget_owner(const void* owner);
  std::size_t size() const;

  void count_sent() { sent_.Increment(); }

 private:
  struct Entry {
    std::shared_ptr<HubClient> client;
    Subscription subscription;
    const void* owner;
    std::string who;
  };

  HubOptions options_;
  prometheus::Gauge& connected_;
  prometheus::Counter& sent_;
  prometheus::Counter& dropped_slow_;
  mutable std::mutex mutex_;  // also keeps publish() calls in one order for everyone
  std::unordered_map<std::uint64_t, Entry> clients_;
  std::uint64_t next_id_ = 1;
};

}  // namespace detail
}  // namespace vigie::event_manager::web
