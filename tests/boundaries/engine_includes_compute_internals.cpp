// Must not compile: a sample's internals stay private to compute. Built only by the Boundaries tests.
#include "gray_scott.hpp"
