import { AsyncLocalStorage } from 'node:async_hooks';
import { CloudEvent } from '@throughline/contracts';

const storage = new AsyncLocalStorage<CloudEvent>();

/** The consumed event whose handler is running (undefined elsewhere): logs and traces name it. */
export function currentHandledEvent(): CloudEvent | undefined {
  return storage.getStore();
}

export function whileHandling<T>(event: CloudEvent, handle: () => Promise<T>): Promise<T> {
  return storage.run(event, handle);
}
