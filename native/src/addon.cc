// The N-API surface: `new Watcher(onEvent)` starts the platform source on its own thread;
// observations reach `onEvent` on the JS thread through a ThreadSafeFunction.
#include <napi.h>

#include <atomic>
#include <memory>

#include "source.h"

namespace vigil {
namespace {

Napi::Object ToJs(Napi::Env env, const NativeEvent& e) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("t", e.t);
  switch (e.kind) {
    case NativeEvent::Kind::Foreground:
      o.Set("type", "foreground");
      o.Set("pid", static_cast<double>(e.pid));
      o.Set("window", static_cast<double>(e.window));
      o.Set("executable", e.executable);
      o.Set("appClass", e.appClass);
      o.Set("title", e.title);
      break;
    case NativeEvent::Kind::Input:
      o.Set("type", "input");
      o.Set("device", e.device);
      o.Set("deviceId", e.deviceId);
      o.Set("deviceNode", e.deviceNode);
      o.Set("injected", e.injected);
      o.Set("keys", e.keys);
      o.Set("buttons", e.buttons);
      o.Set("motions", e.motions);
      break;
    case NativeEvent::Kind::Displays: {
      o.Set("type", "displays");
      Napi::Array list = Napi::Array::New(env, e.displays.size());
      for (size_t i = 0; i < e.displays.size(); i++) {
        const DisplayInfo& d = e.displays[i];
        Napi::Object x = Napi::Object::New(env);
        x.Set("name", d.name);
        x.Set("screen", d.screen);
        x.Set("x", d.x);
        x.Set("y", d.y);
        x.Set("width", d.width);
        x.Set("height", d.height);
        x.Set("primary", d.primary);
        x.Set("outputs", d.outputs);
        x.Set("mirrored", d.mirrored);
        list.Set(static_cast<uint32_t>(i), x);
      }
      o.Set("displays", list);
      break;
    }
    case NativeEvent::Kind::Limitation:
      o.Set("type", "limitation");
      o.Set("what", e.what);
      o.Set("message", e.message);
      break;
    case NativeEvent::Kind::Error:
      o.Set("type", "error");
      o.Set("message", e.message);
      break;
  }
  return o;
}

class Watcher : public Napi::ObjectWrap<Watcher> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Watcher",
                       {InstanceMethod<&Watcher::Stop>("stop"), InstanceMethod<&Watcher::KeyboardLock>("setKeyboardLock")});
  }

  explicit Watcher(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Watcher>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsFunction()) {
      Napi::TypeError::New(env, "Watcher(onEvent): onEvent must be a function").ThrowAsJavaScriptException();
      return;
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "vigil-native-watcher", 0, 1);
    // The watcher never keeps the process alive by itself: its owner decides that.
    tsfn_.Unref(env);
    live_ = true;
    auto tsfn = tsfn_;
    source_ = CreateSource([tsfn](NativeEvent&& ev) mutable {
      auto* boxed = new NativeEvent(std::move(ev));
      napi_status s = tsfn.NonBlockingCall(boxed, [](Napi::Env env, Napi::Function cb, NativeEvent* e) {
        std::unique_ptr<NativeEvent> owned(e);
        if (env != nullptr && cb != nullptr) cb.Call({ToJs(env, *owned)});
      });
      if (s != napi_ok) delete boxed;
    });
    std::string err = source_->Start();
    if (!err.empty()) {
      source_.reset();
      tsfn_.Release();
      live_ = false;
      Napi::Error::New(env, err).ThrowAsJavaScriptException();
    }
  }

  ~Watcher() override { Shutdown(); }

 private:
  void Shutdown() {
    if (!live_.exchange(false)) return;
    if (source_) source_->Stop();  // joins the thread: no more calls after this
    source_.reset();
    tsfn_.Release();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  Napi::Value KeyboardLock(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!source_) return Napi::String::New(env, "the watcher is stopped");
    bool on = info.Length() > 0 && info[0].ToBoolean().Value();
    std::string err = source_->SetKeyboardLock(on);
    return err.empty() ? env.Null() : Napi::String::New(env, err);
  }

  Napi::ThreadSafeFunction tsfn_;
  std::unique_ptr<Source> source_;
  std::atomic<bool> live_{false};
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Watcher", Watcher::Define(env));
  exports.Set("platform", Napi::String::New(env, PlatformName()));
  exports.Set("remoteSessionFlag", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Number::New(info.Env(), RemoteSessionFlag());
              }));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace
}  // namespace vigil

static Napi::Object InitVigilNative(Napi::Env env, Napi::Object exports) { return vigil::Init(env, exports); }

NODE_API_MODULE(vigil_native, InitVigilNative)
