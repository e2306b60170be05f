//===- FieldGroups.h - Which fields one object is set up with -------------===//
//
// A callback field is set together with the object's other fields:
// libxl's device add sets "aodev->callback = device_addrm_aocomplete" and
// "aodev->update_json = true" on the object it allocates, the multidev code
// sets "aodev->callback = libxl__multidev_one_callback" on objects it
// allocates zeroed.  Field-based function-pointer targets forget that; the
// FieldGroups of the program keep it, and the engine (CallbackFlags.h) reads
// from them which callbacks an object with a given flag can carry.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FRONTEND_FIELDGROUPS_H
#define LOCKWISE_FRONTEND_FIELDGROUPS_H

#include "facts/Facts.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockwise {

/// Whether a struct has a function-pointer field (only such structs' stores
/// are kept: a flag can only tell callbacks apart where there are some).
bool hasCallbackField(clang::QualType Record);

/// The objects one function names and the stores it makes into them.
class ObjectNames {
public:
  ObjectNames(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);

  /// Which object the pointer E designates (FieldGroup::Object), or "":
  /// then *Param is the parameter E is, or -1 for an unknown object.
  std::string objectOf(const clang::Expr *E, int *Param = nullptr) const;

  /// Whether the pointer E designates an object no other thread can see
  /// yet: a local whose every value is an allocator's result (or NULL), or
  /// the address of a struct on the stack.
  bool isNew(const clang::Expr *E) const;

  /// FD's stores into objects of structs with callback fields, one group
  /// per object expression ("aodev->", "dev->aodev."), flow-insensitively.
  std::vector<FieldGroup> groups() const;
  /// What FD returns, if an object of a struct with callback fields.
  std::vector<ReturnedObject> returned() const;

private:
  void scan(const clang::Stmt *S);
  void noteLocal(const clang::VarDecl *VD, const clang::Expr *Value);
  void noteStore(const clang::MemberExpr *ME, const clang::Expr *Value);
  /// The object a struct lvalue is ("dev->aodev", a local struct).
  std::string objectOfLvalue(const clang::Expr *E) const;

  const clang::FunctionDecl *FD;
  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;
  std::string Key;
  /// Pointer locals and the one object every assignment gives them ("" when
  /// they disagree, take something unknown or have their address taken).
  llvm::DenseMap<const clang::VarDecl *, std::string> Locals;
  /// Pointer locals and whether every value they take is new (isNew()).
  llvm::DenseMap<const clang::VarDecl *, bool> Fresh;
  struct Pending {
    FieldGroup Group;
    const clang::Expr *Base = nullptr;
    bool Arrow = false;
  };
  std::map<std::string, Pending> Groups; ///< By object expression text.
  std::vector<const clang::Expr *> Returned;
};

/// The group of an initialiser of a struct with callback fields
/// ("{ .callback = f, .flag = 1 }"), or none.  Object: the variable it
/// initialises ("global@NAME", "stack@FUNCTION#NAME"), or "" for an
/// initialiser of its own ("init@FILE:LINE": a compound literal, a member).
std::optional<FieldGroup> initializerGroup(const clang::InitListExpr *ILE,
                                           clang::ASTContext &Ctx,
                                           const std::string &Object);

} // namespace lockwise

#endif
