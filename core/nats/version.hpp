#pragma once
#include <string>
namespace aegis::nats {
std::string library_version();  // the nats.c version linked in
}
