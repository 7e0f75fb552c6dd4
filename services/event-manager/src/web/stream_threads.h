// The threads that produce streamed answers (Response::stream): at most a
// limit at once, each joined once its producer returns, all joined when the
// server stops. A producer waits on its source and on the client, so it gets a
// thread rather than one of the handlers' workers.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace vigie::event_manager::web {

class StreamThreads {
 public:
  explicit StreamThreads(unsigned limit) : limit_(limit) {}
  ~StreamThreads();  // join_all()
  StreamThreads(const StreamThreads&) = delete;
  StreamThreads& operator=(const StreamThreads&) = delete;

  // Runs work on a new thread; false, and nothing runs, when `limit` are running.
  bool start(std::function<void()> work);
  // Waits for every producer to return; they must watch StreamWriter::open().
  void join_all();
  std::size_t running() const;

 private:
  struct Entry {
    std::thread thread;
    bool done = false;
  };
  // Moves the entries whose work has returned to finished, for joining once
  // mutex_ (held here) is released.
  void reap(std::list<Entry>& finished);

  const unsigned limit_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;
};

}  // namespace vigie::event_manager::web
