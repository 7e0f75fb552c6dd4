# vigie_embed_migrations(TARGET DIRECTORY dir FUNCTION ns::name)
# Compiles the numbered migrations dir/NNNN_name.sql into TARGET as a function
# `const std::vector<vigie::storage::Migration>& ns::name()`, so the executable
# carries its schema and needs no file at run time. Adding a file re-runs CMake
# (CONFIGURE_DEPENDS); editing one rebuilds the generated source.
set(VIGIE_EMBED_MIGRATIONS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/write_migrations_source.cmake
    CACHE INTERNAL "script that writes the embedded migrations' source")

function(vigie_embed_migrations target)
  cmake_parse_arguments(E "" "DIRECTORY;FUNCTION" "" ${ARGN})
  if(NOT E_DIRECTORY OR NOT E_FUNCTION)
    message(FATAL_ERROR "vigie_embed_migrations(${target}): DIRECTORY and FUNCTION are required")
  endif()
  file(GLOB sql_files CONFIGURE_DEPENDS ${E_DIRECTORY}/*.sql)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DDIRECTORY=${E_DIRECTORY} -DFUNCTION=${E_FUNCTION} -DOUTPUT=${output}
            -P ${VIGIE_EMBED_MIGRATIONS_SCRIPT}
    DEPENDS ${sql_files} ${VIGIE_EMBED_MIGRATIONS_SCRIPT}
    COMMENT "Embedding the migrations of ${E_DIRECTORY}"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
  target_link_libraries(${target} PUBLIC vigie_storage)
endfunction()
