// The MJPEG stream a browser shows in an <img>: multipart/x-mixed-replace, one
// JPEG per part, each part replacing the previous picture.
#pragma once

#include <string>
#include <string_view>

namespace vigie::event_manager::live {

inline constexpr std::string_view kMjpegBoundary = "vigie-frame";
inline constexpr std::string_view kMjpegContentType = "multipart/x-mixed-replace; boundary=vigie-frame";

// One part: the boundary line, its head (type, length) and the JPEG, ready to
// write after the response head.
std::string mjpeg_part(std::string_view jpeg);

}  // namespace vigie::event_manager::live
