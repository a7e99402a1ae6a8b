# The dashboard's files (assets/dashboard/, whatever is there) compiled into the library for
# `cambium serve`: a C source generated at build time by cmake/EmbedAssets.cmake. Adding or
# removing a file re-runs the configure step (CONFIGURE_DEPENDS), editing one rebuilds the source.
set(CM_ASSET_DIR ${PROJECT_SOURCE_DIR}/assets/dashboard)
set(CM_ASSET_C ${PROJECT_BINARY_DIR}/generated/cm_serve_assets.c)
file(GLOB_RECURSE CM_ASSET_FILES CONFIGURE_DEPENDS ${CM_ASSET_DIR}/*)
add_custom_command(
  OUTPUT ${CM_ASSET_C}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DOUT=${CM_ASSET_C} -DDIR=${CM_ASSET_DIR}
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedAssets.cmake
  DEPENDS ${CM_ASSET_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedAssets.cmake
          ${PROJECT_SOURCE_DIR}/cmake/EmbedCsv.cmake
  COMMENT "Embedding the dashboard files"
  VERBATIM)
target_sources(cambium_obj PRIVATE ${CM_ASSET_C})
