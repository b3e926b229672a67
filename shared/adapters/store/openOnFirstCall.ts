/** An object whose every member is an async method (e.g. a store interface). */
type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * `open` runs on the first call and every call shares its result; a failed open is passed to its
 * callers and runs again on the next call (a database that was down at a cold start is retried).
 */
export function openOnce<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined;
  return () =>
    (opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
}

/**
 * Stands in for an object that takes I/O to open (a store over a database): `open` runs on the first
 * method call, and every call waits for it. A request that never touches the object opens nothing
 * (a cold start answering 401 does not connect to MySQL); a failed open is retried by the next call.
 */
export function openOnFirstCall<T extends AsyncMethods<T>>(open: () => Promise<T>): T {
  const target = openOnce(open);
  return new Proxy({} as T, {
    get: (_, key) =>
      // Not a thenable: `await`ing the stand-in must not call into the object.
      key === 'then'
        ? undefined
        : (...args: unknown[]) =>
            target().then((object) => {
              const method: AsyncMethods<T>[keyof T] = object[key as keyof T];
              return Reflect.apply(method, object, args) as Promise<unknown>;
            }),
  });
}
