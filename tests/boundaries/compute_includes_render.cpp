// Must not compile: compute may not see render (DESIGN.md, "Modules"). Built only by the Boundaries tests.
#include "cuvk/render/context.hpp"
