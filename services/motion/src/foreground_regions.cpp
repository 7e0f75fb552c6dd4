#include "foreground_regions.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace vigie::motion {
namespace {

// Sub-pixel precision of polygon corners: a mask edge on a 90 px high picture
// should not move by a whole pixel from rounding.
constexpr int kShift = 4;

}  // namespace

void fill_polygon(cv::Mat& picture, const Polygon& polygon, uint8_t value) {
  std::vector<cv::Point> points;
  points.reserve(polygon.size());
  const float scale = 1 << kShift;
  for (const auto& p : polygon) {
    points.emplace_back(static_cast<int>(std::lround(p.x * picture.cols * scale)),
                        static_cast<int>(std::lround(p.y * picture.rows * scale)));
  }
  cv::fillPoly(picture, std::vector<std::vector<cv::Point>>{points}, cv::Scalar(value), cv::LINE_8, kShift);
}

ForegroundRegions::ForegroundRegions(const MotionSettings& settings, cv::Size work, cv::Size frame)
    : work_(work),
      frame_(frame),
      min_area_(settings.min_area * work.area()),
      allowed_pixels_(work.area()),
      // Joins the pieces of one moving thing (a person's head, trunk and legs
      // change apart where their clothes match the background).
      merge_kernel_(cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5})) {
  if (!settings.masks.empty()) {
    allowed_ = cv::Mat(work, CV_8UC1, cv::Scalar(255));
    for (const auto& mask : settings.masks) fill_polygon(allowed_, mask, 0);
    allowed_pixels_ = cv::countNonZero(allowed_);
  }
  for (const auto& zone : settings.zones) {
    cv::Mat area = cv::Mat::zeros(work, CV_8UC1);
    fill_polygon(area, zone.area, 255);
    zones_.emplace_back(zone.name, std::move(area));
  }
  std::sort(zones_.begin(), zones_.end(), [](auto& a, auto& b) { return a.first < b.first; });
}

void ForegroundRegions::find(cv::Mat& foreground, Observation& out) {
  out.boxes.clear();
  out.zones.clear();
  out.changed_share = 0;
  if (allowed_pixels_ == 0) return;
  if (!allowed_.empty()) cv::bitwise_and(foreground, allowed_, foreground);
  out.changed_share = static_cast<float>(cv::countNonZero(foreground)) / allowed_pixels_;
  if (out.changed_share == 0) return;

  cv::morphologyEx(foreground, foreground, cv::MORPH_CLOSE, merge_kernel_);
  cv::findContours(foreground, contours_, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);

  const float sx = static_cast<float>(frame_.width) / work_.width;
  const float sy = static_cast<float>(frame_.height) / work_.height;
  std::vector<bool> touched(zones_.size(), false);
  for (const auto& contour : contours_) {
    if (cv::contourArea(contour) < min_area_) continue;
    cv::Rect r = cv::boundingRect(contour);
    out.boxes.emplace_back(r.x * sx, r.y * sy, r.width * sx, r.height * sy);
    for (size_t z = 0; z < zones_.size(); ++z) {
      if (!touched[z] && cv::countNonZero(zones_[z].second(r)) > 0) touched[z] = true;
    }
  }
  for (size_t z = 0; z < zones_.size(); ++z) {
    if (touched[z]) out.zones.push_back(zones_[z].first);
  }
}

}  // namespace vigie::motion
