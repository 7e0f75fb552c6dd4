#include "live/mjpeg.h"

namespace vigie::event_manager::live {

std::string mjpeg_part(std::string_view jpeg) {
  std::string part;
  part.reserve(jpeg.size() + 96);
  part.append("--").append(kMjpegBoundary).append("\r\n");
  part.append("Content-Type: image/jpeg\r\n");
  part.append("Content-Length: ").append(std::to_string(jpeg.size())).append("\r\n\r\n");
  part.append(jpeg);
  part.append("\r\n");
  return part;
}

}  // namespace vigie::event_manager::live
