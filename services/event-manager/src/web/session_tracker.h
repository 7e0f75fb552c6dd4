// The connections a server holds, so that stopping it can ask each to finish
// (an idle HTTP connection closes, one answering finishes its answer, a
// WebSocket says goodbye) and wait until they have.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace vigie::event_manager::web {

class Session {
 public:
  virtual ~Session() = default;
  // Called from any thread; the session acts on its own strand.
  virtual void shut_down() = 0;
};

class SessionTracker {
 public:
  void add(const std::shared_ptr<Session>& session);
  // From the session's destructor.
  void remove(const Session* session);
  void shut_down_all();
  // true when every session ended before the timeout.
  bool wait_until_empty(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace vigie::event_manager::web
