# msgpack-c, the MessagePack C library: the imported target sio_msgpackc.
# Debian ships it as libmsgpack-dev on bookworm (4.0: pkg-config "msgpack",
# libmsgpackc) and libmsgpack-c-dev from trixie on (6.x/7.x: pkg-config
# "msgpack-c", libmsgpack-c). pkg-config first (a module that names no library,
# such as a C++-only one, does not count), else the header and the library by name.
if(NOT TARGET sio_msgpackc)
  add_library(sio_msgpackc INTERFACE IMPORTED)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_search_module(SIO_MSGPACKC QUIET IMPORTED_TARGET msgpack-c msgpack)
  endif()
  if(TARGET PkgConfig::SIO_MSGPACKC AND SIO_MSGPACKC_LIBRARIES MATCHES "msgpack-?c")
    target_link_libraries(sio_msgpackc INTERFACE PkgConfig::SIO_MSGPACKC)
    message(STATUS "msgpack-c: pkg-config ${SIO_MSGPACKC_MODULE_NAME} ${SIO_MSGPACKC_VERSION}")
  else()
    find_path(SIO_MSGPACKC_INCLUDE_DIR msgpack.h)
    find_library(SIO_MSGPACKC_LIBRARY NAMES msgpack-c msgpackc)
    if(NOT SIO_MSGPACKC_INCLUDE_DIR OR NOT SIO_MSGPACKC_LIBRARY)
      message(FATAL_ERROR "msgpack-c not found: install libmsgpack-c-dev (Debian trixie and later) "
                          "or libmsgpack-dev (bookworm)")
    endif()
    target_include_directories(sio_msgpackc INTERFACE ${SIO_MSGPACKC_INCLUDE_DIR})
    target_link_libraries(sio_msgpackc INTERFACE ${SIO_MSGPACKC_LIBRARY})
    message(STATUS "msgpack-c: ${SIO_MSGPACKC_LIBRARY}")
  endif()
endif()
