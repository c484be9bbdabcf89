// Browser mode's uploads, main side: the page streams each file to `POST /uploads/stage` (web-server.ts checks
// Host, Origin and the token first), then asks `uploads:planStaged` to plan the staged folder. The plan is an
// ordinary one (upload-plans.ts), so `uploads:start` queues it in the outbox like a desktop drop; staged files
// are deleted when their uploads are done or cancelled, or the plan is discarded.
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import type { BridgeResult, UploadPlanView } from '../../shared/bridge/contract';
import type { PlanStagedInput, StagedFileReceipt } from '../../shared/bridge/staged-uploads';
import { conversationRefSchema } from '../../shared/conversations';
import type { Outbox } from '../outbox/outbox';
import { toBridgeError } from '../bridge/dispatch';
import type { Logger } from '../logger';
import { UploadPlans } from '../uploads/upload-plans';
import { UploadStaging } from '../uploads/upload-staging';

const planStagedInputSchema = z.strictObject({
  ref: conversationRefSchema,
  // Main mints stage ids (UUIDs); anything else is refused before it names a folder.
  stageId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  targetDir: z.string().min(1).max(1024).optional(),
}) satisfies z.ZodType<PlanStagedInput>;

export interface StagedUploads {
  /** Shared with the bridge handlers, so `uploads:start` starts staged plans too. */
  plans: UploadPlans;
  staging: UploadStaging;
  /** One file from the page (`plan` absent: a new stage). */
  receive(req: IncomingMessage, stageId: string | null, name: string): Promise<StagedFileReceipt>;
  /** The `uploads:planStaged` channel (input validated here: it is not part of the shared contract). */
  planStaged(input: unknown): Promise<BridgeResult<UploadPlanView>>;
  close(): void;
}

export async function createStagedUploads(options: {
  dataDir: string;
  outbox: Pick<Outbox, 'onChange'>;
  logger: Logger;
  maxFileBytes?: number;
  maxTotalBytes?: number;
  /** For tests: the clock abandoned stages are judged by. */
  now?: () => number;
}): Promise<StagedUploads> {
  const { logger } = options;
  const staging = await UploadStaging.open(path.join(options.dataDir, 'upload-staging'), {
    logger,
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.maxTotalBytes !== undefined ? { maxTotalBytes: options.maxTotalBytes } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const plans = new UploadPlans(
    undefined,
    undefined,
    undefined,
    {
      discarded: (held) => {
        if (held.stageId !== undefined) staging.discard(held.stageId);
      },
      started: (held, items) => {
        if (held.stageId !== undefined) staging.adopt(held.stageId, items);
      },
    },
    // Shared with the contract's `uploads:plan` handler: in browser mode it refuses raw paths (docs/security.md).
    { stagedRoot: staging.root },
  );
  const off = options.outbox.onChange((item) => staging.settle(item));

  return {
    plans,
    staging,
    async receive(req, stageId, name) {
      const id = stageId ?? staging.create();
      const declared = Number(req.headers['content-length']);
      try {
        const stored = await staging.receive(id, name, req, Number.isFinite(declared) ? declared : undefined);
        return { stageId: id, ...stored };
      } catch (error) {
        // A stage this request made and could not fill is dropped at once.
        if (stageId === null) staging.discard(id);
        throw error;
      }
    },
    async planStaged(input) {
      const parsed = planStagedInputSchema.safeParse(input);
      if (!parsed.success)
        return {
          ok: false,
          error: { code: 'invalid-input', message: 'Expected { ref, stageId, targetDir? }.' },
        };
      const { ref, stageId, targetDir } = parsed.data;
      try {
        const { dir, paths } = await staging.close(stageId);
        const made = await plans.make(ref, paths, targetDir, stageId).catch((error: unknown) => {
          staging.discard(stageId);
          throw error;
        });
        const { count, totalBytes, needsConfirmation, skipped } = made.plan;
        // A plan with nothing in it is never started: its folder can go now.
        if (count === 0) staging.discard(stageId);
        return {
          ok: true,
          data: {
            planId: made.planId,
            count,
            totalBytes,
            needsConfirmation,
            // The page knows its files by their relative names, not by where main staged them.
            skipped: skipped.map((s) => ({ ...s, path: path.relative(dir, s.path) || s.path })),
            targetDir: made.targetDir,
          },
        };
      } catch (error) {
        return { ok: false, error: toBridgeError(error, logger) };
      }
    },
    close: off,
  };
}
