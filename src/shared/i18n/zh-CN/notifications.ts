// Main process: the text of native notifications (src/main/notify/notification-model.ts).
import type { Mirror } from '../mirror';
import type { notifications as en } from '../en/notifications';

export const notifications = {
  needsConfirmation: '需要你确认后才能继续',
  waitingForInput: '正在等待你的输入',
  error: '因错误而停止',
  startFailed: '启动失败',
  finished: '已完成',
  manyNeedsConfirmation_other: '{count} 个会话需要你确认',
  manyWaitingForInput_other: '{count} 个会话正在等待你的输入',
  manyError_other: '{count} 个会话因错误而停止',
  manyStartFailed_other: '{count} 个会话启动失败',
  manyFinished_other: '{count} 个会话已完成',
  untitled: '未命名会话',
  listSeparator: '、',
  andMore: '{list} 及另外 {n} 个',
} satisfies Mirror<typeof en>;
