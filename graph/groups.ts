/**
 * Appends `value` to the list under `key`, in place. Copying the list on every append
 * (`map.set(k, [...(map.get(k) ?? []), v])`) makes grouping n items under one key cost n²/2.
 */
export function addToGroup<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
