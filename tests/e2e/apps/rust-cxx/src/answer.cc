// A C++ function that needs libstdc++ at run time: the binary links it dynamically.
#include "rust-cxx/include/answer.h"

#include <string>
#include <vector>

int32_t answer() {
  std::vector<std::string> words{"forty", "two"};
  return static_cast<int32_t>(words.size() * 21);
}
