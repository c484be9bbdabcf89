import type { SimEvent } from './events';

/**
 * What the app server learns from the agent server's stats webhooks, derived from the events: the
 * simulator counts one LLM call per agent action or reply (the scripted agent has no real LLM).
 */
function isLlmCall(event: SimEvent): boolean {
  return event.source === 'agent' && (event.kind === 'ActionEvent' || event.kind === 'MessageEvent');
}

/** When the last stats webhook arrived, or undefined before the first LLM call. */
export function lastLlmCallAt(events: readonly SimEvent[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    // Event timestamps are naive server-local times, and the simulated server's zone is UTC.
    if (isLlmCall(event)) return Date.parse(`${event.timestamp}Z`);
  }
  return undefined;
}

/** `MetricsSnapshot` as the SQL row keeps it: always filled, zero before the first LLM call. */
export function metricsSnapshot(events: readonly SimEvent[], model: string | null): Record<string, unknown> {
  const calls = events.filter(isLlmCall).length;
  return {
    // 1000 prompt + 100 completion tokens per call at a made-up $0.0125 (computed so it stays an exact decimal).
    accumulated_cost: (calls * 125) / 10_000,
    max_budget_per_task: null,
    accumulated_token_usage: {
      model: model ?? '',
      prompt_tokens: calls * 1000,
      completion_tokens: calls * 100,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      context_window: 200_000,
      per_turn_token: calls > 0 ? 1100 : 0,
      response_id: '',
    },
  };
}
