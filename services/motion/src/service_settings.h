// vigie-motion's own variables: the defaults of every per-camera motion setting
// (used where a camera leaves one unset, and for a camera not in the registry),
// the working picture height and the age after which updates carry no frame.
#pragma once

#include "motion_service.h"
#include "vigie/config/settings.h"

namespace vigie::motion {

void declare_settings(config::Spec& spec);
ServiceOptions service_options(const config::Settings& settings);

}  // namespace vigie::motion
