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
  COMMENT "Embedding the built-in classifications"
  VERBATIM)
target_sources(cambium_obj PRIVATE ${CM_CLASS_C})
