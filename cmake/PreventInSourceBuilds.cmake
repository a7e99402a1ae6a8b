get_filename_component(_cm_src "${PROJECT_SOURCE_DIR}" REALPATH)
get_filename_component(_cm_bin "${PROJECT_BINARY_DIR}" REALPATH)
if(_cm_src STREQUAL _cm_bin)
  message(FATAL_ERROR "In-source builds are refused: run `make` (builds in build/) or "
                      "`cmake -S . -B build`. Remove CMakeCache.txt and CMakeFiles/ first.")
endif()
