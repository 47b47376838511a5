#include "core/nats/kv_list.hpp"
#include <vector>
#include <string>

#include <nats/nats.h>

#include <algorithm>

#include "core/nats/connection.hpp"
#include "core/nats/status.hpp"
#include "core/util/error.hpp"

namespace aegis::nats {

std::vector<std::string> kv_bucket_names(Connection& conn, std::string_view prefix) {
    jsStreamNamesList* list = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_StreamNames(&list, conn.jetstream(), nullptr, &code);
    std::vector<std::string> out;
    if (s == NATS_NOT_FOUND) return out;  // no streams at all
    check_jetstream_reached(s, code, "list streams");
    check(s, "list streams");
    std::string want = "KV_" + std::string(prefix);
    for (int i = 0; list && i < list->Count; ++i) {
        std::string_view name = list->List[i];
        if (name.starts_with(want)) out.emplace_back(name.substr(3));
    }
    if (list) jsStreamNamesList_Destroy(list);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace aegis::nats
