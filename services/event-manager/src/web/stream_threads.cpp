#include "web/stream_threads.h"

#include <pthread.h>

#include <algorithm>

namespace vigie::event_manager::web {

StreamThreads::~StreamThreads() { join_all(); }

void StreamThreads::reap(std::list<Entry>& finished) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (it->done) finished.splice(finished.end(), entries_, it);
    it = next;
  }
}

bool StreamThreads::start(std::function<void()> work) {
  std::list<Entry> finished;
  bool started = false;
  {
    std::lock_guard lock(mutex_);
    reap(finished);
    // Reaped, entries_ holds the running producers only.
    if (entries_.size() < limit_) {
      started = true;
      auto entry = entries_.emplace(entries_.end());
      entry->thread = std::thread([this, entry, work = std::move(work)]() mutable {
        pthread_setname_np(pthread_self(), "vigie-http-strm");
        work();
        work = nullptr;  // what the producer holds goes before the thread counts as done
        std::lock_guard done_lock(mutex_);
        entry->done = true;
      });
    }
  }
  for (auto& entry : finished) entry.thread.join();
  return started;
}

void StreamThreads::join_all() {
  std::list<Entry> all;
  {
    std::lock_guard lock(mutex_);
    all.splice(all.end(), entries_);
  }
  for (auto& entry : all) entry.thread.join();
}

std::size_t StreamThreads::running() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.done; }));
}

}  // namespace vigie::event_manager::web
