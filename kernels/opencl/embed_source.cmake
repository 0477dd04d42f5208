# Turns a kernel source file into a C++ file defining it as a string, at build time, so the
# kernel ships inside the binary and no generated file is committed.
#   cmake -DINPUT=x.cl -DOUTPUT=x.cpp -DNAMESPACE=a::b -DSYMBOL=k_source -P embed_source.cmake
file(READ "${INPUT}" _source)
set(_delimiter "hashrig_cl")
string(FIND "${_source}" ")${_delimiter}\"" _clash)
if(NOT _clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${_delimiter}\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} at build time; do not edit.\n"
  "#include <string_view>\n"
  "namespace ${NAMESPACE} {\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL} = R\"${_delimiter}(${_source})${_delimiter}\";\n"
  "}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
