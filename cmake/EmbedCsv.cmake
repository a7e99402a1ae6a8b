# cm_embed_csv(var file result): the bytes of <file> as a C definition of
# `const unsigned char <var>[]` (NUL-terminated) and `const size_t <var>_len`, in <result>.
# Included by the cmake -P scripts that embed data files (EmbedClassifications, EmbedCritData).
function(cm_embed_csv var file result)
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" nhex)
  math(EXPR nbytes "${nhex} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # Break the initializer into lines of 16 bytes.
  set(b16 "")
  foreach(i RANGE 1 16)
    string(APPEND b16 "0x[0-9a-f][0-9a-f],")
  endforeach()
  string(REGEX REPLACE "(${b16})" "\\1\n    " bytes "${bytes}")
  set(${result} "const unsigned char ${var}[] = {\n    ${bytes}0x00};\nconst size_t ${var}_len = ${nbytes};\n" PARENT_SCOPE)
endfunction()
