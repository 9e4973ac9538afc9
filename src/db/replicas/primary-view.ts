/**
 * `Model.objects.primary`: the same manager, with every call run inside `usePrimary()`, so one read
 * goes to the primary without wrapping it in a callback. `iterate()` keeps the scope for each page.
 * It may import the `usePrimary` scope only.
 */
import { usePrimary } from "./use-primary.js";

const views = new WeakMap<object, object>();

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !(value instanceof Promise) &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}

/** An async iterable whose every step runs on the primary. */
function onPrimary(iterable: AsyncIterable<unknown>): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = usePrimary(() => iterable[Symbol.asyncIterator]());
      return {
        next: (...args: [] | [unknown]) => usePrimary(() => iterator.next(...args)),
        return: (value?: unknown) =>
          usePrimary(() => iterator.return?.(value) ?? Promise.resolve({ done: true as const, value })),
      };
    },
  };
}

/**
 * A view of `manager` whose methods run inside `usePrimary()` (cached: one view per manager).
 *
 * @example
 * ```ts
 * const fresh = await primaryView(User.objects).get(1);
 * ```
 */
export function primaryView<M extends object>(manager: M): M {
  let view = views.get(manager);
  if (view === undefined) {
    view = new Proxy(manager, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function" || property === "constructor") return value;
        return (...args: unknown[]) =>
          usePrimary(() => {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            return isAsyncIterable(result) ? onPrimary(result) : result;
          });
      },
    });
    views.set(manager, view);
  }
  return view as M;
}
