import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { sendToSignIn } from '../api/session-state';
import { staleServices } from './live-invalidation';
import { SseReader } from './sse-reader';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * Reads the BFF's server-sent events (the changes this person may see) and refreshes the affected
 * queries, so an open page follows changes made anywhere without a reload. On a broken stream it
 * reconnects with a growing pause, and refetches everything once back, since events may have been missed.
 */
export function useLiveUpdates(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const stop = new AbortController();
    const refresh = (type: string) => {
      for (const service of staleServices(type)) void queryClient.invalidateQueries({ queryKey: [service] });
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
