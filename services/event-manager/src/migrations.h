// The event manager's schema: the files of services/event-manager/migrations,
// compiled in by the build (vigie_embed_migrations), in version order.
#pragma once

#include <vector>

#include "vigie/storage/migrations.h"

namespace vigie::event_manager {

const std::vector<storage::Migration>& migrations();

}  // namespace vigie::event_manager
