// Every benchmark, in table order.
import { cacheBench } from './cache';
import { outbox } from './outbox';
import { rendererScale } from './renderer-scale';
import { statusCost } from './status-cost';
import { statusLatency } from './status-latency';
import type { Benchmark } from './types';
import { startup } from './startup';
import { upload } from './upload';

export const BENCHMARKS: readonly Benchmark[] = [
  statusCost,
  statusLatency,
  upload,
  rendererScale,
  outbox,
  startup,
  cacheBench,
];

/** Every row id a report must contain (test/bench-smoke.test.ts). */
export const ROW_IDS: readonly string[] = BENCHMARKS.flatMap((b) => b.rows.map((r) => r.id));
