# The kernel battery (tests/cc/test_kernels.cpp) as a binary of its own, for the kernel paths the
# full native suite (-march=native) does not take: SSE4.1 only (what Emscripten maps onto SIMD128)
# and the two wasm builds run under Node. Built on demand (scripts/test-kernels.sh), never by `all`.
if(EMSCRIPTEN)
  # No GoogleTest package exists for Emscripten: compile Debian's sources (package googletest).
  set(MOE_GTEST_SRC /usr/src/googletest/googletest CACHE PATH "GoogleTest sources")
  add_library(moe_gtest_wasm STATIC EXCLUDE_FROM_ALL
    ${MOE_GTEST_SRC}/src/gtest-all.cc ${MOE_GTEST_SRC}/src/gtest_main.cc)
  target_include_directories(moe_gtest_wasm SYSTEM PUBLIC ${MOE_GTEST_SRC}/include)
  target_include_directories(moe_gtest_wasm PRIVATE ${MOE_GTEST_SRC})
  target_compile_definitions(moe_gtest_wasm PUBLIC GTEST_HAS_PTHREAD=0)
  target_compile_options(moe_gtest_wasm PRIVATE -fno-exceptions)
  add_executable(moe_kernel_tests EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/tests/cc/test_kernels.cpp)
  target_link_libraries(moe_kernel_tests PRIVATE moe_kernels moe_gtest_wasm)
  target_compile_options(moe_kernel_tests PRIVATE -O2)
  set_target_properties(moe_kernel_tests PROPERTIES SUFFIX ".cjs")  # package.json says "type": "module"
  target_link_options(moe_kernel_tests PRIVATE -O2 -fno-exceptions -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=node -sEXIT_RUNTIME=1
    -sSINGLE_FILE=1)  # wasm inlined: Emscripten 3.1.6 would fetch() a file path under Node 20
else()
  add_executable(moe_kernel_tests EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/tests/cc/test_kernels.cpp)
  target_link_libraries(moe_kernel_tests PRIVATE moe_kernels GTest::gtest GTest::gtest_main)
endif()
