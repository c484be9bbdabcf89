/**
 * Standalone simulator: `npm run simulator -- --port 0 [--profile current|legacy] [--api-key K]
 * [--session-api-key K] [--no-v1] [--no-rate-limit] [--agent-version 1.44.0] [--step-ms 400]
 * [--error-rate 0.1] [--latency-ms 200] [--drop-rate 0.05] [--seed-demo]`. Prints one line with its URL
 * once it accepts requests.
 */
import { seedDemo } from './seed';
import { startSimulator, type SimulatorOptions } from './simulator';

interface CliArgs {
  options: SimulatorOptions;
  faults: { errorRate?: number; latencyMs?: number; dropRate?: number };
  seedDemo: boolean;
}

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { options: {}, faults: {}, seedDemo: false };
  const num = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const n = Number(raw);
    if (raw === undefined || !Number.isFinite(n) || n < min || n > max)
      fail(`${flag} needs a number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--profile': {
        const profile = value();
        if (profile !== 'current' && profile !== 'legacy') fail('--profile needs current or legacy');
        args.options.profile = profile;
        break;
      }
      case '--port':
        args.options.port = num(flag, value(), 0, 65535);
        break;
      case '--host':
        args.options.host = value() ?? fail('--host needs an address');
        break;
      case '--api-key':
        args.options.apiKey = value() ?? fail('--api-key needs a value');
        break;
      case '--session-api-key':
        args.options.sessionApiKey = value() ?? fail('--session-api-key needs a value');
        break;
      case '--no-v1':
        args.options.v1Enabled = false;
        break;
      case '--no-rate-limit':
        args.options.rateLimit = false;
        break;
      case '--agent-version':
        args.options.agentVersion = value() ?? fail('--agent-version needs a version');
        break;
      case '--step-ms':
        args.options.stepMs = num(flag, value(), 1, 60_000);
        break;
      case '--error-rate':
        args.faults.errorRate = num(flag, value(), 0, 1);
        break;
      case '--latency-ms':
        args.faults.latencyMs = num(flag, value(), 0, 60_000);
        break;
      case '--drop-rate':
        args.faults.dropRate = num(flag, value(), 0, 1);
        break;
      case '--seed-demo':
        args.seedDemo = true;
        break;
      case '--help':
        process.stdout.write(
          'usage: npm run simulator -- [--profile current|legacy] [--port N] [--host H] [--api-key K]\n' +
            '  [--session-api-key K] [--no-v1] [--no-rate-limit] [--agent-version V] [--step-ms N] [--error-rate F]\n' +
            '  [--latency-ms N] [--drop-rate F] [--seed-demo]\n' +
            "  --profile: current (default) = today's OpenHands, no V0 routes; legacy = the Nov-2025 server with V0\n",
        );
        process.exit(0);
        break;
      default:
        fail(`unknown option ${flag} (try --help)`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sim = await startSimulator(args.options);
  sim.faults.set('all', args.faults);
  if (args.seedDemo) await seedDemo(sim);
  process.stdout.write(`OpenHands simulator listening on ${sim.url}/\n`);
  const shutdown = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
