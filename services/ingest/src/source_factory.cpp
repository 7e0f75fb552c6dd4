#include "ffmpeg_source.h"
#include "frame_source.h"
#include "snapshot_source.h"

namespace vigie::ingest {

std::unique_ptr<FrameSource> make_source(const SourceOptions& options) {
  switch (options.source.kind()) {
    case v1::Source::KIND_RTSP:
    case v1::Source::KIND_MJPEG:
    case v1::Source::KIND_FILE:
    case v1::Source::KIND_V4L2:
      return std::make_unique<FfmpegSource>(options);
    case v1::Source::KIND_SNAPSHOT:
      return std::make_unique<SnapshotSource>(options);
    default:
      throw SourceError("camera source kind " + v1::Source::Kind_Name(options.source.kind()) +
                        " is not supported");
  }
}

}  // namespace vigie::ingest
