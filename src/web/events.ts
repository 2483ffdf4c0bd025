/**
 * One shared live connection to `/api/events/stream` for the whole dashboard; views subscribe to
 * the domain events whose type starts with a prefix (`run.`, `rollout.`, ...).
 */
import { useEffect, useRef } from "react";
import { openSse } from "./api.js";

/** A domain event as the API streams it. */
export interface DomainEvent {
  id: number;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  at: string;
}

type Listener = (e: DomainEvent) => void;
const listeners = new Set<Listener>();
let close: (() => void) | null = null;

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  close ??= openSse("/api/events/stream", {
    onMessage: (m) => {
      for (const l of listeners) l(m.data as DomainEvent);
    },
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && close) {
      close();
      close = null;
    }
  };
}

/** Calls `onEvent` for each live domain event whose type starts with one of `prefixes`. */
export function useEvents(prefixes: string[], onEvent: Listener): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const key = prefixes.join(",");
  useEffect(() => {
    const wanted = key.split(",");
    return subscribe((e) => {
      if (wanted.some((p) => e.type.startsWith(p))) latest.current(e);
    });
  }, [key]);
}
