// What the user reads when the app cannot start (index.ts shows it in a dialog, then quits): what failed and
// what to do, in the system's language — never a silent tray icon with no window behind it.
import { translator, type UiLanguage } from '../../shared/i18n/translator';
import { storageProblemKind } from '../storage/storage-errors';

export interface StartupFailureText {
  title: string;
  body: string;
}

export function startupFailureText(
  error: unknown,
  context: { dataDir: string; logFile: string; language: UiLanguage },
): StartupFailureText {
  const t = translator(context.language);
  const keychain = error instanceof Error && 'code' in error && error.code === 'keychain-unavailable';
  const reason = error instanceof Error ? error.message : String(error);
  const what = storageProblemKind(error)
    ? t('startup.storage', { dir: context.dataDir })
    : keychain
      ? t('startup.keychain')
      : t('startup.other', { reason });
  return { title: t('startup.title'), body: `${what}${t('startup.log', { file: context.logFile })}` };
}
