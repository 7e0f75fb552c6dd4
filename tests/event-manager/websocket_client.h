// A blocking WebSocket client for the tests (Boost.Beast): connects to a URL
// such as ws://127.0.0.1:PORT/api/ws?access_token=..., sends text and reads
// text messages with a deadline.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace vigie::testing {

class WebSocketClient {
 public:
  // Throws std::runtime_error with the server's HTTP status when the upgrade is refused.
  explicit WebSocketClient(const std::string& url);
  ~WebSocketClient();

  void send(const std::string& text);
  // The next text message, or nullopt when none came within timeout or the
  // connection closed (close_reason() then says why).
  std::optional<std::string> read(std::chrono::milliseconds timeout);
  std::string close_reason() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::testing
