import type { Simulator } from './simulator';

/** A few conversations in different states, for the demo and for browsing by hand. */
export async function seedDemo(sim: Simulator): Promise<void> {
  const hour = 3600_000;
  const now = Date.now();
  await Promise.all([
    sim.seedConversation({
      title: 'Fix the flaky login test',
      messages: ['Please fix the flaky login test in tests/test_login.py'],
      selectedRepository: 'acme/webapp',
      createdAt: now - 5 * hour,
    }),
    sim.seedConversation({
      title: 'Clean up the build folder',
      messages: ['Clean the build folder before the release [confirm]'],
      createdAt: now - 3 * hour,
    }),
    sim.seedConversation({
      title: 'Refactor the payment module',
      messages: ['Refactor the payment module into smaller files [steps=400]'],
      selectedRepository: 'acme/payments',
      createdAt: now - 2 * hour,
    }),
    sim.seedConversation({
      title: 'Which logging library?',
      messages: ['Add structured logging [ask]'],
      createdAt: now - hour,
    }),
    sim.seedConversation({
      title: 'Upgrade the database driver',
      messages: ['Upgrade the database driver [error]'],
      createdAt: now - 30 * 60_000,
    }),
    sim.seedConversation({
      title: 'Write the release notes',
      sandboxStatus: 'PAUSED',
      createdAt: now - 24 * hour,
    }),
  ]);
}
