/** An object whose every member is an async method (e.g. a store interface). */
type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * Stands in for an object that takes I/O to open (a store over a database): `open` runs on the first
 * method call, and every call waits for it. A request that never touches the object opens nothing
 * (a cold start answering 401 does not connect to MySQL); a failed open is retried by the next call.
 */
export function openOnFirstCall<T extends AsyncMethods<T>>(open: () => Promise<T>): T {
  let opened: Promise<T> | undefined;
  const target = () =>
    (opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
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
