// Structural check of a fastText model file before libfasttext reads it.
//
// libfasttext 0.9.2 trusts every length in a `.bin`: a truncated dictionary
// makes Dictionary::load loop forever (in.get() returns EOF, never '\0'),
// a lying matrix shape allocates whatever it says, and inconsistent sizes
// index out of bounds later in predict. So the whole file is walked here,
// with bounded reads, and only a file libfasttext can use safely is handed on.
#pragma once

#include <string>

#include "byte_source.hpp"

namespace cfasttext {

/// Empty if `source` holds a model libfasttext 0.9.2 can load and use
/// safely (format versions 11 and 12, dense or quantized); otherwise the reason.
std::string checkModelFile(ByteSource& source);

}  // namespace cfasttext
