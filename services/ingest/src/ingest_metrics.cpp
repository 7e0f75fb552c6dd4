#include "ingest_metrics.h"

namespace vigie::ingest {

IngestMetrics::IngestMetrics(prometheus::Registry& registry)
    : up_(prometheus::BuildGauge().Name("vigie_camera_up").Help("1 while the camera's stream delivers pictures").Register(registry)),
      fps_(prometheus::BuildGauge().Name("vigie_camera_fps").Help("Pictures per second decoded from the camera's stream, measured").Register(registry)),
      published_(prometheus::BuildCounter().Name("vigie_ingest_frames_published_total").Help("Frames published on the frames topic").Register(registry)),
      dropped_(prometheus::BuildCounter().Name("vigie_ingest_frames_dropped_total").Help("Frames not published because the broker could not take them").Register(registry)),
      reconnects_(prometheus::BuildCounter().Name("vigie_ingest_reconnects_total").Help("Times the camera's stream was opened again after a failure").Register(registry)),
      running_(prometheus::BuildGauge().Name("vigie_ingest_cameras_running").Help("Cameras this instance reads").Register(registry).Add({})) {}

CameraMetrics IngestMetrics::camera(const std::string& id) {
  prometheus::Labels l{{"camera", id}};
  return {up_.Add(l), fps_.Add(l), published_.Add(l), dropped_.Add(l), reconnects_.Add(l)};
}

void IngestMetrics::forget(const std::string& id) {
  prometheus::Labels l{{"camera", id}};
  up_.Remove(&up_.Add(l));
  fps_.Remove(&fps_.Add(l));
  published_.Remove(&published_.Add(l));
  dropped_.Remove(&dropped_.Add(l));
  reconnects_.Remove(&reconnects_.Add(l));
}

}  // namespace vigie::ingest
