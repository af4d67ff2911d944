// Randomness and hashing (OpenSSL behind this header).
#pragma once

#include <string>
#include <string_view>

namespace flowd {

// `n` cryptographically random bytes. Aborts if the system RNG fails (nothing sensible to do).
std::string RandomBytes(size_t n);
// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// URL-safe base64 without padding.
std::string Base64Url(std::string_view bytes);
// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// A random RFC 4122 version-4 UUID ("a43683b0-5717-4ceb-80b4-104d02915d8c").
std::string NewUuid();

}  // namespace flowd
