// A TCP port on 127.0.0.1 that was free a moment ago (the launcher's default scheduler port,
// and tests that start jobs side by side).
#ifndef TESSERA_LAUNCHER_FREE_PORT_H_
#define TESSERA_LAUNCHER_FREE_PORT_H_

namespace mx {
namespace launcher {

// 9091 (MXNet's default) when no port can be had.
int FreePort();

}  // namespace launcher
}  // namespace mx

#endif  // TESSERA_LAUNCHER_FREE_PORT_H_
