import type { Mirror } from '../mirror';
import type { updates as en } from '../en/updates';

export const updates = {
  failed: '无法检查更新。应用仍可正常使用，明天会再试一次。',
  checking: '正在检查更新…',
  upToDate: 'OpenHands Desktop {version} 已是最新版本。',
  downloading: '正在下载更新 {version}：{percent}%',
  ready: '更新已就绪：版本 {version}。重新启动即可使用。',
  restart: '重新启动',
  waitingForOutbox: '正在发送的操作送达服务器后将重新启动…',
  dismiss: '关闭',
  region: '更新',
} satisfies Mirror<typeof en>;
