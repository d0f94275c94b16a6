/**
 * A map's value for a key, made and kept the first time it is asked for (Map or WeakMap).
 * The maker gets the key and one optional argument, so that a hot caller can pass a function
 * made once (`newMap`, a top-level function) instead of a new closure on every call.
 */
export function getOrMake<K, V, A = undefined>(
  map: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: (key: K, arg: A) => V,
  arg?: A,
): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make(key, arg as A);
    map.set(key, value);
  }
  return value;
}

/** Makers for getOrMake that need nothing from the call. */
export function newMap<K, V>(): Map<K, V> {
  return new Map<K, V>();
}

export function newWeakMap<K extends object, V>(): WeakMap<K, V> {
  return new WeakMap<K, V>();
}

export function newList<T>(): T[] {
  return [];
}
