# The built-in classifications (data/classifications/*.csv) compiled into the library:
# a C source generated at build time by cmake/EmbedClassifications.cmake.
set(CM_CLASS_DIR ${PROJECT_SOURCE_DIR}/data/classifications)
set(CM_CLASS_C ${PROJECT_BINARY_DIR}/generated/cm_class_data.c)
add_custom_command(
  OUTPUT ${CM_CLASS_C}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DOUT=${CM_CLASS_C} -DCOUNTRIES=${CM_CLASS_DIR}/countries.csv
          -DMATERIALS=${CM_CLASS_DIR}/materials.csv
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedClassifications.cmake
  DEPENDS ${CM_CLASS_DIR}/countries.csv ${CM_CLASS_DIR}/materials.csv
          ${PROJECT_SOURCE_DIR}/cmake/EmbedClassifications.cmake
          ${PROJECT_SOURCE_DIR}/cmake/EmbedCsv.cmake
  COMMENT "Embedding the built-in classifications"
  VERBATIM)
target_sources(cambium_obj PRIVATE ${CM_CLASS_C})

# The trade-code table of the criticality module (data/crit/hs6-materials.csv), likewise.
set(CM_CRIT_HS6 ${PROJECT_SOURCE_DIR}/data/crit/hs6-materials.csv)
set(CM_CRIT_C ${PROJECT_BINARY_DIR}/generated/cm_crit_data.c)
add_custom_command(
  OUTPUT ${CM_CRIT_C}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DOUT=${CM_CRIT_C} -DHS6=${CM_CRIT_HS6}
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedCritData.cmake
  DEPENDS ${CM_CRIT_HS6} ${PROJECT_SOURCE_DIR}/cmake/EmbedCritData.cmake
          ${PROJECT_SOURCE_DIR}/cmake/EmbedCsv.cmake
  COMMENT "Embedding the trade-code table"
  VERBATIM)
target_sources(cambium_obj PRIVATE ${CM_CRIT_C})
