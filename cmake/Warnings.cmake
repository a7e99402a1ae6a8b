function(cm_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -pedantic -Wstrict-prototypes -Wshadow
                         -Wformat=2 -Wno-format-nonliteral)
  if(CM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
