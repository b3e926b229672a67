import type { ConsumeBarrier } from '../consumer/ConsumeBarrier';
import type { DeadLetterStore } from './DeadLetterStore';

/** The dead letter as shown to operators (`txcenter dlq show`), with the group's current barrier state for its key. */
export async function describeDeadLetter(store: DeadLetterStore, barrier: ConsumeBarrier, id: string) {
  const letter = await store.get(id);
  if (!letter) return undefined;
  const consumption = (await barrier.consumptionsOf({ eventId: letter.dedupKey })).find((c) => c.group === letter.group);
  return { ...letter, consumption: consumption ?? null };
}
