/** Everyone below a person through reporting lines (direct and indirect reports), in the order found. */
export function reportingLine<P extends { id: string; reportsToId: unknown }>(people: P[], headId: string): P[] {
  const below: P[] = [];
  const queue = [headId];
  const seen = new Set(queue);
  while (queue.length) {
    const boss = queue.shift()!;
    for (const person of people)
      if (person.reportsToId === boss && !seen.has(person.id)) {
        seen.add(person.id);
        below.push(person);
        queue.push(person.id);
      }
  }
  return below;
}
