// Main process: the dialog shown when the app cannot start (src/main/shell/startup-failure.ts).
import type { Mirror } from '../mirror';
import type { startup as en } from '../en/startup';

export const startup = {
  title: 'OpenHands Desktop 无法启动',
  storage:
    '无法使用其数据文件夹：{dir}\n\n请确认磁盘有可用空间，且该文件夹属于您并可写入，然后重新启动应用。如需使用其他文件夹启动：--user-data-dir=<文件夹>。',
  keychain: '系统钥匙串没有响应（它可能已锁定，正在等待您的密码）。\n\n请解锁后重新启动应用。',
  other: '启动时出错：{reason}',
  log: '\n\n详细信息见日志：{file}',
} satisfies Mirror<typeof en>;
