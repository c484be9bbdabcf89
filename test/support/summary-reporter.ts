import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

/**
 * Prints one plain line after vitest's own summary:
 *   vitest: N passed, M failed, K skipped
 * N/M/K count test cases ("skipped" includes todo). So that the line never reads "0 failed" for a failed
 * run, a test file that failed outside any test (e.g. it threw while loading) and each unhandled error
 * also count as one failure.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason,
  ): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      let failedInModule = 0;
      for (const testCase of testModule.children.allTests()) {
        const { state } = testCase.result();
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedInModule += 1;
        else if (state === 'skipped') skipped += 1;
      }
      if (failedInModule === 0 && testModule.state() === 'failed') failedInModule = 1;
      failed += failedInModule;
    }
    process.stdout.write(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
