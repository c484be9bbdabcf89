import type { DisplayStatus } from '../../../shared/status';

export const status = {
  starting: '启动中',
  running: '运行中',
  'waiting-for-input': '等待输入',
  'needs-confirmation': '需要确认',
  finished: '已完成',
  paused: '已暂停',
  stopped: '已停止',
  archived: '已归档',
  error: '出错',
  unknown: '未知',
} satisfies Record<DisplayStatus, string>;
