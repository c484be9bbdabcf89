import type { Mirror } from '../mirror';
import type { serverErrors as en } from '../en/serverErrors';

export const serverErrors = {
  // 启动会话
  startCancelled: '已取消启动。',
  startFollowCancelled: '已取消跟踪启动进度。',
  startBrokeOff: '{server} 中断了启动。',
  startBrokeOffBecause: '{server} 中断了启动：{reason}。',
  startStoppedReporting: '{server} 不再报告启动进度。',
  startTaskUnreadable: '{server} 发来的启动任务本应用无法读取。',
  startTaskNone: '{server} 没有发来任何启动任务。',
  startTaskGone: '启动任务已从服务器上消失。',
  startTimeout_other: '会话未能在 {count} 分钟内启动。',
  startFailed: '会话无法启动：{reason}。',
  startFailedNoReason: '会话无法启动：服务器未说明原因。',

  // 无法连接智能体时，会话沙箱的状态
  sandboxStarting: '该会话的沙箱正在启动；请恢复沙箱以连接智能体。',
  sandboxRunning: '该会话的沙箱正在运行；请恢复沙箱以连接智能体。',
  sandboxPaused: '该会话的沙箱已暂停；请恢复沙箱以连接智能体。',
  sandboxError: '该会话的沙箱出错了；请恢复沙箱以连接智能体。',
  sandboxMissing: '该会话的沙箱已不存在；请恢复沙箱以连接智能体。',
  sandboxUnknown: '该会话的沙箱状态未知；请恢复沙箱以连接智能体。',
  sandboxNotRunningYet: '该会话还没有正在运行的沙箱；请恢复沙箱以连接智能体。',
  sandboxNoneYet: '会话 {id} 还没有沙箱。',
  sandboxResumeError: '该会话的沙箱无法恢复（出错）。',
  sandboxResumeMissing: '该会话的沙箱无法恢复（已不存在）。',
  sandboxResumeTimeout: '该会话的沙箱未能在 {minutes} 分钟内恢复。',

  // 恢复智能体（智能体服务器返回 HTTP 409）
  credentialsActivating: '智能体服务器仍在激活凭据；恢复操作会等待。',
  credentialsActivatingBecause: '智能体服务器仍在激活凭据；恢复操作会等待。（{reason}）',
  previousStep: '智能体仍在完成上一步；恢复操作会等待。',
  previousStepBecause: '智能体仍在完成上一步；恢复操作会等待。（{reason}）',

  // 发送前即被拒绝的操作
  emptyMessage: '消息不能为空。',
  titleLength: '标题须为 1 到 200 个字符。',
  confirmationNeedsV1: '确认操作需要 V1 API。',
  downloadsNeedV1: '下载需要 V1 API。',
  binaryLegacyUpload: '{name} 是二进制文件；旧版（V0）服务器会损坏上传的二进制文件，因此未发送。',
  notAnEventPage: '“{page}”不是此会话事件的有效页。',
  requestCancelled: '请求已取消。',

  // 本应用无法使用的响应
  noConversation: '{server} 上没有会话 {id}。',
  unreadableRow: '{server} 发来的会话 {id} 的数据无法读取。',
  unreadableResponse: '{host} 发来的响应本应用无法读取。',
  notOpenHands: '{server} 有响应，但不像 OpenHands 服务器（没有会话列表）。',
  unexpectedDeleteAnswer: '{server} 对删除请求的响应不符合预期。',
  unexpectedUploadAnswer: '{server} 对上传请求的响应不符合预期。',
  unknownEventsForm: '{server} 发来的事件格式本应用无法识别。',

  agentServerTooOld:
    '{server} 运行的是智能体服务器 {version}；本应用需要 {min} 或更新版本（与 OpenHands 官方应用相同）。请更新智能体服务器。',
  workingDirRequired: '请选择智能体在 {server} 上工作的文件夹。',
  notAgentServer: '{server} 不是智能体服务器。',
  noSandboxes: '{server} 是智能体服务器：没有可暂停或恢复的沙箱。',
  folderUnreadable: '{server} 无法列出 {path}：{reason}',
} satisfies Mirror<typeof en>;
