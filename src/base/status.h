// Status: how every fallible call in the core reports failure. The core never throws across its
// public API (wasm builds run without exceptions), so errors travel as values with a message.
#pragma once
#include <string>
#include <utility>

namespace moe {

enum class StatusCode { Ok, InvalidArgument, ParseError, OutOfRange, Corrupt, NumericalError, Internal };

// The name of a code, as MoEError.code carries it to JS ("InvalidArgument", ...).
inline const char* to_string(StatusCode c) {
  switch (c) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::InvalidArgument: return "InvalidArgument";
    case StatusCode::ParseError: return "ParseError";
    case StatusCode::OutOfRange: return "OutOfRange";
    case StatusCode::Corrupt: return "Corrupt";
    case StatusCode::NumericalError: return "NumericalError";
    case StatusCode::Internal: return "Internal";
  }
  return "Internal";
}

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok() { return Status(); }
  static Status invalid(std::string m) { return Status(StatusCode::InvalidArgument, std::move(m)); }
  static Status parse(std::string m) { return Status(StatusCode::ParseError, std::move(m)); }
  static Status out_of_range(std::string m) { return Status(StatusCode::OutOfRange, std::move(m)); }
  static Status corrupt(std::string m) { return Status(StatusCode::Corrupt, std::move(m)); }
  static Status numerical(std::string m) { return Status(StatusCode::NumericalError, std::move(m)); }
  bool is_ok() const { return code_ == StatusCode::Ok; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

}  // namespace moe

// Propagate a non-ok Status to the caller.
#define MOE_RETURN_IF_ERROR(expr)            \
  do {                                       \
    ::moe::Status moe_status_ = (expr);      \
    if (!moe_status_.is_ok()) return moe_status_; \
  } while (0)
