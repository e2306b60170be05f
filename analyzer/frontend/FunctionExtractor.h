//===- FunctionExtractor.h - One function's CFG reduced to lock events ----===//
#ifndef LOCKWISE_FRONTEND_FUNCTIONEXTRACTOR_H
#define LOCKWISE_FRONTEND_FUNCTIONEXTRACTOR_H

#include "facts/Facts.h"
#include "frontend/LockIdentity.h"
#include "lockwise/Rules.h"

#include "clang/AST/ASTContext.h"

#include <functional>
#include <optional>

namespace lockwise {

/// The key the engine knows a function by: its name when it has external
/// linkage, "name@file" when it is static (two TUs may define the same
/// static name, and a static inline in a header is the same function in
/// every TU that includes it).
std::string functionKey(const clang::FunctionDecl *FD,
                        const clang::SourceManager &SM);

/// Source location as the user wrote it: macro invocations, not macro
/// bodies.
SrcLoc userLoc(clang::SourceLocation L, const clang::SourceManager &SM);

class FunctionExtractor {
public:
  /// OnCallee is told about every called function that has a body in this
  /// TU, so the caller can extract it too (header inlines).
  FunctionExtractor(clang::ASTContext &Ctx, const rules::RuleSet &Rules,
                    const LockIdentity &Ids,
                    std::function<void(const clang::FunctionDecl *)> OnCallee,
                    std::vector<FptrFlow> &Fptrs,
                    TUFacts &Objects,
                    const llvm::StringSet<> &GuardedFields,
                    const llvm::StringSet<> &Sleeping)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Rules(Rules), Ids(Ids),
        OnCallee(std::move(OnCallee)), Fptrs(Fptrs), Objects(Objects),
        GuardedFields(GuardedFields), Sleeping(Sleeping) {
    for (const auto &F : GuardedFields) {
      llvm::StringRef K = F.getKey();
      GuardedLeaves.insert(K.substr(K.rfind('.') + 1));
    }
  }

  std::optional<FunctionFacts> extract(const clang::FunctionDecl *FD);

private:
  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;
  const rules::RuleSet &Rules;
  const LockIdentity &Ids;
  std::function<void(const clang::FunctionDecl *)> OnCallee;
  std::vector<FptrFlow> &Fptrs;
  /// Where the FieldGroups and ReturnedObjects of each function go.
  TUFacts &Objects;
  /// Fields named by "guarded" rules: their accesses become events.
  const llvm::StringSet<> &GuardedFields;
  /// Functions that may sleep in this TU: their calls are marked Sleeps.
  const llvm::StringSet<> &Sleeping;
  llvm::StringSet<> GuardedLeaves;
};

/// The function-pointer key an expression designates as a callee or an
/// assignment target: "tag.field", "global", "function#param", or "" when
/// it is none of those.
std::string fptrKeyOf(const clang::Expr *E, const clang::FunctionDecl *InFunction,
                      const clang::SourceManager &SM);

/// 0 for a zero/NULL constant, 1 for a non-zero constant or an address,
/// -1 when not known at compile time.
int knownTruth(const clang::Expr *V, clang::ASTContext &Ctx);

/// The function an expression designates ("f", "&f", casts), or null.
const clang::FunctionDecl *designatedFunction(const clang::Expr *E);

} // namespace lockwise

#endif
