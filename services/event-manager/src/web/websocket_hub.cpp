#include "web/websocket_hub.h"

#include <vector>

#include <boost/beast/websocket/rfc6455.hpp>

#include "vigie/log/log.h"
#include "web/hub_state.h"

namespace vigie::event_manager::web {
namespace detail {

HubState::HubState(prometheus::Registry& registry, HubOptions options)
    : options_(options),
      connected_(prometheus::BuildGauge()
                     .Name("vigie_event_manager_websocket_clients")
                     .Help("WebSocket clients connected")
                     .Register(registry)
                     .Add({})),
      sent_(prometheus::BuildCounter()
                .Name("vigie_event_manager_websocket_messages_sent_total")
                .Help("WebSocket messages written to clients")
                .Register(registry)
                .Add({})),
      dropped_slow_(prometheus::BuildCounter()
                        .Name("vigie_event_manager_websocket_slow_clients_dropped_total")
                        .Help("WebSocket clients disconnected because their queue was full")
                        .Register(registry)
                        .Add({})) {}

std::uint64_t HubState::add(std::shared_ptr<HubClient> client, const void* owner, std::string who) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_id_++;
  clients_.emplace(id, Entry{std::move(client), {}, owner, std::move(who)});
  connected_.Increment();
  return id;
}

void HubState::remove(std::uint64_t id) {
  std::shared_ptr<HubClient> gone;  // released after the lock
  std::lock_guard lock(mutex_);
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  gone = std::move(it->second.client);
  clients_.erase(it);
  connected_.Decrement();
}

void HubState::subscribe(std::uint64_t id, Subscription subscription) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(id);
  if (it != clients_.end()) it->second.subscription = std::move(subscription);
}

std::size_t HubState::publish(const Message& message) {
  auto text = std::make_shared<const std::string>(message.json);
  std::vector<std::shared_ptr<HubClient>> dropped;
  std::vector<std::string> dropped_who;
  std::size_t queued = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto it = clients_.begin(); it != clients_.end();) {
      Entry& entry = it->second;
      if (!entry.subscription.accepts(message.type, message.position)) {
        ++it;
        continue;
      }
      if (entry.client->offer(text)) {
        ++queued;
        ++it;
        continue;
      }
      dropped.push_back(std::move(entry.client));
      dropped_who.push_back(std::move(entry.who));
      it = clients_.erase(it);
      connected_.Decrement();
      dropped_slow_.Increment();
    }
  }
  for (const auto& who : dropped_who) {
    log::warn("WebSocket client dropped: too slow",
              {{"client", who}, {"queue_limit", static_cast<uint64_t>(options_.queue_limit)}});
  }
  return queued;
}

void HubState::close_all(std::uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<HubClient>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [_, entry] : clients_) all.push_back(entry.client);
  }
  for (auto& client : all) client->close(code, reason);
}

void HubState::forget_owner(const void* owner) {
  std::vector<std::shared_ptr<HubClient>> gone;  // released after the lock
  std::lock_guard lock(mutex_);
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (it->second.owner != owner) {
      ++it;
      continue;
    }
    gone.push_back(std::move(it->second.client));
    it = clients_.erase(it);
    connected_.Decrement();
  }
}

std::size_t HubState::size() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace detail

WebSocketHub::WebSocketHub(prometheus::Registry& registry, HubOptions options)
    : state_(std::make_shared<detail::HubState>(registry, options)) {}

WebSocketHub::~WebSocketHub() { state_->close_all(boost::beast::websocket::close_code::going_away, "server stopping"); }

std::size_t WebSocketHub::publish(const Message& message) { return state_->publish(message); }

std::size_t WebSocketHub::clients() const { return state_->size(); }

}  // namespace vigie::event_manager::web
