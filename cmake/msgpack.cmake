# msgpack-c, the MessagePack C library: the imported target sio_msgpackc.
# Debian ships it as libmsgpack-dev on bookworm (4.0: pkg-config "msgpack",
# libmsgpackc) and libmsgpack-c-dev from trixie on (6.x/7.x: pkg-config
# "msgpack-c", libmsgpack-c). pkg-config's answer is used as a hint only (trixie's
# msgpack-c.pc has a relative includedir): the header msgpack.h and the library
# are then found by name.
if(NOT TARGET sio_msgpackc)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_search_module(SIO_MSGPACKC_PC QUIET msgpack-c msgpack)
  endif()
  find_path(SIO_MSGPACKC_INCLUDE_DIR msgpack.h HINTS ${SIO_MSGPACKC_PC_INCLUDE_DIRS})
  find_library(SIO_MSGPACKC_LIBRARY NAMES msgpack-c msgpackc HINTS ${SIO_MSGPACKC_PC_LIBRARY_DIRS})
  if(NOT SIO_MSGPACKC_INCLUDE_DIR OR NOT SIO_MSGPACKC_LIBRARY)
    message(FATAL_ERROR "msgpack-c not found: install libmsgpack-c-dev (Debian trixie and later) "
                        "or libmsgpack-dev (bookworm)")
  endif()
  add_library(sio_msgpackc INTERFACE IMPORTED)
  target_include_directories(sio_msgpackc INTERFACE ${SIO_MSGPACKC_INCLUDE_DIR})
  target_link_libraries(sio_msgpackc INTERFACE ${SIO_MSGPACKC_LIBRARY})
  message(STATUS "msgpack-c: ${SIO_MSGPACKC_LIBRARY} (${SIO_MSGPACKC_INCLUDE_DIR}/msgpack.h)")
endif()
