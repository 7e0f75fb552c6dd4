// The source of a camera that publishes a JPEG snapshot over HTTP(S), as many public
// city cameras do: polled every Source.snapshot_interval_ms, and only a picture
// that differs from the last one returned comes out, so a slow camera or an
// unchanged scene costs nothing downstream (and a dataset harvested from it holds
// no duplicates).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "frame_source.h"

namespace vigie::ingest {

class SnapshotSource : public FrameSource {
 public:
  // For a Source that leaves snapshot_interval_ms at 0.
  static constexpr std::chrono::milliseconds kDefaultInterval{2000};
  // For a Source that leaves snapshot_min_hash_distance at 0: a picture whose
  // perceptual hash is fewer than this many bits from the last one returned is
  // the same picture. Re-encoding or noise moves the hash by 2 bits, very rarely
  // 4; people walking through a street scene for a second move it by 4 or more
  // 99% of the time (measurements in perceptual_hash.cpp).
  static constexpr int kDefaultMinHashDistance = 4;

  explicit SnapshotSource(SourceOptions options);
  ~SnapshotSource() override;
  SnapshotSource(const SnapshotSource&) = delete;
  SnapshotSource& operator=(const SnapshotSource&) = delete;

  // Fetches the snapshot once; throws SourceError when that fails (unreachable,
  // HTTP status >= 400, not a JPEG). The picture is the first next() returns.
  using FrameSource::open;
  void open(const std::atomic<bool>& stop) override;

  // Returns the next picture that differs from the last one returned. The planes
  // are YUV as the JPEG holds them (AV_PIX_FMT_YUVJ420P from most cameras;
  // YUVJ422P, YUVJ444P, YUVJ440P, YUVJ411P or GRAY8 when the JPEG is so), valid
  // until the next call. capture_time is the HTTP Last-Modified (else Date) when
  // it is within a day before now, else the time of arrival. A failed poll is
  // retried at the next interval; polls failing for longer than options.timeout
  // throw SourceError. An unchanged snapshot is not a failure, however long it
  // lasts. stop is seen within about 100 ms between polls, and within about a
  // second during a transfer (libcurl's progress callback).
  bool next(Picture& out, const std::atomic<bool>& stop) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::ingest
