// `npm run bench` — performance benchmarks. Placeholder until the benchmark issue lands.
process.stderr.write(
  'npm run bench: benchmarks are not implemented yet — they arrive with the benchmark issue.\n',
);
process.exitCode = 1;
