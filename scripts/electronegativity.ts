// `npm run security:electronegativity` (run by `npm run lint`): Electronegativity over src/, failing on any
// finding above INFORMATIONAL that .electronegativity.json does not list, with a reason, as accepted.
// The tool's own exit code is 0 whatever it finds, so its CSV report is read and judged here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const root = path.resolve(__dirname, '..');

const configSchema = z.object({
  input: z.string(),
  excludeChecks: z.array(z.object({ check: z.string(), justification: z.string().min(20) })),
  accepted: z.array(
    z.object({
      check: z.string(),
      file: z.string(),
      sample: z.string().min(1),
      justification: z.string().min(20),
    }),
  ),
});
type Accepted = z.infer<typeof configSchema>['accepted'][number];

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
  description: string;
}

/** RFC 4180 CSV (quoted fields, "" for a quote, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export function findingsFromCsv(text: string): Finding[] {
  const [header, ...rows] = parseCsv(text);
  if (!header || header[0]?.trim() !== 'issue') throw new Error('Electronegativity wrote no CSV report');
  return rows.map(
    ([
      check = '',
      severity = '',
      confidence = '',
      file = '',
      location = '',
      sample = '',
      description = '',
    ]) => ({
      check,
      severity,
      confidence,
      file,
      location,
      sample,
      description,
    }),
  );
}

/**
 * Whether a report is whole. Electronegativity writes its CSV rows without waiting for each other, and on a
 * busy machine they have come out spliced into one another (a check name inside another row's sample): such
 * a report is read again from a new run rather than judged.
 */
export function wellFormed(findings: readonly Finding[]): boolean {
  return findings.every(
    (f) =>
      /^[A-Z_]+$/.test(f.check) &&
      /^(LOW|MEDIUM|HIGH|INFORMATIONAL)$/.test(f.severity) &&
      /^(TENTATIVE|FIRM|CERTAIN)$/.test(f.confidence) &&
      /^\d+:\d+$/.test(f.location) &&
      !/[A-Z]{3,}_JS_CHECK|_GLOBAL_CHECK|_HTML_CHECK/.test(f.sample),
  );
}

export function judge(
  findings: readonly Finding[],
  accepted: readonly Accepted[],
): { failures: Finding[]; acceptedFindings: Finding[]; unused: Accepted[]; informational: Finding[] } {
  const used = new Set<Accepted>();
  const failures: Finding[] = [];
  const acceptedFindings: Finding[] = [];
  const informational: Finding[] = [];
  for (const finding of findings) {
    if (finding.severity === 'INFORMATIONAL') {
      informational.push(finding);
      continue;
    }
    const match = accepted.find(
      (a) => a.check === finding.check && a.file === finding.file && finding.sample.includes(a.sample),
    );
    if (match) {
      used.add(match);
      acceptedFindings.push(finding);
    } else failures.push(finding);
  }
  return { failures, acceptedFindings, informational, unused: accepted.filter((a) => !used.has(a)) };
}

function main(): void {
  const config = configSchema.parse(
    JSON.parse(readFileSync(path.join(root, '.electronegativity.json'), 'utf8')),
  );
  const packageDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const electronVersion = (
    JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const scratch = mkdtempSync(path.join(tmpdir(), 'electronegativity-'));
  try {
    let findings: Finding[] = [];
    for (let run = 1; run <= 3; run++) {
      findings = runOnce(packageDir, config, electronVersion, path.join(scratch, `report-${run}.csv`));
      if (wellFormed(findings)) break;
      if (run === 3) throw new Error('Electronegativity wrote a garbled report three times');
      console.error(
        `electronegativity: run ${run} wrote a garbled report (rows spliced together); running again`,
      );
    }
    const { failures, acceptedFindings, informational, unused } = judge(findings, config.accepted);
    const line = (f: Finding): string =>
      `  ${f.severity} ${f.check} ${f.file}:${f.location} — ${f.sample.trim().slice(0, 120)}`;
    console.log(
      `electronegativity (Electron ${electronVersion}, ${config.input}/): ${findings.length} findings; ` +
        `${acceptedFindings.length} accepted in .electronegativity.json, ${informational.length} informational`,
    );
    for (const f of failures) console.error(`not accepted:\n${line(f)}\n  ${f.description}`);
    for (const a of unused)
      console.error(`accepted entry matches nothing (remove it): ${a.check} ${a.file} "${a.sample}"`);
    if (failures.length > 0 || unused.length > 0) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runOnce(
  packageDir: string,
  config: z.infer<typeof configSchema>,
  electronVersion: string,
  report: string,
): Finding[] {
  const result = spawnSync(
    process.execPath,
    [
      path.join(packageDir, 'dist/index.js'),
      '--input',
      path.join(root, config.input),
      '--electron-version',
      electronVersion,
      '--exclude-checks',
      config.excludeChecks.map((e) => e.check).join(','),
      '--output',
      report,
      '--relative',
      '--verbose',
      'false',
    ],
    { cwd: root, encoding: 'utf8', timeout: 300_000 },
  );
  if (result.error || result.status !== 0) {
    console.error(result.stdout, result.stderr);
    throw new Error(
      `Electronegativity did not run: ${result.error?.message ?? `exit code ${result.status}`}`,
    );
  }
  return findingsFromCsv(readFileSync(report, 'utf8'));
}

if (require.main === module) main();
