//===- Hash.h - Stable hashing shared by the fingerprints -----------------===//
//
// Fingerprints are stored in baselines and by code-scanning services, so the
// hash must never change between platforms or releases.  computeFingerprint()
// and SARIF's partial fingerprint (reports/) are both built from these.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_HASH_H
#define LOCKWISE_HASH_H

#include <cstdint>
#include <string>
#include <string_view>

namespace lockwise {

/// FNV-1a, 64 bit.
uint64_t fnv1a64(std::string_view Data);

/// 16 lowercase hex digits.
std::string hex16(uint64_t Value);

/// Drops free-standing digit runs ("foo.c:123:4", "line 42"), which are
/// lines, columns or counts; digits inside a name ("p2m_domain") are kept.
std::string stripLineNumbers(std::string_view Message);

} // namespace lockwise

#endif
