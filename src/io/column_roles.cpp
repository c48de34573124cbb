// Column roles and target ranking from a parsed table. See column_roles.h for the rules.
#include "io/column_roles.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "io/values.h"

namespace moe::io {
namespace {

std::string q(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 37) + "...'";
}

// Lower-case words of a column name: split at non-alphanumerics and at lower->upper case changes
// ("PassengerId" -> passenger, id; "bill_length_mm" -> bill, length, mm).
std::vector<std::string> name_words(const std::string& name) {
  std::vector<std::string> out;
  std::string cur;
  char prev = 0;
  for (char ch : name) {
    const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    const bool upper = ch >= 'A' && ch <= 'Z';
    if (!alnum || (upper && prev >= 'a' && prev <= 'z')) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    }
    if (alnum) cur.push_back(upper ? char(ch - 'A' + 'a') : ch);
    prev = ch;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool any_word_in(const std::vector<std::string>& words, std::initializer_list<const char*> list, std::string* hit) {
  for (const std::string& w : words)
    for (const char* l : list)
      if (w == l) { *hit = w; return true; }
  return false;
}

bool id_like_name(const std::string& name, std::string* hit) {
  std::string lower;
  for (char ch : name) lower.push_back(ch >= 'A' && ch <= 'Z' ? char(ch - 'A' + 'a') : ch);
  if (lower.rfind("unnamed", 0) == 0 || lower.empty()) { *hit = name; return true; }  // a saved pandas index
  return any_word_in(name_words(name), {"id", "ids", "key", "index", "idx", "uuid", "guid", "row", "rowid", "rownum"}, hit);
}

bool digits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// HH:MM[:SS[.fff]][Z|+HH:MM] starting at `at`, running to the end of s.
bool time_at(const std::string& s, size_t at) {
  if (!digits(s, at, 2) || at + 2 >= s.size() || s[at + 2] != ':' || !digits(s, at + 3, 2)) return false;
  size_t i = at + 5;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') { ++i; while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i; }
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (!digits(s, i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == ':') ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  }
  return i == s.size();
}

// ISO-like dates and times: 2021-03-04, 2021/03/04, 04/03/2021, 04.03.2021, each with an optional
// " 12:30[:00]" or "T12:30:00Z", or a time alone (12:30:00).
bool looks_like_date(const std::string& s) {
  if (time_at(s, 0)) return true;
  size_t end = 0;
  if (digits(s, 0, 4) && s.size() >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] && digits(s, 5, 2) &&
      digits(s, 8, 2)) {
    end = 10;
  } else if (digits(s, 0, 2) && s.size() >= 10 && (s[2] == '-' || s[2] == '/' || s[2] == '.') && s[5] == s[2] &&
             digits(s, 3, 2) && digits(s, 6, 4)) {
    end = 10;
  } else {
    return false;
  }
  if (end == s.size()) return true;
  return (s[end] == 'T' || s[end] == ' ') && time_at(s, end + 1);
}

struct Profile {
  int64_t present = 0;       // non-missing cells
  size_t distinct = 0;       // distinct non-missing values (a lower bound when the dictionary overflowed, and for
                             // numbers above kMaxIntegerCodes + 1 unless the name looks like an identifier)
  bool overflow = false;
  bool integers = false;     // numeric and every value whole
  bool increasing = false;   // numeric, strictly increasing in row order
  bool consecutive = false;  // numeric, each value one more than the previous (a row number)
  double mean_len = 0, mean_words = 0;  // text: over the distinct values
  double date_share = 0;     // text: share of distinct values that look like dates/times
  std::string example;       // one value, for messages
};

Profile profile(const RawColumn& c) {
  Profile p;
  p.present = c.size() - c.missing;
  if (c.categorical) {
    p.distinct = c.dict.size();
    p.overflow = c.dict_overflow;
    size_t sample = std::min<size_t>(c.dict.size(), 2000), dates = 0;
    double len = 0, words = 0;
    for (size_t i = 0; i < sample; ++i) {
      const std::string& s = c.dict[i];
      len += double(s.size());
      size_t w = 0;
      bool in = false;
      for (char ch : s) {
        const bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if (!space && !in) ++w;
        in = !space;
      }
      words += double(w);
      dates += looks_like_date(s);
    }
    if (sample > 0) {
      p.mean_len = len / double(sample);
      p.mean_words = words / double(sample);
      p.date_share = double(dates) / double(sample);
      p.example = c.dict[0];
    }
    return p;
  }
  // Distinct numbers: every rule above needs the count only up to kMaxIntegerCodes + 1, except the
  // identifier-name rule (90% distinct), so a full hash set is built only for a column named like one.
  std::string hit;
  const bool count_all = id_like_name(c.name, &hit);
  std::unordered_set<float> seen;  // count_all: every distinct value
  std::vector<float> few;          // otherwise: the first kMaxIntegerCodes + 1 distinct values
  p.integers = true;
  p.increasing = true;
  p.consecutive = true;
  float prev = 0;
  bool first = true;
  for (float v : c.num) {
    if (std::isnan(v)) { p.increasing = p.consecutive = false; continue; }
    if (first) p.example = format_number(v);
    p.integers = p.integers && v == std::floor(v);
    p.increasing = p.increasing && (first || v > prev);
    p.consecutive = p.consecutive && (first || v == prev + 1);
    prev = v;
    first = false;
    if (count_all) seen.insert(v);
    else if (few.size() <= kMaxIntegerCodes && std::find(few.begin(), few.end(), v) == few.end()) few.push_back(v);
  }
  p.distinct = count_all ? seen.size() : few.size();
  p.consecutive = p.consecutive && p.integers && !first;
  return p;
}

RoleInfo role_of(const RawColumn& c, const Profile& p) {
  const std::string n = std::to_string(p.present);
  if (p.present == 0) return {ColumnRole::Constant, "every value is missing"};
  if (p.distinct == 1 && !p.overflow)
    return {ColumnRole::Constant, "every value is " + q(p.example) + ": a constant tells the model nothing"};
  if (c.categorical && p.date_share >= kDateShare)
    return {ColumnRole::Date, "the values look like dates or times (e.g. " + q(p.example) +
                                  "); they are read as text categories, not as points in time"};
  const bool all_differ = p.present >= kMinRowsForUniqueness && int64_t(p.distinct) == p.present;
  const bool text_many = c.categorical && (p.overflow || (p.distinct > kMaxTextClasses && 2 * int64_t(p.distinct) > p.present));
  if (c.categorical && (all_differ || text_many)) {
    const std::string how = (p.overflow ? "more than " : "") + std::to_string(p.distinct) + " distinct values in " + n +
                            " rows" + (all_differ ? ", every one different" : "");
    if (p.mean_words >= 3 || p.mean_len >= 30)
      return {ColumnRole::FreeText, how + " and they are long texts of several words (e.g. " + q(p.example) +
                                        "): free text such as a name or a comment, not a category"};
    return {ColumnRole::Identifier, how + " (e.g. " + q(p.example) + "): a label that names each row, not a category"};
  }
  std::string hit;
  if (id_like_name(c.name, &hit) && p.present >= 2 && (p.increasing || 10 * int64_t(p.distinct) >= 9 * p.present))
    return {ColumnRole::Identifier, "named like an identifier (" + q(hit) + ") and " +
                                        (p.increasing ? "its values increase on every row" : "nearly every value is different") +
                                        ": it names rows, it does not describe them"};
  if (!c.categorical && p.consecutive && p.present >= kMinRowsForUniqueness)
    return {ColumnRole::Identifier, "whole numbers that go up by one on every row (" + p.example +
                                        ", ...): a row number, not a measurement"};
  return {ColumnRole::Feature, ""};
}

// How likely a column with intrinsic role `r` is the target; appends the evidence to `why`.
double target_score(const RawColumn& c, const Profile& p, const RoleInfo& r, bool last, std::string* why) {
  if (r.role != ColumnRole::Feature) {
    *why = "not a sensible target: " + r.reason;
    return 0;
  }
  double s = 0.1;
  std::vector<std::string> parts;
  std::string hit;
  if (any_word_in(name_words(c.name),
                  {"class", "label", "target", "species", "type", "outcome", "y", "diagnosis", "quality", "churn",
                   "churned", "survived", "survival", "category", "result", "response", "variety", "grade", "fraud",
                   "default", "disease", "status", "income", "price", "salary", "rating", "score", "output", "letter"},
                  &hit)) {
    s += 2.0;
    parts.push_back("named like a target (" + q(hit) + ")");
  }
  if (c.categorical && p.distinct >= 2 && p.distinct <= kMaxTextClasses) {
    s += 1.0;
    parts.push_back(std::to_string(p.distinct) + " text values, usable as classes");
  } else if (!c.categorical && p.integers && p.distinct >= 2 && p.distinct <= kMaxIntegerCodes) {
    s += 0.3;
    parts.push_back(std::to_string(p.distinct) + " whole-number codes, usable as classes");
  } else if (c.categorical) {
    parts.push_back(std::to_string(p.distinct) + " text values: many classes");
  } else {
    parts.push_back("numbers, a regression target");
  }
  if (last && !c.categorical && !p.integers) {
    s += 1.1;  // a measurement in the last column: where tables conventionally keep a regression target
    parts.push_back("the last column, holding measurements");
  } else if (last) {
    s += 0.4;
    parts.push_back("the last column");
  }
  for (size_t i = 0; i < parts.size(); ++i) *why += (i ? "; " : "") + parts[i];
  return s;
}

}  // namespace

const char* to_string(ColumnRole r) {
  switch (r) {
    case ColumnRole::Feature: return "feature";
    case ColumnRole::Target: return "target";
    case ColumnRole::Identifier: return "identifier";
    case ColumnRole::FreeText: return "free text";
    case ColumnRole::Constant: return "constant";
    case ColumnRole::Date: return "date";
  }
  return "feature";
}

RoleInfo intrinsic_role(const RawColumn& c) { return role_of(c, profile(c)); }

std::vector<RoleInfo> column_roles(const TableBuilder& t, int target) {
  std::vector<RoleInfo> out;
  for (size_t j = 0; j < t.columns.size(); ++j) {
    RoleInfo r = intrinsic_role(t.columns[j]);
    if (int(j) == target) {
      if (r.role == ColumnRole::Feature) r = {ColumnRole::Target, "the column the model learns to predict"};
      else r.reason = "chosen as the target, but " + r.reason + "; a model cannot learn to predict it";
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<TargetCandidate> rank_targets(const TableBuilder& t, int* best) {
  std::vector<TargetCandidate> out;
  for (size_t j = 0; j < t.columns.size(); ++j) {
    const RawColumn& c = t.columns[j];
    Profile p = profile(c);
    RoleInfo r = role_of(c, p);
    TargetCandidate k;
    k.name = c.name;
    k.role = r.role;
    k.score = target_score(c, p, r, j + 1 == t.columns.size(), &k.reason);
    out.push_back(std::move(k));
  }
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (out[a].score != out[b].score) return out[a].score > out[b].score;
    return a > b;  // ties: the later column first
  });
  *best = order.empty() ? -1 : int(order[0]);
  std::vector<TargetCandidate> sorted;
  for (size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace moe::io
