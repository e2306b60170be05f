//===- Tsan.h - ThreadSanitizer annotations for the shim's locks -*- C++ -*-===//
//
// With -DLOCKWISE_TSAN=ON every shim lock is a TSan mutex at the address of
// its lw_lock header; the pthread object behind it is taken inside the
// pre/post annotations, where TSan ignores its synchronisation.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_TSAN_H
#define LOCKWISE_RT_TSAN_H

#ifdef LOCKWISE_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace lockwise::rt::tsan {

#ifdef LOCKWISE_TSAN
constexpr unsigned Reentrant = __tsan_mutex_write_reentrant;
constexpr unsigned Static = __tsan_mutex_linker_init;
constexpr unsigned Read = __tsan_mutex_read_lock;
constexpr unsigned Try = __tsan_mutex_try_lock;
constexpr unsigned TryFailed = __tsan_mutex_try_lock_failed;
inline void create(void *M, unsigned F) { __tsan_mutex_create(M, F); }
inline void destroy(void *M) { __tsan_mutex_destroy(M, 0); }
inline void preLock(void *M, unsigned F) { __tsan_mutex_pre_lock(M, F); }
inline void postLock(void *M, unsigned F) { __tsan_mutex_post_lock(M, F, 0); }
inline void preUnlock(void *M, unsigned F) { __tsan_mutex_pre_unlock(M, F); }
inline void postUnlock(void *M, unsigned F) { __tsan_mutex_post_unlock(M, F); }
#else
constexpr unsigned Reentrant = 0, Static = 0, Read = 0, Try = 0, TryFailed = 0;
inline void create(void *, unsigned) {}
inline void destroy(void *) {}
inline void preLock(void *, unsigned) {}
inline void postLock(void *, unsigned) {}
inline void preUnlock(void *, unsigned) {}
inline void postUnlock(void *, unsigned) {}
#endif

} // namespace lockwise::rt::tsan

#endif
