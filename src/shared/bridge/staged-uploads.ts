// Browser mode's uploads. A page in a browser tab has File objects but no paths, so its bridge streams each
// file to main first (`POST /uploads/stage`), then plans the staged folder with `uploads:planStaged`. Both
// exist only on the browser-mode transport: this channel is not in channels.ts, so the Electron preload
// cannot expose it and Electron IPC never registers it (src/main/web/ answers it; see docs/bridge.md).
// Plain data, no zod: the browser bundle imports it; main validates the input (src/main/web/staged-uploads.ts).
import type { ConversationRef } from '../conversations';

/** Where the page POSTs one file: `?name=<relative path>` and, after the first file, `&plan=<stage id>`. */
export const STAGE_UPLOAD_PATH = '/uploads/stage';

/** The socket-only channel that turns a staged folder into an upload plan (answers an UploadPlanView). */
export const PLAN_STAGED_CHANNEL = 'uploads:planStaged';

/** The largest single file a page may stage (the sandbox is the real limit; this bounds the local disk). */
export const MAX_STAGED_FILE_BYTES = 20 * 1024 ** 3;

/** `uploads:planStaged`'s input: the stage main minted for the first file, and where the files go. */
export interface PlanStagedInput {
  ref: ConversationRef;
  stageId: string;
  targetDir?: string;
}

/** The answer to one staged file. */
export interface StagedFileReceipt {
  stageId: string;
  /** The relative path it was stored under (sanitised). */
  name: string;
  bytes: number;
}
