// The uploading process of the 1 GiB test: bundled once by large-upload.test.ts and run with plain `node`,
// so its RSS is the uploader's alone (the simulator stays in the test worker). Prints one JSON line.
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { MemoryLogger } from '../../src/main/logger';
import { ProgressReporter } from '../../src/main/uploads/progress';
import { runUpload, type UploadSpec } from '../../src/main/uploads/upload-runner';
import type { ConversationRef } from '../../src/shared/conversations';

interface ChildInput {
  baseUrl: string;
  ref: ConversationRef;
  spec: UploadSpec;
}

export interface ChildResult {
  baselineRss: number;
  peakRss: number;
  samples: number;
  ms: number;
  reports: number;
  lastBytes: number;
  monotonic: boolean;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
  const server = new OpenHandsServer(
    new HttpClient(),
    { id: input.ref.serverId, baseUrl: input.baseUrl, apiKey: () => Promise.resolve(undefined) },
    { logger: new MemoryLogger() },
  );
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let samples = 0;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    samples++;
  }, 50);
  let lastBytes = 0;
  let monotonic = true;
  const reporter = new ProgressReporter(input.spec.size, (s) => {
    if (s.bytes < lastBytes) monotonic = false;
    lastBytes = s.bytes;
  });
  const started = Date.now();
  try {
    await runUpload(server, input.ref, input.spec, {
      signal: new AbortController().signal,
      onProgress: (bytes, total) => reporter.update(bytes, total),
    });
    reporter.finish();
  } finally {
    clearInterval(timer);
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const result: ChildResult = {
    baselineRss,
    peakRss,
    samples,
    ms: Date.now() - started,
    reports: reporter.reports,
    lastBytes,
    monotonic,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
