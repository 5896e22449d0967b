// The engine's two error families: bad input (the user can fix it) and broken invariants (a bug).
#pragma once

#include <stdexcept>
#include <string>

namespace doseomics {

// Bad input: an empty region, a NaN voxel, an unsupported setting. The message says what is wrong.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A broken internal invariant; the message carries file and line.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void throw_internal_error(const char* condition, const char* file, int line);

}  // namespace doseomics

#define DOSEOMICS_ASSERT(condition)                                                      \
  do {                                                                                   \
    if (!(condition)) ::doseomics::throw_internal_error(#condition, __FILE__, __LINE__); \
  } while (0)
