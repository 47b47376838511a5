#pragma once
// NATS nkeys (ed25519 keys in NATS's base32 encoding): the public key of a seed, which nats.c
// needs next to an nkey seed file, and the few primitives tests use to mint credentials.
#include <string>
#include <string_view>

namespace aegis::nats {

// The public key ("U...", "A...", "O...") of an encoded seed ("SU...", "SA...", "SO...").
// Throws ConfigError when the seed is malformed (never echoing the seed).
std::string nkey_public_from_seed(std::string_view seed);
// The first nkey seed in a file (a bare seed, a .nk file or a .creds file).
// NoInputError when missing / unreadable, ConfigError when it holds no seed.
std::string read_nkey_seed_file(const std::string& path);

struct NkeyPair {
    std::string seed;        // keep secret
    std::string public_key;
};
// A fresh key pair of the given kind: 'U' user, 'A' account, 'O' operator.
NkeyPair nkey_create(char kind);
// Ed25519 signature of `data` with the seed's private key (64 raw bytes).
std::string nkey_sign(std::string_view seed, std::string_view data);
// base64url without padding (JWT segments).
std::string base64url(std::string_view bytes);

}  // namespace aegis::nats
