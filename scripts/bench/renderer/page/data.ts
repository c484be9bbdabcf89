// Deterministic, realistic-looking data for the renderer bench: tracked conversations across three servers
// (titles of varying length, every display status, activity spread over three months) and one long
// timeline (user and agent messages, tool actions with thoughts, outputs from one line to hundreds of
// lines, the longest ones folded by the row, a few cut at TIMELINE_TEXT_MAX, errors and pauses).
import { seededRandom as random } from '../../../../test/support/seeded-random';
import type { TrackedConversation } from '../../../../src/shared/live';
import type { ServerView } from '../../../../src/shared/servers';
import type { DisplayStatus } from '../../../../src/shared/status';
import { TIMELINE_TEXT_MAX, type TimelineItem } from '../../../../src/shared/timeline';

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const between = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const hex = (rng: Rng, length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
};

export const SERVERS: ServerView[] = [
  {
    id: 'local',
    name: 'Local',
    baseUrl: 'http://localhost:3000',
    kind: 'self-hosted',
    keyStorage: 'none',
    hasKey: false,
    sessionKeyLost: false,
    orgId: null,
    orgName: null,
    agentHosts: [],
    recentDirs: [],
  },
  {
    id: 'team',
    name: 'Team server',
    baseUrl: 'https://openhands.example.com',
    kind: 'self-hosted',
    keyStorage: 'keychain',
    hasKey: true,
    sessionKeyLost: false,
    orgId: null,
    orgName: null,
    agentHosts: [],
    recentDirs: [],
  },
  {
    id: 'cloud',
    name: 'OpenHands Cloud',
    baseUrl: 'https://app.all-hands.dev',
    kind: 'cloud',
    keyStorage: 'keychain',
    hasKey: true,
    sessionKeyLost: false,
    orgId: null,
    orgName: null,
    agentHosts: [],
    recentDirs: [],
  },
];

const VERBS = [
  'Fix',
  'Add',
  'Refactor',
  'Investigate',
  'Speed up',
  'Document',
  'Remove',
  'Test',
  'Port',
  'Review',
];
const THINGS = [
  'the login flow',
  'flaky CI on main',
  'pagination in the conversations API',
  'dark mode for the settings dialog',
  'the Dockerfile',
  'memory leak in the event stream',
  'retry logic for uploads',
  'README examples',
  'the billing webhook handler',
  'type errors after the TypeScript upgrade',
  'keyboard shortcuts',
  'a CSV export for reports',
];
const TAILS = [
  '',
  '',
  ' (#1432)',
  ' in the mobile app',
  ' so that the nightly job stops timing out after the database migration on the staging cluster',
  ' — follow-up from the design review, see the notes in the shared doc and the thread with the platform team',
];
/** Weighted: most conversations are done; a few are live. */
const STATUSES: readonly DisplayStatus[] = [
  ...Array<DisplayStatus>(40).fill('finished'),
  ...Array<DisplayStatus>(20).fill('stopped'),
  ...Array<DisplayStatus>(10).fill('archived'),
  ...Array<DisplayStatus>(10).fill('waiting-for-input'),
  ...Array<DisplayStatus>(5).fill('running'),
  ...Array<DisplayStatus>(5).fill('paused'),
  ...Array<DisplayStatus>(5).fill('error'),
  ...Array<DisplayStatus>(3).fill('needs-confirmation'),
  'starting',
  'unknown',
];

export function makeConversations(count: number, now: number, seed = 1): TrackedConversation[] {
  const rng = random(seed);
  const out: TrackedConversation[] = [];
  for (let i = 0; i < count; i++) {
    const server = pick(rng, SERVERS);
    const updated = now - Math.floor(rng() * 90 * 24 * 3600_000);
    const created = updated - Math.floor(rng() * 3 * 24 * 3600_000);
    const v1 = rng() < 0.8;
    const status = pick(rng, STATUSES);
    // One in fifty has no title yet (the row says "Untitled").
    const title = rng() < 0.02 ? '' : `${pick(rng, VERBS)} ${pick(rng, THINGS)}${pick(rng, TAILS)}`;
    out.push({
      serverId: server.id,
      id: v1 ? hex(rng, 32) : `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`,
      version: v1 ? 'V1' : 'V0',
      title,
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(updated).toISOString(),
      repository: rng() < 0.7 ? `acme/${pick(rng, ['web', 'api', 'infra', 'mobile', 'docs'])}` : null,
      branch: rng() < 0.5 ? 'main' : null,
      sandboxStatus: v1 ? (status === 'running' ? 'RUNNING' : 'PAUSED') : null,
      executionStatus: v1 ? (status === 'running' ? 'running' : 'finished') : null,
      legacyStatus: v1 ? null : status === 'running' ? 'RUNNING' : 'STOPPED',
      runtimeStatus: null,
      parentId: null,
      status,
    });
  }
  return out;
}

const LINES = [
  'drwxr-xr-x  5 openhands openhands   4096 May  1 10:02 src',
  '-rw-r--r--  1 openhands openhands   1873 May  1 10:02 package.json',
  'PASS  test/api/conversations.test.ts (3.2 s)',
  'FAIL  test/web/login.test.tsx',
  "  ● login › redirects after sign-in: expected '/home' but received '/login?next=%2Fhome'",
  '    at Object.<anonymous> (test/web/login.test.tsx:42:27)',
  'Collecting requests==2.32.3',
  '  Downloading requests-2.32.3-py3-none-any.whl (64 kB)',
  'Successfully installed certifi-2024.8.30 charset-normalizer-3.4.0 idna-3.10 requests-2.32.3 urllib3-2.2.3',
  'src/server/handlers/billing.py:118: error: Argument 1 to "charge" has incompatible type "str"; expected "int"',
  '    def charge(self, amount_cents: int, currency: str = "usd") -> ChargeResult:',
  '+        if not invoice.lines:',
  '+            raise EmptyInvoiceError(invoice.id)',
  '-        total = sum(line.amount for line in invoice.lines)',
  'INFO     uvicorn.access: 127.0.0.1:53122 - "GET /api/conversations?limit=100 HTTP/1.1" 200',
  'WARNING  sqlalchemy.engine: SAWarning: relationship conflicts with relationship; overlapping columns',
  '',
  '}',
];
const COMMANDS = [
  'ls -la',
  'npm test -- --run test/web/login.test.tsx',
  'pip install -r requirements.txt',
  'mypy src/server',
  'git diff --stat HEAD~1',
  "grep -rn 'def charge' src/",
  'cat src/server/handlers/billing.py',
  'python -m pytest -x -q tests/test_billing.py',
];
const TOOLS = ['execute_bash', 'str_replace_editor', 'execute_ipython_cell', 'browser', 'think'];
const THOUGHTS = [
  'The test fails on the redirect: the login handler keeps the `next` parameter encoded. Let me look at how it builds the URL.',
  'I will run the type checker first to see every place the signature change breaks.',
  'Installing the dependencies before running the suite.',
  'The output is long; the failure is near the end. Let me narrow the run to the failing file.',
];
const SAYS = [
  'The login test passes now: the redirect decodes `next` before comparing it. I also added a test for a nested path.',
  'Done. I changed `charge` to take cents as an int, updated the three call sites, and the type checker is clean.',
  'I could not reproduce the timeout locally. The job runs out of memory on the staging runner; could you share its limits?',
  'Here is a summary of the changes:\n\n- handlers/billing.py: validate empty invoices\n- tests: two new cases\n- docs: updated the webhook section',
];
const ASKS = [
  'Please fix the failing login test on main.',
  'Can you make `charge` take an integer amount in cents and fix whatever breaks?',
  'Why does the nightly job time out since the migration?',
  'Add a CSV export to the reports page. It should include the date range in the file name.\n\nKeep the existing PDF export as it is.',
];

function output(rng: Rng): { text: string; truncated: boolean } {
  const roll = rng();
  // 55 % short (1–5 lines), 30 % medium (6–12: shown whole), 15 % long (13–600 lines: folded to 12).
  const lines = roll < 0.55 ? between(rng, 1, 5) : roll < 0.85 ? between(rng, 6, 12) : between(rng, 13, 600);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < lines && length < TIMELINE_TEXT_MAX; i++) {
    const line = pick(rng, LINES);
    parts.push(line);
    length += line.length + 1;
  }
  const text = parts.join('\n');
  return text.length > TIMELINE_TEXT_MAX
    ? { text: text.slice(0, TIMELINE_TEXT_MAX), truncated: true }
    : { text, truncated: false };
}

function stamp(ms: number): string {
  // V1 writes server-local time without an offset, with microseconds.
  return `${new Date(ms).toISOString().slice(0, -1)}123`;
}

export function makeTimeline(count: number, start: number, seed = 2): TimelineItem[] {
  const rng = random(seed);
  const items: TimelineItem[] = [];
  let at = start;
  let actionId: string | null = null;
  const base = (kind: TimelineItem['kind'], source: string): TimelineItem => {
    at += between(rng, 200, 20_000);
    return {
      id: `ev-${items.length.toString(16).padStart(8, '0')}-${hex(rng, 8)}`,
      kind,
      source,
      timestamp: stamp(at),
      title: '',
      text: '',
      thought: null,
      actionId: null,
      risk: null,
      truncated: false,
    };
  };
  while (items.length < count) {
    const roll = rng();
    if (roll < 0.03) items.push({ ...base('message', 'user'), text: pick(rng, ASKS) });
    else if (roll < 0.08) items.push({ ...base('message', 'agent'), text: pick(rng, SAYS) });
    else if (roll < 0.09)
      items.push({ ...base('error', 'environment'), title: 'Command failed', text: pick(rng, LINES) });
    else if (roll < 0.095) items.push({ ...base('pause', 'user'), title: '' });
    else if (roll < 0.1) items.push({ ...base('other', 'environment'), title: 'CondensationSummaryEvent' });
    else if (roll < 0.55 || actionId === null) {
      const item: TimelineItem = {
        ...base('action', 'agent'),
        title: pick(rng, TOOLS),
        text: pick(rng, COMMANDS),
        thought: rng() < 0.5 ? pick(rng, THOUGHTS) : null,
        risk: rng() < 0.6 ? pick(rng, ['LOW', 'MEDIUM', 'HIGH']) : null,
      };
      actionId = item.id;
      items.push(item);
    } else {
      items.push({
        ...base('observation', 'environment'),
        title: pick(rng, TOOLS),
        actionId,
        ...output(rng),
      });
      actionId = null;
    }
  }
  return items;
}
