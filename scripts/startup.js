"use strict";
// What the binary sets up before it loads anything else, so a command starts as fast as the
// modules it really uses allow:
//
// 1. Keep V8's compiled code between runs: compiling the ~700 modules of the Pulumi SDKs is a
//    third of a plan's start-up. Node 22.1+ has this built in (module.enableCompileCache). On Node
//    20, v8-compile-cache does it, except that it asks V8 for fresh cached data on every compile
//    (`produceCachedData: true`), finds its store dirty and rewrites its whole file (6 MB after a
//    plan) at every exit, even `--version`: its store here keeps what it already holds for the same
//    source and writes only when a module is new or changed. DISABLE_V8_COMPILE_CACHE=1 turns it off.
// 2. Defer modules the Pulumi SDK requires at load time for features a plan never uses:
//    `typescript` (closure serialization of JavaScript callbacks into Lambda code) and
//    `@npmcli/arborist` and `normalize-package-data` (computing the code paths of such a
//    closure). They are about 450 of a plan's 1,170 modules. Each becomes a stand-in that loads
//    the real module on first use, so a program that does serialize a closure still works.
const nodeModule = require("node:module");

function compileCache() {
  if (typeof nodeModule.enableCompileCache === "function") {
    nodeModule.enableCompileCache();
    return;
  }
  if (process.env.DISABLE_V8_COMPILE_CACHE) return;
  // Take v8-compile-cache's classes without letting it install itself, then install it with a
  // store that ignores re-produced data for a source it already holds.
  process.env.DISABLE_V8_COMPILE_CACHE = "1";
  let lib;
  try {
    lib = require("v8-compile-cache").__TEST__;
  } finally {
    delete process.env.DISABLE_V8_COMPILE_CACHE;
  }
  const { FileSystemBlobStore, NativeCompileCache, getCacheDir, getMainName, supportsCachedData } = lib;
  if (!supportsCachedData()) return;
  class KeepingBlobStore extends FileSystemBlobStore {
    set(key, invalidationKey, buffer) {
      // The invalidation key is a hash of the source: same key, same code, nothing new to keep.
      // (Data V8 rejected for the same source, after a V8 flag change, stays: such runs compile
      // as if there were no cache.)
      if (this.has(key, invalidationKey)) return;
      super.set(key, invalidationKey, buffer);
    }
  }
  const store = new KeepingBlobStore(getCacheDir(), getMainName());
  const cache = new NativeCompileCache();
  cache.setCacheStore(store);
  cache.install();
  process.once("exit", () => {
    if (store.isDirty()) store.save();
    cache.uninstall();
  });
}

/** Modules loaded on first use when the Pulumi SDK asks for them. */
const DEFERRED = new Set(["typescript", "@npmcli/arborist", "normalize-package-data"]);
const PULUMI_SDK = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

/**
 * A stand-in for a module, loading it at the first property read. It says `__esModule`, so the
 * SDK's `__importStar`/`__importDefault` helpers hand it over as it is instead of copying every
 * property (which would load the module at once); `default` then reads as the module itself.
 */
function deferred(load) {
  let real;
  const get = () => (real ??= load());
  return new Proxy(
    {},
    {
      get(_t, prop) {
        if (prop === "__esModule") return true;
        const m = get();
        if (prop === "default" && !(m && m.__esModule)) return m;
        return m[prop];
      },
      has: (_t, prop) => prop === "__esModule" || prop in get(),
      set(_t, prop, value) {
        get()[prop] = value;
        return true;
      },
      ownKeys: () => Reflect.ownKeys(get()),
      getOwnPropertyDescriptor(_t, prop) {
        const d = Reflect.getOwnPropertyDescriptor(get(), prop);
        return d && { ...d, configurable: true };
      },
    },
  );
}

function deferSdkModules() {
  const load = nodeModule._load;
  nodeModule._load = function (request, parent, isMain) {
    if (DEFERRED.has(request) && parent && PULUMI_SDK.test(parent.filename || "")) {
      return deferred(() => load.call(nodeModule, request, parent, isMain));
    }
    return load.apply(this, arguments);
  };
}

module.exports = { compileCache, deferSdkModules, DEFERRED };
