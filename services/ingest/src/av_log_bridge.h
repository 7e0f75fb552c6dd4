// FFmpeg's own log lines (av_log) as Vigie's structured logs. FFmpeg prints to
// stderr by default, in its own format, with whatever URL it was given, which is
// where camera credentials travel: every line here goes through redaction first.
// Warnings become `warn` lines, errors `error`; the rest is dropped.
// A broken stream can make a decoder complain hundreds of times a second: each
// source (or, untagged, each FFmpeg component) may log `lines` lines per
// `window`; the rest are counted and reported in one line when the window ends
// and the source logs again, or when its tag goes.
#pragma once

#include <chrono>
#include <string>

namespace vigie::ingest {

struct AvLogLimit {
  int lines = 20;
  std::chrono::milliseconds window{10'000};
};

// Routes FFmpeg's logging to vigie::log for the rest of the process. Idempotent
// and thread-safe; call it before the first FFmpeg object is created.
void install_av_log_bridge();
// Replaces the limit (AvLogLimit{} until then); windows under way keep their start.
void set_av_log_limit(AvLogLimit limit);

// While it lives, lines FFmpeg logs about `context` (an AVFormatContext or an
// AVCodecContext) carry a `source` field, so that one camera's decoder errors can
// be told from another's. `source` must already be redacted. When a tag goes,
// the lines its source's limit has held back so far are reported.
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
