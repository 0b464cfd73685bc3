# Helper functions shared by aicc's CMake files.

# aicc_add_library(name SOURCES... [DEPENDS tablegen-targets...] [LINK libs...])
# A static library of aicc code. It links the shared libMLIR/libLLVM (never the
# individual static MLIR libraries), so every tool loads exactly one copy of MLIR.
function(aicc_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK} MLIR LLVM)
endfunction()
