// macOS: foreground application (NSWorkspace activation notifications), software-posted
// input (a listen-only event tap; an event whose source state is not the HID system state was
// posted by a program, and the event names that program's pid), and the active display list
// (CGGetActiveDisplayList, CGDisplayRegisterReconfigurationCallback).
// NOT COMPILED OR RUN on the Linux machines this project is developed on: see native/README.md.
#import <AppKit/AppKit.h>
#import <ApplicationServices/ApplicationServices.h>
#include <libproc.h>

#include <map>
#include <mutex>
#include <thread>

#include "source.h"

namespace vigil {

double NowEpochMs() { return [[NSDate date] timeIntervalSince1970] * 1000.0; }
const char* PlatformName() { return "macos"; }
int RemoteSessionFlag() { return -1; }

namespace {

struct Counts {
  uint32_t keys = 0, buttons = 0, motions = 0;
};

class MacSource : public Source {
 public:
  explicit MacSource(Sink sink) : sink_(std::move(sink)) {}
  ~MacSource() override { Stop(); }

  std::string Start() override {
    @autoreleasepool {
      // Delivered on our own queue; NSWorkspace posts from the main thread's run loop, which
      // Electron's main process runs (plain Node does not: there only the first state arrives).
      queue_ = [[NSOperationQueue alloc] init];
      MacSource* self = this;
      observer_ = [[[NSWorkspace sharedWorkspace] notificationCenter]
          addObserverForName:NSWorkspaceDidActivateApplicationNotification
                      object:nil
                       queue:queue_
                  usingBlock:^(NSNotification* note) {
                    self->EmitApp(note.userInfo[NSWorkspaceApplicationKey]);
                  }];
      EmitApp([[NSWorkspace sharedWorkspace] frontmostApplication]);
    }
    CGDisplayRegisterReconfigurationCallback(&MacSource::OnReconfigure, this);
    EmitDisplays();
    running_ = true;
    thread_ = std::thread([this] { RunTap(); });
    return "";
  }

  void Stop() override {
    if (!running_) return;
    running_ = false;
    CGDisplayRemoveReconfigurationCallback(&MacSource::OnReconfigure, this);
    if (observer_) [[[NSWorkspace sharedWorkspace] notificationCenter] removeObserver:observer_];
    observer_ = nil;
    {
      std::lock_guard<std::mutex> lock(loop_mutex_);
      if (loop_) CFRunLoopStop(loop_);
      stop_requested_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Emit(NativeEvent&& ev) {
    ev.t = NowEpochMs();
    sink_(std::move(ev));
  }

  void EmitApp(NSRunningApplication* app) {
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Foreground;
    if (app) {
      ev.pid = app.processIdentifier;
      ev.window = static_cast<uint64_t>(app.processIdentifier);
      if (app.executableURL.path) ev.executable = app.executableURL.path.UTF8String;
      if (app.bundleIdentifier) ev.appClass = app.bundleIdentifier.UTF8String;
      if (app.localizedName) ev.title = app.localizedName.UTF8String;
    }
    Emit(std::move(ev));
  }

  static void OnReconfigure(CGDirectDisplayID, CGDisplayChangeSummaryFlags flags, void* self) {
    if (flags & kCGDisplayBeginConfigurationFlag) return;  // wait for the end of the change
    static_cast<MacSource*>(self)->EmitDisplays();
  }

  void EmitDisplays() {
    CGDirectDisplayID ids[32];
    uint32_t n = 0;
    NativeEvent ev;
    ev.kind = NativeEvent::Kind::Displays;
    if (CGGetActiveDisplayList(32, ids, &n) == kCGErrorSuccess) {
      for (uint32_t i = 0; i < n; i++) {
        CGRect r = CGDisplayBounds(ids[i]);
        DisplayInfo d;
        d.name = "display " + std::to_string(ids[i]);
        d.x = static_cast<int32_t>(r.origin.x);
        d.y = static_cast<int32_t>(r.origin.y);
        d.width = static_cast<uint32_t>(r.size.width);
        d.height = static_cast<uint32_t>(r.size.height);
        d.primary = CGDisplayIsMain(ids[i]);
        d.mirrored = CGDisplayIsInMirrorSet(ids[i]);
        ev.displays.push_back(d);
      }
    }
    Emit(std::move(ev));
  }

  static CGEventRef OnTap(CGEventTapProxy, CGEventType type, CGEventRef event, void* data) {
    auto* self = static_cast<MacSource*>(data);
    if (type == kCGEventTapDisabledByTimeout || type == kCGEventTapDisabledByUserInput) {
      CGEventTapEnable(self->tap_, true);
      return event;
    }
    // Hardware input carries the HID system state; CGEventPost'ed input a private or
    // combined-session state, and the poster's pid.
    if (CGEventGetIntegerValueField(event, kCGEventSourceStateID) != kCGEventSourceStateHIDSystemState) {
      int pid = static_cast<int>(CGEventGetIntegerValueField(event, kCGEventSourceUnixProcessID));
      Counts& c = self->counts_[pid];
      if (type == kCGEventKeyDown) c.keys++;
      else if (type == kCGEventMouseMoved) c.motions++;
      else c.buttons++;
    }
    return event;
  }

  void Flush() {
    for (auto& [pid, c] : counts_) {
      NativeEvent ev;
      ev.kind = NativeEvent::Kind::Input;
      ev.injected = true;
      ev.deviceId = pid;
      char path[PROC_PIDPATHINFO_MAXSIZE] = {0};
      ev.device = pid > 0 && proc_pidpath(pid, path, sizeof(path)) > 0 ? std::string("posted by ") + path
                                                                        : "posted by process " + std::to_string(pid);
      ev.keys = c.keys;
      ev.buttons = c.buttons;
      ev.motions = c.motions;
      Emit(std::move(ev));
    }
    counts_.clear();
  }

  void RunTap() {
    CGEventMask mask = CGEventMaskBit(kCGEventKeyDown) | CGEventMaskBit(kCGEventLeftMouseDown) |
                       CGEventMaskBit(kCGEventRightMouseDown) | CGEventMaskBit(kCGEventOtherMouseDown) |
                       CGEventMaskBit(kCGEventMouseMoved);
    tap_ = CGEventTapCreate(kCGSessionEventTap, kCGHeadInsertEventTap, kCGEventTapOptionListenOnly, mask, &MacSource::OnTap, this);
    if (!tap_) {
      NativeEvent ev;
      ev.kind = NativeEvent::Kind::Limitation;
      ev.what = "synthetic_input";
      ev.message = "macOS refused the event tap: allow Vigil under System Settings > Privacy & Security > Input Monitoring";
      Emit(std::move(ev));
      return;
    }
    CFRunLoopSourceRef source = CFMachPortCreateRunLoopSource(kCFAllocatorDefault, tap_, 0);
    CFRunLoopRef loop = CFRunLoopGetCurrent();
    CFRunLoopAddSource(loop, source, kCFRunLoopCommonModes);
    CFRunLoopTimerRef timer = CFRunLoopTimerCreateWithHandler(kCFAllocatorDefault, CFAbsoluteTimeGetCurrent() + 0.25, 0.25, 0, 0,
                                                              ^(CFRunLoopTimerRef) { Flush(); });
    CFRunLoopAddTimer(loop, timer, kCFRunLoopCommonModes);
    CGEventTapEnable(tap_, true);
    bool stop;
    {
      std::lock_guard<std::mutex> lock(loop_mutex_);
      loop_ = loop;
      stop = stop_requested_;
    }
    if (!stop) CFRunLoopRun();
    Flush();
    CFRunLoopRemoveTimer(loop, timer, kCFRunLoopCommonModes);
    CFRelease(timer);
    CFRunLoopRemoveSource(loop, source, kCFRunLoopCommonModes);
    CFRelease(source);
    CFMachPortInvalidate(tap_);
    CFRelease(tap_);
    tap_ = nullptr;
  }

  Sink sink_;
  NSOperationQueue* queue_ = nil;
  id observer_ = nil;
  std::thread thread_;
  bool running_ = false;
  std::mutex loop_mutex_;
  CFRunLoopRef loop_ = nullptr;
  bool stop_requested_ = false;
  CFMachPortRef tap_ = nullptr;
  std::map<int, Counts> counts_;  // tap thread only
};

}  // namespace

std::unique_ptr<Source> CreateSource(Sink sink) { return std::make_unique<MacSource>(std::move(sink)); }

}  // namespace vigil
