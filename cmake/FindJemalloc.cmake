# FindJemalloc: Debian's libjemalloc-dev ships no CMake package, only the library, its header and a pkg-config
# file. This module finds the library and the header and defines the imported target Jemalloc::Jemalloc.
#   Jemalloc_FOUND, Jemalloc_LIBRARY, Jemalloc_INCLUDE_DIR
find_path(Jemalloc_INCLUDE_DIR NAMES jemalloc/jemalloc.h)
find_library(Jemalloc_LIBRARY NAMES jemalloc)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Jemalloc REQUIRED_VARS Jemalloc_LIBRARY Jemalloc_INCLUDE_DIR)
if(Jemalloc_FOUND AND NOT TARGET Jemalloc::Jemalloc)
  add_library(Jemalloc::Jemalloc UNKNOWN IMPORTED)
  set_target_properties(Jemalloc::Jemalloc PROPERTIES IMPORTED_LOCATION "${Jemalloc_LIBRARY}"
                                                      INTERFACE_INCLUDE_DIRECTORIES "${Jemalloc_INCLUDE_DIR}")
endif()
mark_as_advanced(Jemalloc_INCLUDE_DIR Jemalloc_LIBRARY)
