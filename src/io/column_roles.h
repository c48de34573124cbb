// Column roles: what a column of a parsed table is for (feature, target, identifier, free text,
// constant, date), each with a plain-language reason, and the ranking of target candidates.
// Rules written once here; the facade, the bindings and the page only read the results.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/table.h"

namespace moe::io {

enum class ColumnRole { Feature, Target, Identifier, FreeText, Constant, Date };
const char* to_string(ColumnRole r);  // "feature", "target", "identifier", "free text", "constant", "date"

struct RoleInfo {
  ColumnRole role = ColumnRole::Feature;
  std::string reason;  // one sentence a non-specialist can read
};

// Documented rules (README "CSV"; docs/API.md "Column roles"):
constexpr int64_t kMinRowsForUniqueness = 20;  // "every value differs" needs at least this many values
constexpr double kDateShare = 0.9;             // dates: at least 90% of the distinct texts look like dates/times
constexpr size_t kMaxTextClasses = 50;         // a text column with 2..50 distinct values can be a class target
constexpr size_t kMaxIntegerCodes = 10;        // whole numbers with 2..10 distinct values look like class codes

// The intrinsic role of column `c` (never Target): constant, date, identifier, free text or feature.
RoleInfo intrinsic_role(const RawColumn& c);

// True for the roles a column should not be trained on (as a feature or as a target).
inline bool is_unusable(ColumnRole r) {
  return r == ColumnRole::Identifier || r == ColumnRole::FreeText || r == ColumnRole::Constant;
}

// Roles of every column of `t`; `target` (-1 none) is the chosen target column: its role is Target
// unless it is an identifier, free text, constant or date, and its reason says why that is a bad idea.
std::vector<RoleInfo> column_roles(const TableBuilder& t, int target);

struct TargetCandidate {
  std::string name;
  double score = 0;    // higher is a likelier target; 0 = not a sensible target (identifier, ...)
  std::string reason;
  ColumnRole role = ColumnRole::Feature;  // the column's intrinsic role
};

// Every column ranked as a target, best first (ties: the later column first). `best` is the index
// into `t.columns` of the first candidate (-1 when the table has no columns).
std::vector<TargetCandidate> rank_targets(const TableBuilder& t, int* best);

}  // namespace moe::io
