import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ConversationRef } from '../../shared/conversations';
import { ApiError } from '../api/errors';
import { t } from '../i18n';
import { DEFAULT_TARGET_DIR, planUpload, type UploadPlan } from './upload-plan';

interface Held {
  ref: ConversationRef;
  plan: UploadPlan;
  targetDir: string;
  expiresAt: number;
  /** Browser mode: the staging folder the files were streamed into (upload-staging.ts). */
  stageId?: string;
}

export interface UploadPlanHooks {
  /** A plan expired or was pushed out before it started (its staged files can go). */
  discarded?: (held: Held) => void;
  /** A plan's files were queued: which outbox item uploads which local file. */
  started?: (held: Held, items: readonly { itemId: string; localPath: string }[]) => void;
}

export interface UploadPlansOptions {
  /**
   * Browser mode: plans are made only from files a page streamed into this staging folder (upload-staging.ts),
   * never from paths a caller names. Whatever reaches `uploads:plan` there (anything holding the bridge socket)
   * is refused before a path is looked at.
   */
  stagedRoot?: string;
}

/**
 * Plans made from a drop, held until the user starts them (after a confirmation when the drop is large).
 * Only planned files can be started: the page refers to a plan by id, never to paths.
 */
export class UploadPlans {
  private readonly plans = new Map<string, Held>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 30 * 60_000,
    private readonly maxPlans = 20,
    private readonly hooks: UploadPlanHooks = {},
    private readonly options: UploadPlansOptions = {},
  ) {}

  async make(
    ref: ConversationRef,
    paths: string[],
    targetDir?: string,
    stageId?: string,
  ): Promise<{ planId: string } & Held> {
    this.refuseUnstaged(paths, stageId);
    this.prune();
    const dir = targetDir ?? DEFAULT_TARGET_DIR;
    const plan = await planUpload(paths, { targetDir: dir });
    const planId = randomUUID();
    const held: Held = {
      ref,
      plan,
      targetDir: dir,
      expiresAt: this.now() + this.ttlMs,
      ...(stageId !== undefined ? { stageId } : {}),
    };
    this.plans.set(planId, held);
    // Oldest first out when too many drops were never started.
    while (this.plans.size > this.maxPlans) this.drop(this.plans.keys().next().value!);
    return { planId, ...held };
  }

  /** Hands a plan over once (starting it twice would upload twice). */
  take(planId: string): Held {
    this.prune();
    const held = this.plans.get(planId);
    if (!held) throw new ApiError('not-found', t('mainErrors.uploadPlanGone'));
    this.plans.delete(planId);
    return held;
  }

  /** Tells the hooks which outbox items a taken plan became. */
  started(held: Held, items: readonly { itemId: string; localPath: string }[]): void {
    this.hooks.started?.(held, items);
  }

  private refuseUnstaged(paths: readonly string[], stageId: string | undefined): void {
    const root = this.options.stagedRoot;
    if (root === undefined) return;
    const inside = (p: string): boolean => path.resolve(p).startsWith(path.resolve(root) + path.sep);
    if (stageId === undefined || !paths.every(inside))
      throw new ApiError('forbidden', t('mainErrors.uploadUnstagedRefused'));
  }

  private prune(): void {
    const now = this.now();
    for (const [id, held] of this.plans) if (held.expiresAt <= now) this.drop(id);
  }

  private drop(planId: string): void {
    const held = this.plans.get(planId);
    this.plans.delete(planId);
    if (held) this.hooks.discarded?.(held);
  }
}
