// 主进程：调用服务器失败时的 ApiError 消息（errors.ts、http-client.ts、ids.ts、file-transfer.ts、
// agent-address.ts、json-array-stream.ts）。{server} 是主机名，{reason} 是服务器的原话。
import type { Mirror } from '../mirror';
import type { apiErrors as en } from '../en/apiErrors';

export const apiErrors = {
  // errors.ts：HTTP 错误状态
  unauthorized: '{server} 未接受该 API 密钥。请检查该服务器设置中的密钥。',
  unauthorizedBecause: '{server} 未接受该 API 密钥。请检查该服务器设置中的密钥。（{reason}）',
  forbidden: '{server} 拒绝了使用此密钥的访问。',
  forbiddenBecause: '{server} 拒绝了使用此密钥的访问（{reason}）。',
  notFound: '{server} 上没有该项目。',
  notFoundBecause: '{server} 上没有该项目（{reason}）。',
  conflict: '{server} 因当前状态而拒绝了请求。',
  conflictBecause: '{server} 因当前状态而拒绝了请求（{reason}）。',
  rateLimited: '{server} 正在限制请求频率。',
  rateLimitedRetry: '{server} 正在限制请求频率。请在 {seconds} 秒后重试。',
  badRequest: '{server} 拒绝了该请求。',
  badRequestBecause: '{server} 拒绝了该请求（{reason}）。',
  serverError: '{server} 发生内部错误（HTTP {status}）。',
  serverErrorBecause: '{server} 发生内部错误（HTTP {status}，{reason}）。',
  unexpectedStatus: '{server} 返回了意外的 HTTP {status}。',
  unexpectedStatusBecause: '{server} 返回了意外的 HTTP {status}（{reason}）。',
  redirect:
    '{server} 没有直接应答，而是进行了重定向（HTTP {status}）。如果服务器已迁移，请在“服务器”中修改它的地址；本应用不会跟随重定向，因此 API 密钥只会发送到您输入的地址。',
  redirectTo:
    '{server} 没有直接应答，而是重定向到 {target}（HTTP {status}）。如果服务器已迁移，请在“服务器”中修改它的地址；本应用不会跟随重定向，因此 API 密钥只会发送到您输入的地址。',

  // http-client.ts
  theServer: '服务器',
  cancelled: '请求已取消。',
  timeout: '{server} 未在 {seconds} 秒内应答。',
  unreachable: '无法连接到 {server}：{reason}。',
  brokeOff: '{server} 中断了响应：{reason}。',
  unreadable: '{server} 发来的响应本应用无法读取：{issue}。',
  unreadableAt: '{server} 发来的响应本应用无法读取（位置 {path}）：{issue}。',
  unreadableIssue: '无效',
  malformedJson: '{server} 发来了格式错误的 JSON。',
  tooLarge: '{server} 发来的响应超过 {mb} MB，已被拒收。',
  reasonRefused: '该地址上没有程序在监听（连接被拒绝）',
  reasonUnresolved: '无法解析该主机名',
  reasonReset: '连接被重置',
  reasonTimedOut: '连接超时',
  reasonNetwork: '网络错误',

  // ids.ts
  invalidConversationId: '{value} 不是有效的会话 ID。',
  invalidStartTaskId: '{value} 不是有效的启动任务 ID。',
  invalidSandboxId: '{value} 不是有效的沙箱 ID。',

  // file-transfer.ts
  notAbsolutePath: '“{path}”不是工作区中的绝对路径。',
  dotSegments: '“{path}”中不能包含“.”或“..”路径段。',
  cannotReadFile: '无法读取 {file}：{reason}',
  notAFile: '{file} 不是文件。',
  transferCancelled: '传输已取消。',
  transferStalled: '{server} 在传输过程中停止了响应。',
  transferFailed: '传输过程中与 {server} 的连接失败（{code}）。',
  downloadEndedEarly: '从 {server} 下载的内容提前中断了。',

  // agent-address.ts
  invalidAgentAddress:
    '{server} 给出的智能体地址无效：{reason}。本应用只通过 http 或 https 与位于该服务器自身主机或其允许主机上的智能体通信。{hint}',
  agentReasonNotUrl: '它不是 URL',
  agentReasonNotHttp: '{protocol} 不是 http 或 https',
  agentReasonCredentials: '其中带有用户名或密码',
  agentReasonHost: '{host} 既不是该服务器的主机（{appHost}），也不是为它允许的主机',
  agentReasonEmptyHost: '空主机既不是该服务器的主机（{appHost}），也不是为它允许的主机',
  agentHostHint: '如果该服务器的智能体确实运行在 {host} 上，请在“服务器 → 编辑 → 智能体主机”中允许该主机。',

  // json-array-stream.ts
  streamUnexpected: '流式 JSON 数组中出现了意外的 {char}',
  streamElementTooLarge: '流式 JSON 元素过大',
  streamEndedEarly: '流式 JSON 数组提前结束',
} satisfies Mirror<typeof en>;
