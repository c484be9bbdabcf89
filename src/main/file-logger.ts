// The main process's log file: what the services report (Logger), also on the console, written by
// electron-log's file transport (its Node build: the same code in Electron's main process and in browser
// mode). One file, rotated at `maxBytes` into `<name>.old.log`. Messages never hold keys: callers log ids.
import log from 'electron-log/node';
import path from 'node:path';
import type { Logger } from './logger';

export interface FileLogger extends Logger {
  /** The log file (its folder is what "Open Logs Folder" opens). */
  readonly file: string;
}

export function createFileLogger(
  file: string,
  options: { maxBytes?: number; console?: boolean } = {},
): FileLogger {
  // An instance of its own: electron-log's default one is global, and tests open several.
  const instance = log.create({ logId: `openhands-${path.resolve(file)}` });
  const transport = instance.transports.file;
  transport.resolvePathFn = () => file;
  transport.maxSize = options.maxBytes ?? 5 * 1024 * 1024;
  transport.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  // Readable by the user only (the default is 0o666 less the umask).
  transport.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  instance.transports.console.level = options.console === false ? false : 'info';
  instance.transports.console.format = '[openhands] {text}';
  return {
    file,
    info: (message) => instance.info(message),
    warn: (message) => instance.warn(message),
    error: (message) => instance.error(message),
  };
}
