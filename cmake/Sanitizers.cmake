# CM_SANITIZE="address;undefined" adds -fsanitize=... to every target, and makes UBSan fatal.
if(CM_SANITIZE)
  string(REPLACE ";" "," _cm_san "${CM_SANITIZE}")
  add_compile_options(-fsanitize=${_cm_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_cm_san})
  add_compile_definitions(CM_SANITIZED=1)
endif()
