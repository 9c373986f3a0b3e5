// The one interface each platform implements (x11-source.cc, win32-source.cc,
// macos-source.mm). A source runs its own OS event loop on its own thread and hands
// every observation to a Sink; addon.cc turns them into JS objects on the main thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vigil {

struct DisplayInfo {
  std::string name;
  // X11: the X screen (separate screens have separate coordinates); 0 elsewhere.
  int32_t screen = 0;
  int32_t x = 0, y = 0;
  uint32_t width = 0, height = 0;
  bool primary = false;
  // Outputs (connectors) showing this display: more than one means a mirror.
  uint32_t outputs = 1;
  bool mirrored = false;
};

struct NativeEvent {
  enum class Kind { Foreground, Input, Displays, Limitation, Error };
  Kind kind = Kind::Error;
  double t = 0;  // epoch ms when the source saw it

  // Foreground: pid 0 = unknown (the window did not say), window 0 = nothing focused.
  int64_t pid = 0;
  uint64_t window = 0;
  std::string executable;  // empty where the source cannot know it (X11: main reads /proc)
  std::string appClass;
  std::string title;

  // Input: counts of raw events from one source device since the last report.
  std::string device;
  int32_t deviceId = 0;
  std::string deviceNode;  // e.g. /dev/input/event5 when the server knows it
  bool injected = false;   // the OS itself says the input was injected (XTEST, LLKHF_INJECTED, ...)
  uint32_t keys = 0, buttons = 0, motions = 0;

  // Displays: the full current list.
  std::vector<DisplayInfo> displays;

  // Limitation / Error: what cannot be watched, or why the source stopped.
  std::string what;
  std::string message;
};

using Sink = std::function<void(NativeEvent&&)>;

class Source {
 public:
  virtual ~Source() = default;
  // Empty string on success, else a sentence a person can act on. Never blocks for long.
  virtual std::string Start() = 0;
  // Stops the thread and waits for it. Safe to call twice.
  virtual void Stop() = 0;
  // Windows only: block Alt+Tab / Win keys while the exam runs. Others say why not.
  virtual std::string SetKeyboardLock(bool on) { return "not supported on this platform"; }
};

// Implemented once per platform; the build compiles exactly one.
std::unique_ptr<Source> CreateSource(Sink sink);
// "x11", "win32" or "macos".
const char* PlatformName();
// Windows SM_REMOTESESSION; -1 where the platform has no such query.
int RemoteSessionFlag();

double NowEpochMs();

}  // namespace vigil
