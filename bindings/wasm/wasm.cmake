# The WebAssembly module: bindings.cpp (Embind) linked with moe_core into an ES6 module factory.
# Included by the top-level CMakeLists.txt under if(EMSCRIPTEN); one build dir per variant:
# MOE_SIMD=ON -> moe-simd.{js,wasm} (SIMD128 + xsimd kernels), OFF -> moe-base.{js,wasm} (scalar);
# MOE_SIMD=ON with MOE_THREADS=ON -> moe-threads.{js,wasm,worker.js} (SIMD128 + pthreads, shared memory).
if(MOE_THREADS)
  set(MOE_WASM_NAME moe-threads)
elseif(MOE_SIMD)
  set(MOE_WASM_NAME moe-simd)
else()
  set(MOE_WASM_NAME moe-base)
endif()

# The package version (package.json) is compiled in, so init() reports the one version.
file(READ ${CMAKE_SOURCE_DIR}/package.json MOE_PACKAGE_JSON)
string(JSON MOE_PACKAGE_VERSION GET "${MOE_PACKAGE_JSON}" version)

add_executable(moe_wasm ${CMAKE_CURRENT_LIST_DIR}/bindings.cpp ${CMAKE_CURRENT_LIST_DIR}/data_bindings.cpp)
target_link_libraries(moe_wasm PRIVATE moe_core)
set_target_properties(moe_wasm PROPERTIES OUTPUT_NAME ${MOE_WASM_NAME} SUFFIX ".js")
target_compile_definitions(moe_wasm PRIVATE MOE_PACKAGE_VERSION="${MOE_PACKAGE_VERSION}")
target_compile_options(moe_wasm PRIVATE -O3 -Wall -Wextra -Wno-unused-parameter)
target_link_options(moe_wasm PRIVATE
  -O3
  -lembind
  -fno-exceptions
  # An ES6 module exporting a factory: `const Module = await createMoeModule({ wasmBinary })`.
  -sMODULARIZE=1
  -sEXPORT_ES6=1
  -sEXPORT_NAME=createMoeModule
  # The heap grows on demand up to 2 GiB. wasm32 could address 4 GiB, but 2 GiB is what every
  # browser grants reliably (and what keeps pointer arithmetic in JS as signed int32 safe).
  -sALLOW_MEMORY_GROWTH=1
  -sINITIAL_MEMORY=16777216
  -sMAXIMUM_MEMORY=2147483648
  # No eval / new Function: pages can run under a strict CSP (only 'wasm-unsafe-eval' needed).
  -sDYNAMIC_EXECUTION=0
  # One glue for every host: no Node branch (no require/fs/path/__dirname for bundlers to trip on);
  # Node gets the bytes as wasmBinary from module-loader-node.ts.
  -sENVIRONMENT=web,worker
  # The model reads and writes bytes handed over by JS; no virtual file system is needed.
  -sFILESYSTEM=0
  # A failed malloc returns nullptr (the core reports it) instead of aborting the module.
  -sABORTING_MALLOC=0
  # A library must not install process-wide handlers in Node (the glue's defaults rethrow every
  # unhandled rejection of the host program and call process.exit).
  -sNODEJS_CATCH_EXIT=0
  -sNODEJS_CATCH_REJECTION=0
)
if(MOE_THREADS)
  target_link_options(moe_wasm PRIVATE
    -pthread
    # The pool's workers are started (and loaded) before the module resolves, as many as the loader
    # asks for: createMoeModule({ moePoolSize }) (module-loader.ts), so std::thread never waits for one.
    -sPTHREAD_POOL_SIZE=Module.moePoolSize
    -sPTHREAD_POOL_SIZE_STRICT=2
    # No import.meta in the glue: bundlers see no `new Worker(new URL(...))` to split out; the loader
    # passes locateFile (the worker script) and mainScriptUrlOrBlob (this glue, imported by workers).
    -sUSE_ES6_IMPORT_META=0
    # The pool threads only wait and compute: a small stack each (the default is 2 MiB).
    -sDEFAULT_PTHREAD_STACK_SIZE=262144
  )
endif()
