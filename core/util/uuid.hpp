#pragma once
#include <string>

namespace aegis::util {
std::string uuid4();            // "d5a7f540-df5b-4b5a-82b0-ab43f93c0717"
// The same 36 characters written to out[0..36) (no allocation: envelopes on the RPC path).
void uuid4_to(char* out);
std::string random_hex(int n);  // n lowercase hex digits
}  // namespace aegis::util
