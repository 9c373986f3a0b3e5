// Windows: foreground changes (SetWinEventHook EVENT_SYSTEM_FOREGROUND), injected input
// (LLKHF_INJECTED / LLMHF_INJECTED in the low-level hooks), monitors (EnumDisplayMonitors,
// WM_DISPLAYCHANGE), SM_REMOTESESSION, and the keyboard lock Electron cannot do (Alt+Tab,
// the Win key). All hooks live on one thread with its own message loop, as Windows requires.
// NOT COMPILED OR RUN on the Linux machines this project is developed on: see native/README.md.
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <atomic>
#include <future>
#include <thread>

#include "source.h"

namespace vigil {

double NowEpochMs() {
  FILETIME ft;
  GetSystemTimePreciseAsFileTime(&ft);
  ULARGE_INTEGER u;
  u.LowPart = ft.dwLowDateTime;
  u.HighPart = ft.dwHighDateTime;
  return static_cast<double>(u.QuadPart - 116444736000000000ULL) / 10000.0;
}

const char* PlatformName() { return "win32"; }
int RemoteSessionFlag() { return GetSystemMetrics(SM_REMOTESESSION) ? 1 : 0; }

namespace {

constexpr UINT_PTR kFlushTimer = 1;
constexpr UINT kFlushMs = 250;
const wchar_t kWindowClass[] = L"VigilNativeWatcher";

std::string Utf8(const wchar_t* w, int n = -1) {
  if (!w || n == 0) return "";
  int len = WideCharToMultiByte(CP_UTF8, 0, w, n, nullptr, 0, nullptr, nullptr);
  if (len <= 0) return "";
  std::string s(static_cast<size_t>(len), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w, n, s.data(), len, nullptr, nullptr);
  if (n == -1 && !s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

class Win32Source;
// Low-level hooks and WinEvent callbacks carry no user pointer: one watcher per process.
std::atomic<Win32Source*> g_active{nullptr};

class Win32Source : public Source {
 public:
  explicit Win32Source(Sink sink) : sink_(std::move(sink)) {}
  ~Win32Source() override { Stop(); }

  std::string Start() override {
    Win32Source* expected = nullptr;
    if (!g_active.compare_exchange_strong(expected, this)) return "another native watcher is already running in this process";
    std::promise<std::string> ready;
    auto started = ready.get_future();
    thread_ = std::thread([this, &ready] { Run(ready); });
    std::string err = started.get();
    if (!err.empty()) {
      thread_.join();
      g_active = nullptr;
    }
    return err;
  }

  void Stop() override {
    if (!thread_.joinable()) return;
    PostThreadMessageW(thread_id_, WM_QUIT, 0, 0);
    thread_.join();
    g_active = nullptr;
  }

  std::string SetKeyboardLock(bool on) override {
    lock_ = on;
    return "";
  }

 private:
  void Run(std::promise<std::string>& ready) {
    thread_id_ = GetCurrentThreadId();
    HINSTANCE self = GetModuleHandleW(nullptr);
    WNDCLASSEXW wc{};
    wc.cbSize = sizeof(wc);
    wc.lpfnWndProc = &Win32Source::WndProc;
    wc.hInstance = self;
    wc.lpszClassName = kWindowClass;
    RegisterClassExW(&wc);  // fails harmlessly when a previous watcher registered it
    // A hidden top-level window: WM_DISPLAYCHANGE is broadcast to top-level windows only.
    hwnd_ = CreateWindowExW(WS_EX_TOOLWINDOW, kWindowClass, L"", WS_POPUP, 0, 0, 0, 0, nullptr, nullptr, self, nullptr);
    win_event_ = SetWinEventHook(EVENT_SYSTEM_FOREGROUND, EVENT_SYSTEM_FOREGROUND, nullptr, &Win32Source::OnWinEvent, 0, 0,
                                 WINEVENT_OUTOFCONTEXT);
    kb_hook_ = SetWindowsHookExW(WH_KEYBOARD_LL, &Win32Source::OnKey, self, 0);
    mouse_hook_ = SetWindowsHookExW(WH_MOUSE_LL, &Win32Source::OnMouse, self, 0);
    if (!hwnd_ || !win_event_ || !kb_hook_ || !mouse_hook_) {
      DWORD code = GetLastError();
      Cleanup();
      ready.set_value("Windows refused a hook or window (error " + std::to_string(code) + ")");
      return;
    }
    SetTimer(hwnd_, kFlushTimer, kFlushMs, nullptr);
    ready.set_value("");
    EmitForeground(GetForegroundWindow());
    EmitDisplays();
    MSG msg;
    while (GetMessageW(&msg, nullptr, 0, 0) > 0) {
      TranslateMessage(&msg);
      DispatchMessageW(&msg);
    }
    Flush();
    Cleanup();
  }

  void Cleanup() {
    if (mouse_hook_) UnhookWindowsHookEx(mouse_hook_);
    if (kb_hook_) UnhookWindowsHookEx(kb_hook_);
    if (win_event_) UnhookWinEvent(win_event_);
    if (hwnd_) DestroyWindow(hwnd_);
    mouse_hook_ = nullptr;
    kb_hook_ = nullptr;
    win_event_ = nullptr;
    hwnd_ = nullptr;
  }

  void Emit(NativeEvent&& ev) {
    ev.t = NowEpochMs();
    sink_(std::move(ev));
  }

  static void CALLBACK OnWinEvent(HWINEVENTHOOK, DWORD, HWND hwnd, LONG id_object, LONG, DWORD, DWORD) {
    Win32Source* self = g_active.load();
    if (self && id_object == OBJID_WINDOW) self->EmitForeground(hwnd);
  }

  static bool Blocked(const KBDLLHOOKSTRUCT* k) {
    bool alt = (k->flags & LLKHF_ALTDOWN) != 0;
    bool ctrl = (GetAsyncKeyState(VK_CONTROL) & 0x8000) != 0;
    switch (k->vkCode) {
      case VK_LWIN:
      case VK_RWIN:
      case VK_APPS:
        return true;
      case VK_TAB:
        return alt;  // Alt+Tab
      case VK_ESCAPE:
        return alt || ctrl;  // Alt+Esc, Ctrl+Esc (Start menu)
      case VK_F4:
        return alt;  // Alt+F4
      default:
        return false;
    }
  }

  static LRESULT CALLBACK OnKey(int code, WPARAM wp, LPARAM lp) {
    Win32Source* self = g_active.load();
    if (code == HC_ACTION && self) {
      auto* k = reinterpret_cast<KBDLLHOOKSTRUCT*>(lp);
      if ((wp == WM_KEYDOWN || wp == WM_SYSKEYDOWN) && (k->flags & LLKHF_INJECTED)) self->keys_++;
      if (self->lock_ && Blocked(k)) return 1;  // swallowed: the shell never sees it
    }
    return CallNextHookEx(nullptr, code, wp, lp);
  }

  static LRESULT CALLBACK OnMouse(int code, WPARAM wp, LPARAM lp) {
    Win32Source* self = g_active.load();
    if (code == HC_ACTION && self) {
      auto* m = reinterpret_cast<MSLLHOOKSTRUCT*>(lp);
      if (m->flags & LLMHF_INJECTED) {
        if (wp == WM_MOUSEMOVE) self->motions_++;
        else if (wp == WM_LBUTTONDOWN || wp == WM_RBUTTONDOWN || wp == WM_MBUTTONDOWN || wp == WM_XBUTTONDOWN) self->buttons_++;
      }
    }
    return CallNextHookEx(nullptr, code, wp, lp);
  }

  static LRESULT CALLBACK WndProc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp) {
    Win32Source* self = g_active.load();
    if (self && msg == WM_DISPLAYCHANGE) self->EmitDisplays();
    if (self && msg == WM_TIMER && wp == kFlushTimer) self->Flush();
    return DefWindowProcW(hwnd, msg, wp, lp);
  }

  void Flush() {
    if (keys_ + buttons_ + motions_ == 0) return;
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Input;
    ev.device = "injected input (LLKHF_INJECTED / LLMHF_INJECTED)";
    ev.injected = true;
    ev.keys = keys_;
    ev.buttons = buttons_;
    ev.motions = motions_;
    keys_ = buttons_ = motions_ = 0;
    Emit(std::move(ev));
  }

  void EmitForeground(HWND hwnd) {
    if (hwnd == last_) return;
    last_ = hwnd;
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Foreground;
    ev.window = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(hwnd));
    if (hwnd) {
      DWORD pid = 0;
      GetWindowThreadProcessId(hwnd, &pid);
      ev.pid = pid;
      if (HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid)) {
        wchar_t path[MAX_PATH * 4];
        DWORD size = static_cast<DWORD>(sizeof(path) / sizeof(path[0]));
        if (QueryFullProcessImageNameW(p, 0, path, &size)) ev.executable = Utf8(path, static_cast<int>(size));
        CloseHandle(p);
      }
      wchar_t cls[256];
      int n = GetClassNameW(hwnd, cls, 256);
      ev.appClass = Utf8(cls, n);
      wchar_t title[512];
      n = GetWindowTextW(hwnd, title, 512);
      ev.title = Utf8(title, n);
    }
    Emit(std::move(ev));
  }

  static BOOL CALLBACK OnMonitor(HMONITOR monitor, HDC, LPRECT, LPARAM data) {
    auto* out = reinterpret_cast<std::vector<DisplayInfo>*>(data);
    MONITORINFOEXW info{};
    info.cbSize = sizeof(info);
    if (GetMonitorInfoW(monitor, &info)) {
      DisplayInfo d;
      d.name = Utf8(info.szDevice);
      d.x = info.rcMonitor.left;
      d.y = info.rcMonitor.top;
      d.width = static_cast<uint32_t>(info.rcMonitor.right - info.rcMonitor.left);
      d.height = static_cast<uint32_t>(info.rcMonitor.bottom - info.rcMonitor.top);
      d.primary = (info.dwFlags & MONITORINFOF_PRIMARY) != 0;
      // Screens attached to this monitor's adapter output: "Duplicate these displays" puts two here.
      d.outputs = 0;
      DISPLAY_DEVICEW dev{};
      dev.cb = sizeof(dev);
      for (DWORD i = 0; EnumDisplayDevicesW(info.szDevice, i, &dev, 0); i++) {
        if (dev.StateFlags & DISPLAY_DEVICE_ACTIVE) d.outputs++;
        dev.cb = sizeof(dev);
      }
      if (d.outputs == 0) d.outputs = 1;
      d.mirrored = d.outputs > 1;
      out->push_back(d);
    }
    return TRUE;
  }

  void EmitDisplays() {
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Displays;
    EnumDisplayMonitors(nullptr, nullptr, &Win32Source::OnMonitor, reinterpret_cast<LPARAM>(&ev.displays));
    Emit(std::move(ev));
  }

  Sink sink_;
  std::thread thread_;
  DWORD thread_id_ = 0;
  HWND hwnd_ = nullptr;
  HWINEVENTHOOK win_event_ = nullptr;
  HHOOK kb_hook_ = nullptr;
  HHOOK mouse_hook_ = nullptr;
  HWND last_ = reinterpret_cast<HWND>(-1);
  std::atomic<bool> lock_{false};
  // Touched only on the hook thread.
  uint32_t keys_ = 0, buttons_ = 0, motions_ = 0;
};

}  // namespace

std::unique_ptr<Source> CreateSource(Sink sink) { return std::make_unique<Win32Source>(std::move(sink)); }

}  // namespace vigil
