#pragma once
// One error hierarchy for the whole project. Core throws these; app/main.cpp is the only catch that
// turns them into a message and an exit code. A failed check is a result, not an exception.
#include <stdexcept>
#include <string>

namespace aegis {

// Exit codes (docs/architecture.md lists them with their meaning). Values follow sysexits.h
// where one fits.
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int no = 1;  // the command ran and the answer is no
inline constexpr int usage = 2;
inline constexpr int data = 65;
inline constexpr int no_input = 66;
inline constexpr int unavailable = 69;
inline constexpr int internal = 70;
inline constexpr int cant_create = 73;  // an output file or directory cannot be created
inline constexpr int io = 74;
inline constexpr int timeout = 75;
inline constexpr int auth = 77;
inline constexpr int config = 78;
inline constexpr int interrupted = 130;
}  // namespace exit_code

class Error : public std::runtime_error {
public:
    Error(int code, const std::string& message, std::string hint = {})
        : std::runtime_error(message), m_code(code), m_hint(std::move(hint)) {}
    int code() const noexcept { return m_code; }
    const std::string& hint() const noexcept { return m_hint; }

private:
    int m_code;
    std::string m_hint;
};

#define AEGIS_ERROR_KIND(Name, Code)                                                           \
    class Name : public Error {                                                                \
    public:                                                                                    \
        explicit Name(const std::string& message, std::string hint = {})                       \
            : Error(Code, message, std::move(hint)) {}                                         \
    };

AEGIS_ERROR_KIND(UsageError, exit_code::usage)
AEGIS_ERROR_KIND(DataError, exit_code::data)            // bad input data (malformed JSON, ...)
AEGIS_ERROR_KIND(NoInputError, exit_code::no_input)     // a named input file is missing
AEGIS_ERROR_KIND(UnavailableError, exit_code::unavailable)  // NATS or a service is not there
AEGIS_ERROR_KIND(InternalError, exit_code::internal)
AEGIS_ERROR_KIND(CantCreateError, exit_code::cant_create)
AEGIS_ERROR_KIND(IoError, exit_code::io)
AEGIS_ERROR_KIND(TimeoutError, exit_code::timeout)
AEGIS_ERROR_KIND(AuthError, exit_code::auth)
AEGIS_ERROR_KIND(ConfigError, exit_code::config)
AEGIS_ERROR_KIND(RemoteError, exit_code::no)            // the service answered with an error
AEGIS_ERROR_KIND(InterruptedError, exit_code::interrupted)

// No subscriber for a request subject: a distinct kind of "unavailable" callers may retry.
class NoRespondersError : public UnavailableError {
public:
    using UnavailableError::UnavailableError;
};

// A JetStream / KV write rejected because the expected revision did not match.
class ConflictError : public Error {
public:
    explicit ConflictError(const std::string& message) : Error(exit_code::no, message) {}
};

// A KV key or stream message that is not there.
class NotFoundError : public Error {
public:
    explicit NotFoundError(const std::string& message) : Error(exit_code::no, message) {}
};

#undef AEGIS_ERROR_KIND

}  // namespace aegis
