/**
 * The fields of a partial update that would really change `current` (undefined means
 * "leave as is"). An update that changes nothing writes nothing and publishes nothing.
 */
export function changedFields<T extends object, U extends object>(current: T, input: U): Partial<U> {
  return Object.fromEntries(
    Object.entries(input).filter(
      ([key, value]) => value !== undefined && (current as Record<string, unknown>)[key] !== value,
    ),
  ) as Partial<U>;
}

export function hasChanges(changes: object): boolean {
  return Object.keys(changes).length > 0;
}
