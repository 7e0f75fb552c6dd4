// FFmpeg's own log lines (av_log) as Vigie's structured logs. FFmpeg prints to
// stderr by default, in its own format, with whatever URL it was given, which is
// where camera credentials travel: every line here goes through redaction first.
// Warnings become `warn` lines, errors `error`; the rest is dropped.
#pragma once

#include <string>

namespace vigie::ingest {

// Routes FFmpeg's logging to vigie::log for the rest of the process. Idempotent
// and thread-safe; call it before the first FFmpeg object is created.
void install_av_log_bridge();

// While it lives, lines FFmpeg logs about `context` (an AVFormatContext or an
// AVCodecContext) carry a `source` field, so that one camera's decoder errors can
// be told from another's. `source` must already be redacted.
class AvLogTag {
 public:
  AvLogTag(const void* context, std::string source);
  ~AvLogTag();
  AvLogTag(const AvLogTag&) = delete;
  AvLogTag& operator=(const AvLogTag&) = delete;

 private:
  const void* context_;
};

}  // namespace vigie::ingest
