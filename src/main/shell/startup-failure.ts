// What the user reads when the app cannot start (index.ts shows it in a dialog, then quits): what failed and
// what to do, in the system's language — never a silent tray icon with no window behind it.
import { storageProblemKind } from '../storage/storage-errors';

export interface StartupFailureText {
  title: string;
  body: string;
}

const TEXT = {
  en: {
    title: 'OpenHands Desktop could not start',
    storage: (dir: string) =>
      `Its data folder cannot be used: ${dir}\n\nCheck that the disk has free space and that the folder belongs to you and can be written, then start the app again. To start with another folder: --user-data-dir=<folder>.`,
    keychain:
      'The system keychain did not answer (it may be locked and waiting for your password).\n\nUnlock it, then start the app again.',
    other: (reason: string) => `Something failed while starting: ${reason}`,
    log: (file: string) => `\n\nDetails are in the log: ${file}`,
  },
  'zh-CN': {
    title: 'OpenHands Desktop 无法启动',
    storage: (dir: string) =>
      `无法使用其数据文件夹：${dir}\n\n请确认磁盘有可用空间，且该文件夹属于您并可写入，然后重新启动应用。如需使用其他文件夹启动：--user-data-dir=<文件夹>。`,
    keychain: '系统钥匙串没有响应（它可能已锁定，正在等待您的密码）。\n\n请解锁后重新启动应用。',
    other: (reason: string) => `启动时出错：${reason}`,
    log: (file: string) => `\n\n详细信息见日志：${file}`,
  },
} as const;

export function startupFailureText(
  error: unknown,
  context: { dataDir: string; logFile: string; language: 'en' | 'zh-CN' },
): StartupFailureText {
  const t = TEXT[context.language];
  const keychain = error instanceof Error && 'code' in error && error.code === 'keychain-unavailable';
  const reason = error instanceof Error ? error.message : String(error);
  const what = storageProblemKind(error)
    ? t.storage(context.dataDir)
    : keychain
      ? t.keychain
      : t.other(reason);
  return { title: t.title, body: `${what}${t.log(context.logFile)}` };
}
