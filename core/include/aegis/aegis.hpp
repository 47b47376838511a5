#pragma once
// The aegis SDK: everything a service author or an external client needs, in one include.
// Link aegis::sdk (find_package(aegis)); docs/sdk.md walks through it. Only the headers this
// file reaches are installed.
#include "core/client/client.hpp"
#include "core/client/command_sender.hpp"
#include "core/client/event_publisher.hpp"
#include "core/client/leaders.hpp"
#include "core/client/srv_client.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/config/connect.hpp"
#include "core/config/sdk_config.hpp"
#include "core/nats/connection.hpp"
#include "core/registry/discovery.hpp"
#include "core/registry/registry.hpp"
#include "core/service/quick_setup.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/params.hpp"
#include "core/service/service.hpp"
#include "core/service/single_active.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/json.hpp"
