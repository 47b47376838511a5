#include "core/nats/nkeys.hpp"
#include <string>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/util/error.hpp"
#include "core/util/paths.hpp"

namespace aegis::nats {

namespace {

constexpr std::string_view k_b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr uint8_t k_prefix_seed = 18 << 3;

using Bytes = std::vector<uint8_t>;

uint8_t prefix_byte(char kind) {
    switch (kind) {
    case 'U': return 20 << 3;
    case 'A': return 0;
    case 'O': return 14 << 3;
    case 'N': return 13 << 3;
    case 'C': return 2 << 3;
    default: throw UsageError(std::string("unknown nkey kind '") + kind + "'");
    }
}

// CRC-16/XMODEM, as nkeys uses.
uint16_t crc16(const uint8_t* p, size_t n) {
    uint16_t crc = 0;
    for (size_t i = 0; i < n; ++i) {
        crc ^= static_cast<uint16_t>(p[i]) << 8;
        for (int b = 0; b < 8; ++b)
            crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<uint16_t>(crc << 1);
    }
    return crc;
}

std::string b32_encode(const Bytes& in) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (uint8_t c : in) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += k_b32[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += k_b32[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<Bytes> b32_decode(std::string_view in) {
    Bytes out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : in) {
        auto v = k_b32.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    return out;
}

// Appends the CRC and encodes.
std::string encode_with_crc(Bytes raw) {
    uint16_t crc = crc16(raw.data(), raw.size());
    raw.push_back(static_cast<uint8_t>(crc & 0xff));
    raw.push_back(static_cast<uint8_t>(crc >> 8));
    return b32_encode(raw);
}

struct Seed {
    uint8_t prefix = 0;
    std::array<uint8_t, 32> raw{};
    ~Seed() { OPENSSL_cleanse(raw.data(), raw.size()); }
};

Seed decode_seed(std::string_view text) {
    auto bytes = b32_decode(text);
    if (!bytes || bytes->size() != 36)
        throw ConfigError("malformed nkey seed", "an nkey seed is 58 characters starting 'S'");
    const Bytes& b = *bytes;
    uint16_t want = static_cast<uint16_t>(b[34] | (b[35] << 8));
    if (crc16(b.data(), 34) != want || (b[0] & 248) != k_prefix_seed)
        throw ConfigError("malformed nkey seed (checksum mismatch)");
    Seed s;
    s.prefix = static_cast<uint8_t>(((b[0] & 7) << 5) | ((b[1] & 248) >> 3));
    std::copy(b.begin() + 2, b.begin() + 34, s.raw.begin());
    return s;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

PkeyPtr private_key(const Seed& s) {
    PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, s.raw.data(), 32),
                &EVP_PKEY_free);
    if (!key) throw InternalError("ed25519 key setup failed");
    return key;
}

}  // namespace

std::string nkey_public_from_seed(std::string_view seed) {
    Seed s = decode_seed(seed);
    auto key = private_key(s);
    Bytes raw(33);
    size_t len = 32;
    if (EVP_PKEY_get_raw_public_key(key.get(), raw.data() + 1, &len) != 1 || len != 32)
        throw InternalError("ed25519 public key derivation failed");
    raw[0] = s.prefix;
    return encode_with_crc(std::move(raw));
}

std::string read_nkey_seed_file(const std::string& path) {
    std::string text = util::read_file(path);
    size_t pos = 0;
    std::string found;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        size_t start = line.find_first_not_of(" \t");
        if (start != std::string::npos) line = line.substr(start);
        if (line.size() == 58 && line[0] == 'S' && found.empty()) found = line;
        OPENSSL_cleanse(line.data(), line.size());
        pos = end + 1;
    }
    OPENSSL_cleanse(text.data(), text.size());
    if (found.empty())
        throw ConfigError("no nkey seed in '" + path + "'",
                          "the file should hold a seed starting 'SU' (from 'nk -gen user')");
    return found;
}

NkeyPair nkey_create(char kind) {
    Bytes raw(34);
    uint8_t p = prefix_byte(kind);
    raw[0] = static_cast<uint8_t>(k_prefix_seed | (p >> 5));
    raw[1] = static_cast<uint8_t>((p & 31) << 3);
    if (RAND_bytes(raw.data() + 2, 32) != 1) throw InternalError("no randomness for an nkey");
    NkeyPair out;
    out.seed = encode_with_crc(raw);
    OPENSSL_cleanse(raw.data(), raw.size());
    out.public_key = nkey_public_from_seed(out.seed);
    return out;
}

std::string nkey_sign(std::string_view seed, std::string_view data) {
    Seed s = decode_seed(seed);
    auto key = private_key(s);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                &EVP_MD_CTX_free);
    std::string sig(64, '\0');
    size_t len = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw InternalError("ed25519 signing failed");
    sig.resize(len);
    return sig;
}

std::string base64url(std::string_view bytes) {
    static constexpr char k_alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            out += k_alpha[(buffer >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits > 0) out += k_alpha[(buffer << (6 - bits)) & 63];
    return out;
}

}  // namespace aegis::nats
