import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { sendToSignIn } from '../api/session-state';
import { CoalescedRefresh } from './coalesced-refresh';
import { type Service, staleServices } from './live-invalidation';
import { SseReader } from './sse-reader';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const SERVICES: Service[] = ['strategy', 'execution', 'metrics'];
/** Under a steady stream of changes, a service's open views refresh at most about four times a second. */
const MIN_REFRESH_GAP_MS = 250;

/**
 * Reads the BFF's server-sent events (the changes this person may see) and refreshes the affected
 * queries (one refresh per service at a time, see CoalescedRefresh), so an open page follows
 * changes made anywhere without a reload. On a broken stream it reconnects with a growing pause,
 * and refetches everything once back, since events may have been missed.
 */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const stop = new AbortController();
    const refreshers = new Map(
      SERVICES.map((service) => [
        service,
        new CoalescedRefresh(() => queryClient.invalidateQueries({ queryKey: [service] }), MIN_REFRESH_GAP_MS),
      ]),
    );
    const refresh = (type: string) => {
      for (const service of staleServices(type)) refreshers.get(service)!.request();
    };
    void (async () => {
      let failures = 0;
      let connectedBefore = false;
      while (!stop.signal.aborted) {
        try {
          const response = await fetch('/api/live', {
            headers: { accept: 'text/event-stream' },
            credentials: 'same-origin',
            signal: stop.signal,
          });
          if (response.status === 401) return sendToSignIn();
          if (!response.ok || !response.body) throw new Error(`live stream answered ${response.status}`);
          if (connectedBefore) void queryClient.invalidateQueries();
          connectedBefore = true;
          failures = 0;
          setState('live');
          const reader = new SseReader();
          const text = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await text.read();
            if (done) break;
            for (const event of reader.push(value)) refresh(typeOf(event.event, event.data));
          }
        } catch {
          if (stop.signal.aborted) return;
        }
        setState('reconnecting');
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** failures)));
      }
    })();
    return () => stop.abort();
  }, [queryClient]);
  return state;
}

function typeOf(event: string, data: string): string {
  if (event !== 'message') return event;
  try {
    return (JSON.parse(data) as { type?: string }).type ?? event;
  } catch {
    return event;
  }
}
