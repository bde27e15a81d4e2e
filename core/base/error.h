// Tessera's error taxonomy and the checks that raise it.
//
// Every error a user can cause is an exception derived from mx::Error. Messages follow one
// grammar: who failed, what was expected, what was found, how to fix it. Layers add context on
// the way up with AddContext() ("Error in operator fc1 (FullyConnected): ..."). Broken internal
// invariants raise InternalError, whose message says it is a bug in Tessera.
//
// Checks:
//   MX_CHECK(cond) << "why";                  throws mx::Error
//   MX_CHECK_EQ(a, b) << "why";               prints both operands: "Check failed: a == b (3 vs.
//   4)" MX_CHECK_AS(ShapeError, cond) << "why";   any error type; the message is only "why"
//   MX_CHECK_EQ_AS(ShapeError, a, b) << ...;  (also _NE, _LT, _LE, _GT, _GE)
//   MX_THROW(IOError) << "why";               unconditional
//   MX_INTERNAL_CHECK(cond) << "why";         InternalError, "this is a bug"
// All are thread-safe; nothing here aborts the process.
#ifndef TESSERA_CORE_BASE_ERROR_H_
#define TESSERA_CORE_BASE_ERROR_H_

#include <exception>
#include <sstream>
#include <string>

namespace mx {

class Error : public std::exception {
 public:
  explicit Error(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const { return message_; }
  // Prefixes `context` (e.g. "Error in operator fc1 (FullyConnected): ").
  void AddContext(const std::string& context) { message_ = context + message_; }
  // Appends a sentence (e.g. a hint about NaiveEngine) unless it is already there.
  void AppendNote(const std::string& note);

 private:
  std::string message_;
};

#define MX_DECLARE_ERROR(Name) \
  class Name : public Error {  \
   public:                     \
    using Error::Error;        \
  }

MX_DECLARE_ERROR(ShapeError);           // shapes that do not fit together
MX_DECLARE_ERROR(TypeError);            // dtypes that are wrong or unsupported
MX_DECLARE_ERROR(ContextError);         // arrays on different or missing devices
MX_DECLARE_ERROR(ValueError);           // a bad parameter value or argument
MX_DECLARE_ERROR(IndexError);           // an index out of range
MX_DECLARE_ERROR(NotImplementedError);  // no kernel for this device or dtype
MX_DECLARE_ERROR(OutOfMemoryError);     // an allocation failed
MX_DECLARE_ERROR(IOError);              // a file that cannot be read or written, or is corrupt
MX_DECLARE_ERROR(DistError);            // a distributed peer failed or timed out
MX_DECLARE_ERROR(InternalError);        // a broken invariant: a bug in Tessera

#undef MX_DECLARE_ERROR

namespace detail {

// Collects a message with operator<< and throws E when it goes out of scope.
template <typename E>
class Thrower {
 public:
  Thrower(const char* file, int line, const std::string& head) {
    (void)file;
    (void)line;
    stream_ << head;
  }
  [[noreturn]] ~Thrower() noexcept(false) { throw E(stream_.str()); }
  std::ostringstream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

template <typename A, typename B>
std::string CheckOpMessage(const char* expr, const A& a, const B& b) {
  std::ostringstream os;
  os << "Check failed: " << expr << " (" << a << " vs. " << b << ") ";
  return os.str();
}

// Lets `cond ? (void)0 : Voidify() & stream` compile as one expression.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace detail
}  // namespace mx

#define MX_THROW(E) ::mx::detail::Thrower<::mx::E>(__FILE__, __LINE__, "").stream()

// Typed checks carry a message written for users: it replaces the condition's text.
#define MX_CHECK_AS(E, cond) \
  (cond)                     \
      ? (void)0              \
      : ::mx::detail::Voidify() & ::mx::detail::Thrower<::mx::E>(__FILE__, __LINE__, "").stream()

#define MX_CHECK(cond)                                                                            \
  (cond) ? (void)0                                                                                \
         : ::mx::detail::Voidify() &                                                              \
               ::mx::detail::Thrower<::mx::Error>(__FILE__, __LINE__, "Check failed: " #cond " ") \
                   .stream()

#define MX_CHECK_OP_AS(E, op, a, b)                                                            \
  ((a)op(b))                                                                                   \
      ? (void)0                                                                                \
      : ::mx::detail::Voidify() &                                                              \
            ::mx::detail::Thrower<::mx::E>(                                                    \
                __FILE__, __LINE__, ::mx::detail::CheckOpMessage(#a " " #op " " #b, (a), (b))) \
                .stream()

#define MX_CHECK_EQ(a, b) MX_CHECK_OP_AS(Error, ==, a, b)
#define MX_CHECK_NE(a, b) MX_CHECK_OP_AS(Error, !=, a, b)
#define MX_CHECK_LT(a, b) MX_CHECK_OP_AS(Error, <, a, b)
#define MX_CHECK_LE(a, b) MX_CHECK_OP_AS(Error, <=, a, b)
#define MX_CHECK_GT(a, b) MX_CHECK_OP_AS(Error, >, a, b)
#define MX_CHECK_GE(a, b) MX_CHECK_OP_AS(Error, >=, a, b)
#define MX_CHECK_EQ_AS(E, a, b) MX_CHECK_OP_AS(E, ==, a, b)
#define MX_CHECK_NE_AS(E, a, b) MX_CHECK_OP_AS(E, !=, a, b)
#define MX_CHECK_LT_AS(E, a, b) MX_CHECK_OP_AS(E, <, a, b)
#define MX_CHECK_LE_AS(E, a, b) MX_CHECK_OP_AS(E, <=, a, b)
#define MX_CHECK_GT_AS(E, a, b) MX_CHECK_OP_AS(E, >, a, b)
#define MX_CHECK_GE_AS(E, a, b) MX_CHECK_OP_AS(E, >=, a, b)

#define MX_INTERNAL_CHECK(cond)                                                                  \
  (cond) ? (void)0                                                                               \
         : ::mx::detail::Voidify() &                                                             \
               ::mx::detail::Thrower<::mx::InternalError>(                                       \
                   __FILE__, __LINE__,                                                           \
                   std::string("Internal error (a bug in Tessera; please report it with this "   \
                               "message) at ") +                                                 \
                       __FILE__ + ":" + std::to_string(__LINE__) + ": Check failed: " #cond " ") \
                   .stream()

#endif  // TESSERA_CORE_BASE_ERROR_H_
