# The module boundaries that include paths cannot enforce: system headers. Vulkan's live in /usr/include, and some
# machines link CUDA's into /usr/local/include, so every target can reach both whatever it links. This scan
# rejects, in each module's sources and public headers, the system headers DESIGN.md keeps out of it.
# Usage: cmake -DROOT=<source tree> -P scripts/check-boundaries.cmake   (exit 1 naming each offending line)
set(cuda_headers "(cuda[a-z_]*\\.h|cuda/|driver_types\\.h|vector_types\\.h|surface_[a-z_]*\\.h|texture_[a-z_]*\\.h|nvrtc\\.h)")
set(window_headers "(vulkan/|GLFW/|imgui|glm/)")
set(forbidden_core "(${cuda_headers}|${window_headers})")
set(forbidden_render "${cuda_headers}")
set(forbidden_compute "${window_headers}")
set(failures "")
foreach(module core render compute)
  file(GLOB_RECURSE files ${ROOT}/src/${module}/*.hpp ${ROOT}/src/${module}/*.cpp ${ROOT}/src/${module}/*.cu
       ${ROOT}/src/${module}/*.cuh ${ROOT}/include/cuvk/${module}/*.hpp ${ROOT}/include/cuvk/${module}/*.cuh)
  foreach(file ${files})
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]${forbidden_${module}}")
    foreach(line ${lines})
      string(APPEND failures "  ${file}: ${line}  (${module} may not include it)\n")
    endforeach()
  endforeach()
endforeach()
if(failures)
  message(FATAL_ERROR "module boundaries crossed:\n${failures}")
endif()
message(STATUS "module boundaries: core includes neither Vulkan nor CUDA, render no CUDA, compute no Vulkan")
