// X11: foreground window (EWMH _NET_ACTIVE_WINDOW), injected input (XInput2 raw events whose
// source device is the XTEST device) and displays (XRandR monitors), on one thread with its
// own Display connection.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XInput2.h>
#include <X11/extensions/Xrandr.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "source.h"

namespace vigil {

double NowEpochMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(system_clock::now().time_since_epoch()).count();
}

const char* PlatformName() { return "x11"; }
int RemoteSessionFlag() { return -1; }

namespace {

// Counts are batched: one report per device per interval keeps a 60 Hz mouse from crossing
// into JS 60 times a second.
constexpr int kFlushMs = 250;
// RandR does not announce every monitor change (`xrandr --setmonitor` sends no event on
// some servers), so the monitor list is also re-read this often.
constexpr int kDisplayPollMs = 1000;

// Xlib's error handler is process-wide. Ours swallows errors on our own connections (a
// window can vanish between the notify and our property read) and passes the rest on to
// whoever had it before, so another Xlib user in this process (libuiohook) is unaffected.
std::mutex g_handler_mutex;
XErrorHandler g_previous_handler = nullptr;
std::map<Display*, int> g_our_displays;

int OnXError(Display* dpy, XErrorEvent* ev) {
  {
    std::lock_guard<std::mutex> lock(g_handler_mutex);
    if (g_our_displays.count(dpy)) return 0;
  }
  return g_previous_handler ? g_previous_handler(dpy, ev) : 0;
}

void Adopt(Display* dpy) {
  std::lock_guard<std::mutex> lock(g_handler_mutex);
  if (g_our_displays.empty()) {
    XErrorHandler prev = XSetErrorHandler(OnXError);
    if (prev != OnXError) g_previous_handler = prev;
  }
  g_our_displays[dpy] = 1;
}

void Release(Display* dpy) {
  std::lock_guard<std::mutex> lock(g_handler_mutex);
  g_our_displays.erase(dpy);
}

struct DeviceInfo {
  std::string name;
  std::string node;
  bool xtest = false;
};

struct Counts {
  uint32_t keys = 0, buttons = 0, motions = 0;
};

class X11Source : public Source {
 public:
  explicit X11Source(Sink sink) : sink_(std::move(sink)) {}
  ~X11Source() override { Stop(); }

  std::string Start() override {
    const char* name = getenv("DISPLAY");
    if (!name || !*name) return "DISPLAY is not set: no X11 display to watch";
    dpy_ = XOpenDisplay(nullptr);
    if (!dpy_) return std::string("cannot open X display ") + name;
    Adopt(dpy_);
    // Without this Xlib calls exit() when the server goes away; we end the thread instead.
    XSetIOErrorExitHandler(dpy_, &X11Source::OnIoExit, this);
    int event, error;
    if (!XQueryExtension(dpy_, "XInputExtension", &xi_opcode_, &event, &error)) {
      xi_opcode_ = -1;
    } else {
      int major = 2, minor = 2;
      if (XIQueryVersion(dpy_, &major, &minor) != Success) xi_opcode_ = -1;
    }
    has_randr_ = XRRQueryExtension(dpy_, &randr_event_base_, &error);
    if (pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
      Close();
      return "cannot create the stop pipe";
    }
    thread_ = std::thread([this] { Run(); });
    return "";
  }

  void Stop() override {
    if (!thread_.joinable()) return;
    char b = 1;
    (void)!write(stop_pipe_[1], &b, 1);
    thread_.join();
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
    Close();
  }

 private:
  static void OnIoExit(Display*, void* self) {
    // Called from inside Xlib on our thread when the connection breaks. Returning (instead of
    // exit()) is what this hook exists for (libX11 1.7, added for Xwayland restarts in
    // mutter): Xlib marks the display dead and its calls return; Loop() sees the flag.
    static_cast<X11Source*>(self)->connection_lost_ = true;
  }

  void Close() {
    if (!dpy_) return;
    if (!connection_lost_) XCloseDisplay(dpy_);  // a broken connection is leaked, not touched
    Release(dpy_);
    dpy_ = nullptr;
  }

  void Emit(NativeEvent&& ev) {
    ev.t = NowEpochMs();
    sink_(std::move(ev));
  }

  void Limitation(const char* what, const std::string& message) {
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Limitation;
    ev.what = what;
    ev.message = message;
    Emit(std::move(ev));
  }

  void Run() {
    Setup();
    Loop();
    if (connection_lost_) {
      NativeEvent ev;
      ev.kind = NativeEvent::Kind::Error;
      ev.message = "the X server closed the connection";
      Emit(std::move(ev));
    }
  }

  void Setup() {
    root_ = DefaultRootWindow(dpy_);
    a_active_ = XInternAtom(dpy_, "_NET_ACTIVE_WINDOW", False);
    a_pid_ = XInternAtom(dpy_, "_NET_WM_PID", False);
    a_name_ = XInternAtom(dpy_, "_NET_WM_NAME", False);
    a_utf8_ = XInternAtom(dpy_, "UTF8_STRING", False);
    a_wm_check_ = XInternAtom(dpy_, "_NET_SUPPORTING_WM_CHECK", False);
    a_device_node_ = XInternAtom(dpy_, "Device Node", False);
    XSelectInput(dpy_, root_, PropertyChangeMask);

    if (xi_opcode_ >= 0) {
      unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {0};
      XISetMask(bits, XI_RawKeyPress);
      XISetMask(bits, XI_RawButtonPress);
      XISetMask(bits, XI_RawMotion);
      XIEventMask masks[2];
      masks[0] = {XIAllMasterDevices, sizeof(bits), bits};
      unsigned char hier[XIMaskLen(XI_LASTEVENT)] = {0};
      XISetMask(hier, XI_HierarchyChanged);
      masks[1] = {XIAllDevices, sizeof(hier), hier};
      XISelectEvents(dpy_, root_, masks, 2);
      LoadDevices();
    } else {
      Limitation("synthetic_input", "the X server has no XInput 2.2: injected input cannot be told apart");
    }
    if (has_randr_) {
      XRRSelectInput(dpy_, root_, RRScreenChangeNotifyMask | RRCrtcChangeNotifyMask | RROutputChangeNotifyMask);
    } else {
      Limitation("displays", "the X server has no RandR: only the screen count is known");
    }
    if (!HasWindowManager()) {
      Limitation("foreground", "no EWMH window manager (_NET_SUPPORTING_WM_CHECK): foreground changes cannot be seen until one runs");
    }
    EmitForeground(true);
    EmitDisplays(true);
    XFlush(dpy_);
  }

  void Loop() {
    using Clock = std::chrono::steady_clock;
    auto next_flush = Clock::now() + std::chrono::milliseconds(kFlushMs);
    auto next_displays = Clock::now() + std::chrono::milliseconds(kDisplayPollMs);
    pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    while (!connection_lost_) {
      while (!connection_lost_ && XPending(dpy_) > 0) {
        XEvent ev;
        XNextEvent(dpy_, &ev);
        Handle(ev);
      }
      if (connection_lost_) break;
      auto now = Clock::now();
      if (now >= next_flush) {
        FlushCounts();
        next_flush = now + std::chrono::milliseconds(kFlushMs);
      }
      if (now >= next_displays) {
        EmitDisplays(false);
        next_displays = now + std::chrono::milliseconds(kDisplayPollMs);
      }
      XFlush(dpy_);
      // Sleep until X has something, we are stopped, or the next deadline; with no input
      // pending nothing needs flushing, so the only idle wake-up is the display re-read.
      auto deadline = counts_.empty() ? next_displays : std::min(next_flush, next_displays);
      int timeout = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      if (timeout < 0) timeout = 0;
      int r = poll(fds, 2, timeout);
      if (r < 0 && errno != EINTR) break;
      if (fds[1].revents & POLLIN) break;
      if (fds[0].revents & (POLLHUP | POLLERR)) {
        XPending(dpy_);  // lets Xlib notice the hang-up and call OnIoExit
        connection_lost_ = true;
      }
    }
    FlushCounts();
  }

  void Handle(XEvent& ev) {
    if (ev.type == PropertyNotify && ev.xproperty.window == root_) {
      if (ev.xproperty.atom == a_active_) EmitForeground(false);
      return;
    }
    if (has_randr_ && (ev.type == randr_event_base_ + RRScreenChangeNotify || ev.type == randr_event_base_ + RRNotify)) {
      XRRUpdateConfiguration(&ev);
      EmitDisplays(false);
      return;
    }
    if (ev.type == GenericEvent && ev.xcookie.extension == xi_opcode_ && XGetEventData(dpy_, &ev.xcookie)) {
      if (ev.xcookie.evtype == XI_HierarchyChanged) {
        LoadDevices();
      } else {
        auto* raw = static_cast<XIRawEvent*>(ev.xcookie.data);
        Counts& c = counts_[raw->sourceid];
        if (ev.xcookie.evtype == XI_RawKeyPress) c.keys++;
        else if (ev.xcookie.evtype == XI_RawButtonPress) c.buttons++;
        else c.motions++;
      }
      XFreeEventData(dpy_, &ev.xcookie);
    }
  }

  bool HasWindowManager() {
    return ReadWindowProperty(root_, a_wm_check_) != 0;
  }

  Window ReadWindowProperty(Window w, Atom prop) {
    Atom type;
    int format;
    unsigned long n, after;
    unsigned char* data = nullptr;
    Window result = 0;
    if (XGetWindowProperty(dpy_, w, prop, 0, 1, False, XA_WINDOW, &type, &format, &n, &after, &data) == Success &&
        data && n == 1 && format == 32) {
      result = *reinterpret_cast<Window*>(data);
    }
    if (data) XFree(data);
    return result;
  }

  int64_t ReadPid(Window w) {
    Atom type;
    int format;
    unsigned long n, after;
    unsigned char* data = nullptr;
    int64_t pid = 0;
    if (XGetWindowProperty(dpy_, w, a_pid_, 0, 1, False, XA_CARDINAL, &type, &format, &n, &after, &data) == Success &&
        data && n == 1 && format == 32) {
      pid = static_cast<int64_t>(*reinterpret_cast<unsigned long*>(data));
    }
    if (data) XFree(data);
    return pid;
  }

  std::string ReadTitle(Window w) {
    Atom type;
    int format;
    unsigned long n, after;
    unsigned char* data = nullptr;
    std::string title;
    if (XGetWindowProperty(dpy_, w, a_name_, 0, 1024, False, a_utf8_, &type, &format, &n, &after, &data) == Success &&
        data && format == 8) {
      title.assign(reinterpret_cast<char*>(data), n);
    }
    if (data) XFree(data);
    if (title.empty()) {
      char* name = nullptr;
      if (XFetchName(dpy_, w, &name) && name) {
        title = name;
        XFree(name);
      }
    }
    return title;
  }

  void EmitForeground(bool initial) {
    Window w = ReadWindowProperty(root_, a_active_);
    if (!initial && w == last_active_) return;
    last_active_ = w;
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Foreground;
    ev.window = w;
    if (w) {
      ev.pid = ReadPid(w);
      XClassHint hint{nullptr, nullptr};
      if (XGetClassHint(dpy_, w, &hint)) {
        if (hint.res_class) ev.appClass = hint.res_class;
        if (hint.res_name) XFree(hint.res_name);
        if (hint.res_class) XFree(hint.res_class);
      }
      ev.title = ReadTitle(w);
    }
    Emit(std::move(ev));
  }

  void LoadDevices() {
    devices_.clear();
    int n = 0;
    XIDeviceInfo* info = XIQueryDevice(dpy_, XIAllDevices, &n);
    for (int i = 0; info && i < n; i++) {
      DeviceInfo d;
      d.name = info[i].name ? info[i].name : "";
      // The X server names its injection devices "Virtual core XTEST pointer/keyboard";
      // they are slaves of the core master devices and carry everything XTest injects.
      d.xtest = d.name.find("XTEST") != std::string::npos &&
                (info[i].use == XISlavePointer || info[i].use == XISlaveKeyboard);
      d.node = DeviceNode(info[i].deviceid);
      devices_[info[i].deviceid] = d;
    }
    if (info) XIFreeDeviceInfo(info);
  }

  std::string DeviceNode(int id) {
    Atom type;
    int format;
    unsigned long n, after;
    unsigned char* data = nullptr;
    std::string node;
    if (XIGetProperty(dpy_, id, a_device_node_, 0, 256, False, AnyPropertyType, &type, &format, &n, &after, &data) ==
            Success &&
        data && format == 8) {
      node.assign(reinterpret_cast<char*>(data), strnlen(reinterpret_cast<char*>(data), n));
    }
    if (data) XFree(data);
    return node;
  }

  void FlushCounts() {
    for (auto& [id, c] : counts_) {
      NativeEvent ev;
      ev.kind = NativeEvent::Kind::Input;
      ev.deviceId = id;
      auto it = devices_.find(id);
      if (it != devices_.end()) {
        ev.device = it->second.name;
        ev.deviceNode = it->second.node;
        ev.injected = it->second.xtest;
      }
      ev.keys = c.keys;
      ev.buttons = c.buttons;
      ev.motions = c.motions;
      Emit(std::move(ev));
    }
    counts_.clear();
  }

  std::vector<DisplayInfo> ReadDisplays() {
    std::vector<DisplayInfo> out;
    if (has_randr_) {
      int n = 0;
      XRRMonitorInfo* monitors = XRRGetMonitors(dpy_, root_, True, &n);
      for (int i = 0; monitors && i < n; i++) {
        DisplayInfo d;
        char* name = monitors[i].name ? XGetAtomName(dpy_, monitors[i].name) : nullptr;
        d.name = name ? name : "";
        if (name) XFree(name);
        d.x = monitors[i].x;
        d.y = monitors[i].y;
        d.width = monitors[i].width;
        d.height = monitors[i].height;
        d.primary = monitors[i].primary;
        d.outputs = monitors[i].noutput;
        d.mirrored = monitors[i].noutput > 1;
        d.screen = DefaultScreen(dpy_);
        out.push_back(d);
      }
      if (monitors) XRRFreeMonitors(monitors);
    }
    if (out.empty()) {
      Screen* s = DefaultScreenOfDisplay(dpy_);
      DisplayInfo d;
      d.name = "X screen " + std::to_string(DefaultScreen(dpy_));
      d.screen = DefaultScreen(dpy_);
      d.width = WidthOfScreen(s);
      d.height = HeightOfScreen(s);
      d.primary = true;
      out.push_back(d);
    }
    // Further X screens (a zaphod setup, or Xvfb -screen 1) are displays of their own.
    for (int i = 0; i < ScreenCount(dpy_); i++) {
      if (i == DefaultScreen(dpy_)) continue;
      Screen* s = ScreenOfDisplay(dpy_, i);
      DisplayInfo d;
      d.screen = i;
      d.name = "X screen " + std::to_string(i);
      d.width = WidthOfScreen(s);
      d.height = HeightOfScreen(s);
      out.push_back(d);
    }
    // Two monitors showing the same area are one picture on two screens.
    for (size_t i = 0; i < out.size(); i++) {
      for (size_t j = 0; j < out.size(); j++) {
        if (i != j && out[i].screen == out[j].screen && out[i].x == out[j].x && out[i].y == out[j].y &&
            out[i].width == out[j].width && out[i].height == out[j].height) {
          out[i].mirrored = true;
        }
      }
    }
    return out;
  }

  static bool Same(const std::vector<DisplayInfo>& a, const std::vector<DisplayInfo>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
      if (a[i].name != b[i].name || a[i].screen != b[i].screen || a[i].x != b[i].x || a[i].y != b[i].y || a[i].width != b[i].width ||
          a[i].height != b[i].height || a[i].primary != b[i].primary || a[i].outputs != b[i].outputs ||
          a[i].mirrored != b[i].mirrored)
        return false;
    }
    return true;
  }

  void EmitDisplays(bool initial) {
    auto displays = ReadDisplays();
    if (!initial && Same(displays, last_displays_)) return;
    last_displays_ = displays;
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Displays;
    ev.displays = std::move(displays);
    Emit(std::move(ev));
  }

  Sink sink_;
  Display* dpy_ = nullptr;
  std::thread thread_;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> connection_lost_{false};
  int xi_opcode_ = -1;
  bool has_randr_ = false;
  int randr_event_base_ = 0;
  Window root_ = 0;
  Window last_active_ = 0;
  Atom a_active_ = 0, a_pid_ = 0, a_name_ = 0, a_utf8_ = 0, a_wm_check_ = 0, a_device_node_ = 0;
  std::map<int, DeviceInfo> devices_;
  std::map<int, Counts> counts_;
  std::vector<DisplayInfo> last_displays_;
};

}  // namespace

std::unique_ptr<Source> CreateSource(Sink sink) { return std::make_unique<X11Source>(std::move(sink)); }

}  // namespace vigil
