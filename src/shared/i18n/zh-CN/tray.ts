// Main process: the tray icon's menu, tooltip and badge (src/main/notify/tray-model.ts).
import type { Mirror } from '../mirror';
import type { tray as en } from '../en/tray';

export const tray = {
  needsYou: '需要你处理（{n}）',
  running: '运行中（{n}）',
  andMore: '还有 {n} 个…',
  nothingActive: '没有活动的会话',
  row: '{title} — {status}',
  startFailed: '启动失败',
  untitled: '未命名会话',
  show: '显示 {app}',
  hide: '隐藏 {app}',
  pause: '暂停通知',
  quit: '退出 {app}',
  tooltipNeedsYou: '需要你处理：{n}',
  tooltipRunning: '运行中：{n}',
  tooltipPaused: '通知已暂停',
  badge_other: '{count} 个会话需要你处理',
} satisfies Mirror<typeof en>;
