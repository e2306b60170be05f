//===- Classes.h - Lock classes: interned names ----------------*- C++ -*-===//
//
// A lock class is the lock's declared name, as in lockdep.  Classes are
// interned to small ids so the order graph can be a bit matrix.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_CLASSES_H
#define LOCKWISE_RT_CLASSES_H

#include <cstdint>
#include <string>

struct lw_lock;
struct wait_queue_head;

namespace lockwise::rt {

using ClassId = uint32_t;
constexpr ClassId NoClass = 0;
/// The order graph's bit matrix is MaxClasses squared bits.
constexpr ClassId MaxClasses = 4096;

/// Interns Name; returns NoClass once MaxClasses are in use.
ClassId internClass(const std::string &Name);
std::string className(ClassId Id);
/// The class of a lock or queue, resolved on first use and cached in it.
ClassId classOf(lw_lock *L);
ClassId classOf(wait_queue_head *Q);

} // namespace lockwise::rt

#endif
