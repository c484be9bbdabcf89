import type { Mirror } from '../mirror';
import type { common as en } from '../en/common';

export const common = {
  appName: 'OpenHands Desktop',
  save: '保存',
  cancel: '取消',
  close: '关闭',
  retry: '重试',
  delete: '删除',
  confirm: '确认',
  loading: '加载中…',
  offlineBanner: '离线：无法连接 {servers}。操作已排队，服务器恢复后发送。',
  offlineBannerAll: '您已离线。操作已排队，服务器恢复后发送。',
  lastSynced: '上次同步：{when}。',
  disconnected: '应用未在运行：此页面与它的连接已断开。正在重新连接…',
  notAnswering: '应用没有响应。正在等待…',
  storageReadOnly:
    '只读：无法写入应用的数据文件夹。已保存的内容可以查看，但在该文件夹恢复可写之前，无法排队新操作，也无法保存设置。已保存的内容不会丢失。',
  storageDiskFull: '磁盘已满：应用无法保存。请释放一些空间；在此之前无法排队新操作。已保存的内容不会丢失。',
  disconnectedDetail:
    '屏幕上的内容可能已过时；在应用恢复之前，您在此处的操作不会发送到任何服务器。已排队的操作已保存，应用再次运行时会发送。',
  online: '在线',
  offline: '离线',
  unknownHealth: '检查中…',
  navConversations: '会话',
  navServers: '服务器',
  navSettings: '设置',
  pendingActions: '待处理操作（{count}）',
  justNow: '刚刚',
} satisfies Mirror<typeof en>;
