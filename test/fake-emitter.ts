// Stand-in for Electron's untyped event listeners.
type Listener = (...args: any[]) => unknown;

/** The part of Node's EventEmitter the stand-in electron objects need (main-wiring, production-build tests). */
export class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(name: string, f: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), f]);
    return this;
  }
  once(name: string, f: Listener): this {
    return this.on(name, f);
  }
  emit(name: string, ...args: unknown[]): void {
    for (const f of this.listeners.get(name) ?? []) f(...args);
  }
}
